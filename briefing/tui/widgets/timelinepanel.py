"""The timeline pane: a filter field over the list of events.

The filter matches a date (`2024-01`) or words of an event; the field works
as the glossary's does (`FilteredList`).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from briefing.format.model import Briefing
from briefing.tracking.changes import Changes
from briefing.tui.widgets.field import Field
from briefing.tui.widgets.filtered import FilteredList
from briefing.tui.widgets.timeline import TimelineList


class TimelinePanel(FilteredList):
    """The filter and the events; the reader asks it through these methods."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", tooltip="Filter the events"),
    ]  # fmt: skip

    changes: reactive[Changes | None] = reactive(None, init=False, repaint=False)
    """Handed on to the list (new events are marked)."""

    def __init__(self, briefing: Briefing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing

    def compose(self) -> ComposeResult:
        field = Field(placeholder="/ filters events", id="timeline-filter", compact=True)
        field.display = bool(self.briefing.timeline)
        yield field
        yield TimelineList(self.briefing, id="timeline").data_bind(TimelinePanel.changes)

    @property
    def items(self) -> TimelineList:
        return self.query_one(TimelineList)

    def apply_filter(self) -> None:
        """Show the events the field's text matches (the first call fills the list)."""
        self.items.fill(self.field.value)

    def highlight_event(self, index: int) -> None:
        """Highlight event `index`, clearing a filter that hides it."""
        self.apply_filter()
        if not self.items.highlight_event(index):
            self.field.value = ""
            self.apply_filter()
            self.items.highlight_event(index)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # No events, nothing to filter: `/` falls through to the article's search.
        return action != "filter" or bool(self.briefing.timeline)
