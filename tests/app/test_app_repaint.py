"""What a key repaints: the rows that changed, in one frame, not the pane.

Counted, not timed: rows the article draws (`ArticleRenderer.segments`),
rows Textual asks the article for (the crops given to
`ArticleView.render_lines`), and frames (the screen draws its own lines
once in every frame, as every widget's region overlaps it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.style import Style
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from briefing.tui.app import BriefingApp
from briefing.tui.screens.readerscreen import ReaderScreen
from briefing.tui.widgets.article import ArticleView
from briefing.tui.widgets.articlelines import ArticleRenderer
from briefing.tui.widgets.targets import targets_on_rows
from tests.apptools import BUNDLED, make_app, reader, until


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


def spy(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> Counter:
    """Count calls of `owner.name`, which still does its work."""
    counter = Counter()
    real: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        counter.count += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return counter


async def start_up_drawn(pilot: Pilot[Any], started: Counter) -> None:
    """Wait until start-up has drawn all it asked for, so frames are the keys' own:
    on a loaded machine its last frame can still be due when the first key arrives.

    `started` counts `BriefingApp._after_first_frame`."""
    await until(pilot, lambda: started.count > 0, "the start-up's frames")
    await pilot.pause()


def rows_of_units(article: ArticleView, units: set[int]) -> int:
    """Rows on screen that belong to these units."""
    rows = article.layout_rows.rows
    top = article.top
    shown = rows[top : top + article.page_height]
    return sum(1 for row in shown if row.unit in units)


async def test_j_draws_the_row_scrolled_in_and_the_cursor_s_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = spy(monkeypatch, ArticleRenderer, "segments")
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        article = reader(app).article
        await pilot.press("j")  # the cursor comes into view
        await pilot.pause()
        kept = moved = 0
        for _ in range(40):
            before = article.cursor
            drawn.take()
            await pilot.press("j")
            await pilot.pause()
            after = article.cursor
            count = drawn.take()
            if before == after:
                kept += 1
                assert count == 1, "only the row scrolled in is drawn"
            else:
                moved += 1
                units = {target.unit for target in (before, after) if target is not None}
                assert count <= 1 + rows_of_units(article, units), (before, after, count)
        assert kept and moved, (kept, moved)


async def test_a_cursor_moved_in_place_repaints_its_rows_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        article = reader(app).article
        await pilot.press("j")
        await pilot.pause()
        top = article.top
        found = targets_on_rows(article.layout_rows, top, top + article.page_height)
        spans = [t for t in found if t.heading is None]
        first, last = spans[0], spans[-1]
        assert first.unit != last.unit
        article.set_cursor(first)
        await pilot.pause()
        asked: list[tuple[Region, ...]] = []
        real = ArticleView.refresh

        def refresh(self: ArticleView, *regions: Region, **options: Any) -> ArticleView:
            asked.append(regions)
            real(self, *regions, **options)
            return self

        monkeypatch.setattr(ArticleView, "refresh", refresh)
        drawn = spy(monkeypatch, ArticleRenderer, "segments")
        article.set_cursor(last)
        await pilot.pause()
        assert article.top == top, "no scroll"
        old_lines = article._target_lines(first)
        new_lines = article._target_lines(last)
        assert old_lines is not None and new_lines is not None
        assert old_lines[1] == new_lines[1] == 1, "one row each (the regions below)"
        assert asked and all(asked), "no repaint of the whole pane"
        rows = sorted(region.y + article.top for regions in asked for region in regions)
        assert rows == sorted([old_lines[0], new_lines[0]]), "the rows left and entered"
        assert all(region.height == 1 for regions in asked for region in regions)
        units = {first.unit, last.unit}
        assert drawn.take() <= rows_of_units(article, units), "drawn: those units' rows only"
        row = article.layout_rows.rows[new_lines[0]]
        with_cursor = article.renderer.segments(row)
        article.renderer.cursor = None
        assert article.renderer.segments(row) != with_cursor, "the new cursor is drawn"


async def test_a_key_that_changes_the_section_draws_one_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The top bar names the new section in the same frame as the scroll,
    not in a second frame a frame period later."""
    frames = spy(monkeypatch, ReaderScreen, "render_lines")
    started = spy(monkeypatch, BriefingApp, "_after_first_frame")
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = reader(app)
        article = screen.article
        await start_up_drawn(pilot, started)
        changed = 0
        for _ in range(60):
            section = article.section_in_view()
            frames.take()
            await pilot.press("j")
            await pilot.pause()
            count = frames.take()
            if article.section_in_view() != section:
                changed += 1
                assert count == 1, "one frame for the scroll and the top bar"
            else:
                assert count <= 1
        assert changed, "the presses crossed a section"


def cells(strip: Strip) -> list[tuple[str, Style | None]]:
    return [(char, segment.style) for segment in strip for char in segment.text]


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "NO_COLOR"])
async def test_kept_rows_are_what_textual_s_styling_draws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    """The article's own row path, with the rows it kept, gives cell for cell
    what Textual's styling of rows drawn afresh gives: with no cursor, with one, a search match, a
    selected entry, the sidebar hidden (a wider pane) and the pane unfocused;
    in colour and under NO_COLOR (a line filter)."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = reader(app)
        article = screen.article

        async def same(why: str) -> None:
            await pilot.pause()
            crop = Region(0, 0, article.size.width, article.size.height)
            kept = article.render_lines(crop)
            article.renderer.forget()  # every row drawn afresh: nothing kept is stale
            styled = Widget.render_lines(article, crop)  # Textual's path
            assert [cells(line) for line in kept] == [cells(line) for line in styled], why
            assert [line.cell_length for line in kept] == [article.size.width] * len(kept)

        await same("no cursor")
        await pilot.press("j", "j", "j")
        await same("a cursor")
        await pilot.press("/", *"iran", "enter")
        await same("search matches")
        screen.select_entry("iran", focus=False)
        await same("a selected entry")
        assert bool(article.get_line_filters()) == no_color
        width = article.size.width
        screen.set_focus(article)
        await pilot.press("s")
        await pilot.pause()
        assert article.size.width > width
        await same("the sidebar hidden")
        article.blur()
        await same("unfocused")
        screen.set_focus(article)
        await same("focused again")
        app.theme = "textual-light"
        await same("another theme")


async def test_a_toggled_section_redraws_the_pane_in_one_frame_as_a_layout_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening or closing a section changes the pane's scroll height, not its
    size: no screen layout (a second, whole-screen frame) unless the scrollbar
    comes or goes, and what is drawn is what a full layout draws."""
    frames = spy(monkeypatch, ReaderScreen, "render_lines")
    started = spy(monkeypatch, BriefingApp, "_after_first_frame")
    layouts: list[Widget] = []
    real_refresh = Widget.refresh

    def refresh(self: Widget, *regions: Region, **options: Any) -> Widget:
        if options.get("layout"):
            layouts.append(self)
        return real_refresh(self, *regions, **options)

    monkeypatch.setattr(Widget, "refresh", refresh)
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = reader(app)
        article = screen.article
        await start_up_drawn(pilot, started)

        async def drawn_as_by_a_layout() -> str:
            shown = app.export_screenshot()
            screen.refresh(layout=True)
            await pilot.pause()
            assert app.export_screenshot() == shown, "a full layout draws the same"
            return shown

        await pilot.press("2")
        await pilot.pause()
        for is_open in (False, True):
            section = article.current_section()
            assert section is not None
            rows = len(article.layout_rows.rows)
            frames.take()
            layouts.clear()
            await pilot.press("enter")
            await pilot.pause()
            assert (section in article.open_sections) is is_open
            assert len(article.layout_rows.rows) != rows
            assert article.vertical_scrollbar.window_virtual_size == len(article.layout_rows.rows)
            assert layouts == [], "the scrollbar stayed: nothing to lay out"
            assert frames.take() == 1
            await drawn_as_by_a_layout()
        # Every section closed, in a taller window: the article fits and its scrollbar goes.
        await pilot.resize_terminal(100, 60)
        await pilot.pause()
        article.set_all(False)
        await pilot.pause()
        assert article.virtual_size.height <= article.scrollable_content_region.height
        assert not article.show_vertical_scrollbar
        closed = await drawn_as_by_a_layout()
        article.set_all(True)
        await pilot.pause()
        assert article.show_vertical_scrollbar
        assert await drawn_as_by_a_layout() != closed
