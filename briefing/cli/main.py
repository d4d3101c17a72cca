"""The `briefing` command: open the reader, or check, list and show briefings.

Nothing heavy is imported here: Textual loads only when the reader opens and
Rich only when output is styled, so `check` and `list` start fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from briefing.commandline import command_parser
from briefing.format.cleaning import plain_line
from briefing.format.loader import Diagnostic
from briefing.store.library import Found, Library, discover, identity, reach

#: Every subcommand: name -> (module, function). Modules are imported only when
#: their command runs, so `briefing check` never pays for feeds, SSH or HTML.
#: A new command lives in its own module and adds one line here and one to DESCRIPTION.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("briefing.cli.check", "main"),
    "list": ("briefing.cli.listing", "main"),
    "export": ("briefing.cli.exportdir", "export"),
    "show": ("briefing.cli.main", "show"),
    "schema": ("briefing.format.json_schema", "main"),
    "new": ("briefing.format.skeleton", "main"),
    "serve": ("briefing.serve.servecommand", "serve"),
    "publish": ("briefing.feeds.publish", "publish"),
    "subscribe": ("briefing.feeds.feedcommands", "subscribe"),
    "unsubscribe": ("briefing.feeds.feedcommands", "unsubscribe"),
    "feeds": ("briefing.feeds.feedcommands", "feeds_"),
    "update": ("briefing.feeds.feedcommands", "update"),
}

DESCRIPTION = """\
A terminal reader for structured news briefings.

commands:
  briefing [ID|PATH...]         open the reader on the newest briefing (or on ID or PATH)
  briefing check [PATH...]      validate briefing files or folders (default: the library)
  briefing list [PATH...]       list the library: date, id, title, counts, origin
  briefing show [ID|PATH]       print a whole briefing (text, markdown, json or html)
  briefing show --changes ID    what changed since you last read it, word by word
  briefing new ID               start a briefing from a commented skeleton
  briefing schema               print the format's JSON Schema (for editors)
  briefing export DIR           write the library as web pages with an index (or other formats)
  briefing serve [PATH...]      an SSH server that puts everyone who connects into the reader
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
  briefing iran-pakistan-2024-01        read a briefing of the library by its id
  briefing --fresh                      ignore the saved reading position
  briefing check content/               validate every *.yaml in a folder
  briefing list --format json           the library as JSON
  briefing new my-story                 start a briefing (then: briefing check --strict)
  briefing show iran-pakistan-2024-01 --format markdown > story.md
  BRIEFING_PATH=~/news briefing list    add a folder to the library

exit status: 0 success, 1 a briefing was refused, 2 usage error.
"""


def _reader_parser() -> argparse.ArgumentParser:
    from briefing.store.library import user_dir_shown

    parser = command_parser("", DESCRIPTION, EPILOG.format(sep=os.pathsep, user=user_dir_shown()))
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="ID|PATH",
        help="a briefing id, file or folder (a word is a command first, then a path, then an id)",
    )
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
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    return parser


class _Version(argparse.Action):
    """`--version`, looked up only when asked for: importlib.metadata, which
    finds it, costs ~20 ms and ~1 MiB before the reader's first frame."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from briefing import __version__

        print(f"briefing {__version__}")
        parser.exit()


def _show_parser() -> argparse.ArgumentParser:
    parser = command_parser(
        "show",
        "Print a whole briefing: summary, sections, glossary, timeline, source. "
        "Styled only when stdout is a terminal and NO_COLOR is unset.",
    )
    parser.add_argument("target", nargs="?", metavar="ID|PATH", help="default: the newest")
    parser.add_argument(
        "--format",
        choices=("text", "markdown", "json", "html"),
        default="text",
        help="default: text",
    )
    parser.add_argument(
        "--width", type=_width, help=f"wrap text at this width ({MIN_WIDTH} to {MAX_WIDTH})"
    )
    parser.add_argument(
        "--changes", action="store_true", help="only what changed since you last read it"
    )
    return parser


MIN_WIDTH, MAX_WIDTH = 20, 1000


def _width(text: str) -> int:
    """`--width`: a whole number in range; 0 used to mean 80 without a word."""
    try:
        width = int(text)
    except ValueError:
        width = 0
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from {MIN_WIDTH} to {MAX_WIDTH}, not {plain_line(text)!r}"
        )
    return width


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


def missing_folder_warnings() -> list[str]:
    """One line per BRIEFING_PATH folder that does not exist (a typo hides a whole folder)."""
    lines = []
    for part in os.environ.get("BRIEFING_PATH", "").split(os.pathsep):
        if part.strip() and reach(Path(part)).missing:
            shown = plain_line(part)
            lines.append(f"briefing: warning: BRIEFING_PATH folder {shown} does not exist")
    return lines


def _library(paths: Sequence[str], *, named_only: bool = False) -> Library:
    for line in missing_folder_warnings():
        print(line, file=sys.stderr)
    library = discover(paths, named_only=named_only)
    report(library.diagnostics)
    return library


def _is_path(target: str) -> bool:
    return identity(Path(target)) is not None or _looks_like_path(target)


def _looks_like_path(word: str) -> bool:
    """A word an author meant as a file: it has a folder part or a YAML suffix."""
    return "/" in word or os.sep in word or word.endswith((".yaml", ".yml")) or word[:1] in ".~"


def _suggestion(word: str, library: Library, *, commands: bool = True) -> str:
    """`; did you mean ...?` naming the closest command or briefing id, when one is close."""
    import difflib

    ids = [item.briefing.id for item in library.found]
    names = [*COMMANDS, *ids] if commands else ids
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.5)
    if close and close[0] in COMMANDS:
        return f"; did you mean the command {close[0]!r}?"
    if close:
        return f"; did you mean the briefing {close[0]!r}?"
    if not commands:
        return "; `briefing list` shows the ids"
    return f"; commands: {', '.join(sorted(COMMANDS))} (`briefing list` shows the ids)"


def _unknown_word(word: str, library: Library, *, command: str = "") -> None:
    """One line for a word that names nothing: the same for `briefing WORD` and
    `briefing show WORD` (where a command name cannot be meant)."""
    what = "a file or a briefing id" if command else "a command, a file or a briefing id"
    prog = f"briefing {command}" if command else "briefing"
    print(
        f"{prog}: {plain_line(word)!r} is not {what}"
        + _suggestion(word, library, commands=not command),
        file=sys.stderr,
    )


def _pick(target: str | None, library: Library) -> Found | None:
    """A path, an id, or (with no target) the newest briefing in the library."""
    if target is not None and _is_path(target):
        # The same real files, compared by device and inode: resolve() raises on a symlink loop.
        wanted = {identity(file) for file in reach(Path(target)).files} - {None}
        chosen = [
            f for f in library.found if f.briefing.path and identity(f.briefing.path) in wanted
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
        hint = _suggestion(target, library)
        hint = hint if "the briefing" in hint else ""
        print(
            f"briefing: no briefing with id {plain_line(target)!r} (known: {ids}){hint}",
            file=sys.stderr,
        )
    return found


def show(argv: Sequence[str]) -> int:
    args = _show_parser().parse_args(argv)
    target = args.target
    if target is not None and _looks_like_path(target) and reach(Path(target)).missing:
        print(f"briefing show: {plain_line(target)}: no such file", file=sys.stderr)
        return 2
    paths = [args.target] if args.target is not None and _is_path(args.target) else []
    library = _library(paths)
    if target is not None and not paths and library.by_id(target) is None:
        # As `briefing nosuch` does: a word that names nothing is a usage error.
        _unknown_word(target, library, command="show")
        return 2
    found = _pick(args.target, library)
    if found is None:
        return 1
    if args.changes:
        from briefing.cli.showchanges import print_changes

        return print_changes(found.briefing, args.format, sys.stdout, width=args.width)
    print_briefing(found, args.format, sys.stdout, width=args.width)
    return 0


def print_briefing(found: Found, fmt: str, out: TextIO, *, width: int | None = None) -> None:
    from briefing.render.exports import to_json, to_markdown, to_text

    briefing = found.briefing
    if fmt == "json":
        out.write(to_json(briefing))
    elif fmt == "markdown":
        out.write(to_markdown(briefing))
    elif fmt == "html":
        from briefing.render.html import render_page

        out.write(render_page(briefing))
    elif out.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb":
        from briefing.render.styled import print_styled

        print_styled(briefing, out)
    else:
        columns = width or (shutil.get_terminal_size((80, 24)).columns if out.isatty() else 80)
        out.write(to_text(briefing, columns))


def read(argv: Sequence[str]) -> int:
    args = _reader_parser().parse_args(argv)
    # A word is a command (main() took those), then an existing path, then an id.
    words = [path for path in args.paths if reach(Path(path)).missing]
    for word in words:
        if _looks_like_path(word):
            print(f"briefing: {plain_line(word)}: no such file or directory", file=sys.stderr)
            return 2
    # Files and folders named, and no id: the reader opens one of those, and
    # the rest of the library (every briefing loaded in full) waits until the
    # library screen is opened.
    named_only = bool(args.paths) and not words
    library = _library([path for path in args.paths if path not in words], named_only=named_only)
    for word in words:
        if library.by_id(word) is None:
            _unknown_word(word, library)
            return 2
    target = args.paths[0] if args.paths else None
    found = library.by_id(target) if target is not None and target in words else None
    found = found or _pick(target, library)
    if found is None:
        return 1
    from briefing.tui.terminal import COLOR_CHOICES, reader_unavailable

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
    from briefing.tui.terminal import configure

    configure()
    from briefing.tui.app import run_reader

    return run_reader(found, None if named_only else library, paths=args.paths, fresh=args.fresh)
