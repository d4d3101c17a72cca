"""The article's row renderer, drawn from a layout without any widget."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import SupportsIndex, overload

import pytest
from rich.segment import Segment
from rich.style import Style

from briefing.format.loader import load_path
from briefing.format.model import Mention
from briefing.render.layout import CLOSED_MARK, OPEN_MARK, Layout
from briefing.render.textsearch import find_matches
from briefing.tui.widgets.articlelines import ArticleRenderer
from briefing.tui.widgets.targets import Target

SMALL = """\
briefing: 1
id: rows
title: Rows
summary: Two sections.
date: 2025-01-01
source:
  outlet: Test
sections:
  - id: one
    title: First part
    body:
      - Dana Lee met the harbour board, and Dana Lee spoke first.
  - id: two
    title: Second part
    summary: Closed at first.
    body:
      - Nothing here.
glossary:
  - id: lee
    name: Dana Lee
    kind: person
    role: Mayor.
  - id: board
    name: harbour board
    kind: organisation
    role: Runs the harbour.
"""

NAMES = [
    "title", "meta", "summary", "heading", "lede", "text", "quote", "speaker", "point",
    "label", "credit", "note", "mention", "mention-selected", "speaker-link", "match",
    "cursor", "changed",
]  # fmt: skip
STYLES = {name: Style(color=f"color({number + 1})") for number, name in enumerate(NAMES)}
"""A distinct colour per style name, so a segment's colour says which style it got."""
STYLES["cursor"] = Style(reverse=True)
STYLES["match"] = Style(underline=True)


def style_of(name: str) -> Style:
    return STYLES[name]


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    path = tmp_path / "rows.yaml"
    path.write_text(SMALL)
    layout = Layout(load_path(path).briefing)
    layout.build(100, {0})
    return layout


def renderer_for(layout: Layout) -> ArticleRenderer:
    renderer = ArticleRenderer(layout, style_of)
    renderer.open_sections = frozenset({0})
    renderer.margin = 3
    return renderer


def row_number(layout: Layout, kind: str, section: int = -1) -> int:
    """The first row showing a unit of this kind (in that section, when given)."""
    for number, row in enumerate(layout.rows):
        if row.unit < 0:
            continue
        unit = layout.units[row.unit]
        if unit.kind == kind and (section < 0 or unit.section == section):
            return number
    raise AssertionError(f"no {kind} row")


def styled(segments: list[Segment], text: str) -> Style | None:
    """The style of the segment whose text is exactly `text`."""
    for segment in segments:
        if segment.text == text:
            return segment.style
    raise AssertionError(f"{text!r} is not one segment of {[s.text for s in segments]}")


def text_of(segments: list[Segment]) -> str:
    return "".join(segment.text for segment in segments)


def test_mentions_are_styled_and_the_selected_entry_stands_out(layout: Layout) -> None:
    renderer = renderer_for(layout)
    row = layout.rows[row_number(layout, "text")]
    segments = renderer.segments(row)
    text = STYLES["text"]
    assert text_of(segments).startswith("   " + "  Dana Lee met")  # margin, then indent
    assert styled(segments, "Dana Lee") == text + STYLES["mention"]
    assert styled(segments, "harbour board") == text + STYLES["mention"]
    assert styled(segments, " met the ") == text

    renderer.selected_entry = "lee"
    segments = renderer.segments(row)
    assert styled(segments, "Dana Lee") == text + STYLES["mention-selected"]
    assert styled(segments, "harbour board") == text + STYLES["mention"]


def test_the_cursor_span_shows_over_a_mention(layout: Layout) -> None:
    renderer = renderer_for(layout)
    number = row_number(layout, "text")
    row = layout.rows[number]
    unit = layout.units[row.unit]
    start = unit.text.index("harbour board")
    renderer.cursor = Target(row.unit, start, start + len("harbour board"), "board")
    segments = renderer.segments(row)
    assert (
        styled(segments, "harbour board") == STYLES["text"] + STYLES["mention"] + STYLES["cursor"]
    )
    assert styled(segments, "Dana Lee") == STYLES["text"] + STYLES["mention"]
    # The terminal's cursor goes on the target's first character, after the indent.
    assert renderer.cursor_cell(top=0) == (number, unit.indent + start)


def test_a_cursor_on_a_heading_styles_the_whole_title(layout: Layout) -> None:
    renderer = renderer_for(layout)
    number = row_number(layout, "heading", section=1)
    heading = layout.rows[number].unit
    renderer.cursor = Target(heading, heading=1)
    segments = renderer.segments(layout.rows[number])
    assert styled(segments, "Second part") == STYLES["heading"] + STYLES["cursor"]
    assert renderer.cursor_cell(top=0) == (number, 0)
    renderer.cursor = None
    assert renderer.cursor_cell(top=5) == (5, 0), "no cursor: the top row's start"


def test_a_search_match_is_drawn_over_the_text(layout: Layout) -> None:
    renderer = renderer_for(layout)
    renderer.matches = find_matches(layout.units, ["spoke"])
    assert len(renderer.matches) == 1
    segments = renderer.segments(layout.rows[row_number(layout, "text")])
    assert styled(segments, "spoke") == STYLES["text"] + STYLES["match"]
    renderer.matches = []
    segments = renderer.segments(layout.rows[row_number(layout, "text")])
    assert all(segment.text != "spoke" for segment in segments)


def test_headings_show_open_and_closed_marks_and_change_marks(layout: Layout) -> None:
    renderer = renderer_for(layout)
    first = renderer.segments(layout.rows[row_number(layout, "heading", section=0)])
    second = renderer.segments(layout.rows[row_number(layout, "heading", section=1)])
    assert styled(first, OPEN_MARK) == STYLES["heading"]
    assert styled(second, CLOSED_MARK) == STYLES["heading"]
    assert text_of(first) == "   " + OPEN_MARK + "1. First part"

    renderer.section_marks = {1: "[changed]\x1b[31m"}
    second = renderer.segments(layout.rows[row_number(layout, "heading", section=1)])
    mark = second[-1]
    assert mark.style == STYLES["changed"]
    assert mark.text.strip().startswith("[changed]") and "\x1b" not in mark.text
    first = renderer.segments(layout.rows[row_number(layout, "heading", section=0)])
    assert text_of(first).endswith("First part"), "only the marked section"


def test_a_strip_fills_the_width_and_rows_past_the_end_are_blank(layout: Layout) -> None:
    renderer = renderer_for(layout)
    base = Style(bgcolor="black")
    strip = renderer.strip(row_number(layout, "text"), 40, base)
    assert strip.cell_length == 40
    assert all(
        segment.style is not None and segment.style.bgcolor == base.bgcolor for segment in strip
    )
    past = renderer.strip(len(layout.rows) + 3, 40, base)
    assert past.cell_length == 40
    assert text_of(list(past)).strip() == ""
    blank = renderer.strip(row_number(layout, "text") - 1, 40, base)
    assert text_of(list(blank)).strip() == "", "the blank row above a paragraph"


class CountingMentions(tuple[Mention, ...]):
    """A unit's mentions that count how many are read one by one."""

    reads = 0

    @overload
    def __getitem__(self, index: SupportsIndex) -> Mention: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Mention, ...]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Mention | tuple[Mention, ...]:
        if isinstance(index, slice):
            CountingMentions.reads += len(range(*index.indices(len(self))))
        else:
            CountingMentions.reads += 1
        return super().__getitem__(index)


def test_a_row_of_a_paragraph_with_100000_mentions_is_drawn_by_bisecting(layout: Layout) -> None:
    count = 100_000
    name = "Zed"
    text = " ".join([name] * count)
    mentions = CountingMentions(Mention(4 * n, 4 * n + 3, "zed") for n in range(count))
    index = next(i for i, unit in enumerate(layout.units) if unit.kind == "text")
    layout.units[index] = replace(layout.units[index], text=text, mentions=mentions)
    layout._cache.clear()
    layout.build(40, {0})
    renderer = renderer_for(layout)
    first = layout.unit_rows[index]
    middle = first + len(text) // 80
    for number in (first, middle):
        row = layout.rows[number]
        assert row.unit == index
        CountingMentions.reads = 0
        segments = renderer.segments(row)
        on_row = [m for m in tuple.__iter__(mentions) if row.start < m.end and m.start < row.end]
        zeds = [segment for segment in segments if segment.text == name]
        assert len(zeds) == len(on_row) > 5
        assert all(z.style == STYLES["text"] + STYLES["mention"] for z in zeds)
        # log2(100,000) ~ 17 reads to find the row's first mention, then the
        # row's ten, and one more to see the next is past the row.
        assert CountingMentions.reads <= 2 * 17 + len(on_row) + 1, CountingMentions.reads


def test_a_drawn_row_is_kept_until_what_it_shows_changes(layout: Layout) -> None:
    renderer = renderer_for(layout)
    base = Style()
    text_row = row_number(layout, "text")
    heading_row = row_number(layout, "heading", section=1)
    first = renderer.strip(text_row, 60, base)
    assert renderer.strip(text_row, 60, base) is first
    heading = layout.rows[heading_row].unit
    renderer.cursor = Target(heading, heading=1)
    assert renderer.strip(text_row, 60, base) is first, "the cursor went to another unit"
    drawn = renderer.strip(heading_row, 60, base)
    renderer.cursor = None
    assert renderer.strip(heading_row, 60, base) is not drawn, "the cursor left it"
    assert renderer.strip(text_row, 61, base) is not first, "another width"
    kept = renderer.strip(text_row, 60, base)
    renderer.selected_entry = "lee"
    assert renderer.strip(text_row, 60, base) is not kept, "another selected entry"
    kept = renderer.strip(text_row, 60, base)
    layout.build(60, {0, 1})
    assert renderer.strip(text_row, 60, base) is not kept, "a new layout"
