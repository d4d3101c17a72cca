"""The reader as a served session runs it: no suspend, no saved state when anonymous.

Imported by the zygote only (it loads Textual); the server process never
imports this module.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from briefing.store.library import Library

ANONYMOUS_NOTICE = (
    "You are reading anonymously: your place is not saved. Connect with an SSH key to have it kept."
)


def warm() -> None:
    """Import now what a reader would import at its first frame, so forks share it.

    Found by diffing sys.modules before and after a first frame; every module
    or table loaded here is one copy for all sessions instead of one each.
    """
    import importlib

    from rich.cells import cell_len

    for name in ("briefing.cli.main", "textual.scrollbar", "textual.layouts.factory",
                 "textual.layouts.horizontal", "textual.layouts.vertical",
                 "textual.layouts.stream", "textual.layouts.grid"):  # fmt: skip
        importlib.import_module(name)
    cell_len("\u00e9\u4e2d")  # loads Rich's Unicode width table
    if os.environ.get("BRIEFING_STATE_URL", "").startswith(("postgresql:", "postgres:")):
        # Every reader of a shared database loads the PostgreSQL driver to save its
        # place: once here, it is shared by every fork instead of imported by each.
        importlib.import_module("briefing.store.pgstore")  # psycopg and its pool
    _served_app_class()


HOST_UPDATES_FEEDS = "The host updates the feeds of this server; new briefings appear here."

_CLASS: list[type[Any]] = []


def _served_app_class() -> type[Any]:
    if _CLASS:
        return _CLASS[0]
    import inspect
    from pathlib import Path

    from briefing.tui.app import BriefingApp

    css = BriefingApp.CSS_PATH
    if isinstance(css, str):  # Textual resolves it next to the subclass's module
        css = str(Path(inspect.getfile(BriefingApp)).parent / css)

    class ServedApp(BriefingApp):
        """The reader of one SSH session."""

        CSS_PATH = css

        def __init__(self, *args: Any, anonymous: bool, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.anonymous = anonymous

        def on_mount(self) -> None:
            # BriefingApp.on_mount runs too (Textual dispatches along the MRO).
            if self.anonymous:
                self.notify(ANONYMOUS_NOTICE, title="briefing", timeout=10, markup=False)

        def save_reading_state(self) -> None:
            if not self.anonymous:
                super().save_reading_state()

        def get_system_commands(self, screen: Any) -> Any:
            # The host updates the feeds (briefing update on a timer); a session cannot.
            for command in super().get_system_commands(screen):
                if command.title != "Update feeds":
                    yield command

        def action_update_feeds(self) -> None:
            self.notify(HOST_UPDATES_FEEDS, title="Feeds", timeout=4, markup=False)

        def action_suspend_process(self) -> None:
            """Ctrl+Z would stop a process the client cannot resume: refuse it."""
            self.notify("Suspending is off on a shared server.", timeout=3, markup=False)

    _CLASS.append(ServedApp)
    return ServedApp


def last_read(library: Library) -> Any:
    """The briefing this reader's place was saved for last, if the library still has it.

    The state store knows when each briefing's place was saved; a state file
    from before the store (not yet taken in) counts by its time too.
    """
    from briefing.store.state import state_dir
    from briefing.store.statestore import STATE, StoreUnavailable, store_for

    folder = state_dir()
    dated: list[tuple[float, str]] = []
    try:
        store = store_for(folder)
        for rank, key in enumerate(store.newest(STATE)):
            dated.append((float("inf") - rank, key))
    except (StoreUnavailable, ValueError):
        pass
    try:
        for entry in os.scandir(folder):
            if entry.name.endswith(".json"):
                dated.append((entry.stat().st_mtime, entry.name[: -len(".json")]))
    except OSError:
        pass
    dated.sort(reverse=True)
    for _when, briefing_id in dated:
        found = library.by_id(briefing_id)
        if found is not None:
            return found
    return None


def run_session(library: Library, *, anonymous: bool) -> int:
    """Run the reader on this process's terminal (the session's pty) until it ends."""
    from briefing.cli.main import _pick, print_briefing
    from briefing.tui.terminal import DUMB_TERMS, color_system

    found = None if anonymous else last_read(library)
    if found is None:
        found = _pick(None, library)  # the newest
    if found is None:
        return 1
    if os.environ.get("TERM", "") in DUMB_TERMS:
        print_briefing(found, "text", sys.stdout)
        return 0
    import textual.constants

    # Textual read these when the zygote imported it; this session's terminal decides.
    setattr(textual.constants, "COLOR_SYSTEM", color_system(os.environ))  # noqa: B010
    from briefing.tui.driver import ReaderDriver

    app = _served_app_class()(
        found.briefing, library=library, anonymous=anonymous, driver_class=ReaderDriver
    )
    result = app.run()
    from briefing.tui.app import finish_saving

    finish_saving()
    return result if isinstance(result, int) else app.return_code or 0
