"""Every key binding of the reader, as data: widgets, screens and the key table read them here.

The footer, the help screen and the README's key table are all made from
these lists (see `briefing.tui.keytable`), so none of them can drift from
what the keys do; keeping them apart from the widgets lets the key table be
built without importing any widget, screen or the app.

Help and Quit live on the app too; in `READER_KEYS` they come first in the
footer, so a narrow window still shows them.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

SCROLL_KEYS: list[BindingType] = [
    Binding("j,down,ctrl+e", "line(1)", "Down", show=False, tooltip="Scroll down one line"),
    Binding("k,up,ctrl+y", "line(-1)", "Up", show=False, tooltip="Scroll up one line"),
    Binding("J", "line(1)", "Down", show=False, tooltip="Scroll down one line (as in less)"),
    Binding("K", "line(-1)", "Up", show=False, tooltip="Scroll up one line (as in less)"),
    Binding("g,home", "edge(0)", "Top", show=False, tooltip="Go to the top"),
    Binding("G,end", "edge(1)", "Bottom", show=False, tooltip="Go to the bottom"),
    Binding("space,f,pagedown,ctrl+f", "page(1)", "Page down", show=False, tooltip="Next page"),
    Binding("b,pageup,ctrl+b", "page(-1)", "Page up", show=False, tooltip="Previous page"),
    Binding("d,ctrl+d", "half_page(1)", "Half page down", show=False,
            tooltip="Scroll down half a page"),
    Binding("u,ctrl+u", "half_page(-1)", "Half page up", show=False,
            tooltip="Scroll up half a page"),
]  # fmt: skip
"""less-style scrolling, the same in every view that scrolls (article, help, changes).

Every view that takes these has the actions `line`, `page`, `half_page` and `edge`."""

ARTICLE_KEYS: list[BindingType] = [
    *SCROLL_KEYS,
    Binding("H", "view_item(0)", "First on screen", show=False,
            tooltip="Cursor to the first item on screen (as in vim)"),
    Binding("L", "view_item(-1)", "Last on screen", show=False,
            tooltip="Cursor to the last item on screen (as in vim)"),
    Binding("z", "recentre", "Centre", show=False,
            tooltip="Scroll the cursor's line to the middle (vim's zz)"),
    Binding("enter", "activate", "Open", show=False,
            tooltip="Toggle the section, or open the card of the name, under the cursor"),
]  # fmt: skip

LIST_KEYS: list[BindingType] = [
    Binding("j", "cursor_down", "Down", show=False, tooltip="Next item"),
    Binding("k", "cursor_up", "Up", show=False, tooltip="Previous item"),
    Binding("g", "first", "First", show=False, tooltip="First item"),
    Binding("G", "last", "Last", show=False, tooltip="Last item"),
]
"""vim keys on top of Textual's arrows, Home/End and PgUp/PgDn in every list."""

CARD_KEYS: list[BindingType] = [
    Binding("escape,backspace", "close", "Back", tooltip="Back to the glossary list"),
    Binding("j,down", "move(1)", "Down", show=False, tooltip="Next item"),
    Binding("k,up", "move(-1)", "Up", show=False, tooltip="Previous item"),
    Binding("g,home", "edge(0)", "First", show=False, tooltip="First item"),
    Binding("G,end", "edge(1)", "Last", show=False, tooltip="Last item"),
    Binding("pagedown,f,space", "page(1)", "Page down", show=False, tooltip="Next page"),
    Binding("pageup,b", "page(-1)", "Page up", show=False, tooltip="Previous page"),
    Binding("enter", "open", "Open", show=False,
            tooltip="Go to the mention, or open the related entry's card"),
    Binding("slash", "filter", "Filter", show=False,
            tooltip="Filter the glossary (from a card: never the article)"),
]  # fmt: skip

PANE_KEYS: list[BindingType] = [
    Binding("l,right", "screen.step_pane(1)", "Right", show=False,
            tooltip="Pane to the right: article, glossary, timeline"),
    Binding("h,left", "screen.step_pane(-1)", "Left", show=False,
            tooltip="Pane to the left: timeline, glossary, article"),
]  # fmt: skip
"""As in vim and newsboat; the article binds them too, over its sideways scrolling."""

APP_KEYS: list[BindingType] = [
    Binding("q", "quit", "Quit", show=False, tooltip="Save your place and quit"),
    Binding("ctrl+c,ctrl+q", "quit", "Quit", show=False, priority=True,
            tooltip="Save your place and quit, from anywhere (fields too)"),
    Binding("question_mark", "help", "Help", show=False, tooltip="Show every key"),
    Binding("ctrl+p", "command_palette", "Commands",
            tooltip="Command palette: sections, entries, events, actions"),
    Binding("ctrl+z", "suspend_process", "Suspend", show=False,
            tooltip="Suspend to the shell (fg comes back)"),
    Binding("U", "update_feeds", "Update feeds", show=False,
            tooltip="Update subscribed feeds in the background"),
]  # fmt: skip

READER_KEYS: list[BindingType] = [
    Binding("question_mark", "app.help", "Help", tooltip="Show every key"),
    Binding("q", "app.quit", "Quit", tooltip="Save your place and quit"),
    Binding("tab", "switch_pane", "Pane", tooltip="Switch between the article and the sidebar"),
    Binding("shift+tab", "switch_pane", "Pane", show=False, tooltip="Switch panes"),
    *PANE_KEYS,
    Binding("slash", "search", "Search",
            tooltip="Search the article (in the glossary, timeline or library: filter it)"),
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
    Binding("ctrl+o", "jump_back", "Back", show=False,
            tooltip="Back to where the last jump started (as in vim)"),
    Binding("ctrl+n", "jump_forward", "Forward", show=False,
            tooltip="Forward again after Ctrl+O"),
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
            tooltip="Back one level: card, list, sidebar, search, selection"),
]  # fmt: skip
