"""Kept models: a file checked before opens from its model, and only that very file does."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import generate
from briefing.format import loader
from briefing.format.loader import BriefingError, display_path
from briefing.store import modelcache
from briefing.store.modelcache import KEPT_ENTRIES, entry_name, load_kept, write_pending

BIG = generate(sections=60, glossary=200, timeline=40, words=120)


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the files the real loader read (a kept model is not a load)."""
    seen: list[str] = []
    real = loader.load_bytes

    def counted(data: bytes, shown: str = "<input>", path: Path | None = None) -> loader.Loaded:
        seen.append(shown)
        return real(data, shown, path)

    monkeypatch.setattr(modelcache, "load_bytes", counted)
    modelcache._pending.clear()  # what tests run before in this process loaded
    yield seen
    modelcache._pending.clear()


def big_file(folder: Path, name: str = "big.yaml", text: str = BIG) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def entries() -> list[Path]:
    folder = modelcache.cache_dir()
    return sorted(folder.glob("*" + modelcache.SUFFIX)) if folder.is_dir() else []


def test_a_file_opened_again_comes_from_its_kept_model(tmp_path: Path, loads: list[str]) -> None:
    path = big_file(tmp_path)
    first = load_kept(path)
    assert len(loads) == 1 and entries() == [], "nothing is written before write_pending"
    assert write_pending() == 1
    assert len(entries()) == 1
    again = load_kept(path)
    assert len(loads) == 1, "the second open did not load the YAML"
    assert again.briefing == first.briefing
    assert again.briefing.path == path
    assert again.warnings == first.warnings
    assert again.briefing.mentions == first.briefing.mentions
    assert os.stat(entries()[0]).st_mode & 0o077 == 0, "the entry is the user's alone"


def test_an_edited_file_is_loaded_again(tmp_path: Path, loads: list[str]) -> None:
    path = big_file(tmp_path)
    load_kept(path)
    write_pending()
    big_file(tmp_path, text=BIG.replace("A generated briefing", "An edited briefing", 1))
    edited = load_kept(path)
    assert len(loads) == 2
    assert edited.briefing.title.startswith("An edited briefing")


def test_the_same_bytes_at_another_path_are_another_entry(tmp_path: Path, loads: list[str]) -> None:
    first, second = big_file(tmp_path, "one.yaml"), big_file(tmp_path, "two.yaml")
    load_kept(first)
    write_pending()
    loaded = load_kept(second)
    assert loads == [display_path(first), display_path(second)]
    assert loaded.briefing.path == second


def test_other_loader_code_never_reads_an_entry(
    tmp_path: Path, loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_file(tmp_path)
    load_kept(path)
    write_pending()
    monkeypatch.setattr(modelcache, "_code", b"another version of the loader")
    load_kept(path)
    assert len(loads) == 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle at all", pickle.dumps({"a": "dict, not a model"})],
    ids=["empty", "garbage", "another object"],
)
def test_a_damaged_entry_is_dropped_and_the_file_loaded(
    tmp_path: Path, loads: list[str], damage: bytes
) -> None:
    path = big_file(tmp_path)
    first = load_kept(path)
    write_pending()
    (entry,) = entries()
    entry.write_bytes(damage)
    loaded = load_kept(path)
    assert len(loads) == 2
    assert loaded.briefing == first.briefing
    assert not entry.exists(), "the damaged entry is gone, so the next write replaces it"


def test_an_entry_others_could_write_is_not_read(tmp_path: Path, loads: list[str]) -> None:
    path = big_file(tmp_path)
    load_kept(path)
    write_pending()
    (entry,) = entries()
    entry.chmod(0o662)
    load_kept(path)
    assert len(loads) == 2
    entry.chmod(0o600)
    entry.parent.chmod(0o777)
    load_kept(path)
    assert len(loads) == 3, "nor one in a folder others could write"
    entry.parent.chmod(0o700)
    load_kept(path)
    assert len(loads) == 3


def test_a_symlink_in_place_of_an_entry_is_not_followed(tmp_path: Path, loads: list[str]) -> None:
    path = big_file(tmp_path)
    load_kept(path)
    write_pending()
    (entry,) = entries()
    elsewhere = tmp_path / "elsewhere.model"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    load_kept(path)
    assert len(loads) == 2


OPEN_IN_A_NEW_PROCESS = """
import json, sys
from pathlib import Path
from briefing.store.modelcache import load_kept, write_pending
loaded = load_kept(Path(sys.argv[1]))
checker = sorted(m for m in sys.modules if m == "yaml" or m.startswith("briefing.format.yaml")
                 or m in ("briefing.format.validate", "briefing.format.fields"))
print(json.dumps({"id": loaded.briefing.id, "checker": checker, "written": write_pending()}))
"""


def test_a_small_file_opened_again_needs_no_yaml_parser(tmp_path: Path) -> None:
    """The bundled briefing reads in milliseconds, but reading YAML at all imports
    PyYAML and the checker (~15 ms and ~1.5 MiB of the reader's start-up)."""
    bundled = Path(__file__).parents[2] / "content" / "iran-pakistan-2024-01.yaml"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def open_it() -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "-c", OPEN_IN_A_NEW_PROCESS, str(bundled)],
            env=env, capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        found: dict[str, Any] = json.loads(done.stdout)
        return found

    first = open_it()
    assert first["written"] == 1
    assert "yaml" in first["checker"] and "briefing.format.validate" in first["checker"]
    again = open_it()
    assert again == {"id": "iran-pakistan-2024-01", "checker": [], "written": 0}


def test_refused_files_are_refused_every_time_and_never_kept(
    tmp_path: Path, loads: list[str]
) -> None:
    path = big_file(tmp_path, text=BIG.replace("briefing: 1", "briefing: 2", 1))
    for _ in range(2):
        with pytest.raises(BriefingError) as refused:
            load_kept(path)
        assert "big.yaml:1:" in str(refused.value.diagnostics[0])
    assert write_pending() == 0 and entries() == []
    with pytest.raises(BriefingError):
        load_kept(tmp_path / "missing.yaml")


def test_the_least_recently_opened_go_past_the_bound(
    tmp_path: Path, loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert KEPT_ENTRIES >= 100, "a whole library of briefings is kept"
    kept = 4  # the bound's rule, on few files
    monkeypatch.setattr(modelcache, "KEPT_ENTRIES", kept)
    paths = [big_file(tmp_path, f"b{n}.yaml") for n in range(kept + 3)]
    for number, path in enumerate(paths):
        load_kept(path)
        write_pending()
        entry = modelcache.cache_dir() / entry_name(path.read_bytes(), display_path(path), path)
        os.utime(entry, (1e9 + number, 1e9 + number))  # distinct ages, without sleeping
    assert len(entries()) == kept
    del loads[:]
    load_kept(paths[-1])
    load_kept(paths[0])
    assert loads == [display_path(paths[0])], "the oldest went, the newest stayed"


def test_a_model_pickles_by_its_fields_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each model object is its class and its fields: the per-object state
    methods `dataclasses` writes (each calls `fields()`) were most of the cost."""
    from briefing.format import model

    def refused(*_: object) -> None:
        raise AssertionError("pickled through dataclasses' state methods")

    loaded = loader.load_path(big_file(tmp_path))
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, model.FieldsPickled):
            monkeypatch.setattr(value, "__getstate__", refused, raising=False)
            monkeypatch.setattr(value, "__setstate__", refused, raising=False)
    back = pickle.loads(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == loaded
    assert back.briefing.path == loaded.briefing.path  # not compared by ==
    assert back.briefing.mentions == loaded.briefing.mentions
