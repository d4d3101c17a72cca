"""An entry's card: who or what it is, its part in the story, and every mention."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static
from textual.widgets.option_list import Option

from ..model import Briefing, Mention, Passage
from .lists import VimOptionList

SNIPPET = 28
"""Characters of context shown either side of a mention in the card's list."""


def snippet(passage: Passage, mention: Mention) -> Content:
    """The words around a mention, the mention itself in bold."""
    text = passage.text
    left = max(0, mention.start - SNIPPET)
    right = min(len(text), mention.end + SNIPPET)
    before = ("\u2026" if left else "") + text[left : mention.start].replace("\n", " ")
    after = text[mention.end : right].replace("\n", " ") + ("\u2026" if right < len(text) else "")
    return Content.assemble(before, (text[mention.start : mention.end], "bold"), after)


def where(briefing: Briefing, passage: Passage) -> str:
    """The part of the briefing a passage belongs to, as a reader names it."""
    place = passage.place
    if place.area == "summary":
        return "Summary"
    if place.area == "timeline":
        return f"Timeline, {briefing.timeline[place.block].date}"
    return briefing.sections[place.section].title


class EntryCard(VerticalScroll):
    """The card of one glossary entry, with its related entries and mentions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "close", "Back", tooltip="Back to the glossary list"),
    ]

    class MentionPicked(Message):
        """Go to this mention in the article (or the timeline)."""

        def __init__(self, entry_id: str, number: int) -> None:
            super().__init__()
            self.entry_id = entry_id
            self.number = number

    class RelatedPicked(Message):
        def __init__(self, entry_id: str) -> None:
            super().__init__()
            self.entry_id = entry_id

    class Closed(Message):
        """The user left the card."""

    def __init__(self, briefing: Briefing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing
        self.entry_id: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="card-body")
        yield Static(Content.styled("Related", "bold"), id="card-related-label")
        yield VimOptionList(id="card-related")
        yield Static(id="card-mentions-label")
        yield VimOptionList(id="card-mentions")

    def show_entry(self, entry_id: str) -> None:
        briefing = self.briefing
        entry = briefing.entries[entry_id]
        self.entry_id = entry_id
        parts: list[Content | str | tuple[str, str]] = [
            (entry.name, "bold"),
            "\n",
            (entry.kind.value.capitalize(), "italic dim"),
            "\n\n",
            entry.role,
        ]
        if entry.about:
            parts += ["\n\n", entry.about]
        if entry.aliases:
            parts += ["\n\n", ("Also called: ", "dim"), ", ".join(entry.aliases)]
        self.query_one("#card-body", Static).update(Content.assemble(*parts))
        related = self.query_one("#card-related", VimOptionList)
        related.clear_options()
        related.add_options(Option(briefing.entries[ref].name, id=ref) for ref in entry.related)
        related.display = bool(entry.related)
        self.query_one("#card-related-label").display = bool(entry.related)
        mentions = briefing.mentions_of(entry_id)
        count = len(mentions)
        label = f"Mentions ({count})" if count else "Not mentioned in the text"
        self.query_one("#card-mentions-label", Static).update(Content.styled(label, "bold"))
        listing = self.query_one("#card-mentions", VimOptionList)
        listing.clear_options()
        listing.add_options(
            Option(
                Content.assemble(
                    (where(briefing, passage), "dim"), "\n", snippet(passage, mention)
                ),
                id=str(number),
            )
            for number, (passage, mention) in enumerate(mentions)
        )
        self.scroll_home(animate=False)

    def focus_mentions(self) -> None:
        listing = self.query_one("#card-mentions", VimOptionList)
        if listing.option_count:
            listing.focus()
            if listing.highlighted is None:
                listing.highlighted = 0
        else:
            self.focus()

    @on(VimOptionList.OptionSelected, "#card-mentions")
    def _mention(self, event: VimOptionList.OptionSelected) -> None:
        event.stop()
        if self.entry_id is not None and event.option.id is not None:
            self.post_message(self.MentionPicked(self.entry_id, int(event.option.id)))

    @on(VimOptionList.OptionSelected, "#card-related")
    def _related(self, event: VimOptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.RelatedPicked(event.option.id))

    def action_close(self) -> None:
        self.post_message(self.Closed())
