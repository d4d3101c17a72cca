"""The article's search: the query, its matches and the current one, apart from any screen.

`/` opens the bar; matches come once typing pauses (on a big briefing every
keystroke would otherwise rescan all of it while the next keys wait); Enter
searches at once and goes to the first match; `n`/`N` step, saying when they
wrap past the last match and why they do nothing without a search.

The reader screen makes one `ArticleSearch` and forwards the bar's messages
and the `n`/`N` keys to it; everything the search touches is handed in, so
it can be driven and tested without the screen's other parts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.timer import Timer

from briefing.format.model import Briefing
from briefing.render.textsearch import find_matches, search_pattern
from briefing.tui.widgets.article import ArticleView
from briefing.tui.widgets.searchbar import SearchBar

SEARCH_PAUSE = 0.12
"""Seconds of no typing before the search runs."""


@dataclass
class SearchHooks:
    """What the search asks of its screen: a jump the jump list can undo, a
    notice, and a timer (the screen's, so it stops with the screen)."""

    jump: Callable[[Callable[[], object]], None]
    notify: Callable[[str], None]
    set_timer: Callable[[float, Callable[[], None]], Timer]


class ArticleSearch:
    """The search of one article, with the bar that shows it."""

    def __init__(
        self, briefing: Briefing, article: ArticleView, bar: SearchBar, hooks: SearchHooks
    ) -> None:
        self.briefing = briefing
        self.article = article
        self.bar = bar
        self.hooks = hooks
        self.query_text = ""
        self.current_match: int | None = None
        """The match the cursor was put on last (None: none yet)."""
        self._timer: Timer | None = None

    @property
    def pending(self) -> bool:
        """Typed, and waiting for typing to pause before searching."""
        return self._timer is not None

    @property
    def active(self) -> bool:
        """Anything to clear: matches shown, the bar open, or a query typed."""
        return bool(self.article.matches) or self.bar.display or bool(self.query_text)

    def open(self) -> None:
        # The bar exists from the start: made on demand, its layout pass on a
        # big briefing let the keys typed right after `/` reach the article.
        self.bar.open()

    def typed(self, query: str) -> None:
        self.query_text = query
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.hooks.set_timer(SEARCH_PAUSE, self._run)

    def _run(self) -> None:
        self._timer = None
        article = self.article
        article.matches = find_matches(
            article.layout_rows.units, search_pattern(self.briefing, self.query_text)
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
        self.bar.set_count(text + note)

    def done(self) -> None:
        """Enter in the bar: search now if typing had not paused, go to the first match."""
        if self._timer is not None:
            self._timer.stop()
            self._run()
        if self.article.matches:
            self.step(1)

    def clear(self) -> None:
        self.query_text = ""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.article.matches = []
        self.current_match = None
        self.bar.close()

    def step(self, step: int) -> None:
        """`n` (1) or `N` (-1): the next or previous match, wrapping."""
        matches = self.article.matches
        if not matches:
            why = "No search yet: press / to search." if not self.query_text else "No matches."
            self.hooks.notify(why)
            return
        previous = self.current_match
        if previous is None:
            current = 0 if step > 0 else len(matches) - 1
        else:
            current = (previous + step) % len(matches)
        wrapped = previous is not None and (current < previous if step > 0 else current > previous)
        self.current_match = current
        match = matches[current]
        self.hooks.jump(lambda: self.article.go_to_span(match.unit, match.start, match.end))
        if wrapped:
            where = "top" if step > 0 else "bottom"
            self.hooks.notify(f"Search wrapped to the {where}.")
        self._show_count(" (wrapped)" if wrapped else "")
