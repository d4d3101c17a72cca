"""The timeline: dated events in order; Enter goes to the section that tells each."""

from __future__ import annotations

from textual import on
from textual.content import Content
from textual.message import Message
from textual.widgets.option_list import Option

from ..model import Briefing
from .changemarks import new_events, new_mark
from .lists import VimOptionList


class TimelineList(VimOptionList):
    """One line-based option per event: 2,000 events cost no extra widgets."""

    class EventChosen(Message):
        def __init__(self, index: int, section: str | None) -> None:
            super().__init__()
            self.index = index
            self.section = section

    def __init__(self, briefing: Briefing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing

    def fill(self) -> None:
        """Add the events; done when the timeline is first shown, not at start-up."""
        if self.option_count:
            return
        if not self.briefing.timeline:
            self.add_option(
                Option(Content.styled("No timeline in this briefing", "dim"), disabled=True)
            )
            return
        new = new_events(self)
        self.add_options(
            Option(
                Content.assemble(
                    (f"{event.date}", "bold"), new_mark(n in new), "\n", event.event.text
                ),
                id=str(n),
            )
            for n, event in enumerate(self.briefing.timeline)
        )

    @on(VimOptionList.OptionSelected)
    def _chosen(self, event: VimOptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is None:
            return
        index = int(event.option.id)
        self.post_message(self.EventChosen(index, self.briefing.timeline[index].section))
