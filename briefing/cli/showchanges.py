"""`briefing show --changes ID`: what changed since the reader last showed it.

Plain text marks words with `[+added+]` and `[-removed-]` (readable with
NO_COLOR, in a pipe, in a log); a terminal gets the same text styled with Rich
`Text` objects (added underlined green, removed struck through red), never
markup built from content; Markdown gets `**added**` and `~~removed~~` with
the content escaped.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from briefing.format.cleaning import plain_line
from briefing.format.model import Briefing
from briefing.render.exports import md_escape
from briefing.store.versions import load_version
from briefing.tracking.changes import Changes, SectionChange, compare_versions, version_of
from briefing.tracking.worddiff import Op, marked_pieces, without_title, word_diff

if TYPE_CHECKING:
    from rich.text import Text

TOO_LONG = "changed (too long to compare word by word; only its hash was kept)"


def section_pieces(change: SectionChange) -> list[tuple[Op, str]]:
    """What to show of one section: its diff, all of it added, or nothing."""
    if change.status == "new" and change.new is not None:
        return without_title([("+", change.new)], change.title)
    if change.has_diff:
        assert change.old is not None and change.new is not None
        return marked_pieces(without_title(word_diff(change.old, change.new), change.title))
    return []


def find_changes(briefing: Briefing, directory: Path | None = None) -> Changes | None:
    """Changes against the remembered version, or None when it was never read."""
    old, warning = load_version(briefing.id, directory)
    if warning:
        print(f"briefing: {warning}", file=sys.stderr)
    if old is None:
        return None
    return compare_versions(old, version_of(briefing), briefing)


def _status_label(change: SectionChange) -> str:
    if change.status == "changed" and not change.has_diff:
        return TOO_LONG
    return {"same": "unchanged", "changed": "changed", "new": "new"}[change.status]


def _lines(briefing: Briefing, changes: Changes) -> list[tuple[str, object]]:
    """The report as (kind, value) lines shared by every format."""
    lines: list[tuple[str, object]] = [
        ("title", f"Changes in {briefing.title} since you last read it"),
        ("meta", changes.summary()),
    ]
    if changes.removed:
        count = len(changes.removed)
        titles = "; ".join(change.title for change in changes.removed)
        plural = "s" * (count != 1)
        lines.append(("meta", f"{count} section{plural} removed since you read: {titles}"))
    number = 0
    for change in changes.sections:
        if change.status == "removed":
            continue
        number += 1
        lines.append(("heading", f"{number}. {change.title} [{_status_label(change)}]"))
        pieces = section_pieces(change)
        if pieces:
            lines.append(("diff", pieces))
    if changes.new_entries:
        names = [e.name for e in briefing.glossary if e.id in changes.new_entries]
        lines.append(("meta", "New in the glossary: " + "; ".join(names)))
    for index in sorted(changes.new_events):
        event = briefing.timeline[index]
        lines.append(("meta", f"New in the timeline: {event.date} {event.event.text}"))
    return lines


def to_text(briefing: Briefing, changes: Changes, width: int = 80) -> str:
    out: list[str] = []
    for kind, value in _lines(briefing, changes):
        if kind == "diff":
            assert isinstance(value, list)
            text = "".join(t if op == "=" else f"[{op}{t}{op}]" for op, t in value)
            for paragraph in text.split("\n"):
                out.append(textwrap.fill(paragraph, width, break_long_words=False) or "")
        else:
            if kind == "heading":
                out.append("")
            out.append(textwrap.fill(str(value), width, break_long_words=False))
    return "\n".join(out) + "\n"


def _md_piece(op: Op, text: str) -> str:
    """A diff piece in Markdown, emphasis kept inside each line (it cannot span lines)."""
    if op == "=":
        return md_escape(text)
    wrap = "**" if op == "+" else "~~"
    parts = []
    for line in text.split("\n"):
        core = line.strip()
        lead = line[: len(line) - len(line.lstrip())]
        tail = line[len(line.rstrip()) :] if core else ""
        parts.append(lead + (f"{wrap}{md_escape(core)}{wrap}" if core else "") + tail)
    return "  \n".join(parts)


def to_markdown(briefing: Briefing, changes: Changes) -> str:
    out: list[str] = []
    for kind, value in _lines(briefing, changes):
        if kind == "title":
            out.append(f"# {md_escape(str(value))}\n")
        elif kind == "heading":
            out.append(f"\n## {md_escape(str(value))}\n")
        elif kind == "diff":
            assert isinstance(value, list)
            out.append("".join(_md_piece(op, t) for op, t in value) + "\n")
        else:
            out.append(f"*{md_escape(str(value))}*\n")
    return "\n".join(out).strip() + "\n"


def to_rich(briefing: Briefing, changes: Changes) -> list[Text]:
    """Styled lines for a terminal: Text objects only, content never parsed as markup."""
    from rich.text import Text

    rendered: list[Text] = []
    for kind, value in _lines(briefing, changes):
        if kind == "diff":
            assert isinstance(value, list)
            line = Text()
            for op, piece in value:
                style = {"=": "", "+": "bold green underline", "-": "red strike"}[op]
                line.append(piece, style=style)
            rendered.append(line)
        elif kind == "heading":
            rendered.append(Text("\n" + str(value), style="bold"))
        elif kind == "title":
            rendered.append(Text(str(value), style="bold underline"))
        else:
            rendered.append(Text(str(value), style="dim"))
    return rendered


def to_json(briefing: Briefing, changes: Changes) -> str:
    data = {
        "id": briefing.id,
        "summary": changes.summary(),
        "sections": [
            {
                "id": change.id,
                "title": change.title,
                "status": change.status,
                "diff": [[op, text] for op, text in word_diff(change.old, change.new)]
                if change.has_diff and change.old is not None and change.new is not None
                else None,
            }
            for change in changes.sections
        ],
        "new_entries": sorted(changes.new_entries),
        "new_events": sorted(changes.new_events),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def print_changes(
    briefing: Briefing,
    fmt: str,
    out: TextIO,
    *,
    width: int | None = None,
    directory: Path | None = None,
) -> int:
    """Print what changed; exit status 1 when the briefing was never read here."""
    changes = find_changes(briefing, directory)
    if changes is None:
        print(
            f"briefing: {plain_line(briefing.id)} has not been read here yet, so nothing to "
            "compare (open it in the reader first)",
            file=sys.stderr,
        )
        return 1
    if fmt == "json":
        out.write(to_json(briefing, changes))
    elif fmt == "markdown":
        out.write(to_markdown(briefing, changes))
    elif out.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb":
        from rich.console import Console

        console = Console(file=out, highlight=False, markup=False, emoji=False)
        for line in to_rich(briefing, changes):
            console.print(line)
    else:
        import shutil

        columns = width or (shutil.get_terminal_size((80, 24)).columns if out.isatty() else 80)
        out.write(to_text(briefing, changes, columns))
    return 0
