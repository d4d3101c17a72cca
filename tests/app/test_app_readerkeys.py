"""Keys a less, vim or newsboat user tries first, and what Enter and Esc act on."""

from __future__ import annotations

from pathlib import Path

from briefing.tui.widgets.sidebartabs import GLOSSARY, TIMELINE
from briefing.tui.widgets.targets import targets_on_rows
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


async def test_slash_on_a_card_filters_the_glossary_not_the_article(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("tab", "j", "enter")
        await until(pilot, lambda: app.focused is screen.card, "the card")
        await pilot.press("slash", *"kerm")
        assert not screen.search.bar.display, "the article's search bar stays shut"
        assert screen.glossary.field.value == "kerm"


async def test_a_card_closed_before_quitting_stays_closed(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.select_entry("tehran")
        await pilot.press("escape")
        assert not screen.sidebar.card_shown and screen.selected_entry == "tehran"
        await pilot.press("q")
    again = make_app(state_dir=tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = reader(again)
        assert screen.selected_entry == "tehran"
        assert not screen.sidebar.card_shown
    shown = make_app(state_dir=tmp_path)
    async with shown.run_test(size=SIZE) as pilot:
        reader(shown).select_entry("tehran", focus=False)
        await pilot.press("q")
    last = make_app(state_dir=tmp_path)
    async with last.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader(last).sidebar.card_shown, "an open card still reopens"


async def test_a_card_at_80x24_shows_its_name_with_the_cursor(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = reader(app)
        card = screen.card

        def cursor_in_view() -> bool:
            lines = card.focus_lines()
            top = int(card.scroll_offset.y)
            height = card.scrollable_content_region.height
            return lines is None or (top + (top > 0) <= lines[0] < top + height)

        for entry in screen.briefing.glossary:
            screen.select_entry(entry.id)
            for _ in range(3):
                await until(pilot, cursor_in_view, f"the cursor in view on {entry.id}")
                height = card.scrollable_content_region.height
                shown = [card.render_line(y).text for y in range(height)]
                first_word = entry.name.split()[0]  # a long name wraps; the pinned row is its first
                assert any(line.strip().startswith(first_word) for line in shown), (entry.id, shown)
                if card.highlighted is not None:
                    lines = card.focus_lines()
                    assert lines is not None
                    row = lines[0] - int(card.scroll_offset.y)
                    assert 0 <= row < height and not (row == 0 and card.scroll_offset.y), entry.id
                await pilot.press("j")


async def test_h_and_l_put_the_cursor_on_screen_and_z_centres_it(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        await pilot.press("e", "3", "d")  # every section open, somewhere in the middle
        top, height = article.top, article.page_height
        on_screen = targets_on_rows(article.layout_rows, top, top + height)
        assert len(on_screen) >= 2
        await pilot.press("H")
        assert article.cursor == on_screen[0] and article.top == top
        await pilot.press("L")
        assert article.cursor == on_screen[-1] and article.top == top
        row = article.cursor_row()
        assert row is not None and row > top + height // 2  # below the middle
        await pilot.press("z")
        assert article.cursor == on_screen[-1]
        assert article.cursor_row() == article.top + (height - 1) // 2
        await pilot.press("H")  # from the new top
        now = article.top
        assert now > top
        assert article.cursor == targets_on_rows(article.layout_rows, now, now + height)[0]


async def test_esc_in_the_search_field_gives_focus_back_to_the_article(tmp_path: Path) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("slash", *"Kerman")
        await until(pilot, search_ran(screen), "the search")
        assert screen.article.matches and app.focused is not screen.article
        await pilot.press("escape")
        assert app.focused is screen.article and screen.article.matches == []
        await pilot.press("j")  # a command again, not typed
        assert screen.article.cursor is not None
