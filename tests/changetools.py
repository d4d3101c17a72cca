"""Briefings built for change tests: model objects for property tests, YAML for the app."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from briefing.format.model import (
    Briefing,
    GlossaryEntry,
    Kind,
    Paragraph,
    PartialDate,
    Passage,
    Place,
    Section,
    Source,
    TimelineEvent,
)


def model(
    sections: Sequence[tuple[str, str]],
    entries: Sequence[str] = (),
    events: Sequence[str] = (),
    briefing_id: str = "story",
) -> Briefing:
    """A Briefing with one paragraph per section (`(id, text)`), entries and events."""
    return Briefing(
        id=briefing_id,
        title="A story",
        summary=Passage("What happened.", Place("summary")),
        date=dt.date(2025, 1, 1),
        source=Source("Gazette"),
        sections=tuple(
            Section(sid, sid.title(), (Paragraph(Passage(text, Place("section", n, 0))),))
            for n, (sid, text) in enumerate(sections)
        ),
        glossary=tuple(GlossaryEntry(e, e.title(), Kind.PERSON, "Someone.") for e in entries),
        timeline=tuple(
            TimelineEvent(PartialDate(2025, 1, 1), Passage(text, Place("timeline", block=n)))
            for n, text in enumerate(events)
        ),
    )


def briefing_yaml(
    sections: Sequence[tuple[str, str, str]],
    entries: Sequence[tuple[str, str]] = (),
    events: Sequence[tuple[str, str]] = (),
    briefing_id: str = "story",
) -> str:
    """A briefing file: sections `(id, title, paragraph)`, entries `(id, name)`,
    events `(date, text)`. Values are JSON-quoted, which YAML reads verbatim."""
    q = json.dumps
    lines = [
        "briefing: 1",
        f"id: {briefing_id}",
        "title: The bridge story",
        "summary: The bridge closed and the council argued.",
        "date: 2025-03-14",
        "source:",
        "  outlet: Harbour Gazette",
        "sections:",
    ]
    for sid, title, text in sections:
        lines += [f"  - id: {sid}", f"    title: {q(title)}", "    body:", f"      - {q(text)}"]
    if entries:
        lines.append("glossary:")
        for eid, name in entries:
            lines += [f"  - id: {eid}", f"    name: {q(name)}", "    kind: person",
                      "    role: Someone in the story."]  # fmt: skip
    if events:
        lines.append("timeline:")
        for date, text in events:
            lines += [f"  - date: {date}", f"    event: {q(text)}"]
    return "\n".join(lines) + "\n"
