"""Reading state survives kill -9 at any moment, and bad state files never crash or echo."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from briefing.store.state import ReadingState, load_state, save_state, state_path
from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env

WRITER = """
import random, sys
from pathlib import Path
from briefing.store.state import ReadingState, load_state, save_state
directory = Path(sys.argv[1])
print("ready", flush=True)
while True:
    state, warning = load_state("story", directory)
    sections = [f"s{n}" for n in range(random.randrange(50))]
    save_state("story", ReadingState(sections, random.randrange(10**6), "entry"), directory)
"""


def test_kill_9_while_saving_200_times(tmp_path: Path) -> None:
    """Every kill lands somewhere in load/save; the next reader always gets a state."""
    rng = random.Random(7)
    set_aside = 0
    for _ in range(200):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE
        )
        assert writer.stdout is not None and writer.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.02))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        state, warning = load_state("story", tmp_path)
        assert isinstance(state, ReadingState)
        if warning is not None:
            set_aside += 1
            assert "moved aside" in warning
    # The write is atomic (temp file + rename), so no kill may leave a torn file.
    assert set_aside == 0
    assert json.loads(state_path("story", tmp_path).read_text())["selected_entry"] == "entry"


def test_stale_temp_files_are_swept(tmp_path: Path) -> None:
    leftover = tmp_path / ".story.json.abc123"
    leftover.write_text("half")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    fresh = tmp_path / ".story.json.def456"
    fresh.write_text("another reader is writing")
    save_state("story", ReadingState(), tmp_path)
    assert not leftover.exists() and fresh.exists()


def test_garbage_state_is_set_aside_without_echo(tmp_path: Path) -> None:
    for number, garbage in enumerate(
        [b"\x1b]52;c;ZXZpbA==\x07", b"\xff\xfe", b"[]", b'{"scroll_y": -5}', b"{" * 100_000]
    ):
        path = state_path("story", tmp_path)
        path.write_bytes(garbage)
        state, warning = load_state("story", tmp_path)
        assert state == ReadingState(), number
        assert warning is not None and "\x1b" not in warning and "\x07" not in warning
        assert not path.exists()
    assert len(list(tmp_path.glob("story.json.corrupt-*"))) >= 1


def test_kill_9_of_the_real_reader_mid_save(tmp_path: Path) -> None:
    """SIGHUP starts the save; SIGKILL lands at a random moment after it."""
    assert BRIEFING
    rng = random.Random(11)
    for round_ in range(8):
        terminal = Terminal([BRIEFING], env=pty_env(tmp_path), cwd=str(tmp_path))
        try:
            assert terminal.wait_for("Commands", timeout=20), terminal.text()
            assert "Traceback" not in terminal.text()
            terminal.press("c" if round_ % 2 else "e", "j")
            terminal.settle(quiet=0.1)
            os.kill(terminal.pid, signal.SIGHUP)
            time.sleep(rng.uniform(0, 0.03))
            os.kill(terminal.pid, signal.SIGKILL)
            terminal.wait_exit()
        finally:
            terminal.close()
        state, warning = load_state("iran-pakistan-2024-01", tmp_path / "state" / "briefing")
        assert warning is None
