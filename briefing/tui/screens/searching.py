"""The reader's search: `/` opens the bar, matches come once typing pauses.

The base class of `ReaderScreen` (kept apart so each module stays small): it owns
the query and the current match, and tells the user what happened, including
when `n` wraps past the last match and why `n` does nothing without a search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer

from briefing.render.textsearch import find_matches, search_terms
from briefing.tui.widgets.searchbar import SearchBar

if TYPE_CHECKING:
    from collections.abc import Callable

    from briefing.format.model import Briefing
    from briefing.tui.jumps import JumpKind
    from briefing.tui.widgets.article import ArticleView

SEARCH_PAUSE = 0.12
"""Seconds of no typing before the search runs."""


class SearchingScreen(Screen[None]):
    """Search state and actions; `ReaderScreen` is the one subclass."""

    briefing: Briefing
    query_text: str
    current_match: int | None
    """The match the cursor was put on last (None: none yet)."""
    _search_timer: Timer | None

    @property
    def article(self) -> ArticleView:
        raise NotImplementedError

    def jump(self, kind: JumpKind, move: Callable[[], object]) -> None:
        raise NotImplementedError

    def init_search(self) -> None:
        self.query_text = ""
        self.current_match = None
        self._search_timer = None

    def compose_search(self) -> ComposeResult:
        search = SearchBar(id="search")
        search.display = False
        yield search

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def search_pending(self) -> bool:
        """Typed, and waiting for typing to pause before searching."""
        return self._search_timer is not None

    @property
    def search_active(self) -> bool:
        return bool(self.article.matches) or self.search_bar.display or bool(self.query_text)

    def action_search(self) -> None:
        # The bar exists from the start: made on demand, its layout pass on a
        # big briefing let the keys typed right after `/` reach the article.
        self.search_bar.open()

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        # Search once typing pauses: on a big briefing every keystroke would
        # otherwise rescan all of it while the next keys wait.
        from briefing.tui.screens import searching as this_module

        self.query_text = event.query
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(this_module.SEARCH_PAUSE, self._run_search)

    def _run_search(self) -> None:
        self._search_timer = None
        article = self.article
        article.matches = find_matches(
            article.layout_rows.units, search_terms(self.briefing, self.query_text)
        )
        self.current_match = None
        self._show_count()

    def _show_count(self, note: str = "") -> None:
        total = len(self.article.matches)
        if not self.query_text:
            text = ""
        elif not total:
            text = "no matches"
        elif self.current_match is None:
            text = f"{total} match{'es' * (total != 1)}"
        else:
            text = f"{self.current_match + 1} of {total}"
        self.search_bar.set_count(text + note)

    def on_search_bar_done(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._run_search()
        self.set_focus(self.article)
        if self.article.matches:
            self.action_step_match(1)

    def on_search_bar_cancelled(self) -> None:
        self.clear_search()
        self.set_focus(self.article)

    def clear_search(self) -> None:
        self.query_text = ""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        self.article.matches = []
        self.current_match = None
        self.search_bar.close()

    def action_step_match(self, step: int) -> None:
        matches = self.article.matches
        if not matches:
            why = "No search yet: press / to search." if not self.query_text else "No matches."
            self.notify(why, timeout=2)
            return
        previous = self.current_match
        if previous is None:
            current = 0 if step > 0 else len(matches) - 1
        else:
            current = (previous + step) % len(matches)
        wrapped = previous is not None and (current < previous if step > 0 else current > previous)
        self.current_match = current
        match = matches[current]
        self.jump("search", lambda: self.article.go_to_span(match.unit, match.start, match.end))
        if wrapped:
            where = "top" if step > 0 else "bottom"
            self.notify(f"Search wrapped to the {where}.", timeout=2)
        self._show_count(" (wrapped)" if wrapped else "")
