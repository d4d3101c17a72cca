"""The timeline: dated events in order; Enter goes to the section that tells each."""

from __future__ import annotations

from textual import on
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets.option_list import Option, OptionDoesNotExist

from briefing.format.model import Briefing, TimelineEvent
from briefing.tracking.changes import Changes
from briefing.tui.widgets.changemarks import new_events, new_mark
from briefing.tui.widgets.lists import VimOptionList


def event_matches(event: TimelineEvent, query: str) -> bool:
    """Whether an event's date or text contains the query (any case)."""
    needle = query.strip().lower()
    return not needle or needle in str(event.date).lower() or needle in event.event.text.lower()


class TimelineList(VimOptionList):
    """One line-based option per event: 2,000 events cost no extra widgets.

    Each option's id is the event's index in the briefing, so a filtered
    list still says which event was chosen.
    """

    changes: reactive[Changes | None] = reactive(None, init=False, repaint=False)
    """What changed since last read: new events are marked `[new]`."""

    class EventChosen(Message):
        def __init__(self, index: int, section: str | None) -> None:
            super().__init__()
            self.index = index
            self.section = section

    def __init__(self, briefing: Briefing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing
        self._query: str | None = None

    def watch_changes(self) -> None:
        if self._query is not None:  # filled already: again, with the `[new]` marks
            query, self._query = self._query, None
            self.fill(query)

    def fill(self, query: str = "") -> None:
        """Show the events matching `query` (all when empty).

        The first call comes when the timeline is first shown, not at start-up.
        """
        if query == self._query:
            return
        self._query = query
        self.clear_options()
        if not self.briefing.timeline:
            self.add_option(
                Option(Content.styled("No timeline in this briefing", "dim"), disabled=True)
            )
            return
        new = new_events(self.changes)
        options = [
            Option(
                Content.assemble(
                    (f"{event.date}", "bold"), new_mark(n in new), "\n", event.event.text
                ),
                id=str(n),
            )
            for n, event in enumerate(self.briefing.timeline)
            if event_matches(event, query)
        ]
        if not options:
            options.append(Option(Content.styled("No event matches", "dim italic"), disabled=True))
        self.add_options(options)

    def highlight_event(self, index: int) -> bool:
        """Highlight the event with this index; False when the filter hides it."""
        try:
            self.highlighted = self.get_option_index(str(index))
        except OptionDoesNotExist:
            return False
        return True

    @on(VimOptionList.OptionSelected)
    def _chosen(self, event: VimOptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is None:
            return
        index = int(event.option.id)
        self.post_message(self.EventChosen(index, self.briefing.timeline[index].section))
