"""What the real reader has imported and loaded when its first frame is drawn, in a pty.

The reader runs as `python -m briefing` does, with two changes: the library
counts the briefing files it loads, and when the app reaches its
after-the-first-frame hook, the names in `sys.modules` and the files loaded
are written to a file. Modules listed here are needed later or never in a
session, so they must not be paid for before the first frame.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.ptyterm import Terminal
from tests.ptytools import pty_env

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, json, sys
from pathlib import Path
import briefing.store.library
from briefing.tui.app import BriefingApp

after = BriefingApp._after_first_frame
out = Path(sys.argv[1])
loaded = []
load_kept = briefing.store.library.load_kept

def counted_load(path):
    loaded.append(str(path))
    return load_kept(path)

briefing.store.library.load_kept = counted_load

def snapshot(self):
    found = {"modules": sorted(sys.modules), "loaded": loaded, "collecting": gc.isenabled()}
    after(self)
    found["collecting_after"] = gc.isenabled()
    out.write_text(json.dumps(found))

BriefingApp._after_first_frame = snapshot
sys.argv = ["briefing", "--fresh", *sys.argv[2:]]
from briefing.cli.main import main
sys.exit(main())
"""


def at_the_first_frame(tmp_path: Path, *args: str, **env: str) -> dict[str, Any]:
    out = tmp_path / "probe.json"
    # A second probe in the same folder must not read the first one's answer: the
    # first frame can be on screen before the hook has written this start's file.
    out.unlink(missing_ok=True)
    terminal = Terminal(
        [sys.executable, "-c", PROBE, str(out), *args],
        env=pty_env(tmp_path, **env),
        cwd=str(tmp_path),
        columns=100,
        lines=30,
    )
    try:
        assert terminal.wait_for("Commands"), terminal.text()
        assert terminal.wait_until(out.exists, timeout=20), terminal.text()
        terminal.press("q")
        terminal.wait_exit(timeout=10)
    finally:
        terminal.close()
    found: dict[str, Any] = json.loads(out.read_text())
    return found


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return at_the_first_frame(tmp_path_factory.mktemp("lean"), str(ROOT / "content"))


@pytest.fixture(scope="module")
def at_first_frame(probed: dict[str, Any]) -> set[str]:
    return set(probed["modules"])


def test_the_collector_waits_for_the_first_frame(probed: dict[str, Any]) -> None:
    """Start-up makes objects that live as long as the reader: scanning them for
    cycles again and again before the first frame only delayed it (~60 ms)."""
    assert probed["collecting"] is False
    assert probed["collecting_after"] is True


def test_the_probe_sees_the_reader(at_first_frame: set[str]) -> None:
    assert {"textual.app", "briefing.tui.app", "briefing.tui.widgets.article"} <= at_first_frame


@pytest.mark.parametrize(
    "module",
    [
        "importlib.metadata",  # only `--version` needs the installed version
        "tomllib",  # only a preferences.toml to take in
        "_hashlib",  # OpenSSL: the reader hashes with CPython's own BLAKE2b
        "briefing.tui.palette",  # the command palette's providers
        "briefing.tui.screens.libraryscreen",
        "briefing.tui.screens.help",
        "briefing.tui.screens.diffview",
        "briefing.tracking.worddiff",  # a section's word diff, for the diff view
        "briefing.feeds.background",
        "httpx",
        "asyncssh",
    ],
)
def test_not_loaded_before_the_first_frame(at_first_frame: set[str], module: str) -> None:
    assert module not in at_first_frame


def test_a_named_file_opens_without_loading_the_rest_of_the_library(tmp_path: Path) -> None:
    """The library screen finds the others when it opens (tests/app/test_app_library.py)."""
    folder = tmp_path / "library"
    folder.mkdir()
    other = (ROOT / "content" / "iran-pakistan-2024-01.yaml").read_text(encoding="utf-8")
    other = other.replace("id: iran-pakistan-2024-01", "id: another-briefing", 1)
    assert "another-briefing" in other
    (folder / "another.yaml").write_text(other, encoding="utf-8")
    named = ROOT / "content" / "iran-pakistan-2024-01.yaml"
    found = at_the_first_frame(tmp_path, str(named), BRIEFING_PATH=str(folder))
    assert found["loaded"] == [str(named)]


def test_a_briefing_opened_again_starts_without_the_yaml_parser(tmp_path: Path) -> None:
    """The first open reads the YAML and keeps the checked model after the first frame;
    the next start comes from that model, so PyYAML and the checker (~15 ms and
    ~1.5 MiB of start-up) are not imported at all (briefing.store.modelcache)."""
    checker = {"yaml", "briefing.format.yamlsafe", "briefing.format.validate"}
    first = at_the_first_frame(tmp_path, str(ROOT / "content"))
    assert checker <= set(first["modules"]), "the first open reads the file"
    kept = sorted(p.name for p in tmp_path.rglob("*.model"))
    again = at_the_first_frame(tmp_path, str(ROOT / "content"))
    # What to look at when this fails: the models kept after the first open,
    # and which of the checker's modules the second start loaded.
    assert checker.isdisjoint(again["modules"]), (kept, checker & set(again["modules"]))
