"""`briefing schema`: the JSON Schema (draft 2020-12) of the briefing format, version 1.

The schema ships as a data file in the package so editors can point at it
(`# yaml-language-server: $schema=briefing.schema.json`) and get completion
and validation while typing. It describes what a schema can: keys, types,
allowed values, id and date shapes, list limits. The loader remains the
judge: it also checks what no schema can (see tests/test_format_schema.py for
the list), so `briefing check` has the last word.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from briefing.commandline import command_parser

SCHEMA_FILE = "format-v1.schema.json"
EDITOR_FILE = "briefing.schema.json"
"""The name `briefing new` and the README use next to a user's briefings."""


def schema_text() -> str:
    """The schema exactly as shipped."""
    return (files("briefing.format") / "data" / SCHEMA_FILE).read_text(encoding="utf-8")


def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def schema_path() -> Path:
    """Where the shipped schema lies on disk (for an editor setting)."""
    return Path(str(files("briefing.format") / "data" / SCHEMA_FILE))


def _parser() -> argparse.ArgumentParser:
    parser = command_parser(
        "schema",
        "Print the JSON Schema (draft 2020-12) of the briefing format, version 1.\n"
        f"Save it next to your briefings as {EDITOR_FILE} and start each file with "
        f"`# yaml-language-server: $schema={EDITOR_FILE}` for completion and checks "
        "as you type (VS Code with the YAML extension, Neovim, Helix).",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", metavar="PATH", help="write to PATH instead of stdout")
    where.add_argument(
        "--path", action="store_true", help="print where the installed schema file is"
    )
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    if args.path:
        print(schema_path())
        return 0
    text = schema_text()
    if args.output is None:
        sys.stdout.write(text)
        return 0
    from briefing.format.cleaning import plain_line

    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as error:
        reason = plain_line(error.strerror or str(error))
        print(f"briefing schema: {plain_line(args.output)}: {reason}", file=sys.stderr)
        return 1
    return 0
