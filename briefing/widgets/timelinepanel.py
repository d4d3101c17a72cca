"""The timeline pane: a filter field over the list of events.

As in the glossary, letters are commands: the list has focus, and only `/`
puts the cursor in the filter, which matches a date (`2024-01`) or words of
an event. Enter keeps the filter, Esc clears it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input

from ..model import Briefing
from .field import Field
from .timeline import TimelineList


class TimelinePanel(Vertical):
    """The filter and the events; the reader asks it through these methods."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", tooltip="Filter the events"),
    ]  # fmt: skip

    def __init__(self, briefing: Briefing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing

    def compose(self) -> ComposeResult:
        field = Field(placeholder="/ filters events", id="timeline-filter", compact=True)
        field.display = bool(self.briefing.timeline)
        yield field
        yield TimelineList(self.briefing, id="timeline")

    def on_mount(self) -> None:
        self.query_one(Field).leave_to = self.focus_list

    @property
    def events(self) -> TimelineList:
        return self.query_one(TimelineList)

    def fill(self) -> None:
        """Show the events the field's text matches (the first call fills the list)."""
        self.events.fill(self.query_one(Field).value)

    def focus_list(self) -> None:
        # Filter by what the field holds now: keys typed together reach Enter
        # before the field's Changed messages reach us (see GlossaryPanel).
        self.fill()
        events = self.events
        self.screen.set_focus(events)
        if events.highlighted is None:
            events.action_first()

    def highlight_event(self, index: int) -> None:
        """Highlight event `index`, clearing a filter that hides it."""
        self.fill()
        if not self.events.highlight_event(index):
            self.query_one(Field).value = ""
            self.fill()
            self.events.highlight_event(index)

    @on(Input.Changed, "#timeline-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.fill()

    @on(Field.Left, "#timeline-filter")
    def _to_list(self, event: Field.Left) -> None:
        event.stop()
        self.focus_list()

    @on(Input.Submitted, "#timeline-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # No events, nothing to filter: `/` falls through to the article's search.
        return action != "filter" or bool(self.briefing.timeline)

    def action_filter(self) -> None:
        self.query_one(Field).enter()
