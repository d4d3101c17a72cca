"""Reader bounds: the installed `briefing` in a pty, against hostile sizes and signals.

Each test would have failed before: a 15000x15000 window from `stty` or LINES took
several GB for ~45 s; SIGTERM during start-up and SIGQUIT left the alternate screen and
mouse reporting on; Ctrl+Z under `sh -c` stopped the reader for good; a huge ESCDELAY
meant Escape never fired; closing the terminal with a card open took 1.5-2 s; a FIFO as
the state file hung on a blank screen.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.generate import generate
from briefing.tui.terminal import MAX_LINES
from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env
from tests.storetools import saved_state

TITLE = "Iran and Pakistan"
RESTORED = (b"\x1b[?1049l", b"\x1b[?1000l", b"\x1b[?25h")
"""Left the alternate screen, mouse reporting off, cursor shown."""


def peak_rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+)", status)
    assert found, status
    return int(found.group(1))


def drain(terminal: Terminal, until: bytes, quiet: float, timeout: float) -> bytes:
    """Read until `until` came and then `quiet` seconds passed silent, without the emulator.

    pyte takes seconds over a frame at the capped size; the bytes are all this needs.
    """
    received = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([terminal.fd], [], [], quiet)
        if not ready:
            if until in received:
                break
            continue
        try:
            chunk = os.read(terminal.fd, 1 << 20)
        except OSError:
            break
        if not chunk:
            break
        received += chunk
    return bytes(received)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        terminal.close()


def launch(terminals: list[Terminal], tmp_path: Path, argv: list[str], **env: str) -> Terminal:
    assert BRIEFING, "the briefing console script is not installed next to this Python"
    terminal = Terminal(argv, env=pty_env(tmp_path, **env), cwd=str(tmp_path))
    terminals.append(terminal)
    return terminal


@pytest.mark.parametrize(
    ("command", "env"),
    [
        ("stty rows 15000 cols 15000; exec {briefing}", {}),
        ("exec {briefing}", {"LINES": "100000", "COLUMNS": "100000"}),
    ],
    ids=["stty", "LINES-COLUMNS"],
)
def test_a_giant_first_window_is_capped(
    terminals: list[Terminal], tmp_path: Path, command: str, env: dict[str, str]
) -> None:
    """The size the reader starts with is capped too, not only later resizes."""
    assert BRIEFING
    line = command.format(briefing=BRIEFING)
    terminal = launch(terminals, tmp_path, ["/bin/sh", "-c", line], **env)
    first_frame = drain(terminal, b"Reuters", quiet=0.5, timeout=30)  # at the capped size
    assert b"Reuters" in first_frame
    assert peak_rss_kb(terminal.pid) < 300_000
    rows = [int(row) for row in re.findall(rb"\x1b\[(\d+);1H", first_frame)]
    assert max(rows) == MAX_LINES, "drawn at the capped height"
    if not env:  # (LINES and COLUMNS, like shutil's, win over the pty's size)
        terminal.resize(100, 30)  # and it still answers: a normal window draws normally
        assert b"Glossary" in drain(terminal, b"Glossary", quiet=0.5, timeout=15)
    terminal.press("q")
    assert terminal.wait_exit(timeout=10) == 0


def test_sigterm_during_start_up_restores_the_terminal(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    """Sent as soon as the alternate screen is on, before the app has mounted (a big briefing)."""
    assert BRIEFING
    big = tmp_path / "big.yaml"
    big.write_text(generate(sections=1000, glossary=5000, timeline=2000, words=60, seed=1))
    terminal = launch(terminals, tmp_path, [BRIEFING, str(big)])
    deadline = time.monotonic() + 30
    while b"\x1b[?1049h" not in terminal.output and time.monotonic() < deadline:
        terminal.read(0.005)
    assert b"\x1b[?1049h" in terminal.output, "the reader never took the screen"
    os.kill(terminal.pid, signal.SIGTERM)
    status = terminal.wait_exit(timeout=5)
    # 128 + 15 from the driver's start-up handler; 0 if the app had mounted after all.
    assert status in (0, 128 + signal.SIGTERM), status
    tail = bytes(terminal.output[terminal.output.rindex(b"\x1b[?1049h") :])
    for sequence in RESTORED:
        assert sequence in tail, sequence


def test_sigquit_restores_the_terminal(terminals: list[Terminal], tmp_path: Path) -> None:
    assert BRIEFING
    terminal = launch(terminals, tmp_path, [BRIEFING])
    assert terminal.wait_for("Glossary"), terminal.text()
    terminal.settle()
    before = len(terminal.output)
    os.kill(terminal.pid, signal.SIGQUIT)
    assert terminal.wait_exit(timeout=5) == 128 + signal.SIGQUIT
    after = bytes(terminal.output[before:])
    for sequence in RESTORED:
        assert sequence in after, sequence


def stopped(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        waited, status = os.waitpid(pid, os.WUNTRACED | os.WNOHANG)
        if waited and os.WIFSTOPPED(status):
            return True
        time.sleep(0.05)
    return False


def test_ctrl_z_without_job_control_says_so_and_carries_on(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    """Under `sh -c` (ForceCommand, tmux) nobody could `fg` a stopped reader."""
    assert BRIEFING
    terminal = launch(terminals, tmp_path, ["/bin/sh", "-c", f"{BRIEFING}; echo after"])
    assert terminal.wait_for("Glossary"), terminal.text()
    terminal.settle()
    terminal.write(b"\x1a")
    assert terminal.wait_for("not available", timeout=5), terminal.text()
    assert not stopped(terminal.pid, 0.5)
    assert "Glossary" in terminal.text()
    terminal.press("q")
    assert terminal.wait_for("after", timeout=10)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash for an interactive shell")
def test_ctrl_z_with_job_control_suspends_and_fg_resumes(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    """In an interactive shell, Ctrl+Z stops the job and `fg` brings the reader back drawn."""
    assert BRIEFING
    terminal = launch(terminals, tmp_path, ["bash", "--norc", "--noprofile", "-i"], PS1="prompt$ ")
    assert terminal.wait_for("prompt$"), terminal.text()
    terminal.write(f"{BRIEFING}\r".encode())
    assert terminal.wait_for("Glossary", timeout=20), terminal.text()
    terminal.settle()
    terminal.write(b"\x1a")
    assert terminal.wait_for("Stopped", timeout=5), terminal.text()
    # pyte has no alternate screen: the stopped reader's picture stays on it, with the
    # `u` of Textual's CSI < u (kitty keys off) printed at the terminal cursor, which
    # since the focus model sits on the reader's cursor in the title. So "Glossary" on screen
    # proves nothing; wait for the redraw that fg brings (a new alternate screen).
    before = len(terminal.output)
    terminal.write(b"fg\r")
    deadline = time.monotonic() + 10
    while b"\x1b[?1049h" not in terminal.output[before:] and time.monotonic() < deadline:
        terminal.read(0.05)
    assert b"\x1b[?1049h" in terminal.output[before:], terminal.text()
    terminal.settle()
    assert "Glossary" in terminal.text(), terminal.text()
    assert TITLE in terminal.text(), terminal.text()
    assert "Stopped" not in terminal.text(), "not redrawn in full after fg"
    terminal.press("q")
    children = Path(f"/proc/{terminal.pid}/task/{terminal.pid}/children")
    deadline = time.monotonic() + 10
    while children.read_text().strip() and time.monotonic() < deadline:
        terminal.read(0.05)
    assert not children.read_text().strip(), "the reader did not quit after fg"
    terminal.write(b"exit\r")  # typed once the reader is gone (it flushes pending input)
    assert terminal.wait_exit(timeout=10) is not None, terminal.text()


def test_a_huge_escdelay_still_lets_escape_work(terminals: list[Terminal], tmp_path: Path) -> None:
    assert BRIEFING
    terminal = launch(terminals, tmp_path, [BRIEFING], ESCDELAY="1000000000")
    assert terminal.wait_for("Glossary"), terminal.text()
    terminal.settle()
    terminal.press("?")
    help_line = "Scroll down one line"
    assert terminal.wait_for(help_line), terminal.text()
    terminal.press("escape")
    deadline = time.monotonic() + 3
    while help_line in terminal.text() and time.monotonic() < deadline:
        terminal.read(0.05)
    assert help_line not in terminal.text(), "Escape did not close the help"
    terminal.press("q")
    assert terminal.wait_exit(timeout=10) == 0


def test_closing_the_terminal_with_a_card_open_exits_within_a_second(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    assert BRIEFING
    terminal = launch(terminals, tmp_path, [BRIEFING])
    assert terminal.wait_for("Glossary"), terminal.text()
    terminal.settle()
    terminal.press("tab", "/")  # `/` filters the list: letters are commands in every pane
    terminal.write(b"brew")
    terminal.press("enter", "enter")
    assert terminal.wait_for("Mentions (2)"), terminal.text()
    assert "Gregory Brew" in terminal.text() and "Eurasia Group" in terminal.text()
    terminal.settle()
    terminal.hang_up()
    started = time.monotonic()
    while not terminal.exited() and time.monotonic() - started < 5:
        time.sleep(0.01)
    assert terminal.exited()
    assert time.monotonic() - started < 1.0
    assert terminal.status is not None and os.WEXITSTATUS(terminal.status) == 0
    state = saved_state(tmp_path / "state" / "briefing")
    assert state is not None, "the reading position was saved before the exit"


def test_a_fifo_as_the_state_file_is_set_aside(terminals: list[Terminal], tmp_path: Path) -> None:
    """A plain open() of the FIFO waited for a writer forever: a blank screen for good."""
    assert BRIEFING
    folder = tmp_path / "state" / "briefing"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "iran-pakistan-2024-01.json")
    terminal = launch(terminals, tmp_path, [BRIEFING])
    assert terminal.wait_for("Glossary", timeout=15), terminal.text()
    assert terminal.wait_for("moved aside", timeout=5), terminal.text()
    terminal.press("q")
    assert terminal.wait_exit(timeout=10) == 0
    aside = [path.name for path in folder.iterdir() if ".corrupt-" in path.name]
    assert len(aside) == 1
    assert saved_state(folder) is not None  # the new state, in the database
