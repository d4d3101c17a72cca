"""`/` in the timeline filters its events, as in the glossary and the library."""

from __future__ import annotations

from pathlib import Path

from briefing.tui.widgets.field import Field
from briefing.tui.widgets.keyhints import KeyHints
from briefing.tui.widgets.timeline import TimelineList
from tests.apptools import BUNDLED, OTHER_SHAPE, make_app, reader

SIZE = (100, 30)


def shown_events(listing: TimelineList) -> list[int]:
    return [int(option.id) for option in listing.options if option.id is not None]


async def test_slash_filters_the_timeline_by_date_or_words(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("t")
        listing = screen.timeline
        assert app.focused is listing
        everything = shown_events(listing)
        assert len(everything) == len(screen.briefing.timeline)
        assert any(hint[1] == "Filter" for hint in screen.query_one(KeyHints).hints)
        await pilot.press("slash", *"2024-01-1", "enter")
        dated = shown_events(listing)
        timeline = screen.briefing.timeline
        assert dated == [n for n in everything if "2024-01-1" in str(timeline[n].date)]
        assert 0 < len(dated) < len(everything)
        assert app.focused is listing  # Enter leaves the field, keeping the filter
        await pilot.press("slash", "escape")
        assert shown_events(listing) == everything
        await pilot.press("slash", *"soleimani", "enter")
        assert [timeline[n].date for n in shown_events(listing)] == [
            event.date for event in timeline if "soleimani" in event.event.text.lower()
        ]


async def test_letters_stay_commands_and_enter_goes_to_the_filtered_event(
    tmp_path: Path,
) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("t", "slash", *"2024-01-18", "enter", "j", "enter")
        listing = screen.timeline
        second = shown_events(listing)[1]
        section = screen.briefing.timeline[second].section
        assert section is not None
        assert screen.query_one("#timeline-filter", Field).value == "2024-01-18"
        assert app.focused is screen.article
        assert (
            screen.article.layout_rows.section_at(screen.article.top + 1)
            == (screen.briefing.section_index[section])
        )


async def test_an_event_hidden_by_the_filter_is_shown_when_asked_for(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("t", "slash", *"zzz", "enter")
        listing = screen.timeline
        assert shown_events(listing) == []
        assert "No event matches" in str(listing.get_option_at_index(0).prompt)
        screen.go_to_event(0)
        await pilot.pause()
        assert screen.query_one("#timeline-filter", Field).value == ""
        assert listing.highlighted_option is not None
        assert listing.highlighted_option.id == "0"


async def test_no_timeline_no_filter_and_slash_searches(tmp_path: Path) -> None:
    app = make_app(OTHER_SHAPE, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        assert not screen.briefing.timeline
        await pilot.press("t")
        assert not screen.query_one("#timeline-filter", Field).display
        assert not any(hint[1] == "Filter" for hint in screen.query_one(KeyHints).hints)
        await pilot.press("slash", *"bridge", "enter")
        assert screen.search.active and screen.article.matches
