"""Marks for what changed since last read, in every place the reader shows it.

The reader's widgets call these few helpers (one hook each), so the marks are
made in one place and read the same everywhere: `[changed]` and `[new]` in
words, not only in colour, so NO_COLOR and screen readers get them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.dom import NoScreen

from briefing.tracking.changes import Changes, Status

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from briefing.tui.screens.readerscreen import ReaderScreen
    from briefing.tui.widgets.article import ArticleView

LABELS: dict[Status, str] = {"changed": "[changed]", "new": "[new]"}
MARK_STYLE = "bold $text-warning"
"""The style of a mark in Content (the article uses its `article--changed` class)."""


def changes_of(node: DOMNode) -> Changes | None:
    """The changes the node's reader screen shows (None: none, or not in a reader)."""
    try:
        screen = node.screen
    except NoScreen:  # not mounted yet
        return None
    changes = getattr(screen, "changes", None)
    return changes if isinstance(changes, Changes) else None


def label(changes: Changes | None, section_id: str) -> str:
    """`[changed]`, `[new]` or '' for a section."""
    if changes is None:
        return ""
    return LABELS.get(changes.status(section_id), "")


def mark(changes: Changes | None, section_id: str) -> Content:
    """A section's mark as Content, with a leading space ('' when unmarked)."""
    text = label(changes, section_id)
    return Content.styled(f" {text}", MARK_STYLE) if text else Content("")


def label_suffix(screen: ReaderScreen, section_id: str) -> str:
    """' [changed]' or ' [new]' after a section's name in plain text (the palette)."""
    text = label(screen.changes, section_id)
    return f" {text}" if text else ""


def new_entries(node: DOMNode) -> frozenset[str]:
    """Ids of glossary entries new since last read."""
    changes = changes_of(node)
    return changes.new_entries if changes is not None else frozenset()


def new_events(node: DOMNode) -> frozenset[int]:
    """Indexes of timeline events new since last read."""
    changes = changes_of(node)
    return changes.new_events if changes is not None else frozenset()


def new_mark(is_new: bool) -> Content:
    """The mark of a new glossary entry or timeline event."""
    return Content.styled(" [new]", MARK_STYLE) if is_new else Content("")


def mark_headings(article: ArticleView, changes: Changes | None) -> None:
    """Show `[changed]`/`[new]` after the titles of marked sections.

    Drawn after the title, not part of its text: searching the article never
    finds the marks, and reading positions inside headings stay the same.
    """
    if changes is None:
        return
    marks = {}
    for index, section in enumerate(article.briefing.sections):
        text = label(changes, section.id)
        if text:
            marks[index] = text
    article.set_section_marks(marks)


def marked_sections(screen: ReaderScreen) -> list[int]:
    """Indexes of changed and new sections, in reading order."""
    changes = screen.changes
    if changes is None:
        return []
    marked = changes.marked
    return [i for i, section in enumerate(screen.briefing.sections) if section.id in marked]


def step_change(screen: ReaderScreen, step: int) -> None:
    """Go to the next (`step` 1) or previous (-1) changed or new section, wrapping."""
    marked = marked_sections(screen)
    if not marked:
        screen.notify("Nothing changed since you last read this briefing.", timeout=3, markup=False)
        return
    article = screen.article
    cursor = article.cursor
    if cursor is not None and cursor.heading is not None:
        current = cursor.heading
    else:
        current = article.layout_rows.section_at(int(article.scroll_offset.y) + 1)
    after = [i for i in marked if (i > current if step > 0 else i < current)]
    if after:
        target = after[0] if step > 0 else after[-1]
    else:
        target = marked[0] if step > 0 else marked[-1]
        where = "first" if step > 0 else "last"
        screen.notify(f"Wrapped to the {where} change.", timeout=2, markup=False)
    article.set_open(target, True)
    article.go_to_section(target)
    article.focus()
