"""End to end: the installed `briefing` command in a real pseudo-terminal, read with pyte."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.apptools import OTHER_SHAPE
from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Terminal]:
    assert BRIEFING, "the briefing console script is not installed next to this Python"
    terminal = Terminal([BRIEFING], columns=100, lines=30, env=pty_env(tmp_path), cwd=str(tmp_path))
    yield terminal
    terminal.close()


def test_reader_opens_and_answers_keys(term: Terminal, tmp_path: Path) -> None:
    assert term.wait_for("Glossary"), term.text()
    assert term.wait_for("Iran and Pakistan"), term.text()
    term.settle()
    term.press("c")
    assert term.wait_for("\u25b6 4. Analysis"), term.text()
    term.press("3", "enter")
    assert term.wait_for("\u25bc 3. Reactions"), term.text()
    term.press("/")
    term.write(b"Kerman")
    term.press("enter")
    assert term.wait_for("1 of "), term.text()
    term.press("tab", "/")
    # In one write, as a fast typist's line arrives over SSH: both Enters must
    # act on the filtered list (Gregory Brew's card), not on the unfiltered one.
    term.write(b"brew\r\r")
    assert term.wait_for("Mentions (2)"), term.text()
    assert "Gregory Brew" in term.text() and "Eurasia Group" in term.text(), term.text()
    term.press("escape", "escape", "tab", "q")
    assert term.wait_exit() == 0
    assert (tmp_path / "state" / "briefing" / "iran-pakistan-2024-01.json").is_file()


def test_reader_opens_a_file_given_on_the_command_line(tmp_path: Path) -> None:
    assert BRIEFING
    terminal = Terminal([BRIEFING, str(OTHER_SHAPE)], env=pty_env(tmp_path), cwd=str(tmp_path))
    try:
        assert terminal.wait_for("City votes to close"), terminal.text()
        terminal.press("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()


def test_a_refused_file_opens_nothing(tmp_path: Path) -> None:
    assert BRIEFING
    bad = tmp_path / "bad.yaml"
    bad.write_text("briefing: 1\nid: Bad\n")
    terminal = Terminal([BRIEFING, str(bad)], env=pty_env(tmp_path), cwd=str(tmp_path))
    try:
        assert terminal.wait_exit() == 1
        assert "bad.yaml:2:5: error:" in terminal.output.decode()
        assert "\x1b[?1049h" not in terminal.output.decode(), "no full-screen mode was entered"
    finally:
        terminal.close()


def test_dumb_terminal_gets_plain_text(tmp_path: Path) -> None:
    assert BRIEFING
    terminal = Terminal([BRIEFING], env=pty_env(tmp_path, TERM="dumb"), cwd=str(tmp_path))
    try:
        assert terminal.wait_exit() == 0
        output = terminal.output.decode()
        assert "Iran and Pakistan" in output and "--tui" in output
        assert "\x1b[" not in output
    finally:
        terminal.close()
