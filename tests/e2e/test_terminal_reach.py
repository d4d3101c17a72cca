"""The real `briefing` in a pseudo-terminal: signals, odd terminals, hostile input, sizes."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env
from tests.storetools import saved_state

TITLE = "Iran and Pakistan"


def start(
    tmp_path: Path,
    *,
    columns: int = 100,
    lines: int = 30,
    extra: dict[str, str] | None = None,
    **env: str,
) -> Terminal:
    assert BRIEFING
    environment = pty_env(tmp_path, **env) | (extra or {})
    terminal = Terminal(
        [BRIEFING], columns=columns, lines=lines, env=environment, cwd=str(tmp_path)
    )
    assert terminal.wait_for("Glossary" if columns >= 60 else TITLE[:10]), terminal.text()
    terminal.settle()
    return terminal


def process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    status = Path(f"/proc/{pid}/status")
    return not status.exists() or "State:\tZ" in status.read_text()


def saved(tmp_path: Path) -> dict[str, Any] | None:
    return saved_state(tmp_path / "state" / "briefing")


def test_sighup_saves_state_and_exits_within_a_second(tmp_path: Path) -> None:
    terminal = start(tmp_path)
    try:
        terminal.press("c")
        terminal.settle()
        os.kill(terminal.pid, signal.SIGHUP)
        started = time.monotonic()
        status = terminal.wait_exit(timeout=3)
        assert status is not None and time.monotonic() - started < 1.5
        assert (saved(tmp_path) or {}).get("open_sections") == []
    finally:
        terminal.close()


def test_a_dropped_link_ends_the_reader_even_with_sighup_ignored(tmp_path: Path) -> None:
    """Like `nohup briefing`: Textual alone would spin at 120% CPU as an orphan."""
    assert BRIEFING
    launcher = (
        "import os, signal, sys; signal.signal(signal.SIGHUP, signal.SIG_IGN); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    terminal = Terminal(
        [sys.executable, "-c", launcher, BRIEFING], env=pty_env(tmp_path), cwd=str(tmp_path)
    )
    assert terminal.wait_for("Glossary"), terminal.text()
    pid = terminal.pid
    terminal.hang_up()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if terminal.exited():
            break
        time.sleep(0.05)
    assert terminal.exited(), "the reader outlived its terminal"
    assert process_gone(pid)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_restore_the_terminal(tmp_path: Path, signum: int) -> None:
    terminal = start(tmp_path)
    try:
        before = len(terminal.output)
        os.kill(terminal.pid, signum)
        assert terminal.wait_exit(timeout=5) == 0
        after = bytes(terminal.output[before:])
        assert b"\x1b[?1049l" in after, "left the alternate screen"
        assert b"\x1b[?1000l" in after, "mouse reporting off"
        assert saved(tmp_path) is not None
    finally:
        terminal.close()


# Ctrl+Z: tests/e2e/test_bounds_terminal.py runs the reader under an interactive bash (job
# control: it stops, `fg` redraws it) and under `sh -c` (no job control: it says so and
# carries on). Here the reader leads its own session, where nobody could resume it.


SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def colours(output: bytes) -> set[str]:
    """Every colour form used: 'rgb' (38;2), '256' (38;5), '16' (30-37, 90-97...)."""
    found = set()
    for params in SGR.findall(output):
        parts = params.split(b";")
        for index, part in enumerate(parts):
            if part in (b"38", b"48") and index + 1 < len(parts):
                found.add({b"2": "rgb", b"5": "256"}.get(parts[index + 1], "?"))
        if any(p.isdigit() and (30 <= int(p) <= 37 or 90 <= int(p) <= 97) for p in parts):
            found.add("16")
    return found


@pytest.mark.parametrize(
    ("term", "extra", "expected"),
    [
        ("xterm-256color", {}, "256"),
        ("screen-256color", {}, "256"),
        ("tmux-256color", {}, "256"),
        ("linux", {}, "16"),
        ("xterm-16color", {}, "16"),
        ("xterm-256color", {"COLORTERM": "truecolor"}, "rgb"),
        ("xterm-256color", {"BRIEFING_COLOR": "truecolor"}, "rgb"),
    ],
)
def test_colour_depth_follows_the_terminal(
    tmp_path: Path, term: str, extra: dict[str, str], expected: str
) -> None:
    terminal = start(tmp_path, TERM=term, extra=extra)
    try:
        used = colours(bytes(terminal.output))
        assert expected in used
        deeper = {"16": {"256", "rgb"}, "256": {"rgb"}, "rgb": set()}[expected]
        assert not used & deeper, used
    finally:
        terminal.close()


def test_no_color_means_greys_only(tmp_path: Path) -> None:
    terminal = start(tmp_path, NO_COLOR="1", COLORTERM="truecolor")
    try:
        for params in SGR.findall(bytes(terminal.output)):
            parts = [int(p) for p in params.split(b";") if p.isdigit()]
            for index, value in enumerate(parts[:-4]):
                if value in (38, 48) and parts[index + 1] == 2:
                    red, green, blue = parts[index + 2 : index + 5]
                    assert red == green == blue, params
    finally:
        terminal.close()


def test_no_color_in_sixteen_colours_sends_the_terminal_s_own_colours(tmp_path: Path) -> None:
    """Where the default theme is unreadable (16 colours), the ANSI theme is drawn, and
    under NO_COLOR with no colour at all: not Textual's greys reduced to black on black."""
    terminal = start(tmp_path, TERM="xterm", NO_COLOR="1")
    try:
        output = bytes(terminal.output)
        assert colours(output) == set(), colours(output)
        for params in SGR.findall(output):
            parts = [int(p) for p in params.split(b";") if p.isdigit()]
            assert not any(40 <= p <= 47 or 100 <= p <= 107 for p in parts), params
        assert TITLE in terminal.text()
    finally:
        terminal.close()


@pytest.mark.parametrize(
    "env",
    [
        {"LANG": "C"},
        {"LANG": "C.UTF-8"},
        {"LANG": "en_US.ISO-8859-1", "PYTHONIOENCODING": "latin-1"},
    ],
)
def test_locales_do_not_crash(tmp_path: Path, env: dict[str, str]) -> None:
    terminal = start(tmp_path, extra=env)
    try:
        assert TITLE in terminal.text()
        assert "Traceback" not in terminal.text()
        terminal.press("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()


def test_redirected_stderr_still_draws(tmp_path: Path) -> None:
    assert BRIEFING
    log = tmp_path / "log"
    command = f"exec {BRIEFING} 2>{log}"
    terminal = Terminal(["/bin/sh", "-c", command], env=pty_env(tmp_path), cwd=str(tmp_path))
    try:
        assert terminal.wait_for("Glossary"), terminal.text()
        terminal.press("q")
        assert terminal.wait_exit() == 0
        assert b"\x1b[" not in log.read_bytes()
    finally:
        terminal.close()


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe\xe9",
        b"\x1b[" + b"9" * 100_000 + b"~",
        b"\x1b[200~" + b"pasted " * 30_000 + b"\x1b[201~",
        b"\x1b[<0;99999;99999M\x1b[<0;99999;99999m\x1b[M\xff\xff\xff",
    ],
    ids=["invalid-utf8", "100kb-escape", "200kb-paste", "mouse-outside"],
)
def test_hostile_input_does_not_crash(tmp_path: Path, data: bytes) -> None:
    terminal = start(tmp_path)
    try:
        for offset in range(0, len(data), 4096):
            terminal.write(data[offset : offset + 4096])
            terminal.read(0.01)
        terminal.settle()
        terminal.press("escape", "escape")
        terminal.settle()
        terminal.press("q")
        assert terminal.wait_exit(timeout=10) == 0, terminal.text()
    finally:
        terminal.close()


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (60, 20), (40, 15), (20, 10)])
def test_small_windows_show_something_sensible(tmp_path: Path, columns: int, lines: int) -> None:
    terminal = start(tmp_path, columns=columns, lines=lines)
    try:
        text = terminal.text()
        assert "Iran" in text and "Traceback" not in text
        assert "? Help" in text or "? help" in text, "a hint says how to get help"
    finally:
        terminal.close()


def test_resize_storm_ends_on_a_correct_screen(tmp_path: Path) -> None:
    terminal = start(tmp_path)
    try:
        for step in range(50):
            terminal.resize(40 + step * 2, 12 + step % 20)
            time.sleep(0.02)
            terminal.read(0.0)
        terminal.resize(100, 30)
        terminal.settle(quiet=0.5)
        assert "Glossary" in terminal.text() and TITLE in terminal.text()
    finally:
        terminal.close()


def test_a_giant_window_is_capped(tmp_path: Path) -> None:
    terminal = start(tmp_path)
    try:
        terminal.resize(5000, 5000)
        terminal.settle(quiet=1.0, timeout=30)
        status = Path(f"/proc/{terminal.pid}/status").read_text()
        peak_kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        assert peak_kb < 400_000, f"peak RSS {peak_kb} kB"
        terminal.resize(100, 30)
        terminal.settle()
        terminal.press("q")
        assert terminal.wait_exit(timeout=10) == 0
    finally:
        terminal.close()


@pytest.mark.parametrize("focus", ["article", "filter"])
def test_idle_writes_nothing(tmp_path: Path, focus: str) -> None:
    terminal = start(tmp_path)
    try:
        if focus == "filter":
            terminal.press("tab")
        terminal.settle(quiet=0.5)
        before = len(terminal.output)
        time.sleep(3)
        terminal.read(0.1)
        assert len(terminal.output) == before, bytes(terminal.output[before:])[:200]
    finally:
        terminal.close()


def test_stdout_or_stdin_not_a_terminal_prints_plain_text(tmp_path: Path) -> None:
    """`briefing | less` and `echo x | briefing`: the briefing, printed, and a hint."""
    assert BRIEFING
    import subprocess

    piped = subprocess.run(
        [BRIEFING], capture_output=True, timeout=60, env=pty_env(tmp_path), cwd=tmp_path
    )
    assert piped.returncode == 0
    assert TITLE.encode() in piped.stdout and b"\x1b" not in piped.stdout
    assert b"--tui" in piped.stderr
    terminal = Terminal(
        ["/bin/sh", "-c", f"echo x | {BRIEFING}"], env=pty_env(tmp_path), cwd=str(tmp_path)
    )
    try:
        assert terminal.wait_exit(timeout=30) == 0
        output = terminal.output.decode()
        assert "standard input is not a terminal" in output and TITLE in output
        assert "\x1b[?1049h" not in output
    finally:
        terminal.close()


def test_degenerate_sizes_do_not_crash(tmp_path: Path) -> None:
    terminal = start(tmp_path)
    try:
        for columns, lines in ((1, 1), (3, 10), (10, 3), (2, 2)):
            terminal.resize(columns, lines)
            terminal.settle(quiet=0.2)
        terminal.resize(100, 30)
        terminal.settle(quiet=0.3)
        assert "Glossary" in terminal.text()
        terminal.press("q")
        assert terminal.wait_exit(timeout=10) == 0
    finally:
        terminal.close()
