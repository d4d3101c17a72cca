"""`briefing list`: the library as a table that fits the terminal, or as JSON.

Columns, in this order: DATE, ID, TITLE, SECTIONS, GLOSSARY, ORIGIN. On a
terminal (or with COLUMNS set) the table fits the width: the count headers
shorten to SECT and GLOSS, the origin path shrinks first (home as `~`, then
cut from the left, keeping the file name), then the title; the id, which is
what you type, is cut last. Each cut ends in an ellipsis. Piped output and
`--wide` keep every character.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from briefing.commandline import command_parser
from briefing.format.cleaning import plain_line
from briefing.store.library import Found, reach

COLUMNS = ("DATE", "ID", "TITLE", "SECTIONS", "GLOSSARY", "ORIGIN")
SHORT_HEADERS = {"SECTIONS": "SECT", "GLOSSARY": "GLOSS"}
GAP = 2
SHRINK_ORDER = (("ORIGIN", 16), ("TITLE", 24), ("ORIGIN", 10), ("TITLE", 12), ("ID", 12))
"""Which column gives up width first, and down to how much."""


def _parser() -> argparse.ArgumentParser:
    parser = command_parser(
        "list",
        "List every briefing in the library, newest first, in the columns "
        + ", ".join(COLUMNS)
        + ". On a terminal the table fits the window: SECTIONS and GLOSSARY shorten to "
        "SECT and GLOSS, then the origin, the title and the id are cut, each with an ellipsis; "
        "your home folder shows as ~.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="extra files or folders")
    parser.add_argument("--wide", action="store_true", help="never shorten a column")
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="default: table"
    )
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    return parser


def main(argv: Sequence[str]) -> int:
    from briefing.cli.main import _library

    args = _parser().parse_args(argv)
    missing = [path for path in args.paths if reach(Path(path)).missing]
    for path in missing:  # as `briefing check` says it: a usage error, exit 2
        print(f"briefing list: {plain_line(path)}: no such file or directory", file=sys.stderr)
    if missing:
        return 2
    library = _library(args.paths)
    rows = library.newest_first()
    if args.json or args.format == "json":
        json.dump([row(item) for item in rows], sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif not rows:
        print("no briefings found", file=sys.stderr)
    else:
        width = None if args.wide else _width(sys.stdout)
        for line in table(rows, width, ellipsis=_ellipsis(sys.stdout)):
            print(line)
    return 1 if library.refused else 0


def row(item: Found) -> dict[str, object]:
    briefing = item.briefing
    return {
        "id": briefing.id,
        "date": briefing.date.isoformat(),
        "title": briefing.title,
        "sections": len(briefing.sections),
        "glossary": len(briefing.glossary),
        "origin": item.origin,
        "path": str(briefing.path) if briefing.path else None,
    }


def _width(out: TextIO) -> int | None:
    if out.isatty() or os.environ.get("COLUMNS", "").strip().isdigit():
        return max(shutil.get_terminal_size((80, 24)).columns, 20)
    return None


def _ellipsis(out: TextIO) -> str:
    try:
        "…".encode(out.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return "..."
    return "…"


def home_as_tilde(path: str) -> str:
    home = str(Path.home())
    if home not in ("", "/") and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home) :]
    return path


def _cells(item: Found) -> dict[str, str]:
    briefing = item.briefing
    origin = item.origin
    if briefing.path is not None and origin != "bundled" and not origin.startswith("feed "):
        origin = home_as_tilde(plain_line(str(briefing.path)))
    return {
        "DATE": briefing.date.isoformat(),
        "ID": briefing.id,
        "SECTIONS": str(len(briefing.sections)),
        "GLOSSARY": str(len(briefing.glossary)),
        "ORIGIN": origin,
        "TITLE": briefing.title,
    }


def _cut(text: str, width: int, ellipsis: str, *, from_left: bool = False) -> str:
    if len(text) <= width:
        return text
    keep = max(width - len(ellipsis), 0)
    if from_left:
        return ellipsis + text[len(text) - keep :] if keep else ellipsis[:width]
    return text[:keep] + ellipsis if keep else ellipsis[:width]


def table(rows: Sequence[Found], width: int | None, *, ellipsis: str = "…") -> list[str]:
    """The lines of the table; at most `width` characters each when a width is given."""
    headers = {name: name for name in COLUMNS}
    cells = [_cells(item) for item in rows]

    def natural() -> dict[str, int]:
        return {name: max(len(cell[name]) for cell in [headers, *cells]) for name in COLUMNS}

    widths = natural()
    excess = 0 if width is None else sum(widths.values()) + GAP * (len(COLUMNS) - 1) - width
    if excess > 0:
        headers.update(SHORT_HEADERS)
        excess -= sum(widths.values())
        widths = natural()
        excess += sum(widths.values())
    for name, floor in SHRINK_ORDER:
        if excess <= 0:
            break
        give = min(excess, max(widths[name] - floor, 0))
        widths[name] -= give
        excess -= give
    lines = []
    for cell in [headers, *cells]:
        parts = [
            _cut(cell[name], widths[name], ellipsis, from_left=name == "ORIGIN").ljust(widths[name])
            for name in COLUMNS
        ]
        line = (" " * GAP).join(parts)
        lines.append((line if width is None else line[:width]).rstrip())
    return lines
