"""The briefing model: what a loaded, validated, cleaned briefing file is.

Everything here is immutable and UI-free: the loader builds it once, every
front end (the reader, `show`, `list`) only reads it. Text that the reader
scans for glossary mentions is a `Passage`, which carries the mention spans
the loader computed, so no front end ever searches for names itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, TypeAlias

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


class FieldsPickled:
    """Base of the model's classes: each pickles as its class and its fields' values.

    A frozen dataclass with slots pickles through the `__getstate__` and
    `__setstate__` that `dataclasses` writes, which call `fields()` again
    for every object. A briefing at the format's limits is 28,000 of them,
    and `store.modelcache` pickles each file it loads and unpickles it at
    every later start: those calls were over half of both (at the limits,
    dumps 70 ms, now 32; loads 63 ms, now 28). Unpickling calls the class, so every value goes
    through `__init__`, as when the loader made it. Cached properties are
    not kept: they are made again on first use.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type[Any], tuple[object, ...]]:
        cls = type(self)
        values = _FIELD_VALUES.get(cls)
        if values is None:
            values = _FIELD_VALUES[cls] = _field_values(cls)
        return cls, values(self)


def _field_values(cls: type[Any]) -> Callable[[object], tuple[object, ...]]:
    names = [item.name for item in fields(cls)]
    if not all(item.init for item in fields(cls)):
        raise TypeError(f"{cls.__name__}: a field outside __init__ would not be unpickled")
    if len(names) == 1:
        (name,) = names
        return lambda instance: (getattr(instance, name),)
    return attrgetter(*names)


_FIELD_VALUES: dict[type[Any], Callable[[object], tuple[object, ...]]] = {}


@dataclass(frozen=True, slots=True)
class Place(FieldsPickled):
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
class Mention(FieldsPickled):
    """A glossary entry's name or alias found in a passage: `text[start:end]`."""

    start: int
    end: int
    entry_id: str


@dataclass(frozen=True, slots=True)
class Passage(FieldsPickled):
    """A piece of scanned text with the glossary mentions found in it, in order."""

    text: str
    place: Place
    mentions: tuple[Mention, ...] = ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Paragraph(FieldsPickled):
    """A paragraph of plain text."""

    text: Passage


@dataclass(frozen=True, slots=True)
class Quote(FieldsPickled):
    """A direct quotation and who said it.

    `speaker_id` is set when `by` names a glossary entry; then `by` is that id
    and front ends show the entry's name. Otherwise `by` is free text.
    """

    text: Passage
    by: str
    speaker_id: str | None = None


@dataclass(frozen=True, slots=True)
class Points(FieldsPickled):
    """A bulleted list."""

    items: tuple[Passage, ...]


Block: TypeAlias = Paragraph | Quote | Points


@dataclass(frozen=True, slots=True)
class Section(FieldsPickled):
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
class GlossaryEntry(FieldsPickled):
    """A person, group, organisation or place the briefing mentions."""

    id: str
    name: str
    kind: Kind
    role: str
    aliases: tuple[str, ...] = ()
    about: str | None = None
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class PartialDate(FieldsPickled):
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
class TimelineEvent(FieldsPickled):
    """A dated event, optionally pointing at the section that tells it."""

    date: PartialDate
    event: Passage
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Source(FieldsPickled):
    """Where the facts come from, credited at the end of every view."""

    outlet: str
    headline: str | None = None
    authors: tuple[str, ...] = ()
    dateline: str | None = None
    published: dt.date | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Briefing(FieldsPickled):
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
