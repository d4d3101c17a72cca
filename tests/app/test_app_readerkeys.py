"""Keys a less, vim or newsboat user tries first, and what Enter and Esc act on."""

from __future__ import annotations

from pathlib import Path

from briefing.tui.widgets.sidebartabs import GLOSSARY, TIMELINE
from tests.apptools import make_app, reader, search_ran, until

SIZE = (100, 30)


async def test_h_and_l_move_along_article_glossary_timeline(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("l")
        assert screen.sidebar_focused and screen.sidebar_pane == GLOSSARY
        await pilot.press("right")
        assert screen.sidebar_focused and screen.sidebar_pane == TIMELINE
        await pilot.press("h", "left")
        assert app.focused is screen.article
        await pilot.press("right")
        assert screen.sidebar_focused and screen.sidebar_pane == GLOSSARY


async def test_the_palette_has_no_textual_keys_panel(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Keys" not in titles
        assert "Help" in titles


async def test_a_regex_query_finds_either_word(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("slash", *"Kerman|Jaish")
        await until(pilot, search_ran(screen), "the search")
        found = {
            screen.article.layout_rows.units[m.unit].text[m.start : m.end].lower()
            for m in screen.article.matches
        }
        assert found == {"kerman", "jaish"}


async def test_first_j_or_enter_puts_the_cursor_in_view(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        assert article.cursor is None
        await pilot.press("enter")
        assert article.cursor is not None, "Enter shows what it will act on"
        row = article.cursor_row()
        assert row is not None and article.top <= row < article.top + article.page_height
        await pilot.press("g")
        assert article.cursor is None
        await pilot.press("j")
        assert article.cursor is not None
        assert article.scroll_offset.y == 1, "j still scrolls"
        await pilot.press("g", "right_square_bracket")
        assert article.cursor is not None and article.cursor.heading == 0
