"""A filter field over a list, the reader's way (the glossary and the timeline).

Letters are commands here as everywhere: the list has focus, and only `/`
puts the cursor in the filter, its last text selected (typing starts afresh,
Enter keeps it, Esc clears it). Leaving the field focuses the list at once.
"""

from __future__ import annotations

from textual import on
from textual.containers import Vertical
from textual.widgets import Input

from briefing.tui.widgets.field import Field
from briefing.tui.widgets.lists import VimOptionList


class FilteredList(Vertical):
    """Base of a panel composing one `Field` and one list; subclasses say what
    the list is (`items`) and how it shows the field's text (`apply_filter`)."""

    @property
    def field(self) -> Field:
        return self.query_one(Field)

    @property
    def items(self) -> VimOptionList:
        raise NotImplementedError

    def apply_filter(self) -> None:
        """Show what matches the field's current text, unless already shown."""
        raise NotImplementedError

    def on_mount(self) -> None:
        self.field.leave_to = self.focus_list

    def focus_list(self) -> None:
        # Keys typed together ("/brew⏎⏎" in one SSH packet, or on a loaded
        # machine) reach Enter before the field's Changed messages reach us:
        # filter by what the field holds now, so Enter lands in the list the
        # user typed for, not the unfiltered one.
        self.apply_filter()
        listing = self.items
        self.screen.set_focus(listing)
        if listing.highlighted is None:
            listing.action_first()

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        # The field's value, not the event's: a Changed that arrives after
        # Enter applied the filter carries an older text.
        self.apply_filter()

    @on(Field.Left)
    def _to_list(self, event: Field.Left) -> None:
        event.stop()
        self.focus_list()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()

    def action_filter(self) -> None:
        self.field.enter()
