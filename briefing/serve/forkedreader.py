"""The reader as a served session runs it: no suspend, no saved state when anonymous.

Imported by the zygote only (it loads Textual); the server process never
imports this module.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
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


COMMON_SIZES = ((100, 30), (80, 24), (120, 40), (160, 50))
"""Windows (columns, lines) the zygote draws the newest briefing in before any session."""


@dataclass
class Prepared:
    """What the zygote made once for every reader it forks (each child owns its copy).

    `stylesheet`, parsed for the default theme's `variables`, replaces the one a
    new app would parse again; `widths` are the article's text widths at
    COMMON_SIZES, where the newest briefing is laid out ahead.
    """

    variables: dict[str, str]
    stylesheet: Any
    widths: list[int] = field(default_factory=list)


_PREPARED: list[Prepared] = []


def prepare(library: Library) -> Prepared | None:
    """Draw the newest briefing headless at COMMON_SIZES, then keep what a reader reuses.

    Run by the zygote before it forks anyone: one first frame imports what
    only a first frame imports, fills Textual's and Rich's caches, checks every
    theme's contrast at every colour depth, parses the stylesheet, and finds
    the article's text width at each common size; the newest briefing's rows
    are then laid out at those widths (`prepare_layouts`). Nothing is written
    and no database is opened: the run uses a scratch folder, no state URL.
    Called again on every reload, for the new newest briefing.
    """
    from briefing.render.layout import prepare_layouts

    newest = library.newest()
    if newest is None:
        return None
    if _PREPARED:
        prepared = _PREPARED[0]
    else:
        prepared = _draw_once(newest)
        _PREPARED.append(prepared)
    prepare_layouts(newest.briefing, prepared.widths)
    return prepared


def _draw_once(found: Any) -> Prepared:
    import signal
    import tempfile
    from pathlib import Path

    from briefing.tui.themes import DEPTHS, worst_contrast
    from briefing.tui.widgets.article import ArticleView

    widths: list[int] = []

    class FirstFrameOnly(_served_app_class()):  # type: ignore[misc]
        def _hear_the_store(self) -> None:
            """No store: the run saves nothing, and a store would keep this app alive."""

    async def every_size(pilot: Any) -> None:
        await pilot.pause()
        for columns, lines in COMMON_SIZES:
            await pilot.resize_terminal(columns, lines)
            await pilot.pause()
            widths.append(pilot.app.query_one(ArticleView).layout_rows.width)
        pilot.app.exit(0)

    # The app's loop installs its own handlers and removes them on closing,
    # which leaves the defaults: the zygote's own (ignored) must come back.
    signals = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGUSR1, signal.SIGWINCH)
    kept = {signum: signal.getsignal(signum) for signum in signals}
    url = os.environ.pop("BRIEFING_STATE_URL", None)
    import textual.constants

    # The depth most clients have (TERM=xterm-256color), where the default theme
    # is offered, so the stylesheet kept is the one their apps start with.
    depth = textual.constants.COLOR_SYSTEM
    setattr(textual.constants, "COLOR_SYSTEM", "256")  # noqa: B010
    try:
        with tempfile.TemporaryDirectory(prefix="briefing-zygote-") as scratch:
            app = FirstFrameOnly(found.briefing, anonymous=False, fresh=True,
                                 state_dir=Path(scratch, "state"),
                                 config_dir=Path(scratch, "config"))  # fmt: skip
            app.run(headless=True, size=COMMON_SIZES[0], auto_pilot=every_size)
    finally:
        setattr(textual.constants, "COLOR_SYSTEM", depth)  # noqa: B010
        if url is not None:
            os.environ["BRIEFING_STATE_URL"] = url
        for signum, handler in kept.items():
            if handler is not None:
                signal.signal(signum, handler)
    for theme in app.available_themes.values():
        for colours in DEPTHS.values():
            worst_contrast(theme, colours)
    return Prepared(dict(app.theme_variables), app.stylesheet, widths)


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

        def __init__(self, *args: Any, anonymous: bool, drawn: int = -1, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.anonymous = anonymous
            self._drawn = drawn
            """Closed after the first frame: the zygote's sign that the next reader may start."""
            prepared = _PREPARED[0] if _PREPARED else None
            if (
                prepared is not None
                and prepared.stylesheet is not None
                and prepared.variables == self.theme_variables
            ):
                # Parsed by the zygote for this same theme; after the fork this
                # object is this process's own, and only this app may use it.
                self.stylesheet = prepared.stylesheet
                prepared.stylesheet = None

        def on_mount(self) -> None:
            # BriefingApp.on_mount runs too (Textual dispatches along the MRO).
            if self.anonymous:
                self.notify(ANONYMOUS_NOTICE, title="briefing", timeout=10, markup=False)
            if self._drawn >= 0:
                self.call_after_refresh(self._first_frame_drawn)

        def _first_frame_drawn(self) -> None:
            drawn, self._drawn = self._drawn, -1
            with contextlib.suppress(OSError):
                os.close(drawn)

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


def run_session(library: Library, *, anonymous: bool, drawn: int = -1) -> int:
    """Run the reader on this process's terminal (the session's pty) until it ends.

    `drawn` (a pipe's write end, or -1) is closed once the first frame is drawn.
    """
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
    import gc

    from briefing.tui.driver import ReaderDriver

    # As in `run_reader`: until the first frame, the collector would only scan
    # what start-up makes to keep; the after-first-frame hook freezes it and
    # turns the collector back on.
    gc.disable()
    app = _served_app_class()(
        found.briefing, library=library, anonymous=anonymous, drawn=drawn,
        driver_class=ReaderDriver,
    )  # fmt: skip
    try:
        result = app.run()
    finally:
        gc.enable()  # when the session ended before its first frame
    from briefing.tui.app import finish_saving

    finish_saving()
    return result if isinstance(result, int) else app.return_code or 0
