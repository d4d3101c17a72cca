"""The sidebar's tab line: " Glossary  Timeline ", the shown pane marked.

Textual's TabbedContent re-activates a tab from a message it posts after
the switch: with `t` pressed twice quickly that late message switched back
to the old pane and took focus with it. The sidebar switches synchronously
(it displays one pane and hides the others); this one-line header repaints without a layout pass
and only reports clicks.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from briefing.tui.widgets.statusline import header_line

GLOSSARY = "tab-glossary"
TIMELINE = "tab-timeline"
PANES = ((GLOSSARY, "Glossary"), (TIMELINE, "Timeline"))


class SidebarTabs(Widget):
    """The tab line; `active` is the pane shown (bound to `Sidebar.pane`)."""

    DEFAULT_CSS = """
    SidebarTabs {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    active: reactive[str] = reactive(GLOSSARY)
    marked: reactive[bool] = reactive(False, layout=False)
    """Whether the sidebar has focus: the line is drawn in reverse video."""

    class Picked(Message):
        """A tab was clicked: show its pane."""

        def __init__(self, pane: str) -> None:
            super().__init__()
            self.pane = pane

    def render(self) -> Content:
        # The shown pane's tab is bold and underlined, the other dim: reverse
        # video is kept for the whole line, meaning the sidebar has focus.
        parts: list[Content | str | tuple[str, str]] = []
        for pane, title in PANES:
            parts += [" ", (title, "bold underline" if pane == self.active else "dim"), "  "]
        return header_line(Content.assemble(*parts), self.size.width, self.marked)

    def on_click(self, event: events.Click) -> None:
        pane = PANES[0][0] if event.x < 2 + len(PANES[0][1]) + 2 else PANES[1][0]
        self.post_message(self.Picked(pane))
