"""`briefing export DIR`: write the whole library as files, by default as a web site.

With `--format html` (the default) every briefing becomes `ID.html` and an
`index.html` links them, newest first; the other formats write one file per
briefing in the same shapes `briefing show` prints. The library is found as
`briefing list` finds it, plus any `--from` paths.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.commandline import command_parser
from briefing.format.cleaning import plain_line

if TYPE_CHECKING:
    from briefing.format.model import Briefing

SUFFIXES = {"html": ".html", "markdown": ".md", "json": ".json", "text": ".txt"}


def _parser() -> argparse.ArgumentParser:
    parser = command_parser(
        "export",
        "Write every briefing in the library into DIR: with --format html, "
        "one self-contained page per briefing (ID.html) and an index.html.",
        "exit status: 0 written, 1 a briefing was refused or a file could not be "
        "written, 2 usage error.",
    )
    parser.add_argument("folder", metavar="DIR", help="where to write (created if missing)")
    parser.add_argument("--format", choices=tuple(SUFFIXES), default="html", help="default: html")
    parser.add_argument(
        "--from",
        dest="paths",
        action="append",
        default=[],
        metavar="PATH",
        help="also a briefing file or folder (repeatable), as for `briefing list PATH`",
    )
    parser.add_argument("--title", default="Briefings", help="the index page's title")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not list what was written")
    return parser


def export(argv: Sequence[str]) -> int:
    """Run `briefing export`."""
    from briefing.cli.main import report
    from briefing.store.library import discover, reach

    args = _parser().parse_args(argv)
    folder = Path(args.folder)
    if folder.exists() and not folder.is_dir():
        print(f"briefing export: {plain_line(args.folder)}: not a directory", file=sys.stderr)
        return 2
    missing = [path for path in args.paths if reach(Path(path)).missing]
    for path in missing:
        print(f"briefing export: {plain_line(path)}: no such file or directory", file=sys.stderr)
    if missing:
        return 2
    library = discover(args.paths)
    report(library.diagnostics)
    briefings = [item.briefing for item in library.newest_first()]
    if not briefings:
        print("briefing export: no briefings found", file=sys.stderr)
        return 1
    try:
        written = _write(briefings, folder, args.format, args.title)
    except OSError as error:
        reason = plain_line(error.strerror or str(error))
        print(f"briefing export: {plain_line(args.folder)}: {reason}", file=sys.stderr)
        return 1
    if not args.quiet:
        for path in written:
            print(plain_line(str(path)))
    return 1 if library.refused else 0


def _write(briefings: Sequence[Briefing], folder: Path, fmt: str, title: str) -> list[Path]:
    if fmt == "html":
        from briefing.render.html import write_site

        return write_site(briefings, folder, title=title)
    from briefing.render.exports import to_json, to_markdown, to_text
    from briefing.render.html import write_text

    render = {"markdown": to_markdown, "json": to_json, "text": to_text}[fmt]
    return [
        write_text(folder / f"{briefing.id}{SUFFIXES[fmt]}", render(briefing))
        for briefing in briefings
    ]
