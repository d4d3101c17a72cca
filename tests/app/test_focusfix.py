"""What widgets/focusfix.py works around is still what Textual does.

Each test here shows one behaviour of Textual itself (no briefing code): when
one fails, Textual has changed and the workaround it names may go.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import OptionList

from briefing.tui.widgets.focusfix import option_focus_lines

whole_repaints: list[str] = []


class Pane(ScrollView, can_focus=True):
    def refresh(self, *regions: Any, **options: Any) -> Any:
        if not regions and not options.get("layout"):
            whole_repaints.append(self.id or "")
        return super().refresh(*regions, **options)


class PlainScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Pane(id="one")
        yield Pane(id="two")

    def refresh(self, *regions: Any, **options: Any) -> Any:
        if not regions and not options.get("layout"):
            whole_repaints.append("screen")
        return super().refresh(*regions, **options)


class Plain(App[None]):
    def get_default_screen(self) -> Screen[None]:
        return PlainScreen()


async def test_textual_repaints_whole_widgets_and_the_screen_on_focus() -> None:
    """RepaintFocusLines and NoScreenRepaintOnFocus."""
    app = Plain()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.screen.set_focus(app.screen.query_one("#one"))
        await pilot.pause()
        whole_repaints.clear()
        app.screen.set_focus(app.screen.query_one("#two"))
        await pilot.pause()
        assert {"screen", "one", "two"} <= set(whole_repaints), whole_repaints


class Recording:
    """A mixin whose `_on_hide` neither calls super nor prevents the default."""

    hides: list[str] = []

    def _on_hide(self, event: events.Hide) -> None:
        self.hides.append("mixin")


class HiddenPane(Recording, ScrollView, can_focus=True):
    pass


async def test_textual_calls_every_classs_own_handler_down_the_mro() -> None:
    """KeepFocusOnStaleHide and RepaintFocusLines call `prevent_default`:
    Widget's `_on_hide` (which blurs) runs after a mixin's that did not call it."""

    class HideApp(App[None]):
        def compose(self) -> ComposeResult:
            yield HiddenPane(id="pane")
            yield Pane(id="other")

    app = HideApp()
    async with app.run_test() as pilot:
        pane = app.query_one(HiddenPane)
        app.screen.set_focus(pane)
        await pilot.pause()
        pane.display = False
        await pilot.pause()
        assert Recording.hides == ["mixin"]
        assert app.focused is not pane  # Widget._on_hide blurred it all the same


async def test_option_list_line_index_is_where_focus_lines_reads_it() -> None:
    class ListApp(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList("one", "two\nlines", "three")

    app = ListApp()
    async with app.run_test() as pilot:
        listing = app.query_one(OptionList)
        listing.highlighted = 1
        await pilot.pause()
        assert option_focus_lines(listing) == (1, 2)
        assert isinstance(listing, Widget)
