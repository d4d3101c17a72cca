"""The reader's input thread sleeps until input arrives, and still acts on every key.

Textual's own loop selects with a 0.1 s timeout: ten wake-ups a second in an
idle reader, the whole idle CPU of many served sessions. ReaderDriver blocks on
the terminal and a self-pipe instead, with a timeout only while a lone Escape
waits for the rest of its sequence. The first two tests watch the Textual
internals this relies on, so a Textual upgrade that makes the workaround
unneeded, or breaks it, fails here.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from briefing.tui.driver import TEXTUAL_POLL, input_timeout
from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env

TITLE = "Iran and Pakistan"


def test_textual_input_loop_still_polls() -> None:
    """When this fails, Textual sleeps on its own: ReaderDriver.run_input_thread can go."""
    source = inspect.getsource(LinuxDriver.run_input_thread)
    assert f"selector.select({TEXTUAL_POLL})" in source


def test_the_parser_keeps_its_escape_deadline_where_the_driver_reads_it() -> None:
    parser = XTermParser()
    assert input_timeout(parser) is None  # nothing pending: sleep until input
    list(parser.feed("\x1b"))
    assert hasattr(parser, "_timeout_time"), "Textual moved the parser's Escape deadline"
    timeout = input_timeout(parser)
    assert timeout is not None and 0 < timeout <= 1.0
    list(parser.feed("["))
    list(parser.feed("A"))
    assert input_timeout(parser) is None


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    assert BRIEFING, "the briefing console script is not installed next to this Python"
    started = Terminal([BRIEFING, "--fresh"], env=pty_env(tmp_path), cwd=str(tmp_path))
    yield started
    started.close()


def wake_ups(pid: int) -> int:
    """Voluntary context switches of every thread but the main one: how often they woke."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        if task.name == str(pid):
            continue
        status = (task / "status").read_text()
        total += int(status.split("voluntary_ctxt_switches:")[1].split()[0])
    return total


def test_an_idle_reader_s_threads_sleep(terminal: Terminal) -> None:
    assert terminal.wait_for(TITLE)
    terminal.read(0.3)
    before = wake_ups(terminal.pid)
    time.sleep(1.0)  # measuring an absence: nothing to wait for but time
    woke = wake_ups(terminal.pid) - before
    assert woke < 4, f"{woke} wake-ups in 1 s of idle (Textual's poll makes about 10)"


def test_keys_a_lone_escape_and_quit_still_work(terminal: Terminal) -> None:
    assert terminal.wait_for(TITLE)
    terminal.write(b"?")
    assert terminal.wait_for("Keys")
    terminal.write(b"\x1b")  # alone: the parser's deadline, not a poll, must fire it
    deadline = time.monotonic() + 10
    while "Keys" in terminal.text() and time.monotonic() < deadline:
        terminal.read(0.05)
    assert "Keys" not in terminal.text()
    terminal.write(b"q")
    assert terminal.wait_exit(timeout=10) == 0
