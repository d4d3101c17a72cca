"""Live reload end to end: the installed `briefing` in a pty, the file rewritten under it.

Also: 10 s idle with the watcher on writes 0 bytes and costs no more CPU than with it off.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.changetools import briefing_yaml
from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env


def story(middle: str) -> str:
    return briefing_yaml(
        [("background", "Background", "The bridge closed on Monday."),
         ("reactions", "Reactions", middle),
         ("analysis", "Analysis", "Repairs take a year.")]
    )  # fmt: skip


def write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def write_in_place(path: Path, text: str) -> None:
    with open(path, "r+", encoding="utf-8") as handle:
        handle.truncate(0)
        handle.flush()
        time.sleep(0.05)  # an editor between truncating and writing
        handle.write(text)


def seen_within(terminal: Terminal, needle: str, seconds: float) -> bool:
    """The text is on screen within `seconds` of now (no key pressed)."""
    return terminal.wait_for(needle, timeout=seconds)


@pytest.fixture
def opened(tmp_path: Path) -> tuple[Terminal, Path]:
    assert BRIEFING
    path = tmp_path / "story.yaml"
    path.write_text(story("The mayor said nothing at first."), encoding="utf-8")
    terminal = Terminal([BRIEFING, str(path)], columns=100, lines=30,
                        env=pty_env(tmp_path), cwd=str(tmp_path))  # fmt: skip
    assert terminal.wait_for("said nothing at first"), terminal.text()
    terminal.settle()
    return terminal, path


def test_reloads_on_save_keeps_last_good_and_recovers(opened: tuple[Terminal, Path]) -> None:
    terminal, path = opened
    try:
        write_atomically(path, story("The mayor promised a ferry by Friday."))
        assert seen_within(terminal, "promised a ferry", 2.0), terminal.text()
        assert "said nothing" not in terminal.text()
        assert terminal.wait_for("1 section changed", timeout=2.0), terminal.text()

        write_in_place(path, story("The mayor apologised on the radio."))
        assert seen_within(terminal, "apologised on the radio", 2.0), terminal.text()

        path.write_text(story("half") + "  - id: [broken\n", encoding="utf-8")
        # The loader reports an unclosed bracket where it opened (line 21, column 9).
        assert seen_within(terminal, "story.yaml:21:9: error:", 2.0), terminal.text()
        screen = terminal.text()
        assert "Not reloaded" in screen and "apologised on the radio" in screen
        assert "Traceback" not in terminal.output.decode(errors="replace")

        write_atomically(path, story("The mayor resigned."))
        assert seen_within(terminal, "The mayor resigned.", 2.0), terminal.text()
        terminal.press("q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()


def _cpu_seconds(pid: int) -> float:
    """CPU time of every thread, in ns from schedstat (stat's ticks are 10 ms coarse)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            continue
    return total / 1e9


def _idle(tmp_path: Path, watch: str) -> tuple[int, float]:
    """Bytes written and CPU used by an idle reader over 10 s."""
    assert BRIEFING
    tmp_path.mkdir()
    path = tmp_path / "story.yaml"
    path.write_text(story("Nothing happens."), encoding="utf-8")
    env = pty_env(tmp_path, BRIEFING_WATCH=watch)
    terminal = Terminal([BRIEFING, str(path)], columns=100, lines=30, env=env, cwd=str(tmp_path))
    try:
        assert terminal.wait_for("Nothing happens."), terminal.text()
        terminal.settle(quiet=1.0)
        before_bytes, before_cpu = len(terminal.output), _cpu_seconds(terminal.pid)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            terminal.read(timeout=0.2)
        return len(terminal.output) - before_bytes, _cpu_seconds(terminal.pid) - before_cpu
    finally:
        terminal.close()


@pytest.mark.skipif(
    not Path("/proc/self/schedstat").exists(), reason="needs /proc schedstat to read CPU time"
)
def test_idle_watching_writes_nothing_and_costs_no_cpu(tmp_path: Path) -> None:
    """Two interleaved runs each way; the least CPU of each is compared.

    An idle reader's CPU over 10 s varies by tens of ms from run to run with
    watching off too (Textual's input thread, the machine); a cost of the
    watcher's own would show in every run, so in the minimum.
    """
    runs: dict[str, list[tuple[int, float]]] = {"0": [], "1": []}
    for attempt in range(2):
        for watch in ("0", "1"):
            runs[watch].append(_idle(tmp_path / f"{watch}-{attempt}", watch))
    assert all(sent == 0 for measured in runs.values() for sent, _cpu in measured), runs
    off_cpu = min(cpu for _sent, cpu in runs["0"])
    on_cpu = min(cpu for _sent, cpu in runs["1"])
    assert on_cpu <= off_cpu + 0.020, runs
