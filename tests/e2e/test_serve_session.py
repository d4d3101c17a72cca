"""What a served reader shows: no feed updates of its own, no host paths, its own briefing.

The real OpenSSH client in a pty against `briefing serve` on 127.0.0.1.
Skips like tests/e2e/test_serve_ssh.py (and fails under BRIEFING_REQUIRE_SSH=1).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.ptyterm import Terminal
from tests.servetools import (
    Served,
    make_key,
    openssh_and_asyncssh,  # noqa: F401 - the same skip rule
)

BUNDLED = Path(__file__).resolve().parents[2] / "content" / "iran-pakistan-2024-01.yaml"
BUNDLED_TITLE = "Iran and Pakistan trade strikes"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    os.chmod(tmp_path, 0o700)
    return tmp_path


def _story(library: Path, name: str, title: str, date: str) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    text = text.replace("id: iran-pakistan-2024-01", f"id: {name}", 1)
    text = text.replace("title: Iran and Pakistan trade strikes", f"title: {title}", 1)
    path = library / f"{name}.yaml"
    path.write_text(text.replace("date: 2024-01-19", f"date: {date}", 1), encoding="utf-8")
    return path


def _quit(terminal: Terminal) -> None:
    terminal.press("q")
    assert terminal.wait_exit(timeout=15) == 0


def test_a_session_says_the_host_updates_feeds(home: Path) -> None:
    server = Served(home)
    terminal = server.connect(make_key(home, "k"), columns=120, lines=30)
    try:
        assert terminal.wait_for("Glossary", timeout=30), terminal.text()
        terminal.settle()
        terminal.press("U")
        assert terminal.wait_for("The host updates the feeds", timeout=10), terminal.text()
        assert "Updating feeds" not in terminal.text()
        terminal.press("ctrl+p")
        terminal.settle()
        terminal.write(b"Update")
        terminal.settle()
        assert "Update feeds" not in terminal.text(), terminal.text()
        terminal.press("escape")
        terminal.settle()
        _quit(terminal)
    finally:
        terminal.close()
        assert server.stop() == 0


def test_a_reload_notice_names_the_briefing_not_the_hosts_path(home: Path) -> None:
    library = home / "news-folder-on-the-host"
    library.mkdir()
    story = _story(library, "nudged-story", "Iran and Pakistan trade strikes", "2024-01-20")
    server = Served(home, "--watch", "0.5", str(library))
    terminal = server.connect(make_key(home, "k"), columns=160, lines=40)
    try:
        assert terminal.wait_for("Glossary", timeout=30), terminal.text()
        terminal.settle()
        text = story.read_text(encoding="utf-8")
        story.write_text(text.replace("title: Iran and Pakistan", "title: Nudged, Iran and", 1))
        assert terminal.wait_for("Reloaded", timeout=15), terminal.text()
        screen = terminal.text()
        assert "news-folder-on-the-host" not in screen and "nudged-story.yaml" not in screen
        assert "Nudged, Iran and" in screen
        story.write_text("id: [unclosed\n", encoding="utf-8")  # a save that does not load
        assert terminal.wait_for("1:", timeout=15), terminal.text()
        terminal.settle()
        assert "news-folder-on-the-host" not in terminal.text(), terminal.text()
        _quit(terminal)
    finally:
        terminal.close()
        assert server.stop() == 0


def test_reconnecting_opens_the_briefing_that_key_was_reading(home: Path) -> None:
    library = home / "news"
    library.mkdir()
    _story(library, "older-story", "An older story", "2024-06-01")
    server = Served(home, str(library))
    key = make_key(home, "k")
    try:
        first = server.connect(key)
        try:
            assert first.wait_for("An older story", timeout=30), first.text()
            first.settle()
            _quit(first)
        finally:
            first.close()
        _story(library, "newer-story", "A newer story", "2025-02-01")
        server.process.send_signal(signal.SIGHUP)
        assert server.wait_log("library reloaded: 3 briefings"), server.log()
        again = server.connect(key)
        try:
            assert again.wait_for("Glossary", timeout=30), again.text()
            again.settle()
            assert "An older story" in again.text(), again.text()
            _quit(again)
        finally:
            again.close()
        stranger = server.connect(make_key(home, "stranger"))
        try:
            assert stranger.wait_for("A newer story", timeout=30), "a new key opens the newest"
            _quit(stranger)
        finally:
            stranger.close()
    finally:
        assert server.stop() == 0
