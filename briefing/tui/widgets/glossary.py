"""The glossary sidebar: people, groups, organisations and places, with a filter."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets.option_list import Option, OptionDoesNotExist

from briefing.format.model import Briefing, GlossaryEntry, Kind
from briefing.tracking.changes import Changes
from briefing.tui.messages import EntryChosen
from briefing.tui.widgets.changemarks import new_entries, new_mark
from briefing.tui.widgets.field import Field
from briefing.tui.widgets.filtered import FilteredList
from briefing.tui.widgets.lists import VimOptionList

FIRST_CHUNK = 120
"""Options shown at once: more than a tall window's worth."""
LATER_CHUNK = 400


def entry_matches(briefing: Briefing, entry_id: str, query: str) -> bool:
    """Whether an entry's name or an alias contains the query (any case)."""
    entry = briefing.entries[entry_id]
    needle = query.strip().lower()
    return not needle or any(needle in form.lower() for form in (entry.name, *entry.aliases))


class GlossaryPanel(FilteredList):
    """A filter field over the list of glossary entries, grouped by kind."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", tooltip="Filter the names"),
    ]  # fmt: skip

    changes: reactive[Changes | None] = reactive(None, init=False, repaint=False)
    """What changed since last read: new entries are marked `[new]`."""

    def __init__(self, briefing: Briefing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing
        self._generation = 0
        self._query = ""
        self._marked: frozenset[str] = frozenset()
        """The ids marked `[new]` in the list as last filled."""

    def compose(self) -> ComposeResult:
        yield Field(placeholder="/ filters names", id="glossary-filter", compact=True)
        yield VimOptionList(id="glossary-list")

    def on_mount(self) -> None:
        self.show_entries("")

    def watch_changes(self) -> None:
        # Binding the reactive sets it again as each level of the bindings
        # initialises, with the same marks: refill only when they differ (a
        # refill of 5,000 entries costs ~0.1 s, and it came three times
        # before the first frame).
        if self.is_mounted and new_entries(self.changes) != self._marked:
            self.show_entries(self._query)  # the `[new]` marks

    @property
    def items(self) -> VimOptionList:
        return self.query_one("#glossary-list", VimOptionList)

    def highlight(self, entry_id: str) -> None:
        """Show `entry_id` highlighted and focused (clearing a filter that hides it)."""
        if not entry_matches(self.briefing, entry_id, self._query):
            self.field.value = ""
            self.show_entries("")
        listing = self.items
        try:
            listing.highlighted = listing.get_option_index(entry_id)
        except OptionDoesNotExist:
            self.call_after_refresh(self.highlight, entry_id)  # still being added
        self.screen.set_focus(listing)

    def show_entries(self, query: str) -> None:
        self._query = query
        self._marked = new_entries(self.changes)
        groups: dict[Kind, list[GlossaryEntry]] = {kind: [] for kind in Kind}
        for entry in self.briefing.glossary:
            if entry_matches(self.briefing, entry.id, query):
                groups[entry.kind].append(entry)
        option_list = self.items
        option_list.clear_options()
        self._generation += 1
        if not any(groups.values()):
            option_list.add_option(
                Option(Content.styled("No name matches", "dim italic"), disabled=True)
            )
            return
        # A big glossary goes in by chunks after the first screenful, and its
        # options are made only as they go in: OptionList measures every
        # option it holds (~0.1 ms each), and 5,000 made and added at once
        # held up the first frame (and every keystroke in the filter) by ~0.4 s.
        options = self._options(groups, self._marked)
        option_list.add_options(islice(options, FIRST_CHUNK))
        self.call_after_refresh(self._add_rest, options, self._generation)

    def _options(
        self, groups: dict[Kind, list[GlossaryEntry]], new: frozenset[str]
    ) -> Iterator[Option]:
        """The list's options, a heading before each kind's entries, made as they are taken."""
        mentions = self.briefing.mentions
        digits = len(str(max((len(found) for found in mentions.values()), default=0)))
        for kind, entries in groups.items():
            if not entries:
                continue
            heading = Content.styled(f"{kind.plural} ({len(entries)})", "bold")
            yield Option(heading, disabled=True)
            for entry in entries:
                # The count leads, in a column of its own: after the name, a long
                # name pushed it onto a row of its own, where it read as an entry.
                count = len(mentions.get(entry.id, ()))
                label = Content.assemble(
                    (f"{count:>{digits}} ", "dim"), entry.name, new_mark(entry.id in new)
                )
                yield Option(label, id=entry.id)

    def _add_rest(self, options: Iterator[Option], generation: int) -> None:
        if generation != self._generation or not self.is_attached:
            return  # the filter changed since: that list is stale
        chunk = list(islice(options, LATER_CHUNK))
        if chunk:
            self.items.add_options(chunk)
            self.set_timer(0.01, lambda: self._add_rest(options, generation))

    def apply_filter(self) -> None:
        value = self.field.value
        if value != self._query:
            self.show_entries(value)

    @on(VimOptionList.OptionSelected, "#glossary-list")
    def _selected(self, event: VimOptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(EntryChosen(event.option.id))
