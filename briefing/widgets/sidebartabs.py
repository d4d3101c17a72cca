"""The sidebar's tab line and its two panes (glossary, timeline).

Textual's TabbedContent re-activates a tab from a message it posts after
the switch: with `t` pressed twice quickly that late message switched back
to the old pane and took focus with it. This switches synchronously: one
ContentSwitcher, and a one-line header that repaints without a layout pass.
"""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import ContentSwitcher

PANES = (("tab-glossary", "Glossary"), ("tab-timeline", "Timeline"))


class SidebarTabs(Widget):
    """ " Glossary  Timeline ", the shown pane marked; click to switch."""

    DEFAULT_CSS = """
    SidebarTabs {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    active: reactive[str] = reactive("tab-glossary")

    def render(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = [" "]
        for pane, title in PANES:
            parts += [(f" {title} ", "bold reverse" if pane == self.active else ""), " "]
        return Content.assemble(*parts)

    def on_click(self, event: events.Click) -> None:
        pane = PANES[0][0] if event.x < 2 + len(PANES[0][1]) + 2 else PANES[1][0]
        switcher = self.screen.query_one("#sidebar-panes", ContentSwitcher)
        switcher.current = pane
        self.active = pane
