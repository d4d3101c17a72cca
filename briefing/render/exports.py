"""The whole briefing as a flow of printable text: plain, Markdown or JSON.

`show`, the fall-back for terminals that cannot run the reader and any
future export share `outline`, one ordered list of typed lines, so the plain
and the styled output cannot drift apart. Nothing here imports Textual.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from briefing.format.model import (
    Briefing,
    Kind,
    Paragraph,
    Passage,
    Points,
    Quote,
    Section,
    format_date_time,
)

LineKind = Literal[
    "title", "meta", "summary", "heading", "lede", "text", "quote", "speaker", "point",
    "label", "entry", "detail", "event", "blank",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Line:
    """One paragraph of output, with what it is and, for scanned text, its passage."""

    kind: LineKind
    text: str = ""
    indent: int = 0
    passage: Passage | None = None


def _date_line(briefing: Briefing) -> str:
    parts = [briefing.date.isoformat(), briefing.source.outlet]
    if briefing.updated is not None:
        parts.append("updated " + format_date_time(briefing.updated))
    if briefing.topics:
        parts.append("topics: " + ", ".join(briefing.topics))
    return " · ".join(parts)


def _section_lines(briefing: Briefing, number: int, section: Section) -> Iterator[Line]:
    yield Line("heading", f"{number}. {section.title}")
    if section.summary:
        yield Line("lede", section.summary)
    for block in section.body:
        yield Line("blank")
        if isinstance(block, Paragraph):
            yield Line("text", block.text.text, passage=block.text)
        elif isinstance(block, Quote):
            yield Line("quote", f"\u201c{block.text.text}\u201d", 4, block.text)
            yield Line("speaker", f"\u2014 {briefing.speaker_name(block)}", 6)
        elif isinstance(block, Points):
            for item in block.items:
                yield Line("point", item.text, 2, item)


def credit(briefing: Briefing) -> str:
    """The source in one sentence: outlet, headline, authors, dateline, date."""
    source = briefing.source
    parts = [source.outlet]
    if source.headline:
        parts.append(f"\u201c{source.headline}\u201d")
    if source.authors:
        names = list(source.authors)
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"by {joined}")
    if source.dateline:
        parts.append(source.dateline)
    if source.published:
        parts.append(f"published {source.published.isoformat()}")
    return ", ".join(parts) + "."


def outline(briefing: Briefing) -> list[Line]:
    """The briefing in reading order, as the printed views show it."""
    lines = [
        Line("title", briefing.title),
        Line("meta", _date_line(briefing)),
        Line("blank"),
        Line("summary", briefing.summary.text, passage=briefing.summary),
    ]
    for number, section in enumerate(briefing.sections, 1):
        lines += [Line("blank"), *_section_lines(briefing, number, section)]
    if briefing.glossary:
        lines += [Line("blank"), Line("heading", "Glossary")]
        for kind in Kind:
            entries = [entry for entry in briefing.glossary if entry.kind is kind]
            if not entries:
                continue
            lines += [Line("blank"), Line("label", kind.plural, 2)]
            for entry in entries:
                count = len(briefing.mentions_of(entry.id))
                lines.append(Line("entry", f"{entry.name} \u2014 {entry.role}", 4))
                if entry.aliases:
                    lines.append(Line("detail", "Also: " + ", ".join(entry.aliases), 6))
                if entry.about:
                    lines.append(Line("detail", entry.about, 6))
                if entry.related:
                    names = [briefing.entries[ref].name for ref in entry.related]
                    lines.append(Line("detail", "Related: " + ", ".join(names), 6))
                lines.append(Line("detail", f"Mentioned {count} time{'s' * (count != 1)}", 6))
    if briefing.timeline:
        lines += [Line("blank"), Line("heading", "Timeline"), Line("blank")]
        for event in briefing.timeline:
            where = ""
            if event.section is not None:
                where = f" [{briefing.sections[briefing.section_index[event.section]].title}]"
            lines.append(Line("event", f"{event.date}  {event.event.text}{where}", 2, event.event))
    lines += [
        Line("blank"),
        Line("heading", "Source"),
        Line("blank"),
        Line("text", credit(briefing)),
    ]
    if briefing.source.note:
        lines.append(Line("detail", briefing.source.note))
    if briefing.source.url:
        lines.append(Line("detail", briefing.source.url))
    return lines


def to_text(briefing: Briefing, width: int = 80) -> str:
    """Plain text wrapped to `width`, for pipes, files and dumb terminals."""
    out: list[str] = []
    width = max(width, 20)
    for line in outline(briefing):
        if line.kind == "blank":
            out.append("")
            continue
        text = line.text.upper() if line.kind == "heading" else line.text
        prefix = " " * line.indent
        first = prefix + ("\u2022 " if line.kind == "point" else "")
        later = prefix + ("  " if line.kind == "point" else "")
        for number, paragraph in enumerate(text.split("\n")):
            wrapped = textwrap.fill(
                paragraph,
                width=width,
                initial_indent=first if number == 0 else later,
                subsequent_indent=later,
                break_long_words=True,
                break_on_hyphens=False,
            )
            out.append(wrapped or first.rstrip())
        if line.kind == "title":
            out.append("=" * min(width, max(len(text), 1)))
    return "\n".join(out) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~&])")
_MD_LINE_START = re.compile(r"^(\s*)([-=]|\d+(?=[.)]))", re.MULTILINE)


def md_escape(text: str) -> str:
    """Literal text in Markdown: nothing in it may become markup, a link or an entity."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # A backslash only escapes punctuation: `\-` and `1\.` work, `\1.` would show the `\`.
    text = _MD_LINE_START.sub(
        lambda m: m.group(1) + ("\\" + m.group(2) if m.group(2) in "-=" else m.group(2) + "\\"),
        text,
    )
    return text.replace("\n", "  \n")


def to_markdown(briefing: Briefing) -> str:
    """CommonMark that reads well in any Markdown viewer; content is escaped."""
    md: list[str] = []
    for line in outline(briefing):
        text = md_escape(line.text)
        if line.kind == "title":
            md.append(f"# {text}")
        elif line.kind == "heading":
            md.append(f"## {text}")
        elif line.kind == "meta":
            md.append(f"*{text}*")
        elif line.kind in ("lede", "speaker"):
            md.append(f"> *{text}*" if line.kind == "speaker" else f"*{text}*")
        elif line.kind == "quote":
            md.append(f"> {text}\n>")
        elif line.kind in ("point", "event"):
            md.append(f"- {text}")
        elif line.kind == "label":
            md.append(f"### {text}")
        elif line.kind == "entry":
            md.append(f"- **{text}**")
        elif line.kind == "detail" and line.indent:
            md.append(f"  {text}  ")
        elif line.kind != "blank":
            md.append(text)
        else:
            md.append("")
    joined = "\n".join(md)
    return re.sub(r"\n{3,}", "\n\n", joined).strip() + "\n"


def _passage(passage: Passage) -> dict[str, Any]:
    return {
        "text": passage.text,
        "mentions": [
            {"start": m.start, "end": m.end, "entry": m.entry_id} for m in passage.mentions
        ],
    }


def to_data(briefing: Briefing) -> dict[str, Any]:
    """The model as plain data, mirroring its structure."""
    source = briefing.source
    sections = []
    for section in briefing.sections:
        blocks: list[dict[str, Any]] = []
        for block in section.body:
            if isinstance(block, Paragraph):
                blocks.append({"type": "paragraph", **_passage(block.text)})
            elif isinstance(block, Quote):
                blocks.append(
                    {"type": "quote", **_passage(block.text), "by": block.by,
                     "speaker": briefing.speaker_name(block), "speaker_id": block.speaker_id}
                )  # fmt: skip
            else:
                blocks.append({"type": "points", "items": [_passage(p) for p in block.items]})
        sections.append(
            {"id": section.id, "title": section.title, "summary": section.summary,
             "collapsed": section.collapsed, "body": blocks}
        )  # fmt: skip
    return {
        "briefing": 1,
        "id": briefing.id,
        "title": briefing.title,
        "summary": _passage(briefing.summary),
        "date": briefing.date.isoformat(),
        "updated": format_date_time(briefing.updated) if briefing.updated else None,
        "topics": list(briefing.topics),
        "source": {
            "outlet": source.outlet,
            "headline": source.headline,
            "authors": list(source.authors),
            "dateline": source.dateline,
            "published": source.published.isoformat() if source.published else None,
            "url": source.url,
            "note": source.note,
        },
        "sections": sections,
        "glossary": [
            {
                "id": e.id,
                "name": e.name,
                "kind": e.kind.value,
                "role": e.role,
                "aliases": list(e.aliases),
                "about": e.about,
                "related": list(e.related),
                "mentions": len(briefing.mentions_of(e.id)),
            }
            for e in briefing.glossary
        ],  # fmt: skip
        "timeline": [
            {"date": str(t.date), "event": _passage(t.event), "section": t.section}
            for t in briefing.timeline
        ],
    }


def to_json(briefing: Briefing) -> str:
    """JSON of `to_data`, non-ASCII kept readable (content is already cleaned)."""
    return json.dumps(to_data(briefing), ensure_ascii=False, indent=2) + "\n"
