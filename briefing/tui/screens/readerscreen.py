"""The reader: the article beside a sidebar of glossary and timeline.

The screen owns the reading state (the selected entry, what changed since
last read, the search, the jump list, the sidebar) and hands it down:
`selected_entry` and `changes` are bound to the widgets with `data_bind`,
widgets are driven through their methods and answer with messages, and the
widths of every layout come from `briefing.tui.sizes`. What change tracking
knows arrives through the constructor (`ReadingChanges`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.events import Resize, ScreenResume
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

from briefing.format.model import Briefing
from briefing.render.position import from_saved, to_saved
from briefing.store.state import ReadingState
from briefing.tracking.changes import Changes, ReadingChanges
from briefing.tui.bindings import READER_KEYS
from briefing.tui.jumps import JumpKind, JumpList
from briefing.tui.messages import EntryChosen
from briefing.tui.screens.articlesearch import ArticleSearch, SearchHooks
from briefing.tui.sizes import SIDEBAR_WIDTHS, TINY, breakpoint_class, sidebar_css
from briefing.tui.widgets import changemarks
from briefing.tui.widgets.article import ArticleView
from briefing.tui.widgets.card import EntryCard
from briefing.tui.widgets.focusfix import NoScreenRepaintOnFocus
from briefing.tui.widgets.glossary import GlossaryPanel
from briefing.tui.widgets.keyhints import KeyHints
from briefing.tui.widgets.searchbar import SearchBar
from briefing.tui.widgets.sidebar import Sidebar
from briefing.tui.widgets.sidebartabs import GLOSSARY, TIMELINE
from briefing.tui.widgets.targets import Spot, Target
from briefing.tui.widgets.timeline import TimelineList
from briefing.tui.widgets.topbar import TopBar


def unit_runs(units: set[int]) -> list[tuple[int, int]]:
    """Unit numbers as inclusive runs, as the state file keeps them (few, and small)."""
    runs: list[tuple[int, int]] = []
    for unit in sorted(units):
        if runs and runs[-1][1] == unit - 1:
            runs[-1] = (runs[-1][0], unit)
        else:
            runs.append((unit, unit))
    return runs


class ReaderScreen(NoScreenRepaintOnFocus, Screen[None]):
    """One briefing, full screen."""

    DEFAULT_CSS = sidebar_css()

    BINDINGS: ClassVar[list[BindingType]] = READER_KEYS

    show_sidebar: reactive[bool] = reactive(True)
    narrow: reactive[bool] = reactive(False)
    selected_entry: reactive[str | None] = reactive(None)
    """The glossary entry whose card is (or was last) open; the article marks its mentions."""
    changes: reactive[Changes | None] = reactive(None)
    """What changed since last read: the article, the lists and the top bar mark it."""

    class SidebarChosen(Message):
        """The user showed or hid the sidebar in a wide window: a preference to keep."""

        def __init__(self, shown: bool) -> None:
            super().__init__()
            self.shown = shown

    def __init__(
        self,
        briefing: Briefing,
        state: ReadingState | None = None,
        tracked: ReadingChanges | None = None,
        *,
        from_library: bool = False,
        sidebar: bool = True,
    ) -> None:
        super().__init__()
        self.sidebar_preference = sidebar
        self.briefing = briefing
        self.state = state or ReadingState()
        self.tracked = tracked or ReadingChanges()
        """What change tracking knows of this briefing (the tracker keeps it up to date)."""
        self.set_reactive(ReaderScreen.changes, self.tracked.changes)
        self.from_library = from_library
        self.jumps: JumpList[Spot] = JumpList()
        self._searched_from: Widget | None = None

    def compose(self) -> ComposeResult:
        briefing = self.briefing
        ids = [section.id for section in briefing.sections]
        open_sections = None
        if self.state.open_sections is not None:
            open_sections = {ids.index(i) for i in self.state.open_sections if i in ids}
        # Fitted to the window before the first layout: classes set after it
        # (by the first Resize) laid out and drew the screen a second time.
        self._fit_width(self.app.size.width)
        topbar = TopBar(id="topbar")
        # The outlet and date until the article says which section is in view:
        # the first frame must not show an empty top line.
        topbar.show_place(briefing, None, is_open=True, changes=None, tiny=self.has_class("-tiny"))
        yield topbar
        article = ArticleView(briefing, open_sections, id="article")
        if self.state.position is not None:
            # Content-anchored, so it needs no layout: every wrap, the first
            # included, puts it on the top row. Keys typed before the first
            # frame then move on from it instead of being undone by a restore.
            article.reading_anchor = from_saved(article.layout_rows, self.state.position)
        count = len(article.layout_rows.units)
        for first, last in self.state.shown_units or ():
            article.shown_units.update(range(first, min(last, count - 1) + 1))
        with Horizontal(id="main"):
            yield article.data_bind(ReaderScreen.selected_entry, ReaderScreen.changes)
            yield Sidebar(briefing, id="sidebar").data_bind(ReaderScreen.changes)
        bar = SearchBar(id="search")
        bar.display = False
        self.search = ArticleSearch(
            briefing,
            article,
            bar,
            SearchHooks(
                jump=lambda move: self.jump("search", move),
                notify=lambda text: self.notify(text, timeout=2, markup=False),
                set_timer=lambda delay, then: self.set_timer(delay, then),
            ),
        )
        """The article's search (query, matches, the current one), made with the bar."""
        yield bar
        yield KeyHints()

    _resumed_before = False

    def post_message(self, message: Message) -> bool:
        if isinstance(message, ScreenResume) and not self._resumed_before:
            self._resumed_before = True
            if message.refresh_styles:
                # Every node was styled as it mounted, against the stylesheet
                # of now, and a class changed since restyles its own node:
                # Textual's restyle of the whole screen at its first resume
                # repeats that (about 6 ms of the bundled briefing's first
                # frame). Later resumes, back from help or the library, keep
                # Textual's restyle.
                message = ScreenResume(refresh_styles=False)
        return super().post_message(message)

    # The parts, by type ------------------------------------------------

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def card(self) -> EntryCard:
        return self.sidebar.card

    @property
    def glossary(self) -> GlossaryPanel:
        return self.sidebar.glossary

    @property
    def timeline(self) -> TimelineList:
        return self.sidebar.timeline

    @property
    def sidebar_pane(self) -> str:
        """`GLOSSARY` or `TIMELINE`: the pane the sidebar shows."""
        return self.sidebar.pane

    @sidebar_pane.setter
    def sidebar_pane(self, pane: str) -> None:
        self.sidebar.pane = pane

    # Reading state -----------------------------------------------------

    def on_mount(self) -> None:
        self.search.bar.leave_to(lambda: self.set_focus(self.article))
        self.watch(self, "focused", self._mark_focus)
        self.set_focus(self.article)
        if self.state.position is None and self.state.scroll_y:
            # A state file from before anchors: its row, once rows exist.
            scroll_y = self.state.scroll_y
            self.call_after_refresh(
                lambda: self.article.scroll_to(y=scroll_y, animate=False, immediate=True)
            )
        entry = self.state.selected_entry
        if entry is not None and entry in self.briefing.entries:
            self.select_entry(entry, focus=False)
            if not self.state.card_open:
                self.sidebar.show_card(False)  # closed before quitting: stays closed

    def _mark_focus(self, focused: Widget | None) -> None:
        """Mark the focused pane's header (at once: no message to wait for)."""
        in_sidebar = focused is not None and self.sidebar in focused.ancestors
        self.query_one(TopBar).marked = focused is self.article
        self.sidebar.mark_focus(in_sidebar)

    def current_state(self) -> ReadingState:
        article = self.article
        return ReadingState(
            open_sections=[self.briefing.sections[i].id for i in sorted(article.open_sections)],
            scroll_y=int(article.scroll_offset.y),
            selected_entry=self.selected_entry,
            position=to_saved(article.layout_rows, article.reading_anchor),
            shown_units=unit_runs(article.shown_units),
            card_open=self.sidebar.card_shown,
        )

    # Layout ------------------------------------------------------------

    @on(ArticleView.SectionInView)
    @on(ArticleView.SectionToggled)
    def _update_topbar(self) -> None:
        article = self.article
        section = article.section_in_view()
        self.query_one(TopBar).show_place(
            self.briefing, section, is_open=section in article.open_sections,
            changes=self.changes, tiny=self.has_class("-tiny"),
        )  # fmt: skip

    def on_resize(self, event: Resize) -> None:
        if event.size == self.outer_size:
            # Textual sends the screen the size it already has up to three
            # times at start-up (the app's own first size, the terminal's,
            # and the screen's first layout telling it its size), and each
            # one lays out and draws the whole screen again. Nothing changed:
            # the default handler (that layout) is skipped.
            event.prevent_default()
            return
        self._fit_width(event.size.width)
        self._update_topbar()

    def _fit_width(self, width: int) -> None:
        """Breakpoint classes and the sidebar for a window `width` columns wide."""
        current = breakpoint_class(width)
        for name in (*SIDEBAR_WIDTHS, "-narrow"):
            if name:
                self.set_class(name == current, name)
        self.set_class(width < TINY, "-tiny")
        if self.is_mounted:
            self.narrow = current == "-narrow"
            return
        # Before the first layout, without the watchers (they reach for the
        # widgets, not composed yet): the values and the class they would set.
        narrow = current == "-narrow"
        show = not narrow and self.sidebar_preference
        self.set_reactive(ReaderScreen.narrow, narrow)
        self.set_reactive(ReaderScreen.show_sidebar, show)
        self.set_class(not show, "-no-sidebar")

    def watch_narrow(self, narrow: bool) -> None:
        self.show_sidebar = not narrow and self.sidebar_preference

    def watch_show_sidebar(self, show: bool) -> None:
        self.set_class(not show, "-no-sidebar")
        if not show and self.sidebar.focused:
            self.set_focus(self.article)

    @property
    def sidebar_focused(self) -> bool:
        return self.sidebar.focused

    def action_toggle_sidebar(self) -> None:
        self.show_sidebar = not self.show_sidebar
        if self.show_sidebar and self.narrow:
            self._focus_sidebar()
        elif not self.narrow:
            self.sidebar_preference = self.show_sidebar
            self.post_message(self.SidebarChosen(self.show_sidebar))

    def _focus_sidebar(self) -> None:
        """Show the sidebar and focus its list, card or timeline: letters stay commands there."""
        self.show_sidebar = True
        self.sidebar.focus_pane()

    def _leave_sidebar(self) -> None:
        if self.narrow:
            self.show_sidebar = False
        self.set_focus(self.article)

    def action_switch_pane(self) -> None:
        if self.sidebar_focused:
            self._leave_sidebar()
        else:
            self._focus_sidebar()

    def action_step_pane(self, step: int) -> None:
        """`l`/`h`: one pane along article, glossary, timeline (a bell past the ends)."""
        panes = [None, GLOSSARY, TIMELINE]
        here = panes.index(self.sidebar_pane) if self.sidebar_focused else 0
        there = here + step
        if not 0 <= there < len(panes):
            self.app.bell()
            return
        pane = panes[there]
        if pane is None:
            self._leave_sidebar()
        else:
            self.sidebar_pane = pane
            self._focus_sidebar()

    def action_timeline(self) -> None:
        timeline = self.sidebar_pane == TIMELINE
        self.sidebar_pane = GLOSSARY if timeline else TIMELINE
        self._focus_sidebar()

    # Jumps -------------------------------------------------------------

    def jump(self, kind: JumpKind, move: Callable[[], object]) -> None:
        """Make a move the jump list can undo: remember where the article was."""
        self.jumps.record(kind, self.article.spot())
        move()

    def palette_jump(self, move: Callable[[], object]) -> Callable[[], None]:
        """A palette command's callback that counts as a jump."""
        return lambda: self.jump("palette", move)

    def _go_back_to(self, spot: Spot | None) -> None:
        if spot is None:
            self.notify("No earlier place in the jump list.", timeout=2)
            return
        self.article.go_to_spot(spot)
        self._leave_sidebar()

    def action_jump_back(self) -> None:
        self._go_back_to(self.jumps.back(self.article.spot()))

    def action_jump_forward(self) -> None:
        spot = self.jumps.forward()
        if spot is None:
            self.notify("Nothing forward in the jump list.", timeout=2)
            return
        self._go_back_to(spot)

    # Sections ----------------------------------------------------------

    def action_expand_all(self) -> None:
        self.article.set_all(True)

    def action_collapse_all(self) -> None:
        self.article.set_all(False)

    def action_step_section(self, step: int) -> None:
        self.jump("section", lambda: self.article.action_step_section(step))
        self.set_focus(self.article)

    def action_jump(self, number: int) -> None:
        if number <= len(self.briefing.sections):
            self.jump("section", lambda: self.action_jump_any(number - 1))
        else:
            self.app.bell()
            total = len(self.briefing.sections)
            self.notify(f"This briefing has {total} section{'s' * (total != 1)}.", timeout=2)

    def action_jump_any(self, index: int) -> None:
        """Go to a section by position (0-based), from the keys or the palette."""
        self.article.go_to_section(index)
        self.set_focus(self.article)

    def go_to_event(self, index: int) -> None:
        event = self.briefing.timeline[index]
        self.sidebar.highlight_event(index)
        if event.section is not None:
            self._event_chosen(TimelineList.EventChosen(index, event.section))

    def action_step_mention(self, step: int) -> None:
        article = self.article
        self.jumps.record("mention", article.spot())
        wrapped = article.step_mention(step)
        if wrapped is None:
            self.notify("No mentions to step through.", timeout=2)
        elif wrapped:
            where = "first" if step > 0 else "last"
            self.notify(f"Mentions wrapped to the {where}.", timeout=2)

    def action_step_change(self, step: int) -> None:
        """Go to the next (`step` 1) or previous (-1) changed or new section, wrapping."""
        marked = changemarks.marked_sections(self.briefing, self.changes)
        if not marked:
            self.notify(
                "Nothing changed since you last read this briefing.", timeout=3, markup=False
            )
            return
        article = self.article
        here = article.current_section()
        current = -1 if here is None else here
        after = [i for i in marked if (i > current if step > 0 else i < current)]
        if after:
            target = after[0] if step > 0 else after[-1]
        else:
            target = marked[0] if step > 0 else marked[-1]
            where = "first" if step > 0 else "last"
            self.notify(f"Wrapped to the {where} change.", timeout=2, markup=False)
        article.set_open(target, True)
        article.go_to_section(target)
        self.set_focus(article)

    def action_show_diff(self) -> None:
        from briefing.tui.screens.diffview import open_diff

        if self.briefing.sections:
            index = self.article.current_section() or 0
            open_diff(self, self.briefing, self.changes, index)

    # Glossary ----------------------------------------------------------

    def select_entry(self, entry_id: str, *, focus: bool = True) -> None:
        self.selected_entry = entry_id
        self.sidebar_pane = GLOSSARY
        self.card.show_entry(entry_id)
        self.sidebar.show_card(True)
        if focus:
            self.show_sidebar = True
            self.card.focus_items()

    @on(EntryChosen)
    def _entry_chosen(self, event: EntryChosen) -> None:
        self.select_entry(event.entry_id)

    @on(EntryCard.Closed)
    def _card_closed(self, event: EntryCard.Closed) -> None:
        """Esc on a card: the list, with that entry highlighted and focused."""
        self.sidebar.show_card(False)
        article = self.article
        if article.cursor is not None and article.cursor.entry_id is not None:
            article.set_cursor(None)
        if event.entry_id is not None:
            self.glossary.highlight(event.entry_id)
        else:
            self.glossary.focus_list()

    @on(EntryCard.FilterAsked)
    def _card_filter(self, event: EntryCard.FilterAsked) -> None:
        self.sidebar.show_card(False)
        self.glossary.action_filter()

    @on(EntryCard.MentionPicked)
    def _mention_picked(self, event: EntryCard.MentionPicked) -> None:
        passage, mention = self.briefing.mentions_of(event.entry_id)[event.number]
        if passage.place.area == "timeline":
            self.set_focus(self.sidebar.highlight_event(passage.place.block))
            return
        article = self.article
        unit = article.layout_rows.unit_of_place[passage.place]
        self.jump(
            "card", lambda: article.go_to_span(unit, mention.start, mention.end, event.entry_id)
        )
        if self.narrow:
            self.show_sidebar = False
            self.set_focus(article)

    @on(TimelineList.EventChosen)
    def _event_chosen(self, event: TimelineList.EventChosen) -> None:
        if event.section is None:
            self.notify("This event is not linked to a section.", timeout=3)
            return
        section = self.briefing.section_index[event.section]

        def move() -> None:
            self.article.set_open(section, True)
            self.article.go_to_section(section)

        self.jump("timeline", move)
        self._leave_sidebar()

    # Search ------------------------------------------------------------

    def action_search(self) -> None:
        self._searched_from = self.focused
        self.search.open()

    def _back_from_search(self) -> None:
        """Focus where the search started (the article if that is gone or hidden)."""
        before = self._searched_from
        if before is not None and before.is_attached and before.display and before.can_focus:
            self.set_focus(before)
        else:
            self.set_focus(self.article)

    def action_step_match(self, step: int) -> None:
        self.search.step(step)

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        self.search.typed(event.query)

    def on_search_bar_done(self) -> None:
        self.set_focus(self.article)
        self.search.done()

    def on_search_bar_cancelled(self) -> None:
        self.search.clear()
        self._back_from_search()

    # Esc ---------------------------------------------------------------

    def action_back(self) -> None:
        """One level back per Esc (a card and the fields handle their own).

        With nothing left to close Esc does nothing: leaving the briefing by
        surprise loses the reader's place; `o` opens the library."""
        article = self.article
        if self.sidebar_focused:
            self._leave_sidebar()
        elif self.search.active:
            self.search.clear()
        elif self.selected_entry is not None:
            self.selected_entry = None
            self.sidebar.show_card(False)
        elif article.cursor is not None:
            article.set_cursor(None)
        elif self.narrow and self.show_sidebar:
            self.show_sidebar = False

    def cursor_target(self) -> Target | None:
        return self.article.cursor
