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

    Each briefing's place is its own file, saved when the reader leaves it,
    so the newest file names the briefing the key was reading.
    """
    from briefing.store.state import state_dir

    try:
        files = [entry for entry in os.scandir(state_dir()) if entry.name.endswith(".json")]
        files.sort(key=lambda entry: entry.stat().st_mtime, reverse=True)
    except OSError:
        return None
    for entry in files:
        found = library.by_id(entry.name[: -len(".json")])
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
    return result if isinstance(result, int) else app.return_code or 0
