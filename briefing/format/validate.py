"""Walk a briefing's YAML node tree once: build the model, collect every problem.

The loader (briefing.format.loader) does the reading and the reporting; this module
knows FORMAT.md's structure: which keys each mapping has, what each value
must be, which ids must exist, and what counts as a mention.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefing.format.bounds import MAX_SLUG, SLUG
from briefing.format.fields import Fields, T, describe
from briefing.format.mentions import MentionFinder
from briefing.format.model import (
    FORMAT_VERSION,
    Block,
    Briefing,
    GlossaryEntry,
    Kind,
    Paragraph,
    Passage,
    Place,
    Points,
    Quote,
    Section,
    Source,
    TimelineEvent,
)
from briefing.format.yamlsafe import Mapping, Node, Scalar, Sequence

MAX_SECTIONS = 1_000
MAX_GLOSSARY = 5_000
MAX_TIMELINE = 5_000
MAX_ALIASES = 200

TOP_REQUIRED = ("briefing", "id", "title", "summary", "date", "source", "sections")
TOP_OPTIONAL = ("updated", "topics", "glossary", "timeline")
SOURCE_KEYS = ("headline", "authors", "dateline", "published", "url", "note")
SECTION_OPTIONAL = ("summary", "collapsed")
ENTRY_OPTIONAL = ("aliases", "about", "related")


class SchemaReader(Fields):
    """Walks the node tree once, building the model and collecting problems."""

    def __init__(self) -> None:
        super().__init__()
        self.finder = MentionFinder(())
        self.entry_nodes: dict[str, Node] = {}
        self.section_ids: dict[str, Node] = {}
        self.references: list[tuple[Node, str, str, str]] = []
        """(node, what, referenced id, "glossary entry" or "section"), checked at the end."""

    def passage(self, text: str, place: Place) -> Passage:
        return Passage(text, place, self.finder.find(text))

    def briefing(self, root: Mapping, path: Path | None) -> Briefing | None:
        complete = self.keys(root, "the briefing", TOP_REQUIRED, TOP_OPTIONAL)
        version = root.get("briefing")
        if version is not None and not self._version(version):
            return None
        briefing_id = self.at(root, "id", self.slug, "id")
        title = self.at(root, "title", self.line, "title")
        date = self.at(root, "date", self.date, "date")
        updated = self.at(root, "updated", self.date_time, "updated")
        topics = self.at(root, "topics", self._lines, "topics") or ()
        source = self.at(root, "source", self._source, "source")
        glossary = self.at(root, "glossary", self._glossary, "glossary") or ()
        self.finder = MentionFinder(_surface_forms(glossary, self))
        summary_text = self.at(root, "summary", self.paragraph, "summary")
        summary = self.passage(summary_text, Place("summary")) if summary_text else None
        sections = self.at(root, "sections", self._sections, "sections") or ()
        timeline = self.at(root, "timeline", self._timeline, "timeline") or ()
        for node, what, ref, kind in self.references:
            known = self.entry_nodes if kind == "glossary entry" else self.section_ids
            if ref not in known:
                self.error(node, f"{what}: {ref!r} names no {kind} in this briefing")
        if not (complete and briefing_id and title and date and source and summary):
            return None
        briefing = Briefing(
            id=briefing_id,
            title=title,
            summary=summary,
            date=date,
            source=source,
            sections=sections,
            topics=topics,
            updated=updated,
            glossary=glossary,
            timeline=timeline,
            path=path,
        )
        speakers = {
            block.speaker_id
            for section in sections
            for block in section.body
            if isinstance(block, Quote)
        }
        for entry in glossary:
            if entry.id not in briefing.mentions and entry.id not in speakers:
                self.warning(
                    self.entry_nodes[entry.id],
                    f"glossary entry {entry.id!r} is never mentioned or quoted in the text "
                    "(its name and aliases match nothing, case-sensitively, as whole words)",
                )
        return briefing

    def _version(self, node: Node) -> bool:
        digits = node.value.strip() if isinstance(node, Scalar) and node.plain else ""
        # ASCII and short: int() raises on '²' (a digit to isdigit) and on 5,000 digits.
        if digits.isascii() and digits.isdigit() and len(digits) < 20:
            number = int(digits)
            if number == FORMAT_VERSION:
                return True
            message = f"unsupported format version {number}; this reader reads {FORMAT_VERSION}"
        else:
            message = f"briefing: expected the format version {FORMAT_VERSION}, found "
            message += describe(node)
        self.error(node, message)
        return False

    def _lines(self, node: Node, what: str) -> tuple[str, ...]:
        return self.items(node, what, self.line)

    def _source(self, node: Node, what: str) -> Source | None:
        mapping = self.mapping(node, what)
        if mapping is None:
            return None
        complete = self.keys(mapping, what, ("outlet",), SOURCE_KEYS)
        outlet = self.at(mapping, "outlet", self.line, f"{what}.outlet")
        source = Source(
            outlet=outlet or "",
            headline=self.at(mapping, "headline", self.line, f"{what}.headline"),
            authors=self.at(mapping, "authors", self._lines, f"{what}.authors") or (),
            dateline=self.at(mapping, "dateline", self.line, f"{what}.dateline"),
            published=self.at(mapping, "published", self.date, f"{what}.published"),
            url=self.at(mapping, "url", self.line, f"{what}.url"),
            note=self.at(mapping, "note", self.paragraph, f"{what}.note"),
        )
        return source if complete and outlet else None

    def _listed(
        self, node: Node, what: str, limit: int, read: Callable[[Node, int], T | None]
    ) -> tuple[T, ...]:
        items = self.sequence(node, what, limit=limit)
        if items is None:
            return ()
        built = (read(item, index) for index, item in enumerate(items))
        return tuple(value for value in built if value is not None)

    def _glossary(self, node: Node, what: str) -> tuple[GlossaryEntry, ...]:
        return self._listed(node, what, MAX_GLOSSARY, self._entry)

    def _sections(self, node: Node, what: str) -> tuple[Section, ...]:
        if isinstance(node, Sequence) and not node.items:
            self.error(node, f"{what}: a briefing needs at least one section")
        return self._listed(node, what, MAX_SECTIONS, self._section)

    def _timeline(self, node: Node, what: str) -> tuple[TimelineEvent, ...]:
        return self._listed(node, what, MAX_TIMELINE, self._event)

    def _unique(self, node: Node, what: str, seen: dict[str, Node]) -> str | None:
        """An id that must not repeat among its siblings."""
        value = self.slug(node, what)
        if value is None:
            return None
        if value in seen:
            self.error(node, f"{what}: {value!r} is already used (line {seen[value].line})")
            return None
        return value

    def _reference(self, kind: str) -> Callable[[Node, str], str | None]:
        def read(node: Node, what: str) -> str | None:
            ref = self.slug(node, what)
            if ref is not None:
                self.references.append((node, what, ref, kind))
            return ref

        return read

    def _identified(
        self,
        node: Node,
        what: str,
        label: str,
        required: tuple[str, ...],
        optional: tuple[str, ...],
        seen: dict[str, Node],
    ) -> tuple[Mapping, bool, str | None, str] | None:
        """Open a list item that has an `id`: its mapping, whether every required
        key is there, its id (registered in `seen` when new) and how messages name it."""
        mapping = self.mapping(node, what)
        if mapping is None:
            return None
        complete = self.keys(mapping, what, required, optional)
        item_id = self.at(mapping, "id", lambda n, w: self._unique(n, w, seen), f"{what} id")
        if item_id is not None:
            seen[item_id] = mapping
            what = f"{label} {item_id!r}"
        return mapping, complete, item_id, what

    def _entry(self, node: Node, index: int) -> GlossaryEntry | None:
        required = ("id", "name", "kind", "role")
        what = f"glossary[{index + 1}]"
        opened = self._identified(
            node, what, "glossary entry", required, ENTRY_OPTIONAL, self.entry_nodes
        )
        if opened is None:
            return None
        mapping, complete, entry_id, what = opened
        name = self.at(mapping, "name", self.line, f"{what} name")
        kind = self.at(mapping, "kind", self._kind, f"{what} kind")
        role = self.at(mapping, "role", self.line, f"{what} role")
        aliases_node = mapping.get("aliases")
        aliases: tuple[str, ...] = ()
        if aliases_node is not None:
            aliases = self.items(aliases_node, f"{what} aliases", self.line, limit=MAX_ALIASES)
        about = self.at(mapping, "about", self.paragraph, f"{what} about")
        related_node = mapping.get("related")
        related: tuple[str, ...] = ()
        if related_node is not None:
            read = self._reference("glossary entry")
            related = self.items(related_node, f"{what} related", read)
        if not (complete and entry_id and name and kind and role):
            return None
        return GlossaryEntry(entry_id, name, kind, role, aliases, about, related)

    def _kind(self, node: Node, what: str) -> Kind | None:
        value = self.line(node, what)
        if value is None:
            return None
        try:
            return Kind(value)
        except ValueError:
            import difflib  # only a file with a wrong kind pays for it

            kinds = [kind.value for kind in Kind]
            close = difflib.get_close_matches(value.lower(), kinds, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.error(node, f"{what}: {value!r} is not one of {', '.join(kinds)}{hint}")
            return None

    def _section(self, node: Node, index: int) -> Section | None:
        required = ("id", "title", "body")
        what = f"sections[{index + 1}]"
        opened = self._identified(
            node, what, "section", required, SECTION_OPTIONAL, self.section_ids
        )
        if opened is None:
            return None
        mapping, complete, section_id, what = opened
        title = self.at(mapping, "title", self.line, f"{what} title")
        summary = self.at(mapping, "summary", self.line, f"{what} summary")
        collapsed_node = mapping.get("collapsed")
        collapsed = None
        if collapsed_node is not None:
            collapsed = self.boolean(collapsed_node, f"{what} collapsed")
        body: tuple[Block, ...] = ()
        body_node = mapping.get("body")
        items = self.sequence(body_node, f"{what} body") if body_node is not None else None
        if body_node is not None and items is not None:
            if not items:
                self.error(body_node, f"{what} body: needs at least one block")
            blocks = (
                self._block(item, f"{what} body[{n + 1}]", Place("section", index, n))
                for n, item in enumerate(items)
            )
            body = tuple(block for block in blocks if block is not None)
        if not (complete and section_id and title and body) or collapsed_node and collapsed is None:
            return None
        return Section(section_id, title, body, summary, bool(collapsed))

    def _block(self, node: Node, what: str, place: Place) -> Block | None:
        if isinstance(node, Scalar):
            text = self.paragraph(node, what)
            return Paragraph(self.passage(text, place)) if text else None
        mapping = self.mapping(node, f"{what}: a block is text, {{quote, by}} or {{points}}, not")
        if mapping is None:
            return None
        if "points" in mapping.pairs:
            return self._points(mapping, what, place)
        if "quote" not in mapping.pairs and "by" not in mapping.pairs:
            # Neither shape: name the nearest key of either ({pointz: ...} -> points).
            self.keys(mapping, f"{what} (a block)", (), ("quote", "by", "points"))
            if not mapping.pairs:
                self.error(mapping, f"{what}: a block is text, {{quote, by}} or {{points}}")
            return None
        if not self.keys(mapping, f"{what} (a quote)", ("quote", "by")):
            return None
        text = self.at(mapping, "quote", self.paragraph, f"{what} quote")
        by_node = mapping.pairs["by"][1]
        by = self.line(by_node, f"{what} by")
        if text is None or by is None:
            return None
        speaker_id = None
        if len(by) <= MAX_SLUG and SLUG.fullmatch(by):
            speaker_id = by
            self.references.append((by_node, f"{what} by", by, "glossary entry"))
        return Quote(self.passage(text, place), by, speaker_id)

    def _points(self, mapping: Mapping, what: str, place: Place) -> Points | None:
        self.keys(mapping, f"{what} (points)", ("points",))
        node = mapping.pairs["points"][1]
        items = self.sequence(node, f"{what} points")
        if not items:
            if items is not None:
                self.error(node, f"{what} points: needs at least one item")
            return None
        passages = []
        for number, item in enumerate(items):
            text = self.paragraph(item, f"{what} points[{number + 1}]")
            if text:
                where = Place("section", place.section, place.block, number)
                passages.append(self.passage(text, where))
        return Points(tuple(passages)) if len(passages) == len(items) else None

    def _event(self, node: Node, index: int) -> TimelineEvent | None:
        what = f"timeline[{index + 1}]"
        mapping = self.mapping(node, what)
        if mapping is None:
            return None
        complete = self.keys(mapping, what, ("date", "event"), ("section",))
        date = self.at(mapping, "date", self.partial_date, f"{what} date")
        text = self.at(mapping, "event", self.paragraph, f"{what} event")
        section = self.at(mapping, "section", self._reference("section"), f"{what} section")
        if not (complete and date and text):
            return None
        return TimelineEvent(date, self.passage(text, Place("timeline", block=index)), section)


def _surface_forms(
    glossary: tuple[GlossaryEntry, ...], reader: SchemaReader
) -> list[tuple[str, str]]:
    """Every name and alias with its entry; a form claimed twice is reported."""
    owners: dict[str, str] = {}
    forms = []
    for entry in glossary:
        for form in (entry.name, *entry.aliases):
            owner = owners.setdefault(form, entry.id)
            if owner != entry.id:
                reader.warning(
                    reader.entry_nodes[entry.id],
                    f"glossary entry {entry.id!r}: {form!r} is also a name or alias of "
                    f"{owner!r}; its mentions go to {owner!r}",
                )
                continue
            forms.append((form, entry.id))
    return forms
