"""Marks for what changed since last read, in every place the reader shows it.

The reader's widgets call these few helpers with the `Changes` they were
handed (the reader screen binds its own to them), so the marks are made in
one place and read the same everywhere: `[changed]` and `[new]` in words,
not only in colour, so NO_COLOR and screen readers get them too.
"""

from __future__ import annotations

from textual.content import Content

from briefing.format.model import Briefing
from briefing.tracking.changes import Changes, Status

LABELS: dict[Status, str] = {"changed": "[changed]", "new": "[new]"}
MARK_STYLE = "bold $text-warning"
"""The style of a mark in Content (the article uses its `article--changed` class)."""


def label(changes: Changes | None, section_id: str) -> str:
    """`[changed]`, `[new]` or '' for a section."""
    if changes is None:
        return ""
    return LABELS.get(changes.status(section_id), "")


def mark(changes: Changes | None, section_id: str) -> Content:
    """A section's mark as Content, with a leading space ('' when unmarked)."""
    text = label(changes, section_id)
    return Content.styled(f" {text}", MARK_STYLE) if text else Content("")


def label_suffix(changes: Changes | None, section_id: str) -> str:
    """' [changed]' or ' [new]' after a section's name in plain text (the palette)."""
    text = label(changes, section_id)
    return f" {text}" if text else ""


def new_entries(changes: Changes | None) -> frozenset[str]:
    """Ids of glossary entries new since last read."""
    return changes.new_entries if changes is not None else frozenset()


def new_events(changes: Changes | None) -> frozenset[int]:
    """Indexes of timeline events new since last read."""
    return changes.new_events if changes is not None else frozenset()


def new_mark(is_new: bool) -> Content:
    """The mark of a new glossary entry or timeline event."""
    return Content.styled(" [new]", MARK_STYLE) if is_new else Content("")


def heading_marks(briefing: Briefing, changes: Changes | None) -> dict[int, str]:
    """`[changed]`/`[new]` by section index, for the article to draw after the titles.

    Drawn after the title, not part of its text: searching the article never
    finds the marks, and reading positions inside headings stay the same.
    """
    marks: dict[int, str] = {}
    for index, section in enumerate(briefing.sections):
        text = label(changes, section.id)
        if text:
            marks[index] = text
    return marks


def marked_sections(briefing: Briefing, changes: Changes | None) -> list[int]:
    """Indexes of changed and new sections, in reading order."""
    if changes is None:
        return []
    marked = changes.marked
    return [i for i, section in enumerate(briefing.sections) if section.id in marked]
