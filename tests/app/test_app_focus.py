"""A cursor you can always see, focus you can see and leave, one Esc per level."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import Input, OptionList

from briefing.tui.widgets.article import ArticleView
from briefing.tui.widgets.card import EntryCard
from briefing.tui.widgets.sidebartabs import SidebarTabs
from briefing.tui.widgets.targets import targets_on_rows
from briefing.tui.widgets.topbar import TopBar
from tests.apptools import BUNDLED, OTHER_SHAPE, make_app, reader, search_ran, until
from tests.storetools import saved_state

SIZE = (100, 30)


def cursor_on_screen(app: object) -> bool:
    article = reader(app).article  # type: ignore[arg-type]
    row = article.cursor_row()
    if article.cursor is None:
        return True
    return row is not None and article.top <= row < article.top + article.page_height


async def test_enter_never_acts_on_a_cursor_off_screen(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        await pilot.press("enter", "enter", "right_square_bracket", "right_square_bracket")
        for _ in range(25):
            await pilot.press("j")
            assert cursor_on_screen(app)
        before = set(article.open_sections)
        top = article.top
        await pilot.press("enter")
        cursor = article.cursor
        if cursor is None or cursor.heading is None:
            assert article.open_sections == before
        assert cursor_on_screen(app)
        assert abs(article.top - top) <= article.page_height


async def test_home_then_next_section_is_section_one(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        await pilot.press("1", "home", "right_square_bracket")
        assert article.cursor is not None and article.cursor.heading == 0


async def test_paging_keys_move_the_cursor_with_the_page(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        await pilot.press("2")
        for key in ("f", "f", "b", "d", "u", "ctrl+f", "ctrl+b", "ctrl+e", "ctrl+y", "J", "K"):
            before = article.top
            await pilot.press(key)
            assert cursor_on_screen(app), key
            if key in ("f", "d", "ctrl+f", "ctrl+e", "J"):
                assert article.top > before, key
            else:
                assert article.top < before, key


async def test_letters_are_commands_in_the_sidebar(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("t", "t", "s")
        assert not screen.show_sidebar, "s toggled the sidebar, not typed into a field"
        field = screen.glossary.query_one(Input)
        assert field.value == ""
        await pilot.press("s", "tab")
        assert isinstance(app.focused, OptionList)
        await pilot.press("slash")
        focused: object = app.focused
        assert focused is field
        await pilot.press(*"kerm", "escape")
        assert field.value == "" and isinstance(app.focused, OptionList)
        await pilot.press("slash", *"kerm", "enter")
        assert field.value == "kerm" and isinstance(app.focused, OptionList)
        await pilot.press("t", "t", "t")
        assert field.value == "kerm"


async def test_esc_on_a_card_keeps_the_list_place(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("tab", "j", "j", "j", "j")
        listing = app.focused
        assert isinstance(listing, OptionList)
        index = listing.highlighted
        assert index is not None
        chosen = listing.get_option_at_index(index).id
        await pilot.press("enter")
        assert isinstance(app.focused, EntryCard)
        assert app.focused.highlighted == 0, "the card's first item"
        related = len(screen.briefing.entries[str(chosen)].related)
        await pilot.press(*(["j"] * (related + 1)), "enter")  # to its second mention
        assert screen.article.cursor is not None
        assert isinstance(app.focused, EntryCard), "a wide window keeps the card in view"
        await pilot.press("escape")
        focused: object = app.focused
        assert focused is listing and listing.highlighted == index
        assert listing.get_option_at_index(index).id == chosen
        assert screen.article.cursor is None, "the article's mention cursor is cleared"


async def test_esc_on_a_card_from_the_article_highlights_its_entry(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "enter")
        entry = reader(app).selected_entry
        assert isinstance(app.focused, EntryCard) and entry
        await pilot.press("escape")
        listing = app.focused
        assert isinstance(listing, OptionList) and listing.highlighted is not None
        assert listing.get_option_at_index(listing.highlighted).id == entry


async def test_one_esc_per_level_at_40x15(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(40, 15)) as pilot:
        screen = reader(app)
        await pilot.press("s")
        assert screen.show_sidebar and isinstance(app.focused, OptionList)
        await pilot.press("escape")
        assert not screen.show_sidebar and isinstance(app.focused, ArticleView)
        await pilot.press("s", "j", "enter")
        assert isinstance(app.focused, EntryCard)
        await pilot.press("escape")
        assert screen.show_sidebar and isinstance(app.focused, OptionList)
        await pilot.press("escape")
        assert not screen.show_sidebar and isinstance(app.focused, ArticleView)


async def test_card_related_entries_are_reachable_by_keys(tmp_path: Path) -> None:
    app = make_app(OTHER_SHAPE, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        entry = next(e for e in screen.briefing.glossary if e.related)
        screen.select_entry(entry.id)
        await pilot.pause()
        await pilot.press("g", "enter")
        assert screen.selected_entry == entry.related[0]


async def test_q_quits_from_the_sidebar_and_ctrl_c_saves(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "tab", "ctrl+c")
    assert not app.is_running
    assert saved_state(tmp_path) is not None


async def test_n_without_a_search_says_why(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert any("press /" in str(n.message) for n in app._notifications)


async def test_search_says_when_it_wraps(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("slash", *"Kerman", "enter")
        total = len(screen.article.matches)
        assert total > 1
        for _ in range(total):
            await pilot.press("n")
        count = str(screen.search.bar.query_one("#search-count").render())
        assert count.startswith("1 of") and "wrapped" in count


async def test_first_step_back_goes_to_the_last_match(tmp_path: Path) -> None:
    """`N` before any match was visited goes to the last one (it went to the
    one before last when "no match yet" was -1)."""
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.search.typed("Kerman")
        await until(pilot, search_ran(screen), "the search")
        total = len(screen.article.matches)
        assert total > 2 and screen.search.current_match is None
        await pilot.press("N")
        assert screen.search.current_match == total - 1


async def test_mentions_say_when_they_wrap(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.select_entry("kerman", focus=False)
        targets = screen.article.layout_rows.targets_of("kerman")
        assert len(targets) > 1

        def wraps() -> int:
            return sum("wrapped" in str(n.message) for n in app._notifications)

        for _ in targets:
            await pilot.press("m")
        assert wraps() == 0
        await pilot.press("m")
        cursor = screen.article.cursor
        assert cursor is not None and (cursor.unit, cursor.start) == targets[0][:2]
        assert wraps() == 1
        await pilot.press("M")
        assert wraps() == 2


async def test_speaker_is_a_link_not_a_counted_mention(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE):
        layout = reader(app).article.layout_rows
        speakers = {i for i, unit in enumerate(layout.units) if unit.kind == "speaker"}
        assert speakers
        assert not any(target[0] in speakers for target in layout.mention_targets)


def drawn_reversed(header: Widget) -> bool:
    """Whether every cell of a one-line header is drawn in reverse video."""
    cells = list(header.render_line(0))
    return bool(cells) and all(segment.style and segment.style.reverse for segment in cells)


def tab_styles(tabs: Widget) -> dict[str, tuple[bool, bool]]:
    """Each tab title's (underlined, reversed)."""
    return {
        segment.text: (bool(segment.style.underline), bool(segment.style.reverse))
        for segment in tabs.render_line(0)
        if segment.style and segment.text in ("Glossary", "Timeline")
    }


async def test_the_focused_panes_header_is_drawn_reversed(tmp_path: Path) -> None:
    """The top bar over the article, or the sidebar's tab line, is drawn in
    reverse video (every cell) while its pane has focus; the other is not."""
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        top, tabs = screen.query_one(TopBar), screen.query_one(SidebarTabs)
        await pilot.pause()
        assert drawn_reversed(top) and not drawn_reversed(tabs)
        await pilot.press("tab")
        await pilot.pause()
        assert screen.sidebar_focused
        assert drawn_reversed(tabs) and not drawn_reversed(top)
        await pilot.press("tab")
        await pilot.pause()
        assert drawn_reversed(top) and not drawn_reversed(tabs)


async def test_no_color_marks_the_focused_header_by_reverse_video(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        top, tabs = screen.query_one(TopBar), screen.query_one(SidebarTabs)
        await pilot.pause()
        assert app.no_color
        assert drawn_reversed(top) and not drawn_reversed(tabs)
        await pilot.press("tab")
        await pilot.pause()
        assert drawn_reversed(tabs) and not drawn_reversed(top)


async def fully_repainted_differs(app: object, pilot: object) -> bool:
    """Whether repainting every widget from scratch changes the screen: what a
    focus change skipped repainting (widgets/focusfix.py) must not be stale."""
    await pilot.pause()  # type: ignore[attr-defined]
    before = app.export_screenshot()  # type: ignore[attr-defined]
    for widget in app.screen.walk_children(with_self=True):  # type: ignore[attr-defined]
        widget.refresh()
    await pilot.pause()  # type: ignore[attr-defined]
    return bool(before != app.export_screenshot())  # type: ignore[attr-defined]


WRAP_WIDTHS = (SIZE[0], 98, 110, 120, 90, 80)
"""Widths to try for a name wrapped over two rows: where the bundled text wraps
depends on its wording, so the first width that wraps one is used."""


async def test_tab_leaves_nothing_stale_even_for_a_cursor_over_two_rows(tmp_path: Path) -> None:
    for width in WRAP_WIDTHS:
        if await _tab_repaints_cleanly_over_a_wrapped_name(tmp_path / str(width), width):
            return
    raise AssertionError(f"no wrapped name in the bundled briefing at widths {WRAP_WIDTHS}")


async def _tab_repaints_cleanly_over_a_wrapped_name(state: Path, width: int) -> bool:
    """False when no name wraps at this width; asserts on a stale repaint."""
    state.mkdir()
    app = make_app(BUNDLED, state, fresh=True)
    async with app.run_test(size=(width, SIZE[1])) as pilot:
        article = reader(app).article
        await pilot.press("2")
        layout = article.layout_rows
        row_of = layout.row_of
        wrapped = [
            target
            for target in targets_on_rows(layout, 0, len(layout.rows))
            if target.heading is None
            and row_of(target.unit, target.start) != row_of(target.unit, target.end - 1)
        ]
        if not wrapped:
            return False
        target = wrapped[0]
        article.go_to_span(target.unit, target.start, target.end, target.entry_id)
        await pilot.pause()
        first, last = article.cursor_row(), layout.row_of(target.unit, target.end - 1)
        assert first is not None and last is not None
        assert article.top <= first < last < article.top + article.page_height, "both rows shown"
        for _ in range(2):
            await pilot.press("tab")
            assert not await fully_repainted_differs(app, pilot)
        await pilot.press("2", "tab")  # a heading
        assert not await fully_repainted_differs(app, pilot)
        await pilot.press("tab")
        assert not await fully_repainted_differs(app, pilot)
    return True


async def test_the_active_tab_stands_out_on_a_focused_tab_line(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tabs = reader(app).query_one(SidebarTabs)
        for keys, shown, focused in (
            ((), "Glossary", False),
            (("tab",), "Glossary", True),
            (("t",), "Timeline", True),
            (("tab",), "Timeline", False),
        ):
            await pilot.press(*keys)
            await pilot.pause()
            styles = tab_styles(tabs)
            other = "Timeline" if shown == "Glossary" else "Glossary"
            # the shown tab underlined, the other not; reverse only for focus
            assert styles[shown] == (True, focused) and styles[other] == (False, focused), (
                keys,
                styles,
            )


async def test_slash_again_starts_a_fresh_pattern_enter_keeps_the_old(tmp_path: Path) -> None:
    """As in less and vim: `/` shows the last pattern selected, typing replaces it."""
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("tab", "slash", *"kerm", "enter", "slash", *"brew", "enter")
        assert screen.glossary.query_one(Input).value == "brew"
        await pilot.press("slash", "enter")
        assert screen.glossary.query_one(Input).value == "brew"
        await pilot.press("tab", "slash", *"ker", "enter", "slash", "m", "enter")
        assert screen.search.query_text == "m"


async def test_a_card_opens_at_its_top_with_its_first_item_under_the_cursor(
    tmp_path: Path,
) -> None:
    """Its name is in view and `j` walks the items in the order they are drawn
    (it opened on the first mention, below the fold at 80x24, and `j` skipped
    the related entries). A head taller than the pane scrolls: the cursor
    stays on screen first."""
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = reader(app)
        await pilot.press("tab", "slash", *"kerman", "enter", "enter")
        card = screen.card
        assert app.focused is card and card.highlighted == 0
        assert card.scroll_offset.y == 0 and "Kerman" in card.text(3)
        related = len(screen.briefing.entries["kerman"].related)
        await pilot.press(*(["j"] * related))
        assert card.highlighted == related  # the first mention, scrolled into view
        row = card._item_row(related) - int(card.scroll_offset.y)
        assert 0 <= row < card.scrollable_content_region.height


async def test_section_keys_past_the_ends_say_why(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        total = len(reader(app).briefing.sections)
        await pilot.press(str(total), "right_square_bracket", "1", "left_square_bracket", "9")
        told = [str(n.message) for n in app._notifications]
        assert "No next section." in told and "No previous section." in told
        assert f"This briefing has {total} sections." in told


async def test_a_mention_count_never_sits_on_a_row_of_its_own() -> None:
    """After a long name the count wrapped onto the next row, where it read as an entry."""
    from textual.widgets import OptionList

    for width in (40, 60, 70, 80, 90, 100, 120, 160):
        app = make_app(BUNDLED, None, fresh=True)
        async with app.run_test(size=(width, 40)) as pilot:
            await pilot.press("tab")
            listing = reader(app).query_one("#glossary-list", OptionList)
            rows = [listing.render_line(y).text.strip() for y in range(listing.size.height)]
            assert not [row for row in rows if row.isdigit()], (width, rows)


async def test_a_search_match_in_an_open_sections_lede_lands_on_its_heading() -> None:
    """A section's lede shows only while it is closed; `N` onto a match there left the
    cursor on a unit with no row (found by the state machine)."""
    import tempfile

    from tests.apptools import generated_briefing

    folder = Path(tempfile.mkdtemp())
    app = make_app(generated_briefing(folder), folder, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "slash", "ctrl+b")
        await pilot.press("1")
        await pilot.press("shift+tab", "N")
        await pilot.pause()
        article = reader(app).article
        assert article.cursor is not None and article.cursor_row() is not None
