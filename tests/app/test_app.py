"""Pilot tests: the reader's behaviour, driven by keys and clicks as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from briefing.tui.app import BriefingApp
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.libraryscreen import LibraryScreen
from briefing.tui.widgets.card import EntryCard
from tests.apptools import (
    BUNDLED,
    HOSTILE,
    OTHER_SHAPE,
    load,
    make_app,
    palette_found,
    reader,
    search_ran,
    until,
    visible_text,
)
from tests.storetools import saved_state

SIZE = (100, 30)


async def test_opens_with_sections_as_the_file_says(tmp_path: Path) -> None:
    app = make_app(OTHER_SHAPE, tmp_path)
    async with app.run_test(size=SIZE):
        article = reader(app).article
        assert article.open_sections == {0}
        assert "The vote" in visible_text(app)


async def test_enter_toggles_a_section_and_space_pages_even_on_its_heading(
    tmp_path: Path,
) -> None:
    """As in less, Space always pages: on a heading (after `]`, `2` or `j`) it
    must not collapse the section the reader is about to read."""
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        assert 1 in article.open_sections
        await pilot.press("2")
        await pilot.press("enter")
        assert 1 not in article.open_sections
        await pilot.press("enter")
        assert 1 in article.open_sections
        top = article.scroll_offset.y
        await pilot.press("space")
        assert 1 in article.open_sections
        assert article.scroll_offset.y > top


async def test_space_pages_when_not_on_a_heading(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        before = set(article.open_sections)
        await pilot.press("space")
        assert article.scroll_offset.y > 0
        assert article.open_sections == before


async def test_expand_and_collapse_all(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        await pilot.press("c")
        assert article.open_sections == set()
        text = visible_text(app)
        for title in ("Background", "Reactions", "Analysis"):
            assert title in text
        await pilot.press("e")
        assert article.open_sections == {0, 1, 2, 3}


async def test_scroll_keys_move_like_less(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        await pilot.press("j", "j", "j")
        assert article.scroll_offset.y == 3
        await pilot.press("k")
        assert article.scroll_offset.y == 2
        await pilot.press("G")
        assert article.scroll_offset.y == article.max_scroll_y > 0
        await pilot.press("g")
        assert article.scroll_offset.y == 0
        await pilot.press("ctrl+d")
        half = article.scroll_offset.y
        assert half > 5
        await pilot.press("pagedown")
        assert article.scroll_offset.y > half
        await pilot.press("b")
        assert article.scroll_offset.y == half


async def test_section_keys_jump_to_headings(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        await pilot.press("3")
        assert article.scroll_offset.y == article.layout_rows.section_rows[2]
        await pilot.press("right_square_bracket")
        assert article.scroll_offset.y == article.layout_rows.section_rows[3]
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert article.scroll_offset.y == article.layout_rows.section_rows[1]


async def test_selecting_an_entry_opens_its_card(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.select_entry("jaish-al-adl")
        await pilot.pause()
        card = screen.query_one(EntryCard)
        assert card.display and not screen.sidebar.glossary.display
        body = card.text()
        assert "Jaish al-Adl" in body and "Army of Justice" in body
        assert card.mention_count == len(screen.briefing.mentions_of("jaish-al-adl")) > 1
        assert screen.article.selected_entry == "jaish-al-adl"


async def test_glossary_list_selection_by_keys(tmp_path: Path) -> None:
    app = make_app(OTHER_SHAPE, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        assert isinstance(app.focused, OptionList), "letters stay commands in the sidebar"
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"ferr")
        await pilot.press("enter")
        assert isinstance(app.focused, OptionList), "Enter leaves the field"
        await pilot.press("enter")
        assert reader(app).article.selected_entry == "ferries"


async def test_sidebar_filter_matches_names_and_aliases(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "slash", *"army of")
        listing = reader(app).query_one("#glossary-list", OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        assert [i for i in ids if i] == ["jaish-al-adl"]


async def test_mention_in_collapsed_section_expands_and_scrolls(tmp_path: Path) -> None:
    app = make_app(OTHER_SHAPE, tmp_path)
    async with app.run_test(size=(100, 12)) as pilot:
        screen = reader(app)
        await pilot.press("c")
        assert screen.article.open_sections == set()
        screen.select_entry("greens")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        article = screen.article
        assert article.open_sections == {0}
        cursor = article.cursor
        assert cursor is not None and cursor.entry_id == "greens"
        row = article.layout_rows.row_of(cursor.unit, cursor.start)
        assert row is not None
        assert article.scroll_offset.y <= row < article.scroll_offset.y + 10


async def test_stepping_mentions_of_the_selected_entry(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        screen.select_entry("kerman", focus=False)
        await pilot.pause()
        places = [p.place for p, _ in screen.briefing.mentions_of("kerman")]
        in_article = sum(1 for place in places if place.area != "timeline")
        assert in_article > 2
        seen = []
        for _ in range(in_article + 1):
            await pilot.press("m")
            cursor = screen.article.cursor
            assert cursor is not None and cursor.entry_id == "kerman"
            seen.append((cursor.unit, cursor.start))
        assert len(set(seen)) == in_article
        assert seen == sorted(seen[:-1]) + [seen[0]], "in reading order, then wraps to the first"
        await pilot.press("M")
        assert (screen.article.cursor.unit, screen.article.cursor.start) == seen[-2]  # type: ignore[union-attr]


async def test_search_counts_and_steps_across_sections(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("c", "slash", *"pakistan")
        await until(pilot, search_ran(screen), "the search")  # it runs when typing pauses
        total = len(screen.article.matches)
        assert total > 10
        await pilot.press("enter")
        assert str(screen.query_one("#search-count").render()) == f"1 of {total}"
        for _ in range(total // 2):
            await pilot.press("n")
        assert str(screen.query_one("#search-count").render()) == f"{total // 2 + 1} of {total}"
        assert screen.article.open_sections, "stepping into collapsed sections opens them"
        await pilot.press("N")
        assert str(screen.query_one("#search-count").render()) == f"{total // 2} of {total}"
        await pilot.press("escape")
        assert screen.article.matches == []


async def test_search_for_a_name_finds_its_aliases(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("slash", *"Army of Justice")
        await until(pilot, search_ran(screen), "the search")
        units = screen.article.layout_rows.units
        found = {units[m.unit].text[m.start : m.end] for m in screen.article.matches}
        assert "Jaish al-Adl" in found and "Army of Justice" in found


async def test_timeline_jumps_to_its_section(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("c", "t")
        assert screen.sidebar_pane == "tab-timeline"
        events = screen.briefing.timeline
        last = len(events) - 1
        await pilot.press("G", "enter")
        target = screen.briefing.section_index[events[last].section or ""]
        assert screen.article.scroll_offset.y == screen.article.layout_rows.section_rows[target]
        assert target in screen.article.open_sections


async def test_library_opens_another_briefing(tmp_path: Path) -> None:
    app = BriefingApp(
        load(BUNDLED), paths=[str(OTHER_SHAPE)], state_dir=tmp_path, config_dir=tmp_path
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, LibraryScreen)
        await pilot.press("slash", *"harbour", "enter", "enter")
        await pilot.pause()
        assert reader(app).briefing.id == "harbour-bridge-2025-03"
        assert reader(app).from_library
        await pilot.press("escape", "escape")
        assert reader(app).is_current, "Esc with nothing to close stays in the briefing"
        await pilot.press("o")
        assert isinstance(app.screen, LibraryScreen)


async def test_state_is_restored_after_a_restart(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "2", "enter", "j", "j")
        reader(app).select_entry("tehran", focus=False)
        scroll = reader(app).article.scroll_offset.y
        await pilot.press("q")
    saved = saved_state(tmp_path)
    assert saved is not None and saved["open_sections"] == ["strikes"]
    again = make_app(BUNDLED, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        article = reader(again).article
        assert article.open_sections == {1}
        assert article.selected_entry == "tehran"
        assert article.scroll_offset.y == scroll
    fresh = make_app(BUNDLED, tmp_path, fresh=True)
    async with fresh.run_test(size=SIZE) as pilot:
        assert reader(fresh).article.open_sections == {0, 1, 2, 3}


async def test_corrupt_state_file_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "iran-pakistan-2024-01.json").write_bytes(b"\x1b]52;c;garbage{{{")
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reader(app).article.open_sections == {0, 1, 2, 3}
        messages = [n.message for n in app._notifications]
        assert any("moved aside" in m for m in messages)
        assert not any("\x1b" in m for m in messages)
    assert list(tmp_path.glob("iran-pakistan-2024-01.json.corrupt-*"))


async def test_help_screen_lists_every_key(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.text()
        for expected in ("Scroll down one line", "Open every section", "Search the article"):
            assert expected in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_hostile_content_is_shown_literally_and_clicks_do_nothing(tmp_path: Path) -> None:
    app = make_app(HOSTILE, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        text = visible_text(app)
        assert "[@click=app.quit]Click me[/]" in text
        assert "$accent" in text
        article = reader(app).article
        clicked = 0
        for y in range(article.scrollable_content_region.height):
            row = article.render_line(y).text
            # On the text a parsed `[@click=...]` would have made a link of.
            for x in {row.find("[@click"), row.find("Click me"), row.find("$accent")} - {-1}:
                await pilot.click(article, offset=(x + 1, y))
                clicked += 1
        assert clicked >= 2 and app.is_running
        reader(app).select_entry("hank")
        card = reader(app).card
        # Until the card has been wrapped at the width it was shown at.
        await until(pilot, lambda: "[@click=app.quit]About[/]" in card.text(), "the card")


async def test_small_window_folds_the_sidebar_into_an_overlay(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=(40, 15)) as pilot:
        screen = reader(app)
        assert not screen.show_sidebar
        assert not screen.query_one("#sidebar").display
        await pilot.press("s")
        assert screen.query_one("#sidebar").display
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert not screen.show_sidebar


async def test_a_thousand_sections(tmp_path: Path) -> None:
    from benchmarks.generate import generate

    path = tmp_path / "big.yaml"
    path.write_text(generate(sections=1000, glossary=300, timeline=50, words=60))
    app = make_app(path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        assert len(article.open_sections) == 1000
        listing = reader(app).query_one("#glossary-list", OptionList)
        for _ in range(50):  # big glossaries arrive in chunks after the first frame
            if listing.option_count == 300 + 4:
                break
            await pilot.pause(0.05)
        assert listing.option_count == 300 + 4
        await pilot.press("c", "G")
        assert "1000. Section 1000" in visible_text(app)
        await pilot.press("e", "g", "m", "enter")
        sidebar = reader(app).sidebar
        assert sidebar.card.display and not sidebar.glossary.display


async def test_quote_speaker_is_a_link_to_the_card(tmp_path: Path) -> None:
    app = make_app(OTHER_SHAPE, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        article = reader(app).article
        units = article.layout_rows.units
        speaker = next(i for i, u in enumerate(units) if u.kind == "speaker")
        assert units[speaker].text == "\u2014 Dana Lee"
        row = article.layout_rows.row_of(speaker, 2)
        assert row is not None
        await pilot.click(article, offset=(1 + units[speaker].indent + 4, row))
        await pilot.pause()
        assert article.selected_entry == "mayor-lee"


async def test_command_palette_reaches_sections_entries_and_events(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await pilot.press("ctrl+p")
        await pilot.press(*"Section 4")
        await until(pilot, palette_found(app, "Section 4"), "the palette's hits")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.article.scroll_offset.y == screen.article.layout_rows.section_rows[3]
        await pilot.press("ctrl+p", *"Places: Kerman")
        await until(pilot, palette_found(app, "Kerman"), "the palette's hits")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.article.selected_entry == "kerman"
        await pilot.press("ctrl+p", *"Timeline 2020")
        await until(pilot, palette_found(app, "2020"), "the palette's hits")
        await pilot.press("enter")
        await pilot.pause()
        section = screen.briefing.section_index[screen.briefing.timeline[0].section or ""]
        assert screen.article.scroll_offset.y == screen.article.layout_rows.section_rows[section]


async def test_palette_titles_from_content_are_not_markup(tmp_path: Path) -> None:
    """A section titled `[@click=app.quit]...` must appear as typed and do nothing."""
    app = make_app(HOSTILE, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"Section 1")
        await until(pilot, palette_found(app, "Section 1"), "the palette's hits")
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        cursor = reader(app).article.cursor
        assert cursor is not None and cursor.heading == 0


async def test_light_theme_and_back(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
        assert "Background" in visible_text(app)
        app.theme = "textual-dark"
        await pilot.pause()
        assert app.is_running


async def test_no_palette_command_writes_files(tmp_path: Path) -> None:
    """Over SSH the app runs on the server: a 'Screenshot' command would write there."""
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles and not any("screenshot" in title.lower() for title in titles)
        assert any("theme" in title.lower() for title in titles)


async def test_a_giant_paragraph_lays_out_quickly(tmp_path: Path) -> None:
    """100,000 characters without a space (FORMAT.md's limit) in one paragraph."""
    import time

    text = OTHER_SHAPE.read_text().replace("Engineers found corrosion in 2023.", "x" * 99_000, 1)
    path = tmp_path / "giant.yaml"
    path.write_text(text)
    app = make_app(path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        started = time.perf_counter()
        await pilot.press("G", "g", "G")
        assert time.perf_counter() - started < 5
        assert reader(app).article.max_scroll_y > 1000


async def test_search_waits_for_a_pause_in_typing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each keystroke must not rescan the briefing: the search runs when typing pauses."""
    from briefing.render.textsearch import find_matches
    from briefing.tui.screens import articlesearch as search_module

    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        units = screen.article.layout_rows.units
        await pilot.press("slash", *"Kerma")
        await until(pilot, search_ran(screen), "the search")
        assert screen.article.matches == find_matches(units, ["kerma"]), "the pause ran it"
        # A pause longer than any test machine's gap between keys: typing alone
        # must search nothing, and Enter must search at once.
        monkeypatch.setattr(search_module, "SEARCH_PAUSE", 30.0)
        await pilot.press("escape", "slash", *"Kerma")
        assert screen.article.matches == [], "nothing searched while typing"
        await pilot.press("n", "enter")
        assert screen.article.matches == find_matches(units, ["kerman"])
        assert str(screen.query_one("#search-count").render()).startswith("1 of ")
