"""The installed reader in a real pty: keys in one write, and where the terminal's cursor is."""

from __future__ import annotations

import time
from pathlib import Path

from tests.ptyterm import Terminal
from tests.ptytools import BRIEFING, pty_env

KEYS = b"t" * 14 + b"/kerm\r" + b"\r" + b"jjj" + b"\r" + b"\t" + b"jjjm"
"""30 keys: the timeline and back fourteen times; filter the glossary for Kerman and
open its card (Enter on a list item: the card comes through messages); down three
of its mentions and open that one in the article; over to the article, three
lines down and on to the next mention of Kerman."""


def run(
    tmp_path: Path,
    *,
    at_once: bool,
    keys: bytes = KEYS,
    final: str = "Mentions (5)",
    size: tuple[int, int] = (100, 30),
) -> str:
    assert BRIEFING, "the briefing console script is not installed next to this Python"
    tmp_path.mkdir()
    terminal = Terminal(
        [BRIEFING, "--fresh"],
        env=pty_env(tmp_path),
        cwd=str(tmp_path),
        columns=size[0],
        lines=size[1],
    )
    try:
        assert terminal.wait_for("Glossary"), terminal.text()
        terminal.settle()
        if at_once:
            terminal.write(keys)
        else:
            for key in keys:
                terminal.write(bytes([key]))
                terminal.settle(quiet=0.1)
        # The final screen shows Kerman's card (a loaded machine may be
        # silent for a while before the first frame after the keys).
        terminal.wait_for(final, timeout=20)
        terminal.settle(quiet=0.5)
        return terminal.text()
    finally:
        terminal.close()


def test_thirty_keys_in_one_write_are_applied_exactly(tmp_path: Path) -> None:
    assert len(KEYS) == 30
    together = run(tmp_path / "a", at_once=True)
    one_by_one = run(tmp_path / "b", at_once=False)
    assert "Mentions (5)" in together and "tttt" not in together, together
    assert together == one_by_one


def test_terminal_cursor_follows_the_reader_cursor(tmp_path: Path) -> None:
    assert BRIEFING
    terminal = Terminal([BRIEFING, "--fresh"], env=pty_env(tmp_path), cwd=str(tmp_path))
    try:
        assert terminal.wait_for("Glossary"), terminal.text()
        terminal.settle()
        terminal.press("3")
        time.sleep(0.2)
        terminal.settle()
        lines = terminal.screen.display
        row = next(i for i, line in enumerate(lines) if "\u25bc 3. " in line)
        assert (terminal.screen.cursor.y, terminal.screen.cursor.x) == (
            row,
            lines[row].index("\u25bc 3. "),
        )
        assert terminal.screen.cursor.hidden, "hidden: shown, it would blink or cost bytes"
    finally:
        terminal.close()


def test_tab_repaints_what_shows_focus_not_the_screen(tmp_path: Path) -> None:
    """Tab writes a fraction of a frame: the two headers, the cursor lines and
    the scrollbars. Textual alone repaints the whole screen and both panes on
    every focus change (widgets/focusfix.py): ~17 KB of a ~48 KB frame here."""
    assert BRIEFING
    terminal = Terminal(
        [BRIEFING, "--fresh"], env=pty_env(tmp_path), cwd=str(tmp_path), columns=100, lines=30
    )
    try:
        assert terminal.wait_for("Glossary"), terminal.text()
        terminal.settle(quiet=0.5)
        frame = len(terminal.output)
        for key in (b"\t", b"\t"):
            before = len(terminal.output)
            terminal.write(key)
            terminal.settle(quiet=0.5)
            written = len(terminal.output) - before
            assert 0 < written < frame / 4, (written, frame)
    finally:
        terminal.close()


def test_the_first_frame_has_its_top_line(tmp_path: Path) -> None:
    """The top bar is filled before the first frame (it used to wait for the
    first Resize, one frame later, and the first frame's top line was blank)."""
    from benchmarks.bench import wait_for_marker

    assert BRIEFING
    terminal = Terminal([BRIEFING, "--fresh"], env=pty_env(tmp_path), cwd=str(tmp_path))
    try:
        assert wait_for_marker(terminal, "Glossary", timeout=30) is not None, terminal.text()
        assert terminal.screen.display[0].strip().startswith("Reuters"), terminal.text()
    finally:
        terminal.close()


def test_terminal_cursor_follows_the_highlighted_list_item(tmp_path: Path) -> None:
    assert BRIEFING
    terminal = Terminal([BRIEFING, "--fresh"], env=pty_env(tmp_path), cwd=str(tmp_path))
    try:
        assert terminal.wait_for("Glossary"), terminal.text()
        terminal.settle()
        for key, name in ((b"\t", "Qassem Soleimani"), (b"j", "Gregory Brew")):
            terminal.write(key)
            terminal.settle()
            lines = terminal.screen.display
            row = next(i for i, line in enumerate(lines) if name in line)
            cursor = terminal.screen.cursor
            # On the item's first cell: its mention count, then the name.
            lead = lines[row][cursor.x : lines[row].index(name)]
            assert cursor.y == row and lead.strip().isdigit(), terminal.text()
    finally:
        terminal.close()


def test_a_card_opened_by_keys_in_one_write_shows_its_cursor(tmp_path: Path) -> None:
    """Enter opens Kerman's card and `jj` move its cursor before the card has a
    size: the card must still scroll to show where the cursor went."""
    keys = b"tt/kerm\r\rjjjjjj"
    together = run(tmp_path / "a", at_once=True, keys=keys, final="Kerman", size=(80, 24))
    one_by_one = run(tmp_path / "b", at_once=False, keys=keys, final="Kerman", size=(80, 24))
    assert "Analysis" in together, together  # the card scrolled to its fourth mention
    assert together == one_by_one
