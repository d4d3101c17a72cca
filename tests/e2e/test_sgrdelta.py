"""Compacted output draws exactly what Textual's output draws, in fewer bytes.

A VT emulator (pyte) is fed Textual-like output once as written and once
compacted, chunk by chunk as the driver would; every cell (character,
colours, attributes) and the cursor must agree. Then the real reader in a pty:
a one-line scroll at 100x30 writes under 4,000 bytes (6,030 before).
"""

from __future__ import annotations

from pathlib import Path

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.tui.sgrdelta import PLAIN, Style, apply, compact, difference
from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env

COLUMNS, LINES = 12, 6

codes = st.sampled_from(
    ["0", "1", "3", "4", "5", "7", "9", "22", "23", "24", "25", "27", "29", "31", "97",
     "39", "42", "104", "49"]
) | st.integers(0, 255).map(lambda n: f"38;5;{n}") | st.integers(0, 255).map(
    lambda n: f"48;5;{n}"
) | st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)).map(
    lambda c: f"38;2;{c[0]};{c[1]};{c[2]}"
)  # fmt: skip
sgr = st.lists(codes, max_size=4).map(lambda cs: f"\x1b[{';'.join(cs)}m")
cup = st.tuples(st.integers(1, LINES), st.integers(1, COLUMNS)).map(
    lambda p: f"\x1b[{p[0]};{p[1]}H"
)
text = st.text(alphabet="ab █·", min_size=1, max_size=8)
token = st.one_of(sgr, sgr, cup, text, st.just("\n"), st.just("\x1b[K"), st.just("\x1b[2J"))
chunks = st.lists(st.lists(token, max_size=25).map("".join), min_size=1, max_size=4)


def screen_of(parts: list[str]) -> tuple[object, object]:
    screen = pyte.Screen(COLUMNS, LINES)
    stream = pyte.Stream(screen)
    for part in parts:
        stream.feed(part)
    cells = [
        [
            (
                c.data,
                c.fg,
                c.bg,
                c.bold,
                c.italics,
                c.underscore,
                c.reverse,
                c.strikethrough,
                c.blink,
            )  # fmt: skip
            for c in (screen.buffer[y][x] for x in range(COLUMNS))
        ]
        for y in range(LINES)
    ]
    a = screen.cursor.attrs
    cursor = (screen.cursor.x, screen.cursor.y, a.fg, a.bg, a.bold, a.italics, a.underscore,
              a.reverse, a.strikethrough, a.blink)  # fmt: skip
    return cells, cursor


@settings(max_examples=400, deadline=None)
@given(chunks)
def test_compacted_output_draws_the_same_cells(parts: list[str]) -> None:
    compacted: list[str] = []
    style: Style | None = None
    for part in parts:
        out, style = compact(part, LINES, style)
        compacted.append(out)
    assert screen_of(compacted) == screen_of(parts)


def test_a_reset_and_full_style_becomes_the_difference() -> None:
    row = (
        "\x1b[0m\x1b[3;38;5;253;48;5;233mbases in \x1b[0m\x1b[3;4;38;5;67;48;5;233mPakistan\x1b[0m"
    )
    out, end = compact(row, 30, PLAIN)
    assert out == "\x1b[3;38;5;253;48;5;233mbases in \x1b[4;38;5;67mPakistan\x1b[m"
    assert end == PLAIN


def test_a_move_and_newline_before_another_move_is_dropped_above_the_last_row() -> None:
    assert compact("x\x1b[2;65H\n\x1b[3;1Hy", 30)[0] == "x\x1b[3;1Hy"
    assert compact("x\x1b[30;65H\n\x1b[3;1Hy", 30)[0] == "x\x1b[30;65H\n\x1b[3;1Hy"


def test_what_is_not_modelled_is_left_alone() -> None:
    odd = "\x1b[0m\x1b[4:3mcurly\x1b[58;5;3mline\x1b[0m"
    assert compact(odd, 30, PLAIN) == (odd, None)
    assert difference(None, apply(PLAIN, "1;31")) == "\x1b[0;1;31m"


def test_a_one_line_scroll_writes_under_4000_bytes(tmp_path: Path) -> None:
    assert BRIEFING
    terminal = Terminal([BRIEFING, "--fresh"], columns=100, lines=30, env=pty_env(tmp_path),
                        cwd=str(tmp_path))  # fmt: skip
    try:
        assert terminal.wait_for("Glossary")
        terminal.settle(quiet=0.5)
        sizes = []
        for _ in range(5):
            before = len(terminal.output)
            terminal.write(b"j")
            terminal.settle(quiet=0.3)
            sizes.append(len(terminal.output) - before)
        assert all(size > 0 for size in sizes), sizes
        assert max(sizes) < 4000, sizes
    finally:
        terminal.close()
