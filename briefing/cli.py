"""The `briefing` command: open the reader, or check, list and show briefings.

Nothing heavy is imported here: Textual loads only when the reader opens and
Rich only when output is styled, so `check` and `list` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from .cleaning import plain_line
from .library import Found, Library, briefing_files, discover
from .loader import BriefingError, Diagnostic, load_path

#: Every subcommand: name -> (module, function). Modules are imported only when
#: their command runs, so `briefing check` never pays for feeds, SSH or HTML.
#: A new command lives in its own module and adds one line here and one to DESCRIPTION.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("briefing.cli", "check"),
    "list": ("briefing.cli", "list_"),
    "show": ("briefing.cli", "show"),
    "publish": ("briefing.feeds.publish", "publish"),
    "subscribe": ("briefing.feeds.commands", "subscribe"),
    "unsubscribe": ("briefing.feeds.commands", "unsubscribe"),
    "feeds": ("briefing.feeds.commands", "feeds_"),
    "update": ("briefing.feeds.commands", "update"),
}

DESCRIPTION = """\
A terminal reader for structured news briefings.

commands:
  briefing [PATH...]            open the reader on the newest briefing (or on PATH)
  briefing check PATH...        validate briefing files or directories
  briefing list [PATH...]       list the library: id, date, title, counts, origin
  briefing show [ID|PATH]       print a whole briefing (text, markdown or json)
  briefing publish SRC OUT      write a folder of briefings and its Atom feed for a web server
  briefing subscribe URL        follow a feed (also: unsubscribe URL|NAME, feeds, update [NAME...])

Run `briefing COMMAND --help` for a command's options.
"""

EPILOG = """\
where briefings come from, first match wins:
  paths on the command line, then BRIEFING_PATH (separated by "{sep}"), then
  {user}, then the bundled briefings.

examples:
  briefing                              read the newest briefing
  briefing content/story.yaml           read one file
  briefing --fresh                      ignore the saved reading position
  briefing check content/               validate every *.yaml in a folder
  briefing list --json                  the library as JSON
  briefing show iran-pakistan-2024-01 --format markdown > story.md
  BRIEFING_PATH=~/news briefing list    add a folder to the library

exit status: 0 success, 1 a briefing was refused, 2 usage error.
"""


def _reader_parser() -> argparse.ArgumentParser:
    from .library import user_dir

    parser = argparse.ArgumentParser(
        prog="briefing",
        description=DESCRIPTION,
        epilog=EPILOG.format(sep=os.pathsep, user=user_dir()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="a briefing file or folder")
    parser.add_argument("--fresh", action="store_true", help="ignore saved reading state")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--plain", action="store_true", help="print the briefing instead of opening the reader"
    )
    mode.add_argument(
        "--tui",
        action="store_true",
        help="open the reader even where the terminal looks unable to show it",
    )
    parser.add_argument(
        "--color",
        metavar="WHEN",
        help="colours: auto (default), truecolor, 256, 16 or none; also BRIEFING_COLOR",
    )
    parser.add_argument("--version", action="version", version=f"briefing {_version()}")
    return parser


def _version() -> str:
    from . import __version__

    return __version__


def _check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing check",
        description="Validate briefing files; print every problem as PATH:LINE:COLUMN.",
        epilog="exit status: 0 every file loads (warnings allowed), 1 a file is refused, "
        "2 usage error (such as a path that does not exist).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, or a folder of *.yaml")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    return parser


def _list_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing list",
        description="List every briefing in the library, newest first.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="extra files or folders")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def _show_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing show",
        description="Print a whole briefing: summary, sections, glossary, timeline, source. "
        "Styled only when stdout is a terminal and NO_COLOR is unset.",
    )
    parser.add_argument("target", nargs="?", metavar="ID|PATH", help="default: the newest")
    parser.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="default: text"
    )
    parser.add_argument("--width", type=int, help="wrap text at this width")
    return parser


def report(diagnostics: Sequence[Diagnostic], *, quiet: bool = False) -> None:
    for diagnostic in diagnostics:
        if quiet and diagnostic.severity != "error":
            continue
        print(diagnostic, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `briefing` console script."""
    for stream in (sys.stdout, sys.stderr):
        # A Latin-1 or ASCII terminal must get '?' for what it cannot show, not a traceback.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in COMMANDS:
            module_name, function_name = COMMANDS[args[0]]
            command: Callable[[Sequence[str]], int] = getattr(
                importlib.import_module(module_name), function_name
            )
            return command(args[1:])
        return read(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `briefing show | head`: the reader went away; say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def check(argv: Sequence[str]) -> int:
    args = _check_parser().parse_args(argv)
    missing = [path for path in args.paths if not Path(path).exists()]
    for path in missing:
        print(f"briefing check: {plain_line(path)}: no such file or directory", file=sys.stderr)
    if missing:
        return 2
    refused = loaded = 0
    for path in args.paths:
        for file in briefing_files(Path(path)):
            try:
                result = load_path(file)
            except BriefingError as error:
                refused += 1
                report(error.diagnostics, quiet=args.quiet)
            else:
                loaded += 1
                report(result.warnings, quiet=args.quiet)
    if not args.quiet:
        print(f"{loaded} loaded, {refused} refused", file=sys.stderr)
    return 1 if refused else 0


def _library(paths: Sequence[str]) -> Library:
    library = discover(paths)
    report(library.diagnostics)
    return library


def list_(argv: Sequence[str]) -> int:
    args = _list_parser().parse_args(argv)
    library = _library(args.paths)
    rows = library.newest_first()
    if args.json:
        json.dump([_row(item) for item in rows], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        _print_table(rows, sys.stdout)
    return 1 if library.refused else 0


def _row(item: Found) -> dict[str, object]:
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


def _print_table(rows: Sequence[Found], out: TextIO) -> None:
    if not rows:
        print("no briefings found", file=sys.stderr)
        return
    width = shutil.get_terminal_size((100, 24)).columns if out.isatty() else 1000
    table = [("DATE", "ID", "SECTIONS", "GLOSSARY", "ORIGIN", "TITLE")]
    for item in rows:
        b = item.briefing
        origin = item.origin
        if b.path is not None and origin != "bundled" and not origin.startswith("feed "):
            origin = plain_line(str(b.path))
        table.append(
            (b.date.isoformat(), b.id, str(len(b.sections)), str(len(b.glossary)), origin, b.title)
        )
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        cells = [row[i].ljust(widths[i]) if i > 1 else row[i].ljust(widths[i]) for i in range(5)]
        line = "  ".join(cells) + "  " + row[5]
        print(line[:width].rstrip(), file=out)


def _is_path(target: str) -> bool:
    return Path(target).exists() or target.endswith((".yaml", ".yml"))


def _pick(target: str | None, library: Library) -> Found | None:
    """A path, an id, or (with no target) the newest briefing in the library."""
    if target is not None and _is_path(target):
        files = briefing_files(Path(target))
        wanted = {file.resolve() for file in files}
        chosen = [
            f for f in library.found if f.briefing.path and f.briefing.path.resolve() in wanted
        ]
        if not chosen:
            return None
        return max(chosen, key=lambda item: item.briefing.date)  # first wins a tie
    if target is None:
        found = library.newest()
        if found is None:
            print("briefing: no briefings found", file=sys.stderr)
        return found
    found = library.by_id(target)
    if found is None:
        ids = ", ".join(item.briefing.id for item in library.found) or "none"
        print(
            f"briefing: no briefing with id {plain_line(target)!r} (known: {ids})", file=sys.stderr
        )
    return found


def show(argv: Sequence[str]) -> int:
    args = _show_parser().parse_args(argv)
    paths = [args.target] if args.target is not None and _is_path(args.target) else []
    found = _pick(args.target, _library(paths))
    if found is None:
        return 1
    print_briefing(found, args.format, sys.stdout, width=args.width)
    return 0


def print_briefing(found: Found, fmt: str, out: TextIO, *, width: int | None = None) -> None:
    from .export import to_json, to_markdown, to_text

    briefing = found.briefing
    if fmt == "json":
        out.write(to_json(briefing))
    elif fmt == "markdown":
        out.write(to_markdown(briefing))
    elif out.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb":
        from .styled import print_styled

        print_styled(briefing, out)
    else:
        columns = width or (shutil.get_terminal_size((80, 24)).columns if out.isatty() else 80)
        out.write(to_text(briefing, columns))


def read(argv: Sequence[str]) -> int:
    args = _reader_parser().parse_args(argv)
    for path in args.paths:
        if not Path(path).exists():
            print(f"briefing: {plain_line(path)}: no such file or directory", file=sys.stderr)
            return 2
    library = _library(args.paths)
    found = _pick(args.paths[0] if args.paths else None, library)
    if found is None:
        return 1
    from .terminal import COLOR_CHOICES, reader_unavailable

    if args.color:
        if args.color not in COLOR_CHOICES:
            print(f"briefing: --color takes one of {', '.join(COLOR_CHOICES)}", file=sys.stderr)
            return 2
        os.environ["BRIEFING_COLOR"] = args.color

    reason = None if args.tui else reader_unavailable()
    if args.plain or reason:
        if reason and not args.plain:
            print(
                f"briefing: {reason}; printing instead (--tui forces the reader)", file=sys.stderr
            )
        print_briefing(found, "text", sys.stdout)
        return 0
    from .terminal import configure

    configure()
    from .app import run_reader

    return run_reader(found, library, fresh=args.fresh)
