"""The change view: one section's words added and removed since you last read it.

Opened with `D` on a changed (or new) section and closed with `D` or Esc.
The word diff runs in a thread: two sections near the 20,000-character bound
take a noticeable moment, and the reader must keep answering keys meanwhile.
The thread polls its worker's cancellation between steps, so closing the view
or quitting never waits for a diff nobody will see.
Content is untrusted: it reaches the screen only as `Content` pieces, never
as markup, and the `[+…+]`/`[-…-]` markers keep the view readable without
colour (NO_COLOR, a monochrome terminal, a screen reader).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from briefing.tracking.changes import Changes, SectionChange
from briefing.tracking.worddiff import DiffCancelled, Op, marked_pieces, without_title, word_diff
from briefing.tui.widgets.pager import Pager

if TYPE_CHECKING:
    from briefing.format.model import Briefing

ADDED = "bold underline $text-success"
REMOVED = "strike $text-error"


def diff_content(change: SectionChange, cancelled: Callable[[], bool] | None = None) -> Content:
    """The marked diff of a section as Content (plain pieces, markers, styles)."""
    pieces: list[tuple[Op, str]]
    if change.status == "new" and change.new is not None:
        pieces = without_title([("+", change.new)], change.title)
    elif change.old is not None and change.new is not None:
        diff = word_diff(change.old, change.new, cancelled)
        pieces = marked_pieces(without_title(diff, change.title))
    else:
        pieces = []
    parts: list[tuple[str, str] | str] = []
    for op, text in pieces:
        if op == "=":
            parts.append(text)
        else:
            parts.append((f"[{op}{text}{op}]", ADDED if op == "+" else REMOVED))
    return Content.assemble(*parts)


class DiffScreen(ModalScreen[None]):
    """A section's change, over the reader."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,D", "dismiss", "Close", tooltip="Back to the article"),
    ]
    DEFAULT_CSS = """
    DiffScreen { align: center middle; }
    #diff-box {
        width: 90%; max-width: 104; height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #diff-title { text-style: bold; height: auto; }
    #diff-hint { color: $text-muted; height: 1; }
    #diff-scroll { height: 1fr; }
    """

    def __init__(self, number: int, change: SectionChange) -> None:
        super().__init__()
        self.number = number
        self.change = change

    def compose(self) -> ComposeResult:
        status = "new since you last read" if self.change.status == "new" else "changed"
        title = Content.assemble(f"{self.number}. ", self.change.title, (f"  [{status}]", "dim"))
        with Vertical(id="diff-box"):
            yield Static(title, id="diff-title")
            yield Static(
                Content.styled("[+added+]  [-removed-]   D or Esc closes", "dim"), id="diff-hint"
            )
            with Pager(id="diff-scroll"):
                yield Static(Content.styled("Comparing\u2026", "dim"), id="diff-body")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Pager))
        self.run_worker(self._compute, thread=True, exclusive=True)

    def _compute(self) -> None:
        worker = get_current_worker()
        try:
            content = diff_content(self.change, lambda: worker.is_cancelled)
        except DiffCancelled:
            return
        self.app.call_from_thread(self._show, content)

    def _show(self, content: Content) -> None:
        self.query_one("#diff-body", Static).update(content)


def open_diff(
    screen: Screen[None], briefing: Briefing, changes: Changes | None, index: int
) -> None:
    """Show section `index`'s change since last read, or say why there is none to show."""
    section = briefing.sections[index]
    change = None
    if changes is not None:
        change = next(
            (c for c in changes.sections if c.id == section.id and c.status != "removed"), None
        )
    if change is None or change.status == "same":
        message = f"Section {index + 1} has not changed since you last read it."
        screen.notify(message, timeout=3, markup=False)
    elif change.status == "changed" and not change.has_diff:
        message = f"Section {index + 1} changed, but it is too long to compare word by word."
        screen.notify(message, timeout=4, markup=False)
    else:
        screen.app.push_screen(DiffScreen(index + 1, change))
