"""The reader screen's keys: the footer, the help screen and the README's key
table are all made from these (see briefing.tui.keytable).

Help and Quit live on the app too; here they come first in the footer, so a
narrow window still shows them.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

READER_KEYS: list[BindingType] = [
    Binding("question_mark", "app.help", "Help", tooltip="Show every key"),
    Binding("q", "app.quit", "Quit", tooltip="Save your place and quit"),
    Binding("tab", "switch_pane", "Pane", tooltip="Switch between the article and the sidebar"),
    Binding("shift+tab", "switch_pane", "Pane", show=False, tooltip="Switch panes"),
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
            tooltip="Back one level: card, list, sidebar, search, selection, library"),
]  # fmt: skip
