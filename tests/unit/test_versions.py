"""The remembered-version store: round trip, bounds, damage set aside, no read when unchanged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from briefing.store import versions
from briefing.store.state import ReadingState, load_state, save_state
from briefing.store.versions import (
    changes_since_read,
    encode,
    load_version,
    remember,
    save_version,
    version_path,
)
from briefing.tracking.changes import briefing_hash, version_of
from tests.changetools import model


def test_round_trip(tmp_path: Path) -> None:
    version = version_of(model([("a", "one"), ("b", "two \x1b[31m")], ["dana"], ["x"]))
    save_version(version, tmp_path)
    loaded, warning = load_version("story", tmp_path)
    assert warning is None and loaded == version


def test_never_read_is_none(tmp_path: Path) -> None:
    assert load_version("story", tmp_path) == (None, None)


@pytest.mark.parametrize(
    "damage", [b"{not json", b"[]", b'{"format": 1}', b"\xff\xfe", b'{"format": 1, "id": 3}']
)
def test_a_damaged_copy_is_set_aside_with_a_warning(tmp_path: Path, damage: bytes) -> None:
    path = version_path("story", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(damage)
    version, warning = load_version("story", tmp_path)
    assert version is None
    assert warning is not None and "moved aside" in warning
    assert not path.exists()
    assert len(list(path.parent.glob("story.json.corrupt-*"))) == 1


def test_size_bound_drops_the_longest_texts_first() -> None:
    version = version_of(model([("long", "word " * 2000), ("short", "tiny")]))
    payload = encode(version, limit=2000)
    assert len(payload) <= 2000
    sections = json.loads(payload)["sections"]
    assert sections[0]["text"] is None and sections[0]["hash"]
    assert sections[1]["text"] is not None


def test_oldest_versions_are_forgotten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "MAX_VERSIONS", 3)
    for n in range(5):
        save_version(version_of(model([("a", "x")], briefing_id=f"b{n}")), tmp_path)
    kept = sorted(p.name for p in (tmp_path / "versions").glob("*.json"))
    assert len(kept) == 3 and "b4.json" in kept


def test_the_hash_in_state_avoids_reading_the_remembered_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = model([("a", "one"), ("b", "two")])
    version, changes, warning = changes_since_read(first, None, tmp_path)
    assert version is None and changes is None and warning is None, "never read: no work"
    seen = remember(version_of(first), None, tmp_path)
    assert seen == briefing_hash(first)
    save_state("story", ReadingState(seen=seen), tmp_path)
    state, _ = load_state("story", tmp_path)
    assert state.seen == seen

    def no_read(*_args: object) -> object:
        raise AssertionError("the remembered text must not be read when the hash matches")

    monkeypatch.setattr(versions, "load_version", no_read)
    assert changes_since_read(first, state.seen, tmp_path)[1] is None
    monkeypatch.undo()

    second = model([("a", "one!"), ("c", "three")])
    _version, changes, _ = changes_since_read(second, state.seen, tmp_path)
    assert changes is not None
    assert changes.marked == {"a": "changed", "c": "new"}
    assert [c.id for c in changes.removed] == ["b"]


def test_a_fifo_in_place_of_a_version_is_set_aside_without_blocking(tmp_path: Path) -> None:
    path = version_path("story", tmp_path)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    version, warning = load_version("story", tmp_path)
    assert version is None
    assert warning is not None and "not a regular file" in warning
    assert not path.exists()


def test_deeply_nested_json_is_set_aside_not_a_recursion_error(tmp_path: Path) -> None:
    path = version_path("story", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    version, warning = load_version("story", tmp_path)
    assert version is None
    assert warning is not None and "nested deeper" in warning
    assert load_version("story", tmp_path) == (None, None)
