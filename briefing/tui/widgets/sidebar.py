"""The sidebar: a tab line over two panes, the glossary (list or card) and the timeline.

The three parts under the tab line are its own children, one displayed at
a time, with no switcher between: every container Textual draws under a
pane costs a cached strip per row cut at each edge above it (at 100x30,
two nested ContentSwitchers held about 160 strips for nothing but blank
background), plus a node to mount, style and lay out at start-up.

The reader screen drives it through these methods (which pane, card or
list, where focus goes) and never through the ids of its parts. Focus moves
at once (`set_focus`, never `focus()`, which waits for the message queue):
keys that arrived in the same write must reach the pane the previous key
chose.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive

from briefing.format.model import Briefing
from briefing.tracking.changes import Changes
from briefing.tui.widgets.card import EntryCard
from briefing.tui.widgets.glossary import GlossaryPanel
from briefing.tui.widgets.sidebartabs import GLOSSARY, TIMELINE, SidebarTabs
from briefing.tui.widgets.timeline import TimelineList
from briefing.tui.widgets.timelinepanel import TimelinePanel


class Sidebar(Vertical):
    """Glossary and timeline beside the article, one shown at a time."""

    changes: reactive[Changes | None] = reactive(None, init=False, repaint=False)
    """Handed on to the glossary and the timeline (new entries and events are marked)."""
    pane: reactive[str] = reactive(GLOSSARY, init=False, repaint=False)
    """`GLOSSARY` or `TIMELINE`: the pane shown; the tab line is bound to it."""

    def __init__(self, briefing: Briefing, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.briefing = briefing
        self._card_shown = False

    def compose(self) -> ComposeResult:
        yield SidebarTabs().data_bind(active=Sidebar.pane)
        yield GlossaryPanel(self.briefing, id="glossary").data_bind(Sidebar.changes)
        card = EntryCard(self.briefing, id="card")
        card.display = False
        yield card
        timeline = TimelinePanel(self.briefing)
        timeline.display = False
        yield timeline.data_bind(Sidebar.changes)

    # The parts ---------------------------------------------------------

    @property
    def glossary(self) -> GlossaryPanel:
        return self.query_one(GlossaryPanel)

    @property
    def card(self) -> EntryCard:
        return self.query_one(EntryCard)

    @property
    def timeline(self) -> TimelineList:
        """The timeline's list, filled on first use (not at start-up)."""
        panel = self.query_one(TimelinePanel)
        panel.apply_filter()
        return panel.items

    def highlight_event(self, index: int) -> TimelineList:
        """Show the timeline with event `index` highlighted (clearing a filter hiding it)."""
        self.pane = TIMELINE
        self.query_one(TimelinePanel).highlight_event(index)
        return self.query_one(TimelineList)

    # Which pane --------------------------------------------------------

    def _show_pane(self) -> None:
        """Display the one part that the pane and the glossary's card-or-list choose."""
        glossary = self.pane == GLOSSARY
        with self.app.batch_update():
            self.glossary.display = glossary and not self._card_shown
            self.card.display = glossary and self._card_shown
            self.query_one(TimelinePanel).display = not glossary

    def watch_pane(self, pane: str) -> None:
        self._show_pane()
        if pane == TIMELINE:
            self.timeline.refresh()

    @on(SidebarTabs.Picked)
    def _picked(self, event: SidebarTabs.Picked) -> None:
        event.stop()
        self.pane = event.pane

    @property
    def card_shown(self) -> bool:
        """Whether the glossary pane shows a card (else its list)."""
        return self._card_shown

    def show_card(self, shown: bool) -> None:
        self._card_shown = shown
        self._show_pane()

    # Focus -------------------------------------------------------------

    @property
    def focused(self) -> bool:
        return self.has_focus_within

    def mark_focus(self, focused: bool) -> None:
        """Show (in the tab line) whether focus is in the sidebar."""
        self.query_one(SidebarTabs).marked = focused

    def focus_pane(self) -> None:
        """Focus what the sidebar shows: the timeline, the card or the list."""
        if self.pane == TIMELINE:
            self.query_one(TimelinePanel).focus_list()
        elif self.card_shown:
            self.card.focus_items()
        else:
            self.glossary.focus_list()
