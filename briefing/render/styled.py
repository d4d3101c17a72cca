"""`briefing show` on a colour terminal: the plain outline, styled with Rich.

Every piece of content goes in as a `rich.text.Text`, never as markup, so
`[bold]` or `[@click=...]` in a briefing prints as typed.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from briefing.format.model import Briefing
from briefing.render.exports import Line, outline

STYLES = {
    "title": "bold",
    "meta": "dim",
    "summary": "italic",
    "heading": "bold underline",
    "lede": "dim italic",
    "quote": "italic",
    "speaker": "dim",
    "label": "bold",
    "entry": "",
    "detail": "dim",
    "event": "",
    "point": "",
    "text": "",
}
MENTION_STYLE = "bold cyan"


def styled_line(line: Line) -> Text:
    """One outline line as Rich text, with glossary mentions highlighted."""
    prefix = "\u2022 " if line.kind == "point" else ""
    text = Text(prefix + line.text, style=STYLES.get(line.kind, ""), end="")
    if line.passage is not None:
        offset = len(prefix) + line.text.find(line.passage.text)
        for mention in line.passage.mentions:
            text.stylize(MENTION_STYLE, offset + mention.start, offset + mention.end)
    return text


def print_styled(briefing: Briefing, file: TextIO) -> None:
    """Print the briefing with colour and emphasis to a terminal."""
    console = Console(file=file, markup=False, highlight=False, emoji=False)
    for line in outline(briefing):
        if line.kind == "blank":
            console.print()
            continue
        console.print(Padding(styled_line(line), (0, 0, 0, line.indent)))
