"""One argument-parser set-up for every `briefing` subcommand, whatever its layer.

Each subcommand's module builds its parser with `command_parser`, so every
`--help` is laid out alike: the description and the epilog are kept as
paragraphs (a blank line, or a line break, starts a new one) and each
paragraph is wrapped to the terminal; a line that starts with spaces (an
example, a table) is left as written. Usage errors exit 2, as argparse does.
Nothing but the standard library here: the layers all import it.
"""

from __future__ import annotations

import argparse
import textwrap


class ParagraphFormatter(argparse.HelpFormatter):
    """argparse's formatter, but each line of a description or epilog is a paragraph:
    the default joins them all into one run-on block."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = []
        for line in text.splitlines():
            if not line.strip():
                lines.append("")
            elif line.startswith(" "):
                lines.append(indent + line)
            else:
                lines.append(
                    textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent)
                )
        return "\n".join(lines)


def command_parser(
    name: str, description: str, epilog: str | None = None
) -> argparse.ArgumentParser:
    """The parser of `briefing NAME` (the bare `briefing` with an empty name)."""
    prog = f"briefing {name}" if name else "briefing"
    return argparse.ArgumentParser(
        prog=prog, description=description, epilog=epilog, formatter_class=ParagraphFormatter
    )
