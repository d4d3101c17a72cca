"""Command-palette entries made from the briefing: sections, glossary, timeline.

Textual's system commands parse their titles as markup, so anything taken
from a briefing goes through this provider instead, as `Content` objects.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from briefing.tui.screens.readerscreen import ReaderScreen
from briefing.tui.widgets import changemarks

Command = tuple[str, Content, Callable[[], object], str]


class BriefingCommands(Provider):
    """Go to any section, open any entry's card, jump to any timeline event."""

    def _commands(self) -> list[Command]:
        screen = self.screen
        if not isinstance(screen, ReaderScreen):
            return []
        briefing = screen.briefing
        found: list[Command] = []
        jump = screen.palette_jump
        for index, section in enumerate(briefing.sections):
            mark = changemarks.label_suffix(screen.changes, section.id)
            text = f"Section {index + 1}: {section.title}{mark}"
            found.append((text, Content(text), jump(partial(screen.action_jump_any, index)),
                          "Go to this section"))  # fmt: skip
        for entry in briefing.glossary:
            text = f"{entry.kind.plural}: {entry.name}"
            found.append((text, Content(text), jump(partial(screen.select_entry, entry.id)),
                          "Open this entry's card"))  # fmt: skip
        for index, event in enumerate(briefing.timeline):
            text = f"Timeline {event.date}: {event.event.text}"
            text = text if len(text) <= 100 else text[:99] + "\u2026"
            found.append((text, Content(text), jump(partial(screen.go_to_event, index)),
                          "Go to this event's section"))  # fmt: skip
        return found

    async def discover(self) -> Hits:
        for _text, display, callback, help_text in self._commands():
            yield DiscoveryHit(display, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, _display, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, Content(text), callback, text=text, help=help_text)
