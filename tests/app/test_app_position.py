"""The reading position is anchored in the content, never a screen row."""

from __future__ import annotations

import json
from pathlib import Path

from briefing.render.position import anchor_row
from briefing.store.state import load_state
from briefing.tui.widgets.topbar import TopBar
from tests.apptools import BUNDLED, make_app, reader


def top_words(app: object) -> str:
    """The text of the anchored character onwards, as far as the top row shows it."""
    article = reader(app).article  # type: ignore[arg-type]
    anchor = article.reading_anchor
    return article.layout_rows.units[anchor.unit].text[anchor.offset : anchor.offset + 20]


def anchored_row_is_top(app: object) -> bool:
    article = reader(app).article  # type: ignore[arg-type]
    wanted = anchor_row(article.layout_rows, article.reading_anchor)
    return article.top == min(wanted, int(article.max_scroll_y))


async def test_position_kept_across_width_changes_and_sidebar(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2", "j", "j", "j", "j", "j")
        article = reader(app).article
        anchor = article.reading_anchor
        words = top_words(app)
        assert article.layout_rows.units[anchor.unit].section == 1
        for size in ((60, 30), (160, 30), (100, 30), (40, 15), (100, 30)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert article.reading_anchor.unit == anchor.unit, size
            assert top_words(app) == words, size
            assert anchored_row_is_top(app), size
        for _ in range(2):
            await pilot.press("s")
            await pilot.pause()
            assert top_words(app) == words
            assert anchored_row_is_top(app)


async def test_toggling_a_section_above_keeps_the_words_on_top(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3", "j", "j")
        words = top_words(app)
        reader(app).article.set_open(0, False)
        await pilot.pause()
        assert top_words(app) == words and anchored_row_is_top(app)
        reader(app).article.set_open(0, True)
        await pilot.pause()
        assert top_words(app) == words and anchored_row_is_top(app)


async def test_position_reopened_at_another_size(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4", "j", "j", "j")
        words = top_words(app)
        section = reader(app).article.layout_rows.section_at(reader(app).article.top + 1)
        await pilot.press("q")
    saved, _warning = load_state("iran-pakistan-2024-01", tmp_path)
    assert saved.position is not None and saved.position.area == "section"
    again = make_app(BUNDLED, tmp_path)
    async with again.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert top_words(again) == words
        assert anchored_row_is_top(again)
        article = reader(again).article
        assert article.layout_rows.section_at(article.top + 1) == section
        # and the top bar names it (it used to show the outlet until a key moved)
        title = reader(again).briefing.sections[section].title
        assert title in str(reader(again).query_one(TopBar).text)


async def test_old_state_file_without_position_still_loads(tmp_path: Path) -> None:
    (tmp_path / "iran-pakistan-2024-01.json").write_text(
        json.dumps({"open_sections": None, "scroll_y": 7, "selected_entry": None})
    )
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert reader(app).article.top == 7
        assert not list(tmp_path.glob("*.corrupt-*"))


async def test_section_marks_hook_draws_after_the_title(tmp_path: Path) -> None:
    from tests.apptools import visible_text

    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        article = reader(app).article
        article.set_section_marks({1: "updated\x1b since read"})  # ESC made harmless
        await pilot.press("2")
        assert "The strikes  updated\ufffd since read" in visible_text(app)


async def test_anchor_follows_after_the_sidebar_comes_back(tmp_path: Path) -> None:
    # Showing the sidebar narrows the article; a horizontal scrollbar flashed up
    # for the old width and left the wrap size stale, so jumps no longer moved
    # the anchor (found by tests/app/test_app_statemachine.py).
    (tmp_path / "preferences.toml").write_text("sidebar = false\n")
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        article = reader(app).article
        assert article.layout_rows.units[article.reading_anchor.unit].section == 1
        assert anchored_row_is_top(app)


async def test_anchor_follows_after_the_text_fits_and_grows_again(tmp_path: Path) -> None:
    # Collapsed, the text fits and the vertical scrollbar went away (one more
    # column, no resize); expanded again, the anchor stopped following.
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(100, 60)) as pilot:
        article = reader(app).article
        await pilot.press("c")
        await pilot.pause()
        assert article.max_scroll_y == 0
        await pilot.press("e", "j", "j", "2")
        await pilot.pause()
        assert article.layout_rows.units[article.reading_anchor.unit].section == 1
        assert anchored_row_is_top(app)


async def test_expanding_what_fits_brings_the_reading_place_back_on_top(tmp_path: Path) -> None:
    """Collapse all, then expand all, in a window the collapsed text fits: the
    place read is on the top row again. The scroll was once refused, because
    the scrollbar that expanding brings back was not shown until the layout."""
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=(160, 48)) as pilot:
        article = reader(app).article
        await pilot.press("3")
        await pilot.pause()
        words = top_words(app)
        assert article.top > 0 and anchored_row_is_top(app)
        await pilot.press("c")
        await pilot.pause()
        assert article.max_scroll_y == 0 and article.top == 0
        assert article.section_in_view() == 2, "the place is kept while all is closed"
        await pilot.press("e")
        await pilot.pause()
        assert article.top > 0 and anchored_row_is_top(app)
        assert top_words(app) == words


async def test_a_key_before_the_first_frame_is_not_undone_by_the_restore(tmp_path: Path) -> None:
    """Keys typed ahead (a slow link, a quick hand) act on the restored place:
    the restore once ran after the first frame and put the view back."""
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4", "q")
    again = make_app(BUNDLED, tmp_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        await pilot.pause()
        assert reader(again).article.section_in_view() == 1


def short_six_sections(folder: Path) -> Path:
    """Six sections that fit 160x48 but for a few rows: the last ones cannot reach the top."""
    from tests.changetools import briefing_yaml

    path = folder / "story.yaml"
    sections = [(f"part-{n}", f"Part {n}", "Words here. " * 60) for n in range(1, 7)]
    path.write_text(briefing_yaml(sections))
    return path


async def test_a_jump_the_view_cannot_put_on_top_is_still_the_place(tmp_path: Path) -> None:
    path = short_six_sections(tmp_path)
    app = make_app(path, tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        article = reader(app).article
        assert article.layout_rows.section_rows[4] > article.max_scroll_y  # the premise
        bar = reader(app).query_one(TopBar)
        assert "5/6" in str(bar.text) and "Part 5" in str(bar.text)
        await pilot.resize_terminal(40, 15)
        await pilot.pause()
        assert article.section_in_view() == 4
        assert article.layout_rows.section_at(article.top + 1) == 4  # on screen, on top
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        await pilot.press("q")
    again = make_app(path, tmp_path)
    async with again.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.pause()
        article = reader(again).article
        assert article.layout_rows.section_at(article.top + 1) == 4
        assert "Part 5" in str(reader(again).query_one(TopBar).text)


async def test_a_saved_place_the_view_cannot_put_on_top_is_named(tmp_path: Path) -> None:
    path = short_six_sections(tmp_path)
    app = make_app(path, tmp_path)
    async with app.run_test(size=(40, 15)) as pilot:
        await pilot.press("5", "q")
    again = make_app(path, tmp_path)
    async with again.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "Part 5" in str(reader(again).query_one(TopBar).text)
        await pilot.resize_terminal(40, 15)
        await pilot.pause()
        article = reader(again).article
        assert article.layout_rows.section_at(article.top + 1) == 4
