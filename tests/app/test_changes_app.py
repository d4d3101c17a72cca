"""Pilot tests: a briefing read, changed on disk, and opened again (and the change view)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from briefing.tui.app import BriefingApp
from briefing.tui.palette import BriefingCommands
from briefing.tui.screens.diffview import DiffScreen
from briefing.tui.widgets.glossary import GlossaryPanel
from briefing.tui.widgets.statusline import StatusLine
from tests.apptools import make_app, reader
from tests.changetools import briefing_yaml

SIZE = (100, 30)
HOSTILE = "The mayor said [@click=app.quit]quit[/] and [bold]shouted[/bold] \x1b]0;owned\x07."

OLD = briefing_yaml(
    [("background", "Background", "The bridge closed on Monday."),
     ("reactions", "Reactions", "The mayor said nothing."),
     ("analysis", "Analysis", "Repairs take a year."),
     ("costs", "Costs", "Nobody has counted."),
     ("rumours", "Old rumours", "Nobody knows.")],
    [("dana", "Dana Lee")],
    [("2025-03-10", "The bridge closed.")],
)  # fmt: skip
NEW = briefing_yaml(
    [("background", "Background", "The bridge reopened on Friday."),
     ("reactions", "Reactions", HOSTILE),
     ("analysis", "Analysis", "Repairs take a year."),
     ("costs", "Costs", "Nobody has counted."),
     ("future", "What next", "A vote in April.")],
    [("dana", "Dana Lee"), ("sam", "Sam Ortiz")],
    [("2025-03-10", "The bridge closed."), ("2025-03-14", "The bridge reopened.")],
)  # fmt: skip


async def read_then_change(tmp_path: Path) -> BriefingApp:
    """Read OLD with every section closed, quit, write NEW: the app that opens it."""
    path = tmp_path / "story.yaml"
    path.write_text(OLD, encoding="utf-8")
    first = make_app(path, tmp_path / "state")
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.press("q")
    path.write_text(NEW, encoding="utf-8")
    return make_app(path, tmp_path / "state")


def heading_text(app: BriefingApp, section: int) -> str:
    """The section's title with the mark drawn after it, as the reader shows them."""
    article = reader(app).article
    title = article.layout_rows.units[article.layout_rows.headings[section]].text
    mark = article.section_marks.get(section)
    return f"{title}  {mark}" if mark else title


async def test_changed_and_new_sections_are_marked_and_opened(tmp_path: Path) -> None:
    app = await read_then_change(tmp_path)
    async with app.run_test(size=(100, 12)) as pilot:
        screen = reader(app)
        assert heading_text(app, 0) == "Background  [changed]"
        assert heading_text(app, 1) == "Reactions  [changed]"
        assert heading_text(app, 2) == "Analysis"
        assert heading_text(app, 4) == "What next  [new]"
        assert screen.article.open_sections == {0, 1, 4}, "changed and new open, the rest kept"
        # removed sections are listed once, in the one notification
        assert app.tracker.told == [
            "2 sections changed, 1 new section; 1 new glossary entry, "
            "1 new timeline event. 1 section removed since you read: Old rumours"
        ]
        # top bar
        topbar = screen.query_one("#topbar", StatusLine)
        await pilot.press("2")
        await pilot.pause()
        assert str(topbar.text) == "2/5 Reactions [changed]"
        await pilot.press("3")
        await pilot.pause()
        assert str(topbar.text).endswith("Analysis (collapsed)")
        # palette section list
        provider = BriefingCommands(screen)
        texts = [text for text, *_ in provider._commands()]
        assert "Section 1: Background [changed]" in texts
        assert "Section 5: What next [new]" in texts
        assert "Section 3: Analysis" in texts
        # glossary and timeline mark new entries and events
        glossary = screen.query_one(GlossaryPanel).query_one(OptionList)
        prompts = {
            glossary.get_option_at_index(i).id: str(glossary.get_option_at_index(i).prompt)
            for i in range(glossary.option_count)
        }
        assert prompts["sam"].endswith("[new]") and "[new]" not in prompts["dana"]
        timeline = screen.timeline
        events = [str(timeline.get_option_at_index(i).prompt) for i in range(2)]
        assert "[new]" not in events[0] and "[new]" in events[1]


async def test_keys_jump_between_changes_and_wrap(tmp_path: Path) -> None:
    app = await read_then_change(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        visited = []
        for _ in range(4):
            await pilot.press("right_curly_bracket")
            assert article.cursor is not None
            visited.append(article.cursor.heading)
        assert visited == [0, 1, 4, 0]
        await pilot.press("left_curly_bracket")
        assert article.cursor is not None and article.cursor.heading == 4


async def test_change_view_shows_words_and_hostile_text_literally(tmp_path: Path) -> None:
    app = await read_then_change(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "D")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DiffScreen)
        body = str(app.screen.query_one("#diff-body", Static).render())
        assert "[-nothing.-]" in body
        assert "[@click=app.quit]quit[/]" in body and "[bold]shouted[/bold]" in body
        assert "\x1b" not in body and "\x07" not in body
        await pilot.click("#diff-body")
        assert app.is_running, "a click on hostile text ran no action"
        await pilot.press("D")
        assert not isinstance(app.screen, DiffScreen)
        await pilot.press("3", "D")
        assert not isinstance(app.screen, DiffScreen), "an unchanged section has no change view"


async def test_an_unchanged_briefing_shows_no_marks(tmp_path: Path) -> None:
    path = tmp_path / "story.yaml"
    path.write_text(OLD, encoding="utf-8")
    for _ in range(2):
        app = make_app(path, tmp_path / "state")
        async with app.run_test(size=SIZE) as pilot:
            assert reader(app).changes is None
            assert "[" not in heading_text(app, 0)
            await pilot.press("q")
    assert (tmp_path / "state" / "versions" / "story.json").is_file()


async def test_library_marks_briefings_updated_since_read(tmp_path: Path) -> None:
    import shutil

    from briefing.store.library import discover
    from briefing.tui.screens.libraryscreen import LibraryScreen
    from tests.apptools import OTHER_SHAPE

    story = tmp_path / "story.yaml"
    story.write_text(OLD, encoding="utf-8")
    other = tmp_path / "other.yaml"
    shutil.copy(OTHER_SHAPE, other)
    for path in (story, other):
        app = make_app(path, tmp_path / "state")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("q")
    story.write_text(NEW, encoding="utf-8")
    library = discover([str(story), str(other)])
    app = make_app(other, tmp_path / "state", library=library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        listing = app.screen.query_one(OptionList)
        prompts = {
            listing.get_option_at_index(i).id: str(listing.get_option_at_index(i).prompt)
            for i in range(listing.option_count)
        }
        assert "updated since read" in prompts["story"]
        assert "updated since read" not in prompts[load_id(other)]


def load_id(path: Path) -> str:
    from tests.apptools import load

    return load(path).id


async def test_live_reload_keeps_the_place_and_marks_the_change(tmp_path: Path) -> None:
    import asyncio
    import os

    path = tmp_path / "story.yaml"
    path.write_text(OLD, encoding="utf-8")
    app = make_app(path, tmp_path / "state")
    async with app.run_test(size=(100, 14)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        before = reader(app)
        top = before.article.scroll_offset.y
        assert top > 0
        changed = OLD.replace("Nobody has counted.", "Nobody has counted the cost yet.")
        temp = tmp_path / ".story.tmp"
        temp.write_text(changed, encoding="utf-8")
        os.replace(temp, path)
        for _ in range(40):  # up to 2 s
            await asyncio.sleep(0.05)
            if reader(app) is not before:
                break
        await pilot.pause()
        after = reader(app)
        assert after is not before, "reloaded without a key"
        assert after.changes is not None and after.changes.marked == {"costs": "changed"}
        assert heading_text(app, 3) == "Costs  [changed]"
        assert after.article.scroll_offset.y == top, "the place is kept"


async def test_a_damaged_remembered_version_is_set_aside_with_a_warning(tmp_path: Path) -> None:
    from briefing.store.state import ReadingState, save_state

    path = tmp_path / "story.yaml"
    path.write_text(NEW, encoding="utf-8")
    state = tmp_path / "state"
    save_state("story", ReadingState(seen="an older hash"), state)
    (state / "versions").mkdir()
    (state / "versions" / "story.json").write_text('{"format": 1, "sections": [')
    app = make_app(path, state)
    async with app.run_test(size=SIZE) as pilot:
        assert reader(app).changes is None
        assert len(app.tracker.told) == 1 and "moved aside" in app.tracker.told[0]
        await pilot.press("q")
    assert list((state / "versions").glob("story.json.corrupt-*"))
    assert (state / "versions" / "story.json").is_file(), "what was read is remembered again"
