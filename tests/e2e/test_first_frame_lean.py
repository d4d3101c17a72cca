"""What the real reader has imported when its first frame is drawn, in a pty.

The reader runs as `python -m briefing` does, with one change: when the app
reaches its after-the-first-frame hook, the names in `sys.modules` are
written to a file. Modules listed here are needed later or never in a
session, so they must not be paid for before the first frame.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.ptyterm import Terminal
from tests.ptytools import pty_env

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from pathlib import Path
from briefing.tui.app import BriefingApp

after = BriefingApp._after_first_frame
out = Path(sys.argv[1])

def snapshot(self):
    out.write_text(json.dumps(sorted(sys.modules)))
    after(self)

BriefingApp._after_first_frame = snapshot
sys.argv = ["briefing", "--fresh", *sys.argv[2:]]
from briefing.cli.main import main
sys.exit(main())
"""


def modules_at_first_frame(tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    terminal = Terminal(
        [sys.executable, "-c", PROBE, str(out), *args],
        env=pty_env(tmp_path),
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
    return set(json.loads(out.read_text()))


@pytest.fixture(scope="module")
def at_first_frame(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    return modules_at_first_frame(tmp_path_factory.mktemp("lean"), str(ROOT / "content"))


def test_the_probe_sees_the_reader(at_first_frame: set[str]) -> None:
    assert {"textual.app", "briefing.tui.app", "briefing.tui.widgets.article"} <= at_first_frame


@pytest.mark.parametrize(
    "module",
    [
        "importlib.metadata",  # only `--version` needs the installed version
        "briefing.tui.palette",  # the command palette's providers
        "briefing.tui.screens.libraryscreen",
        "briefing.tui.screens.help",
        "briefing.tui.screens.diffview",
        "briefing.feeds.background",
        "httpx",
        "asyncssh",
    ],
)
def test_not_loaded_before_the_first_frame(at_first_frame: set[str], module: str) -> None:
    assert module not in at_first_frame
