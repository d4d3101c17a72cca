"""The briefing model: what a loaded, validated, cleaned briefing file is.

Everything here is immutable and UI-free: the loader builds it once, every
front end (the reader, `show`, `list`) only reads it. Text that the reader
scans for glossary mentions is a `Passage`, which carries the mention spans
the loader computed, so no front end ever searches for names itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Literal, TypeAlias

FORMAT_VERSION = 1
"""The only `briefing:` version this reader reads."""


class Kind(StrEnum):
    """What a glossary entry is; the sidebar groups entries by it, in this order."""

    PERSON = "person"
    GROUP = "group"
    ORGANISATION = "organisation"
    PLACE = "place"

    @property
    def plural(self) -> str:
        """The heading of this kind's group in lists."""
        return _PLURALS[self]


_PLURALS = {
    Kind.PERSON: "People",
    Kind.GROUP: "Groups",
    Kind.ORGANISATION: "Organisations",
    Kind.PLACE: "Places",
}

Area = Literal["summary", "section", "timeline"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a passage sits in the briefing, so a mention can be found again.

    `section` and `block` index into `Briefing.sections` and a section's body;
    `item` is the bullet within a points block; for the timeline `block` is
    the event's index.
    """

    area: Area
    section: int = -1
    block: int = -1
    item: int = -1


@dataclass(frozen=True, slots=True)
class Mention:
    """A glossary entry's name or alias found in a passage: `text[start:end]`."""

    start: int
    end: int
    entry_id: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of scanned text with the glossary mentions found in it, in order."""

    text: str
    place: Place
    mentions: tuple[Mention, ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of plain text."""

    text: Passage


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation and who said it.

    `speaker_id` is set when `by` names a glossary entry; then `by` is that id
    and front ends show the entry's name. Otherwise `by` is free text.
    """

    text: Passage
    by: str
    speaker_id: str | None = None


@dataclass(frozen=True, slots=True)
class Points:
    """A bulleted list."""

    items: tuple[Passage, ...]


Block: TypeAlias = Paragraph | Quote | Points


@dataclass(frozen=True, slots=True)
class Section:
    """One collapsible part of the article, in reading order."""

    id: str
    title: str
    body: tuple[Block, ...]
    summary: str | None = None
    collapsed: bool = False

    def passages(self) -> tuple[Passage, ...]:
        """Every scanned text of the body, in reading order."""
        found: list[Passage] = []
        for block in self.body:
            if isinstance(block, Points):
                found.extend(block.items)
            else:
                found.append(block.text)
        return tuple(found)

    @property
    def word_count(self) -> int:
        """Words in the body, for reading-time estimates."""
        return sum(len(passage.text.split()) for passage in self.passages())


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """A person, group, organisation or place the briefing mentions."""

    id: str
    name: str
    kind: Kind
    role: str
    aliases: tuple[str, ...] = ()
    about: str | None = None
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A timeline date: a year, a month or a day (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).

    Ordering puts a bare year or month before the days inside it, which is the
    order a reader expects in a timeline.
    """

    year: int
    month: int = 0
    day: int = 0

    def __str__(self) -> str:
        if not self.month:
            return f"{self.year:04d}"
        if not self.day:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def format_date_time(value: dt.datetime) -> str:
    """RFC 3339, with Z for UTC: the form the exports and the feed write."""
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated event, optionally pointing at the section that tells it."""

    date: PartialDate
    event: Passage
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where the facts come from, credited at the end of every view."""

    outlet: str
    headline: str | None = None
    authors: tuple[str, ...] = ()
    dateline: str | None = None
    published: dt.date | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Briefing:
    """A whole briefing as its file describes it, cleaned and validated.

    The loader finds the mentions in each passage; `mentions` only gathers
    them by glossary id, in reading order (summary, sections, timeline).
    """

    id: str
    title: str
    summary: Passage
    date: dt.date
    source: Source
    sections: tuple[Section, ...]
    topics: tuple[str, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    updated: dt.datetime | None = None
    """When this version was last revised (RFC 3339, always with a zone)."""
    path: Path | None = field(default=None, compare=False)
    """The file it was loaded from, when it came from one."""

    @cached_property
    def entries(self) -> dict[str, GlossaryEntry]:
        """Glossary entries by id."""
        return {entry.id: entry for entry in self.glossary}

    @cached_property
    def mentions(self) -> dict[str, tuple[tuple[Passage, Mention], ...]]:
        """Every mention by glossary id, in reading order."""
        found: dict[str, list[tuple[Passage, Mention]]] = {}
        for passage in self.passages():
            for mention in passage.mentions:
                found.setdefault(mention.entry_id, []).append((passage, mention))
        return {entry_id: tuple(places) for entry_id, places in found.items()}

    @cached_property
    def section_index(self) -> dict[str, int]:
        """Section positions by id."""
        return {section.id: index for index, section in enumerate(self.sections)}

    def passages(self) -> tuple[Passage, ...]:
        """Every scanned text in reading order: summary, sections, timeline."""
        found = [self.summary]
        for section in self.sections:
            found.extend(section.passages())
        found.extend(event.event for event in self.timeline)
        return tuple(found)

    def mentions_of(self, entry_id: str) -> tuple[tuple[Passage, Mention], ...]:
        """Where an entry is mentioned, in reading order."""
        return self.mentions.get(entry_id, ())

    def speaker_name(self, quote: Quote) -> str:
        """Who said a quote, as a reader should see it."""
        if quote.speaker_id is not None:
            return self.entries[quote.speaker_id].name
        return quote.by

    @property
    def word_count(self) -> int:
        """Words in the summary and sections."""
        return len(self.summary.text.split()) + sum(s.word_count for s in self.sections)
