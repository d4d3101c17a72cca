"""The reader's top line: the outlet and date, or the section in view.

It is also the article's header: reversed while the article has focus (as
the sidebar's tab line is while the sidebar has it), a one-row repaint
rather than a tint or border over a whole pane.
"""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive

from briefing.format.model import Briefing
from briefing.tracking.changes import Changes
from briefing.tui.widgets import changemarks
from briefing.tui.widgets.statusline import StatusLine, header_line

TINY_HINT = Content.styled("? help  q quit", "bold")
"""All there is room for below `sizes.TINY` columns (the key hints are hidden)."""


class TopBar(StatusLine):
    """One line over the article and the sidebar."""

    marked: reactive[bool] = reactive(False, layout=False)
    """Whether the article has focus: the line is drawn in reverse video."""

    def render(self) -> Content:
        return header_line(self.text, self.size.width, self.marked)

    def show_place(
        self,
        briefing: Briefing,
        section: int | None,
        *,
        is_open: bool,
        changes: Changes | None,
        tiny: bool,
    ) -> None:
        """Show where the reader is: `section` in view (None: above the first)."""
        if tiny:
            self.text = TINY_HINT
        elif section is None:
            self.text = Content.assemble(
                (briefing.source.outlet, "bold"), " \u00b7 ", briefing.date.isoformat()
            )
        else:
            total = len(briefing.sections)
            self.text = Content.assemble(
                (f"{section + 1}/{total} ", "dim"),
                (briefing.sections[section].title, "bold"),
                "" if is_open else " (collapsed)",
                changemarks.mark(changes, briefing.sections[section].id),
            )
