"""Golden bytes: terminal controls in every field never reach the terminal.

A briefing carries every terminal-control payload of threats.md section A
(OSC 52, titles and title reports, OSC 8, CSI moves and clears, C1 controls,
DCS/APC and tmux passthrough, bare controls, bidi overrides, Zalgo text,
wide and zero-width characters) in every text field the format has. The real
`briefing` runs in a pty and goes everywhere; the raw bytes it writes must
hold no control sequence of a kind the app does not write for a clean
briefing driven the same way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.apptools import BUNDLED
from tests.hostiletools import hostile_briefing
from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env

# Raw bytes that must never appear: string introducers (DCS, APC, PM, SOS),
# RIS, C1 controls as UTF-8, SO/SI, NUL, bidi overrides. OSC is checked apart:
# Textual itself sets the pointer shape with OSC 22, and rings BEL for the bell.
FORBIDDEN = re.compile(
    rb"\x1b[P_^Xc]|\xc2[\x80-\x9f]|[\x00\x0e\x0f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
OSC = re.compile(rb"\x1b\]([^\x07\x1b]*)(?:\x07|\x1b\\\\)?")
APP_OSC = re.compile(rb"22;[a-z-]+")
CSI = re.compile(rb"\x1b\[([0-9:;<=>?]*)([ -/]*)([@-~])")


def csi_kinds(output: bytes) -> set[tuple[bytes, bytes]]:
    """Each CSI sequence reduced to (private prefix, final byte)."""
    return {(params[:1] if params[:1] in b"<=>?" else b"", final)
            for params, _, final in CSI.findall(output)}  # fmt: skip


HELP, PALETTE, LIBRARY = "Esc q ? close", "\U0001f50e", "Library \u00b7"


def tour(terminal: Terminal) -> None:
    """Go everywhere: every section, card, mention, search, timeline, help, palette.

    Opening or closing a screen waits until it is shown or gone: under load a
    quiet pause can come before the screen is up, and a key sent then lands on
    the screen below (an Esc meant for help left help open, and the final q
    did not quit).
    """
    Step = str | bytes | tuple[str, str, bool]  # (key, text, whether it must show)
    steps: list[Step] = ["e", "G", "g", "c", "e"]
    steps += ["tab", "enter"] + ["j", "enter", "escape"] * 3  # cards from the list
    steps += ["escape", "tab", "escape"]
    steps += ["m"] * 8 + ["enter", "escape", "tab", "escape"]  # mentions and their cards
    steps += ["/", b"Hank", "enter", "n", "n", "N", "escape"]  # search
    steps += ["t", "enter", "G", "enter", "t", "escape"]  # timeline
    steps += [("?", HELP, True), "j", ("escape", HELP, False)]  # help
    steps += [("ctrl+p", PALETTE, True), b"Sec", "down", ("escape", PALETTE, False)]  # palette
    steps += [("o", LIBRARY, True), ("escape", LIBRARY, False)]  # library
    for step in steps:
        if isinstance(step, bytes):
            terminal.write(step)
        elif isinstance(step, tuple):
            key, needle, shown = step
            terminal.press(key)
            if shown:
                assert terminal.wait_for(needle), terminal.text()
            else:
                assert terminal.wait_gone(needle), terminal.text()
        else:
            terminal.press(step)
        terminal.settle(quiet=0.15)


def run_tour(path: Path, tmp_path: Path) -> bytes:
    assert BRIEFING
    tmp_path.mkdir(parents=True, exist_ok=True)
    terminal = Terminal([BRIEFING, str(path)], env=pty_env(tmp_path), cwd=str(tmp_path))
    try:
        assert terminal.wait_for("Commands", timeout=20), terminal.text()
        terminal.settle()
        tour(terminal)
        terminal.press("q")
        assert terminal.wait_exit(timeout=10) == 0, terminal.text()
        return bytes(terminal.output)
    finally:
        terminal.close()


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("golden") / "controls.yaml"
    path.write_text(hostile_briefing(), encoding="utf-8")
    return path


def test_the_fixture_loads_and_every_field_was_cleaned(hostile_file: Path) -> None:
    from briefing.format.loader import load_path

    loaded = load_path(hostile_file)
    warned = {w.line for w in loaded.warnings}
    assert len(warned) >= 20, "every text field carried controls and was reported"
    assert loaded.briefing.mentions_of("hank"), "mentions still work around the payload"


def test_golden_bytes_of_the_reader(hostile_file: Path, tmp_path: Path) -> None:
    hostile = run_tour(hostile_file, tmp_path / "hostile")
    baseline = run_tour(BUNDLED, tmp_path / "clean")
    found = FORBIDDEN.findall(hostile)
    assert not found, f"forbidden bytes reached the terminal: {found[:5]}"
    strings = [body for body in OSC.findall(hostile) if not APP_OSC.fullmatch(body)]
    assert not strings, f"OSC strings the app did not make: {strings[:5]}"
    assert hostile.count(b"\x07") <= baseline.count(b"\x07") + 10, "no BEL from content"
    extra = csi_kinds(hostile) - csi_kinds(baseline)
    assert not extra, f"control sequences the app never writes for clean content: {extra}"
    assert b"Hostile Hank" in hostile, "the tour really showed the content"


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["list"],
        ["show", "--format", "text"],
        ["show", "--format", "markdown"],
        ["show", "--format", "json"],
        ["show", "--format", "html"],
    ],
)
def test_printed_output_is_clean(hostile_file: Path, args: list[str], tmp_path: Path) -> None:
    command = [sys.executable, "-m", "briefing", *args]
    command += [str(hostile_file)] if args[0] != "list" else [str(hostile_file.parent)]
    result = subprocess.run(command, capture_output=True, timeout=60, cwd=tmp_path)
    for stream in (result.stdout, result.stderr):
        assert b"\x1b" not in stream and b"\x07" not in stream, stream[:300]
        assert not FORBIDDEN.findall(stream), stream[:300]
    assert b"Traceback" not in result.stderr


def test_styled_show_is_clean(hostile_file: Path, tmp_path: Path) -> None:
    """With a terminal on stdout, `show` styles with Rich: only SGR may appear."""
    terminal = Terminal(
        [sys.executable, "-m", "briefing", "show", str(hostile_file)],
        env=pty_env(tmp_path),
        cwd=str(tmp_path),
    )
    try:
        assert terminal.wait_exit(timeout=30) == 0
        output = bytes(terminal.output)
        assert not FORBIDDEN.findall(output) and b"\x07" not in output
        assert not OSC.findall(output)
        assert {final for _, final in csi_kinds(output)} <= {b"m"}
    finally:
        terminal.close()


def test_a_lone_surrogate_is_refused_with_a_clean_message(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.yaml"
    path.write_text(hostile_briefing().replace('"Title ', '"\\ud800 Title ', 1))
    result = subprocess.run(
        [sys.executable, "-m", "briefing", "check", str(path)], capture_output=True, timeout=60
    )
    assert result.returncode == 1
    assert b"error" in result.stderr and b"\x1b" not in result.stderr
