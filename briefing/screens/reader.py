"""The reader: the article beside a sidebar of glossary and timeline."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, TabbedContent, TabPane

from ..changes import Changes, Version
from ..model import Briefing
from ..search import find_matches, search_terms
from ..state import ReadingState
from ..widgets import changemarks
from ..widgets.article import ArticleView
from ..widgets.card import EntryCard
from ..widgets.glossary import GlossaryPanel
from ..widgets.keyhints import KeyHints
from ..widgets.searchbar import SearchBar
from ..widgets.statusline import StatusLine
from ..widgets.timeline import TimelineList

NARROW = 60
"""Below this many columns the sidebar folds away and opens over the article."""
TINY = 40
"""Below this many columns the footer gives way to a one-line hint in the top bar."""
SEARCH_PAUSE = 0.12
"""Seconds of no typing before the search runs."""
WIDE = 100
"""Below this many columns the sidebar is narrower."""
WIDER = 140
"""From this many columns the sidebar is wider."""


class ReaderScreen(Screen[None]):
    """One briefing, full screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Help and Quit live on the app too; here they come first in the footer,
        # so a narrow window still shows them.
        Binding("question_mark", "app.help", "Help", tooltip="Show every key"),
        Binding("q", "app.quit", "Quit", tooltip="Save your place and quit"),
        Binding("tab", "switch_pane", "Pane", tooltip="Switch between the article and the sidebar"),
        Binding("shift+tab", "switch_pane", "Pane", show=False, tooltip="Switch panes"),
        Binding("slash", "search", "Search", tooltip="Search the briefing's text"),
        Binding("n", "step_match(1)", "Next match", show=False, tooltip="Next search match"),
        Binding("N", "step_match(-1)", "Previous match", show=False,
                tooltip="Previous search match"),
        Binding("e", "expand_all", "Expand all", tooltip="Open every section"),
        Binding("c", "collapse_all", "Collapse all", tooltip="Close every section"),
        Binding("right_square_bracket", "step_section(1)", "Next section", show=False,
                tooltip="Go to the next section"),
        Binding("left_square_bracket", "step_section(-1)", "Previous section", show=False,
                tooltip="Go to the previous section"),
        *(Binding(str(n), f"jump({n})", f"Section {n}", show=False,
                  tooltip=f"Go to section {n}") for n in range(1, 10)),
        Binding("m", "step_mention(1)", "Next mention", show=False,
                tooltip="Next mention of the selected entry (of any entry if none)"),
        Binding("M", "step_mention(-1)", "Previous mention", show=False,
                tooltip="Previous mention of the selected entry"),
        Binding("s", "toggle_sidebar", "Sidebar", show=False, tooltip="Show or hide the sidebar"),
        Binding("t", "timeline", "Timeline", show=False,
                tooltip="Show the timeline (again: the glossary)"),
        Binding("o", "app.library", "Library", show=False, tooltip="Open the library"),
        Binding("right_curly_bracket", "step_change(1)", "Next change", show=False,
                tooltip="Next section changed or new since you last read"),
        Binding("left_curly_bracket", "step_change(-1)", "Previous change", show=False,
                tooltip="Previous section changed or new since you last read"),
        Binding("D", "show_diff", "Changes", show=False,
                tooltip="Show what changed in this section, word by word"),
        Binding("escape", "back", "Back", show=False,
                tooltip="Clear the search or selection; back to the library"),
    ]  # fmt: skip

    show_sidebar: reactive[bool] = reactive(True)
    narrow: reactive[bool] = reactive(False)

    # Set by the app's ChangeTracker before the screen mounts (briefing.changes).
    changes: Changes | None = None
    """What changed since last read (or since the last reload): marks, open sections."""
    version: Version | None = None
    """The version shown, remembered as read when the reader leaves it."""
    seen: str | None = None
    """Hash of the version last remembered as read."""

    def __init__(
        self, briefing: Briefing, state: ReadingState | None = None, *, from_library: bool = False
    ) -> None:
        super().__init__()
        self.briefing = briefing
        self.state = state or ReadingState()
        self.from_library = from_library
        self.query_text = ""
        self.current_match = -1
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        briefing = self.briefing
        ids = [section.id for section in briefing.sections]
        open_sections = None
        if self.state.open_sections is not None:
            open_sections = {ids.index(i) for i in self.state.open_sections if i in ids}
        topbar = StatusLine(id="topbar")
        topbar.text = self._topbar(-1)
        yield topbar
        with Horizontal(id="main"):
            yield ArticleView(briefing, open_sections, id="article")
            with Vertical(id="sidebar"), TabbedContent(id="tabs"):
                with (
                    TabPane("Glossary", id="tab-glossary"),
                    ContentSwitcher(initial="glossary", id="glossary-switcher"),
                ):
                    yield GlossaryPanel(briefing, id="glossary")
                    yield EntryCard(briefing, id="card")
                with TabPane("Timeline", id="tab-timeline"):
                    yield TimelineList(briefing, id="timeline")
        search = SearchBar(id="search")
        search.display = False
        yield search
        yield KeyHints()

    @property
    def article(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def timeline(self) -> TimelineList:
        timeline = self.query_one(TimelineList)
        timeline.fill()
        return timeline

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-timeline":
            self.timeline.refresh()

    def on_mount(self) -> None:
        self.article.focus()
        self.call_after_refresh(self._restore)

    def _restore(self) -> None:
        if self.state.scroll_y:
            self.article.scroll_to(y=self.state.scroll_y, animate=False)
        entry = self.state.selected_entry
        if entry is not None and entry in self.briefing.entries:
            self.select_entry(entry, focus=False)

    def current_state(self) -> ReadingState:
        article = self.article
        return ReadingState(
            open_sections=[self.briefing.sections[i].id for i in sorted(article.open_sections)],
            scroll_y=int(article.scroll_offset.y),
            selected_entry=article.selected_entry,
        )

    # Layout ------------------------------------------------------------

    def _topbar(self, section: int) -> Content:
        briefing = self.briefing
        if self.has_class("-tiny"):
            return Content.styled("? help  q quit", "bold")
        if section < 0:
            return Content.assemble(
                (briefing.source.outlet, "bold"), " \u00b7 ", briefing.date.isoformat()
            )
        total = len(briefing.sections)
        is_open = section in self.article.open_sections
        state = "" if is_open else " (collapsed)"
        return Content.assemble(
            (f"{section + 1}/{total} ", "dim"), (briefing.sections[section].title, "bold"), state,
            changemarks.mark(self.changes, briefing.sections[section].id),
        )  # fmt: skip

    @on(ArticleView.SectionInView)
    @on(ArticleView.SectionToggled)
    def _update_topbar(self) -> None:
        section = self.article.layout_rows.section_at(int(self.article.scroll_offset.y) + 1)
        self.query_one("#topbar", StatusLine).text = self._topbar(section)

    def on_resize(self, event: Resize) -> None:
        self.narrow = event.size.width < NARROW
        self.set_class(NARROW <= event.size.width < WIDE, "-medium")
        self.set_class(event.size.width >= WIDER, "-wide")
        self.set_class(event.size.width < TINY, "-tiny")
        self._update_topbar()

    def watch_narrow(self, narrow: bool) -> None:
        self.set_class(narrow, "-narrow")
        self.show_sidebar = not narrow

    def watch_show_sidebar(self, show: bool) -> None:
        self.set_class(not show, "-no-sidebar")
        if not show and self.query_one("#sidebar").has_focus_within:
            self.article.focus()

    def action_toggle_sidebar(self) -> None:
        self.show_sidebar = not self.show_sidebar
        if self.show_sidebar and self.narrow:
            self._focus_sidebar()

    def _focus_sidebar(self) -> None:
        self.show_sidebar = True
        tabs = self.query_one(TabbedContent)
        if tabs.active == "tab-timeline":
            self.timeline.focus()
        elif self.query_one("#glossary-switcher", ContentSwitcher).current == "card":
            self.query_one(EntryCard).focus_mentions()
        else:
            self.query_one("#glossary-filter").focus()

    def action_switch_pane(self) -> None:
        if self.query_one("#sidebar").has_focus_within:
            if self.narrow:
                self.show_sidebar = False
            self.article.focus()
        else:
            self._focus_sidebar()

    def action_timeline(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.active = "tab-glossary" if tabs.active == "tab-timeline" else "tab-timeline"
        self._focus_sidebar()

    # Sections ----------------------------------------------------------

    def action_expand_all(self) -> None:
        self.article.set_all(True)

    def action_collapse_all(self) -> None:
        self.article.set_all(False)

    def action_step_section(self, step: int) -> None:
        self.article.action_step_section(step)
        self.article.focus()

    def action_jump(self, number: int) -> None:
        if number <= len(self.briefing.sections):
            self.action_jump_any(number - 1)
        else:
            self.app.bell()

    def action_jump_any(self, index: int) -> None:
        """Go to a section by position (0-based), from the keys or the palette."""
        self.article.go_to_section(index)
        self.article.focus()

    def go_to_event(self, index: int) -> None:
        event = self.briefing.timeline[index]
        self.query_one(TabbedContent).active = "tab-timeline"
        self.timeline.highlighted = index
        if event.section is not None:
            self._event_chosen(TimelineList.EventChosen(index, event.section))

    def action_step_mention(self, step: int) -> None:
        self.article.action_step_mention(step)

    def action_step_change(self, step: int) -> None:
        changemarks.step_change(self, step)

    def action_show_diff(self) -> None:
        from .diffview import open_diff

        open_diff(self)

    # Glossary ----------------------------------------------------------

    def select_entry(self, entry_id: str, *, focus: bool = True) -> None:
        self.article.selected_entry = entry_id
        self.query_one(TabbedContent).active = "tab-glossary"
        self.query_one(EntryCard).show_entry(entry_id)
        self.query_one("#glossary-switcher", ContentSwitcher).current = "card"
        if focus:
            self.show_sidebar = True
            self.query_one(EntryCard).focus_mentions()

    @on(GlossaryPanel.EntrySelected)
    def _entry_selected(self, event: GlossaryPanel.EntrySelected) -> None:
        self.select_entry(event.entry_id)

    @on(ArticleView.MentionChosen)
    def _mention_chosen(self, event: ArticleView.MentionChosen) -> None:
        self.select_entry(event.entry_id)

    @on(EntryCard.RelatedPicked)
    def _related(self, event: EntryCard.RelatedPicked) -> None:
        self.select_entry(event.entry_id)

    @on(EntryCard.Closed)
    def _card_closed(self) -> None:
        self.query_one("#glossary-switcher", ContentSwitcher).current = "glossary"
        self.query_one("#glossary-list").focus()

    @on(EntryCard.MentionPicked)
    def _mention_picked(self, event: EntryCard.MentionPicked) -> None:
        passage, mention = self.briefing.mentions_of(event.entry_id)[event.number]
        if passage.place.area == "timeline":
            self.query_one(TabbedContent).active = "tab-timeline"
            timeline = self.timeline
            timeline.highlighted = passage.place.block
            timeline.focus()
            return
        article = self.article
        unit = next(i for i, u in enumerate(article.layout_rows.units) if u.place == passage.place)
        article.go_to_span(unit, mention.start, mention.end, event.entry_id)
        if self.narrow:
            self.show_sidebar = False
            article.focus()

    @on(TimelineList.EventChosen)
    def _event_chosen(self, event: TimelineList.EventChosen) -> None:
        if event.section is None:
            self.notify("This event is not linked to a section.", timeout=3)
            return
        section = self.briefing.section_index[event.section]
        self.article.set_open(section, True)
        self.article.go_to_section(section)
        if self.narrow:
            self.show_sidebar = False
        self.article.focus()

    # Search ------------------------------------------------------------

    def _search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    def action_search(self) -> None:
        # The bar exists from the start: made on demand, its layout pass on a
        # big briefing let the keys typed right after `/` reach the article.
        self._search_bar().open()

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        # Search once typing pauses: on a big briefing every keystroke would
        # otherwise rescan all of it while the next keys wait.
        self.query_text = event.query
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_PAUSE, self._run_search)

    def _run_search(self) -> None:
        self._search_timer = None
        article = self.article
        article.matches = find_matches(
            article.layout_rows.units, search_terms(self.briefing, self.query_text)
        )
        self.current_match = -1
        self._show_count()

    def _show_count(self) -> None:
        total = len(self.article.matches)
        if not self.query_text:
            text = ""
        elif not total:
            text = "no matches"
        elif self.current_match < 0:
            text = f"{total} match{'es' * (total != 1)}"
        else:
            text = f"{self.current_match + 1} of {total}"
        self._search_bar().set_count(text)

    @on(SearchBar.Done)
    def _search_done(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._run_search()
        self.article.focus()
        if self.article.matches:
            self.action_step_match(1)

    @on(SearchBar.Cancelled)
    def _search_cancelled(self) -> None:
        self.clear_search()
        self.article.focus()

    def clear_search(self) -> None:
        self.query_text = ""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        self.article.matches = []
        self.current_match = -1
        self._search_bar().display = False
        self.article.refresh()

    def action_step_match(self, step: int) -> None:
        matches = self.article.matches
        if not matches:
            self.app.bell()
            return
        self.current_match = (self.current_match + step) % len(matches)
        match = matches[self.current_match]
        self.article.go_to_span(match.unit, match.start, match.end)
        self._show_count()

    def action_back(self) -> None:
        if self.article.matches or self._search_bar().display:
            self.clear_search()
        elif self.article.selected_entry is not None:
            self.article.selected_entry = None
            self.query_one("#glossary-switcher", ContentSwitcher).current = "glossary"
        elif self.article.cursor is not None:
            self.article.cursor = None
            self.article.refresh()
        elif self.narrow and self.show_sidebar:
            self.show_sidebar = False
        elif self.from_library:
            self.app.action_library()  # type: ignore[attr-defined]
