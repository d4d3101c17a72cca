"""The library and help in the reader's style: keys, filter, read marks."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from briefing.tui.app import BriefingApp
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.libraryscreen import LibraryScreen
from tests.apptools import BUNDLED, OTHER_SHAPE, load, make_app

SIZE = (100, 30)


def library_app(tmp_path: Path) -> BriefingApp:
    return BriefingApp(
        load(BUNDLED), paths=[str(OTHER_SHAPE)], state_dir=tmp_path, config_dir=tmp_path
    )


def rows(app: BriefingApp) -> list[str]:
    listing = app.screen.query_one(OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_library_letters_are_commands_and_slash_filters(tmp_path: Path) -> None:
    app = library_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, LibraryScreen)
        listing = app.screen.query_one(OptionList)
        assert app.focused is listing
        await pilot.press("j")
        assert listing.highlighted == 1
        await pilot.press("g")
        assert listing.highlighted == 0
        await pilot.press("slash", *"zzz")
        assert isinstance(app.focused, Input)
        assert rows(app) == ["No briefing matches"]
        await pilot.press("escape")
        assert len(rows(app)) == 2 and app.focused is listing
        await pilot.press("q")
    assert not app.is_running


async def test_library_shows_origin_and_read_marks(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G")
        app.save_reading_state()
        await pilot.press("3")
        app.save_reading_state()
    app = library_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        text = "\n".join(rows(app))
        assert "unread" in text  # the other briefing
        assert "% read" in text  # the bundled one, read to section 3
        assert "command line" in text


async def test_library_marks_the_open_briefing_where_it_is_now(tmp_path: Path) -> None:
    """Read to the end, reopened with --fresh and moved to section 2: the
    library says how far it is read now, not what was saved before."""
    app = library_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("G", "q")
    app = BriefingApp(
        load(BUNDLED), paths=[str(OTHER_SHAPE)], state_dir=tmp_path, config_dir=tmp_path,
        fresh=True,
    )  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "o")
        bundled = next(row for row in rows(app) if "Iran" in row)
        assert "% read" in bundled, bundled


async def test_help_scrolls_with_the_readers_keys_and_is_found_in_the_palette(
    tmp_path: Path,
) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.press("ctrl+p", *"help", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        box = app.screen.query_one("#help-box")
        await pilot.press("G")
        assert box.scroll_offset.y > 0
        await pilot.press("g")
        assert box.scroll_offset.y == 0
        hint = app.screen.query_one("#help-hint")
        assert hint.region.height == 1 and hint.region.y < 20
        await pilot.press("q")
        assert not isinstance(app.screen, HelpScreen)
        assert app.is_running
