"""`briefing check`: validate briefing files, a folder, or the whole library.

With no path it checks every file `briefing list` would read (BRIEFING_PATH,
the user's folder, the bundled briefings), so a broken file that `list`
mentions can be found and fixed. `--strict` is for authors before they
publish: warnings fail the run, and the author's warnings of briefing.format.advice
are added. `--format json` gives editors and CI one object to read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path

from briefing.cli.main import missing_folder_warnings
from briefing.commandline import command_parser
from briefing.format.cleaning import plain_line
from briefing.format.loader import BriefingError, Diagnostic, display_path, load_bytes, read_file
from briefing.store.library import reach, sources


def _parser() -> argparse.ArgumentParser:
    parser = command_parser(
        "check",
        "Validate briefing files; print every problem as PATH:LINE:COLUMN. "
        "With no PATH, check the whole library as `briefing list` finds it.",
        "exit status: 0 every file loads (warnings allowed unless --strict), "
        "1 a file is refused (or, with --strict, has a warning), "
        "2 usage error (such as a path that does not exist).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="a file, or a folder of *.yaml")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too, and add an author's warnings: a free-text quote speaker "
        "that is an entry's name, timeline events without a section, a collapsed section "
        "without a summary (a name shared by two entries is always a warning)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default): one line per problem on stderr; json: one object on stdout",
    )
    return parser


def _files(paths: Sequence[str]) -> Iterator[tuple[Path | Diagnostic, str]]:
    """Each file to check with its origin, or the one line saying why a path gave none.

    Every path goes through `library.reach`, so an unreadable folder or a symlink
    loop is one line and the rest is still checked, and each real file once.
    """
    seen: set[tuple[int, int]] = set()
    places = [(Path(path), "command line") for path in paths] if paths else list(sources(()))
    for place, origin in places:
        reached = reach(place, seen)
        if reached.problem is not None:
            yield reached.problem, origin
        for file in reached.files:
            yield file, origin


def _check_file(file: Path, strict: bool) -> tuple[str | None, list[Diagnostic]]:
    """The id the file declares (None when refused) and its diagnostics."""
    shown = display_path(file)
    try:
        data = read_file(file)
    except OSError as error:
        reason = plain_line(error.strerror or str(error))
        return None, [Diagnostic(shown, 1, 1, "error", f"cannot read: {reason}")]
    try:
        loaded = load_bytes(data, shown, file)
    except BriefingError as error:
        return None, error.diagnostics
    diagnostics = list(loaded.warnings)
    if strict:
        from briefing.format.advice import advice

        diagnostics += [
            Diagnostic(shown, p.line, p.column, p.severity, plain_line(p.message))
            for p in advice(data, loaded.briefing)
        ]
        diagnostics.sort(key=lambda d: (d.line, d.column))
    return loaded.briefing.id, diagnostics


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    missing = [path for path in args.paths if reach(Path(path)).missing]
    for path in missing:
        print(f"briefing check: {plain_line(path)}: no such file or directory", file=sys.stderr)
    if missing:
        return 2
    general = [] if args.paths else missing_folder_warnings()
    results: list[dict[str, object]] = []
    seen: dict[str, str] = {}
    loaded = refused = warnings = 0
    emit = args.format == "text"
    for line in general:
        warnings += 1
        if emit and not args.quiet:
            print(line, file=sys.stderr)
    for place, origin in _files(args.paths):
        if isinstance(place, Diagnostic):
            file, briefing_id, diagnostics = Path(place.path), None, [place]
        else:
            file = place
            briefing_id, diagnostics = _check_file(file, args.strict)
        if briefing_id is not None:
            first = seen.setdefault(briefing_id, display_path(file))
            if first != display_path(file):
                diagnostics.append(
                    Diagnostic(
                        display_path(file),
                        1,
                        1,
                        "warning",
                        f"id {briefing_id!r} is also the id of {first}; "
                        "a library shows only the first",
                    )
                )
        loaded += briefing_id is not None
        refused += briefing_id is None
        warnings += sum(d.severity == "warning" for d in diagnostics)
        results.append(
            {
                "path": display_path(file),
                "origin": origin,
                "id": briefing_id,
                "status": "loaded" if briefing_id is not None else "refused",
                "diagnostics": [asdict(d) for d in diagnostics],
            }
        )
        if emit:
            for diagnostic in diagnostics:
                if not (args.quiet and diagnostic.severity != "error"):
                    print(diagnostic, file=sys.stderr)
    failed = refused > 0 or (args.strict and warnings > 0)
    if emit:
        if not args.quiet:
            summary = f"{loaded} loaded, {refused} refused"
            if args.strict:
                summary += f", {warnings} warning{'s' if warnings != 1 else ''} (strict)"
            print(summary, file=sys.stderr)
    else:
        report = {
            "ok": not failed,
            "strict": args.strict,
            "loaded": loaded,
            "refused": refused,
            "warnings": warnings,
            "general": general,
            "files": results,
        }
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    return 1 if failed else 0
