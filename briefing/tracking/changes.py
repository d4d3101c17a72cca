"""What changed in a briefing since a remembered version of it: UI-free.

Sections and glossary entries are matched by id (a renamed id is a removed
section plus a new one); timeline events have no id, so an event is matched by
its date and text (an edited event is a removed event plus a new one).

Each section is classified exactly once: same, changed, new or removed. The
difference inside a changed section is a word-level diff: the text is cut into
tokens that each hold a word (or punctuation) and the whitespace after it, so joining the
tokens gives the text back exactly, and applying the diff to the old text
gives the new text exactly (a property test proves it).

Size bound: a section whose comparable text is longer than `DIFF_LIMIT`
characters is remembered by its hash only (`SectionVersion.text` is None).
Such a section, when its hash differs, is marked changed without a diff: a
word diff of two 100,000-character texts would cost seconds and megabytes of
remembered text for one section nobody reads word by word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from briefing.format.hashing import blake2b
from briefing.format.model import Briefing, GlossaryEntry, Points, Quote, Section, TimelineEvent

DIFF_LIMIT = 20_000
"""Characters of a section's text past which only its hash is kept (no word diff)."""

Status: TypeAlias = Literal["same", "changed", "new", "removed"]
Op: TypeAlias = Literal["=", "+", "-"]
Diff: TypeAlias = tuple[tuple[Op, str], ...]
"""Pieces in reading order: kept ("="), added ("+") or removed ("-") text."""


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


# Word diff -------------------------------------------------------------

_TOKEN = re.compile(r"\s+|\w+\s*|[^\w\s]+\s*")


def tokens(text: str) -> list[str]:
    """Words, and runs of punctuation, each with the whitespace after them (leading
    whitespace alone): joined, they give the text back exactly. Punctuation is
    its own token so "strikes" -> "strikes, said" marks only what was added."""
    return _TOKEN.findall(text)


DIFF_BUDGET = 400_000
"""Work one word diff may do, in token comparisons: the quadratic matcher is
charged the product of the lengths it compares, anchoring its linear passes.
Past it, what is left to compare is shown as replaced whole. On this 2-core
machine the worst 20,000-character pair stays well under a second."""

MATCHER_CAP = 40_000
"""The largest stretch (old tokens x new tokens) handed to difflib, whose worst
case grows faster than the square: 200 x 200 costs ~40 ms at worst, 1,000 x
1,000 of three repeated words 16 s."""


class DiffCancelled(Exception):
    """The caller no longer wants the diff (the view closed, the reader quit)."""


Opcode = tuple[str, int, int, int, int]


def word_diff(old: str, new: str, cancelled: Callable[[], bool] | None = None) -> Diff:
    """Words kept, removed and added from `old` to `new`, merged into runs.

    Bounded by `DIFF_BUDGET` whatever the texts; `cancelled` is polled between
    steps so a thread computing a diff stops soon after it is no longer wanted
    (raising DiffCancelled)."""
    a, b = tokens(old), tokens(new)
    # Compared without their trailing whitespace ("strikes" matches "strikes "),
    # which is then kept exactly as a change of its own.
    pieces: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in _bounded_opcodes(_keys(a), _keys(b), cancelled):
        if tag == "equal":
            for before, after in zip(a[i1:i2], b[j1:j2], strict=True):
                if before == after:
                    _append(pieces, "=", before)
                    continue
                core = before.rstrip()
                _append(pieces, "=", core)
                _append(pieces, "-", before[len(core) :])
                _append(pieces, "+", after[len(core) :])
            continue
        if i2 > i1:
            _append(pieces, "-", "".join(a[i1:i2]))
        if j2 > j1:
            _append(pieces, "+", "".join(b[j1:j2]))
    return _cleanup(pieces)


def _bounded_opcodes(
    a: list[str], b: list[str], cancelled: Callable[[], bool] | None
) -> list[Opcode]:
    """difflib's opcodes when the texts are small; otherwise anchor on words found
    exactly once in each (patience diff), recursively, and give difflib only the
    small stretches between anchors, all within `DIFF_BUDGET`."""
    import difflib

    if len(a) * len(b) <= MATCHER_CAP:
        return list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    budget = DIFF_BUDGET
    out: list[Opcode] = []
    # A stack of stretches still to compare, last pushed first; ("=", ...) are
    # anchors already matched, kept in order between the stretches around them.
    todo: list[Opcode] = [("?", 0, len(a), 0, len(b))]
    while todo:
        if cancelled is not None and cancelled():
            raise DiffCancelled
        tag, i1, i2, j1, j2 = todo.pop()
        if tag == "equal":
            out.append((tag, i1, i2, j1, j2))
            continue
        while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
            out.append(("equal", i1, i1 + 1, j1, j1 + 1))
            i1, j1 = i1 + 1, j1 + 1
        end_i, end_j = i2, j2
        while i2 > i1 and j2 > j1 and a[i2 - 1] == b[j2 - 1]:
            i2, j2 = i2 - 1, j2 - 1
        if i2 < end_i:
            # The common tail comes after whatever this stretch turns into.
            todo.append(("equal", i2, end_i, j2, end_j))
        size = (i2 - i1) * (j2 - j1)
        if size == 0 or budget <= 0:
            _replace(out, i1, i2, j1, j2)
        elif size <= MATCHER_CAP and size <= budget:
            budget -= size
            matcher = difflib.SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False)
            out += [
                (t, x1 + i1, x2 + i1, y1 + j1, y2 + j1)
                for t, x1, x2, y1, y2 in matcher.get_opcodes()
            ]
        else:
            budget -= (i2 - i1) + (j2 - j1)
            anchors = _unique_anchors(a, i1, i2, b, j1, j2)
            if not anchors:
                _replace(out, i1, i2, j1, j2)
            else:
                # Pushed in reverse: the stretch before the first anchor comes off first.
                ends = [*anchors, (i2, j2)]
                starts = [(i1, j1), *((x + 1, y + 1) for x, y in anchors)]
                for index in range(len(ends) - 1, -1, -1):
                    (x1, y1), (x2, y2) = starts[index], ends[index]
                    if index < len(anchors):
                        todo.append(("equal", x2, x2 + 1, y2, y2 + 1))
                    todo.append(("?", x1, x2, y1, y2))
    return _merge_opcodes(out)


def _unique_anchors(
    a: list[str], i1: int, i2: int, b: list[str], j1: int, j2: int
) -> list[tuple[int, int]]:
    """Positions of words occurring once in each stretch, the longest run of them in
    the same order in both (patience sorting, n log n)."""
    import bisect
    from collections import Counter

    count_a, count_b = Counter(a[i1:i2]), Counter(b[j1:j2])
    where_b = {b[j]: j for j in range(j1, j2) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(i1, i2) if count_a[a[i]] == 1 and a[i] in where_b]
    if not pairs:
        return []
    tops: list[int] = []
    top_index: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        pile = bisect.bisect_left(tops, j)
        back[index] = top_index[pile - 1] if pile else -1
        if pile == len(tops):
            tops.append(j)
            top_index.append(index)
        else:
            tops[pile], top_index[pile] = j, index
    chain: list[tuple[int, int]] = []
    index = top_index[-1]
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def _replace(out: list[Opcode], i1: int, i2: int, j1: int, j2: int) -> None:
    if i2 > i1 or j2 > j1:
        tag = "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
        out.append((tag, i1, i2, j1, j2))


def _merge_opcodes(opcodes: list[Opcode]) -> list[Opcode]:
    """Neighbouring equal runs joined (the output loop does not need it, but the
    runs of single-token anchors would otherwise make many tiny opcodes)."""
    merged: list[Opcode] = []
    for op in opcodes:
        if merged and merged[-1][0] == op[0] == "equal" and merged[-1][2] == op[1]:
            last = merged[-1]
            merged[-1] = ("equal", last[1], op[2], last[3], op[4])
        else:
            merged.append(op)
    return merged


def _cleanup(pieces: list[tuple[Op, str]]) -> Diff:
    """Fold a kept run of bare punctuation or spacing between two changes into them,
    and each block of changes into one removal then one addition: difflib happily
    matches a lone "." inside a rewritten sentence, which reads as noise."""
    folded: list[tuple[Op, str]] = []
    for index, (op, text) in enumerate(pieces):
        between = (
            0 < index < len(pieces) - 1 and pieces[index - 1][0] != "=" != pieces[index + 1][0]
        )
        if op == "=" and between and not any(char.isalnum() for char in text):
            folded += [("-", text), ("+", text)]
        else:
            folded.append((op, text))
    result: list[tuple[Op, str]] = []
    removed: list[str] = []
    added: list[str] = []
    for op, text in [*folded, ("=", "")]:
        if op == "-":
            removed.append(text)
        elif op == "+":
            added.append(text)
        else:
            _append(result, "-", "".join(removed))
            _append(result, "+", "".join(added))
            removed, added = [], []
            _append(result, "=", text)
    return tuple(result)


def _keys(tokens: list[str]) -> list[str]:
    return [token.rstrip() or token for token in tokens]


def _append(pieces: list[tuple[Op, str]], op: Op, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == op:
        pieces[-1] = (op, pieces[-1][1] + text)
    else:
        pieces.append((op, text))


def apply_diff(old: str, diff: Iterable[tuple[Op, str]]) -> str:
    """The new text, from the old one and a diff; ValueError if the diff is not of `old`."""
    out: list[str] = []
    at = 0
    for op, text in diff:
        if op == "+":
            out.append(text)
            continue
        if old[at : at + len(text)] != text:
            raise ValueError(f"diff does not match the old text at {at}")
        at += len(text)
        if op == "=":
            out.append(text)
    if at != len(old):
        raise ValueError("diff does not cover the old text")
    return "".join(out)


def without_title(pieces: Sequence[tuple[Op, str]], title: str) -> list[tuple[Op, str]]:
    """The pieces after an unchanged leading title: the compared text starts with the
    section's title (so renaming a section counts), but a view that heads the
    diff with the title would otherwise show it twice."""
    head = title + "\n\n"
    if pieces and pieces[0][0] != "-" and (pieces[0][1] == title or pieces[0][1].startswith(head)):
        op, text = pieces[0]
        rest = text[len(head) :]
        return [*([(op, rest)] if rest else []), *pieces[1:]]
    return list(pieces)


def marked_pieces(diff: Sequence[tuple[Op, str]]) -> list[tuple[Op, str]]:
    """Pieces for display: whitespace at the end of a changed run moves outside it,
    so markers hug words (`[-old-] [+new+] rest`); a removed run's line breaks
    give way to the added run after it, which brings its own."""
    shown: list[tuple[Op, str]] = []
    for index, (op, text) in enumerate(diff):
        if op == "=" or text.isspace():  # a change of spacing alone is not worth a mark
            if op != "-":
                shown.append(("=", text))
            continue
        core = text.rstrip()
        tail = text[len(core) :]
        if core:
            shown.append((op, core))
        replaced = op == "-" and index + 1 < len(diff) and diff[index + 1][0] == "+"
        if replaced:
            shown.append(("=", " "))
        elif tail:
            shown.append(("=", tail))
    return shown


def marked_text(diff: Sequence[tuple[Op, str]]) -> str:
    """The diff as plain text with `[+added+]` and `[-removed-]` markers (NO_COLOR-readable)."""
    out = []
    for op, text in marked_pieces(diff):
        out.append(text if op == "=" else f"[{op}{text}{op}]")
    return "".join(out)
