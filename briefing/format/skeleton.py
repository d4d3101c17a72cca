"""`briefing new ID`: start a briefing from a commented skeleton that already loads.

Every key of the format appears once, with a comment saying what it is for,
so an author edits rather than looks things up; the file passes
`briefing check --strict` as written, so any later error is the author's
latest edit. An existing file is never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from briefing.commandline import command_parser
from briefing.format.bounds import MAX_SLUG, SLUG
from briefing.format.cleaning import plain_line
from briefing.format.json_schema import EDITOR_FILE

SKELETON = """\
# yaml-language-server: $schema={schema}
# A briefing, format version 1 (docs/FORMAT.md). Text is plain: no markup is
# interpreted. Quote values YAML would read as something else: "no", "1.0".
# Check as you go:  briefing check --strict {name}
briefing: 1
id: {id}                       # lowercase letters, digits, hyphens; unique in a library
title: Write the headline in your own words
summary: >-                    # two or three sentences; the one thing to read
  What a reader must know if they read nothing else. Example Person said
  something that matters.
date: {today}                   # the date of the news, YYYY-MM-DD
# updated: {today}T09:00:00Z    # optional: when you last revised it (with a time zone)
topics: [topic, another topic]  # optional free tags
source:                         # where the facts come from
  outlet: Name of the outlet     # required
  headline: The original headline
  authors: [A. Writer]
  dateline: City
  published: {today}
  url: https://example.org/the-original-story
  note: Summary in our own words; quotes are verbatim.
sections:                       # the article, in reading order; at least one
  - id: background               # unique among sections
    title: Background
    summary: One line shown while the section is collapsed.
    collapsed: false             # true to start closed
    body:                        # blocks: a paragraph, a quote or points
      - A paragraph of plain text. Names from the glossary, like Example
        Person, become mentions wherever they appear.
      - quote: The words, exactly as spoken.
        by: example-person       # a glossary id, or free text like "an official"
      - points:
          - A bulleted point.
          - Another point.
glossary:                       # people, groups, organisations and places
  - id: example-person
    name: Example Person         # every whole-word, same-case use is a mention
    kind: person                 # person, group, organisation or place
    aliases: [E. Person]         # other spellings that count as mentions
    role: One line on this entry's part in the story.
    about: A longer description, optional.
    related: []                  # ids of other glossary entries
timeline:                       # dated events: YYYY, YYYY-MM or YYYY-MM-DD
  - date: {today}
    event: What happened on that day.
    section: background          # the section that tells this part
"""


def skeleton(briefing_id: str, name: str, today: dt.date | None = None) -> str:
    """The commented starting file for `briefing_id`, saved as `name`."""
    day = (today or dt.date.today()).isoformat()
    # The file name lands in a comment line: one line (a newline in it would
    # start a key of its own) and quoted, so the suggested command runs as shown.
    shown = shlex.quote(plain_line(name))
    return SKELETON.format(id=briefing_id, today=day, name=shown, schema=EDITOR_FILE)


def _parser() -> argparse.ArgumentParser:
    parser = command_parser(
        "new",
        "Write a commented skeleton briefing that passes `briefing check --strict` "
        "and shows every field once. Never overwrites a file.",
        "example: briefing new harbour-bridge && $EDITOR harbour-bridge.yaml",
    )
    parser.add_argument("id", metavar="ID", help="the new briefing's id, like harbour-bridge-2025")
    parser.add_argument("-o", "--output", metavar="PATH", help="default: ./ID.yaml")
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    if len(args.id) > MAX_SLUG or not SLUG.fullmatch(args.id):
        print(
            f"briefing new: {plain_line(args.id)!r} is not a valid id: use lowercase letters, "
            f"digits and single hyphens, at most {MAX_SLUG} characters",
            file=sys.stderr,
        )
        return 2
    path = Path(args.output) if args.output else Path(f"{args.id}.yaml")
    shown = plain_line(str(path))
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(skeleton(args.id, path.name))
    except FileExistsError:
        print(f"briefing new: {shown} already exists; not overwritten", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"briefing new: {shown}: {plain_line(error.strerror or str(error))}", file=sys.stderr)
        return 1
    print(f"wrote {shown}; edit it, then: briefing check --strict {shown}", file=sys.stderr)
    schema_file = path.parent / EDITOR_FILE
    if not schema_file.exists():
        print(
            f"for completion in your editor: briefing schema -o {plain_line(str(schema_file))}",
            file=sys.stderr,
        )
    return 0
