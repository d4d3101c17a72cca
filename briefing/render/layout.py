"""The article as a list of wrapped rows, computed without any widgets.

The reader draws the article line by line (Textual's line API): a widget
per paragraph costs ~2 ms and ~30 KB, and a briefing may hold 1,000
sections. Here the briefing becomes `Unit`s (a heading, a paragraph, a
bullet...), and `Layout` wraps the units of open sections into rows for a
given width. Only rows on screen are ever turned into styled strips.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, NamedTuple

from rich.cells import cell_len

from briefing.format.model import Briefing, Mention, Paragraph, Passage, Place, Points, Quote
from briefing.render.exports import credit

UnitKind = Literal[
    "title", "meta", "summary", "heading", "lede", "text", "quote", "speaker", "point",
    "label", "credit", "note",
]  # fmt: skip

OPEN_MARK = "\u25bc "
CLOSED_MARK = "\u25b6 "


@dataclass(frozen=True, slots=True)
class Unit:
    """One wrapped paragraph of the article and where it belongs."""

    kind: UnitKind
    text: str
    section: int = -1
    """The section it belongs to (-1: the header or the credits)."""
    mentions: tuple[Mention, ...] = ()
    indent: int = 0
    bullet: str = ""
    """Drawn before the first row (then blank space of the same width)."""
    place: Place | None = None
    """The passage this unit shows, for units that hold scanned text."""


class Row(NamedTuple):
    """A screen row: `units[unit].text[start:end]`, or a blank row when unit is -1.

    A named tuple, not a frozen dataclass: a briefing at the limits lays out
    ~30,000 rows before the first frame, and a frozen dataclass is several
    times slower to make.
    """

    unit: int
    start: int = 0
    end: int = 0
    first: bool = True


BLANK = Row(-1)


def build_units(briefing: Briefing) -> tuple[list[Unit], list[int], list[tuple[int, int]]]:
    """Units in reading order, the heading unit of each section, and each body's unit range."""
    units = [
        Unit("title", briefing.title),
        Unit("meta", _meta(briefing)),
        _scanned("summary", briefing.summary),
    ]
    headings: list[int] = []
    bodies: list[tuple[int, int]] = []
    for index, section in enumerate(briefing.sections):
        headings.append(len(units))
        units.append(Unit("heading", section.title, index, indent=2, bullet=f"{index + 1}. "))
        if section.summary:
            units.append(Unit("lede", section.summary, index, indent=2))
        start = len(units)
        for block in section.body:
            if isinstance(block, Paragraph):
                units.append(_scanned("text", block.text, index, 2))
            elif isinstance(block, Quote):
                quote = _scanned("quote", block.text, index, 4, "\u201c")
                # The closing mark goes after the text, so mention offsets stay valid.
                units.append(replace(quote, text=quote.text + "\u201d"))
                name = briefing.speaker_name(block)
                link: tuple[Mention, ...] = ()
                if block.speaker_id is not None:  # a glossary entry: the name opens its card
                    link = (Mention(2, 2 + len(name), block.speaker_id),)
                units.append(Unit("speaker", "\u2014 " + name, index, link, indent=6))
            elif isinstance(block, Points):
                for item in block.items:
                    units.append(_scanned("point", item, index, 2, "\u2022 "))
        bodies.append((start, len(units)))
    units.append(Unit("label", "Source"))
    units.append(Unit("credit", credit(briefing)))
    if briefing.source.note:
        units.append(Unit("note", briefing.source.note))
    if briefing.source.url:
        units.append(Unit("note", briefing.source.url))
    return units, headings, bodies


def _scanned(
    kind: UnitKind, passage: Passage, section: int = -1, indent: int = 0, bullet: str = ""
) -> Unit:
    return Unit(kind, passage.text, section, passage.mentions, indent, bullet, passage.place)


def _meta(briefing: Briefing) -> str:
    parts = [briefing.date.strftime("%-d %B %Y"), briefing.source.outlet]
    if briefing.topics:
        parts.append(", ".join(briefing.topics))
    minutes = max(1, round(briefing.word_count / 230))
    parts.append(f"{minutes} min read")
    return " \u00b7 ".join(parts)


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Break `text` into (start, end) spans of at most `width` cells, at spaces.

    A word wider than the line is cut; line breaks in the text are kept.
    Trailing spaces of a row are left out of its span.
    """
    width = max(width, 1)
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        # ASCII text (nearly all of it) is broken by one regular expression per
        # row; the rest, and words wider than the line, word by word.
        if not (paragraph.isascii() and _ascii_spans(paragraph, offset, width, spans)):
            _word_spans(paragraph, offset, width, spans)
        offset += len(paragraph) + 1
    return spans


@lru_cache(maxsize=64)
def _row_pattern(width: int) -> re.Pattern[str]:
    """The longest run of at most `width` characters that ends before a space or the end."""
    return re.compile(rf"(.{{0,{width}}})(?: |$)")


def _ascii_spans(paragraph: str, offset: int, width: int, spans: list[tuple[int, int]]) -> bool:
    """Greedy rows of an ASCII paragraph (the same as `_word_spans`), or False,
    adding nothing, when a word is wider than the line."""
    pattern = _row_pattern(width)
    found: list[tuple[int, int]] = []
    position, length = 0, len(paragraph)
    while True:
        match = pattern.match(paragraph, position)
        if match is None:
            return False
        start, end = match.span(1)
        found.append((offset + start, offset + end))
        if end == length:
            spans.extend(found)
            return True
        position = match.end()


def _word_spans(paragraph: str, offset: int, width: int, spans: list[tuple[int, int]]) -> None:
    """Greedy rows of one paragraph (no line break in it), word by word."""
    words = paragraph.split(" ")
    if paragraph.isascii():
        sizes = list(map(len, words))
    else:
        sizes = [len(word) if word.isascii() else cell_len(word) for word in words]
    line_start = position = offset
    line_width = -1
    first = len(spans)
    for word, size in zip(words, sizes, strict=True):
        if line_width >= 0 and line_width + 1 + size > width:
            spans.append((line_start, position - 1))
            line_start = position
            line_width = -1
        if size > width:
            while size > width:
                cut = _fit(word, width)
                spans.append((position, position + cut))
                position += cut
                word = word[cut:]
                size = _width(word)
                line_start = position
                line_width = -1
        line_width += 1 + size
        position += len(word) + 1
    spans.append((line_start, offset + len(paragraph)))
    spans[first:] = [(start, max(start, end)) for start, end in spans[first:]]


def _fit(word: str, width: int) -> int:
    """How many characters of `word` fit in `width` cells (at least one)."""
    used = 0
    for count, char in enumerate(word):
        used += _width(char)
        if used > width:
            return max(count, 1)
    return len(word)


Blocks = dict[tuple[int, int, bool], list[Row]]
"""A section's rows by (section, width, open): what `Layout` caches."""

_PREPARED: dict[int, tuple[Briefing, dict[int, Blocks]]] = {}


def prepare_layouts(briefing: Briefing, widths: Iterable[int]) -> None:
    """Lay `briefing` out now at these text widths, every section open and closed.

    For a process that forks readers (`briefing serve`'s zygote): each reader's
    `Layout` of this very briefing object, built at one of these widths, takes
    these rows instead of wrapping every paragraph again, and the pages holding
    them are shared by all readers. Replaces what was prepared before, so a
    reloaded library never keeps serving the rows of a briefing it dropped.
    """
    _PREPARED.clear()
    layout = Layout(briefing)
    every = range(len(briefing.sections))
    by_width: dict[int, Blocks] = {}
    for width in sorted({max(width, 10) for width in widths}):
        layout.build(width, frozenset(every))
        layout.build(width, frozenset())
        by_width[width] = dict(layout._cache)
    _PREPARED[id(briefing)] = (briefing, by_width)


def prepared_widths(briefing: Briefing) -> list[int]:
    """The text widths `prepare_layouts` laid this briefing out at (none: not prepared)."""
    entry = _PREPARED.get(id(briefing))
    return sorted(entry[1]) if entry is not None and entry[0] is briefing else []


def prepared_blocks(briefing: Briefing, width: int) -> Blocks:
    """A fresh cache for `briefing` at `width`: the prepared rows, if any (a copy of the
    mapping; the rows themselves are never changed, so they are shared)."""
    entry = _PREPARED.get(id(briefing))
    if entry is None or entry[0] is not briefing:
        return {}
    return dict(entry[1].get(width, {}))


class Layout:
    """Rows of the article for one width and one set of open sections.

    Rows are cached per section, so toggling one section re-wraps only it.
    """

    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self.units, self.headings, self.bodies = build_units(briefing)
        self.width = 0
        self._cache: Blocks = {}
        self.rows: list[Row] = []
        self.section_rows: list[int] = []
        """The row of each section's heading."""
        self.unit_rows: dict[int, int] = {}
        self.unit_of_place = {u.place: i for i, u in enumerate(self.units) if u.place is not None}
        """The unit showing each scanned passage (a card's mention leads here)."""
        self.mention_targets = [
            (index, m.start, m.end, m.entry_id)
            for index, unit in enumerate(self.units)
            if unit.kind != "speaker"  # a quote's speaker is a link, not a mention
            for m in unit.mentions
        ]
        """Every mention as (unit, start, end, entry), in reading order: `m` bisects it."""
        self._targets_of: dict[str, list[tuple[int, int, int, str]]] = {}

    def targets_of(self, entry_id: str | None) -> list[tuple[int, int, int, str]]:
        """Mentions of one entry (of any when None), in reading order; cached."""
        if entry_id is None:
            return self.mention_targets
        found = self._targets_of.get(entry_id)
        if found is None:
            places = self.unit_of_place
            found = [
                (places[passage.place], m.start, m.end, entry_id)
                for passage, m in self.briefing.mentions_of(entry_id)
                if passage.place in places and self.units[places[passage.place]].kind != "speaker"
            ]
            found.sort()
            self._targets_of[entry_id] = found
        return found

    def _unit_rows(self, index: int, width: int) -> list[Row]:
        unit = self.units[index]
        text = unit.text
        usable = width - unit.indent - _width(unit.bullet)
        spans = wrap(text, usable)
        return [Row(index, start, end, number == 0) for number, (start, end) in enumerate(spans)]

    def _block(self, key: tuple[int, int, bool]) -> list[Row]:
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        section, width, is_open = key
        heading = self.headings[section]
        rows = [BLANK, *self._unit_rows(heading, width)]
        start, end = self.bodies[section]
        if not is_open:
            for index in range(heading + 1, start):
                rows.extend(self._unit_rows(index, width))
        else:
            for index in range(start, end):
                unit = self.units[index]
                previous = self.units[index - 1]
                if unit.kind != "speaker" and not (unit.kind == previous.kind == "point"):
                    rows.append(BLANK)
                rows.extend(self._unit_rows(index, width))
        self._cache[key] = rows
        return rows

    def build(self, width: int, open_sections: AbstractSet[int]) -> list[Row]:
        """Lay the whole article out; returns and keeps the rows."""
        width = max(width, 10)
        if width != self.width:
            self._cache = prepared_blocks(self.briefing, width)
            self.width = width
        rows: list[Row] = []
        for index in range(3):
            rows.extend(self._unit_rows(index, width))
            rows.append(BLANK)
        self.section_rows = []
        for section in range(len(self.headings)):
            self.section_rows.append(len(rows) + 1)
            rows.extend(self._block((section, width, section in open_sections)))
        rows.append(BLANK)
        rows.append(BLANK)
        for index in range(self.bodies[-1][1] if self.bodies else 3, len(self.units)):
            rows.extend(self._unit_rows(index, width))
        self.rows = rows
        self.unit_rows = {}
        for number, row in enumerate(rows):
            if row.unit >= 0 and row.first:
                self.unit_rows.setdefault(row.unit, number)
        return rows

    def row_of(self, unit: int, offset: int) -> int | None:
        """The row showing character `offset` of a unit, if that unit is laid out."""
        first = self.unit_rows.get(unit)
        if first is None:
            return None
        # A unit's rows are consecutive with rising starts: bisect them (a
        # paragraph of 100,000 words wraps to thousands of rows).
        rows = self.rows
        low, high = first, first + 1
        step = 1
        while high < len(rows) and rows[high].unit == unit and rows[high].start <= offset:
            low, high = high, high + step
            step *= 2
        high = min(high, len(rows))
        while high - low > 1:
            middle = (low + high) // 2
            if rows[middle].unit == unit and rows[middle].start <= offset:
                low = middle
            else:
                high = middle
        return low

    def section_at(self, row: int) -> int:
        """The section a row belongs to (-1 above the first heading)."""
        import bisect

        return bisect.bisect_right(self.section_rows, row) - 1
