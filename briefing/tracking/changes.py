"""What changed in a briefing since a remembered version of it: UI-free.

Sections and glossary entries are matched by id (a renamed id is a removed
section plus a new one); timeline events have no id, so an event is matched by
its date and text (an edited event is a removed event plus a new one).

Each section is classified exactly once: same, changed, new or removed. The
difference inside a changed section is worked out only when someone looks at
it (`briefing.tracking.worddiff`), never while the reader starts.

Size bound: a section whose comparable text is longer than `DIFF_LIMIT`
characters is remembered by its hash only (`SectionVersion.text` is None).
Such a section, when its hash differs, is marked changed without a diff: a
word diff of two 100,000-character texts would cost seconds and megabytes of
remembered text for one section nobody reads word by word.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from briefing.format.hashing import blake2b
from briefing.format.model import Briefing, GlossaryEntry, Points, Quote, Section, TimelineEvent

DIFF_LIMIT = 20_000
"""Characters of a section's text past which only its hash is kept (no word diff)."""

Status: TypeAlias = Literal["same", "changed", "new", "removed"]


def digest(text: str) -> str:
    """A short, stable content hash (hex)."""
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# What is compared ------------------------------------------------------


def section_text(briefing: Briefing, section: Section) -> str:
    """A section as plain comparable text: its title, summary and body blocks."""
    parts = [section.title]
    if section.summary:
        parts.append(section.summary)
    for block in section.body:
        if isinstance(block, Points):
            parts.append("\n".join(f"\u2022 {item.text}" for item in block.items))
        elif isinstance(block, Quote):
            parts.append(f"\u201c{block.text.text}\u201d \u2014 {briefing.speaker_name(block)}")
        else:
            parts.append(block.text.text)
    return "\n\n".join(parts)


def entry_text(entry: GlossaryEntry) -> str:
    """A glossary entry as comparable text (changed entries are not marked, but hashed)."""
    return "\n".join(
        [entry.name, entry.kind.value, entry.role, *entry.aliases, entry.about or "",
         *entry.related]
    )  # fmt: skip


def event_key(event: TimelineEvent) -> str:
    """An event's identity: its date and text (events have no id)."""
    return digest(f"{event.date}\n{event.event.text}")


@dataclass(frozen=True, slots=True)
class SectionVersion:
    """What is remembered of one section: its hash, and its text below the bound."""

    id: str
    title: str
    hash: str
    text: str | None


@dataclass(frozen=True, slots=True)
class Version:
    """What is remembered of a whole briefing, enough to classify and diff it."""

    briefing_id: str
    hash: str
    sections: tuple[SectionVersion, ...]
    entries: dict[str, str]
    """Glossary entry id -> hash of the entry."""
    events: frozenset[str]
    """Event keys (see `event_key`)."""


def version_of(briefing: Briefing, *, limit: int = DIFF_LIMIT) -> Version:
    """Snapshot a briefing: per-section text (or hash only past `limit`), entry and event keys."""
    sections = []
    for section in briefing.sections:
        text = section_text(briefing, section)
        sections.append(
            SectionVersion(
                section.id, section.title, digest(text), text if len(text) <= limit else None
            )
        )
    entries = {entry.id: digest(entry_text(entry)) for entry in briefing.glossary}
    events = frozenset(event_key(event) for event in briefing.timeline)
    return Version(briefing.id, briefing_hash(briefing), tuple(sections), entries, events)


def briefing_hash(briefing: Briefing) -> str:
    """The hash kept in the small state file: equal hashes mean nothing to mark.

    One hash over everything that is compared, fed piece by piece: this runs
    before every first frame, so it makes no per-item hashes (`version_of`
    does, only when something changed or is being remembered). 15 ms for a
    briefing at the format's limits, 0.1 ms for the bundled one.
    """
    hasher = blake2b(digest_size=16)
    update = hasher.update

    def feed(*texts: str) -> None:
        for text in texts:
            update(text.encode("utf-8", "surrogatepass"))
            update(b"\x00")

    feed(briefing.title, briefing.summary.text)
    for section in briefing.sections:
        feed("s", section.id, section_text(briefing, section))
    for entry in briefing.glossary:
        feed("e", entry.id, entry_text(entry))
    for event in briefing.timeline:
        feed("t", str(event.date), event.event.text)
    return hasher.hexdigest()


# Classifying -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SectionChange:
    """One section's fate. `old`/`new` are the texts when known (None past the bound)."""

    id: str
    title: str
    status: Status
    old: str | None = None
    new: str | None = None

    @property
    def has_diff(self) -> bool:
        return self.status == "changed" and self.old is not None and self.new is not None


@dataclass(slots=True)
class ReadingChanges:
    """What change tracking knows of the briefing one reader shows.

    Made by the app's tracker when a reader opens (or reloads) and handed to
    the reader screen's constructor; the tracker updates `version` and `seen`
    when the reader's place is saved.
    """

    changes: Changes | None = None
    """What changed since last read (or since the last reload): marks, open sections."""
    version: Version | None = None
    """The version shown, remembered as read when the reader leaves it."""
    seen: str | None = None
    """Hash of the version last remembered as read."""
    read: Version | None = None
    """The version last read, when it is not the one shown (None: it is). A live
    reload marks against it, so marks not yet read survive the reload."""


@dataclass(frozen=True, slots=True)
class Changes:
    """Every section of old and new classified once, plus new glossary entries and events."""

    sections: tuple[SectionChange, ...]
    """Sections of the new briefing in its order, then removed ones in their old order."""
    new_entries: frozenset[str]
    new_events: frozenset[int]
    """Indexes into the new briefing's timeline."""
    parts: frozenset[str] = frozenset()
    """Other parts that changed: any of `PARTS` ("title", "summary", "glossary", "timeline").
    Said in the summary so a reload never reports "no changes"; no section is marked."""

    def status(self, section_id: str) -> Status:
        for change in self.sections:
            if change.id == section_id and change.status != "removed":
                return change.status
        return "same"

    @property
    def marked(self) -> dict[str, Status]:
        """Changed and new sections by id."""
        return {c.id: c.status for c in self.sections if c.status in ("changed", "new")}

    @property
    def removed(self) -> tuple[SectionChange, ...]:
        return tuple(c for c in self.sections if c.status == "removed")

    @property
    def any(self) -> bool:
        return bool(self.marked or self.removed or self.new_entries or self.new_events)

    def summary(self, *, removed: bool = True) -> str:
        """One line: "2 sections changed, 1 new section, 1 section removed; 3 new ..."."""
        counts = {s: sum(c.status == s for c in self.sections) for s in ("changed", "new")}
        parts = []
        if counts["changed"]:
            parts.append(f"{_plural(counts['changed'], 'section')} changed")
        if counts["new"]:
            parts.append(f"{_plural(counts['new'], 'new section')}")
        if self.removed and removed:
            parts.append(f"{_plural(len(self.removed), 'section')} removed")
        extra = []
        if self.new_entries:
            extra.append(_plural(len(self.new_entries), "new glossary entry", "entries"))
        if self.new_events:
            extra.append(_plural(len(self.new_events), "new timeline event"))
        named = [part for part in PARTS if part in self.parts]
        if named:
            extra.append(f"{' and '.join(named)} changed" if len(named) < 3
                         else f"{', '.join(named[:-1])} and {named[-1]} changed")  # fmt: skip
        line = ", ".join(parts)
        if extra:
            line = "; ".join([line, ", ".join(extra)] if line else [", ".join(extra)])
        return line or "no changes"


PARTS = ("title", "summary", "glossary", "timeline")
"""The parts besides sections a change can touch, in the order a summary names them."""


def header_parts(old: Briefing, new: Briefing) -> frozenset[str]:
    """Which of the title and summary differ (a `Version` does not keep them)."""
    parts = set()
    if old.title != new.title:
        parts.add("title")
    if old.summary.text != new.summary.text:
        parts.add("summary")
    return frozenset(parts)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    if count == 1:
        return f"1 {word}"
    if plural is not None:
        return f"{count} {word.rsplit(' ', 1)[0]} {plural}" if " " in word else f"{count} {plural}"
    return f"{count} {word}s"


def compare(old: Version, new: Briefing, *, limit: int = DIFF_LIMIT) -> Changes:
    """Classify every section of `old` and `new` exactly once."""
    current = version_of(new, limit=limit)
    return compare_versions(old, current, new)


def compare_versions(old: Version, new: Version, briefing: Briefing | None = None) -> Changes:
    """As `compare`, from two snapshots; `briefing` (the new one) indexes its events."""
    before = {s.id: s for s in old.sections}
    now_ids = {s.id for s in new.sections}
    changes: list[SectionChange] = []
    for section in new.sections:
        was = before.get(section.id)
        if was is None:
            changes.append(SectionChange(section.id, section.title, "new", None, section.text))
        elif was.hash == section.hash:
            changes.append(SectionChange(section.id, section.title, "same"))
        else:
            changes.append(
                SectionChange(section.id, section.title, "changed", was.text, section.text)
            )
    changes.extend(
        SectionChange(s.id, s.title, "removed", s.text, None)
        for s in old.sections
        if s.id not in now_ids
    )
    new_entries = frozenset(e for e in new.entries if e not in old.entries)
    new_events: frozenset[int] = frozenset()
    if briefing is not None:
        new_events = frozenset(
            index
            for index, event in enumerate(briefing.timeline)
            if event_key(event) not in old.events
        )
    parts = set()
    if any(new.entries.get(entry) != digest for entry, digest in old.entries.items()):
        parts.add("glossary")  # an entry edited or removed (new ones are counted apart)
    if old.events - new.events:
        parts.add("timeline")  # an event edited or removed
    return Changes(tuple(changes), new_entries, new_events, frozenset(parts))
