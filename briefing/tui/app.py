"""The Textual application: screens, global keys, commands, signals, state."""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.driver import Driver
from textual.reactive import Initialize, Reactive
from textual.screen import Screen

from briefing.format.model import Briefing
from briefing.store.library import Found, Library
from briefing.store.preferences import load_preferences, save_preferences
from briefing.store.state import ReadingState, load_state, save_state
from briefing.tracking.changes import ReadingChanges
from briefing.tui.bindings import APP_KEYS
from briefing.tui.changetracker import NOTE_TITLE, ChangeTracker
from briefing.tui.screens.readerscreen import ReaderScreen
from briefing.tui.themes import offered, starting_color_system, theme_to_use

if TYPE_CHECKING:
    from textual.command import Provider

    from briefing.feeds.background import BackgroundUpdate


def _briefing_commands() -> type[Provider]:
    """The palette's briefing commands, imported when the palette first opens."""
    from briefing.tui.palette import BriefingCommands

    return BriefingCommands


def _theme_to_start_with(app: BriefingApp) -> str:
    """The theme Textual reads first, when it builds the stylesheet's colours.

    Textual parses the whole stylesheet with the first theme's colours, and
    again from scratch at each change of theme, forgetting what it parsed. A
    switch at mount (with a saved theme, or in 16 colours, where Textual's
    default is not readable) made that three parses before the first frame,
    ~13 ms.
    """
    return theme_to_use(app.preferences.theme, app.available_themes, starting_color_system())[0]


class BriefingApp(App[int]):
    """A full-screen reader for one briefing at a time, with a library one key away."""

    CSS_PATH = "briefing.tcss"
    TITLE = "briefing"
    COMMANDS = App.COMMANDS | {_briefing_commands}
    BINDINGS: ClassVar[list[BindingType]] = APP_KEYS
    theme: Reactive[str] = Reactive(Initialize(_theme_to_start_with))

    def __init__(
        self,
        briefing: Briefing,
        *,
        paths: Sequence[str] = (),
        library: Library | None = None,
        fresh: bool = False,
        state_dir: Path | None = None,
        config_dir: Path | None = None,
        driver_class: type[Driver] | None = None,
    ) -> None:
        # Before Textual's own set-up, which asks for the theme to start with.
        self.preferences, self._warnings = load_preferences(config_dir, state_dir)
        super().__init__(driver_class=driver_class)
        theme, warning = theme_to_use(
            self.preferences.theme, self.available_themes, self.console.color_system
        )
        if theme != self.theme:  # the depth was guessed wrong: correct it (a reparse)
            self.theme = theme
        if warning is not None:
            self._warnings.append(warning)
        self.briefing = briefing
        self.paths = list(paths)
        self.fresh = fresh
        self.state_dir = state_dir
        self.library = library
        self._feeds_update: BackgroundUpdate | None = None
        """Found at start-up by the command line; discovered on first use otherwise."""
        self.tracker = ChangeTracker(self, state_dir, fresh=fresh)
        """Marks what changed since last read, remembers what was read, reloads live."""
        self._notes: list[str] = []
        self.animation_level = "none"
        self.config_dir = config_dir

    async def on_event(self, event: events.Event) -> None:
        # Each key from the terminal is handled as it arrives, so keys that
        # came in one read act as if typed slowly (see widgets/focusfix.py).
        if isinstance(event, events.Key) and not event.is_forwarded:
            from briefing.tui.widgets.focusfix import dispatch_key_now

            if await dispatch_key_now(self, event):
                return
        await super().on_event(event)

    def get_default_screen(self) -> Screen[Any]:
        # The reader is the first screen itself: pushing it over an empty
        # default screen would lay out and draw twice before the first frame.
        return self._reader(self.briefing)

    def on_mount(self) -> None:
        self._hear_the_store()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.app_resume_signal.subscribe(self, self._resumed)
        for warning in self._warnings:
            self.notify(warning, title="Reading state", severity="warning", markup=False)
        for note in self._notes:
            self.notify(note, title=NOTE_TITLE, markup=False, timeout=8)
        self.call_after_refresh(self._after_first_frame)
        try:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self._on_signal)
        except (NotImplementedError, RuntimeError, ValueError):
            pass

    def _hear_the_store(self) -> None:
        """Say once, when a queued save first fails, that the place is not being saved."""
        from briefing.store.state import state_dir
        from briefing.store.statestore import store_for

        try:
            store = store_for(self.state_dir or state_dir())
        except (ValueError, RuntimeError, KeyError, OSError):
            return

        def tell(notice: str) -> None:  # in the writer thread, which ignores a stopped app
            self.call_from_thread(self._tell_unsaved, notice)

        store.on_notice = tell

    def _tell_unsaved(self, notice: str) -> None:
        self.notify(notice, title="Reading state", severity="warning", markup=False, timeout=10)

    # Preferences -------------------------------------------------------

    def offered_themes(self) -> list[str]:
        """Themes whose text stays readable at this terminal's colour depth."""
        return offered(self.available_themes, self.console.color_system)

    def _theme_changed(self, _theme: object) -> None:
        if self.preferences.theme != self.theme:
            self.preferences.theme = self.theme
            self._save_preferences()

    def on_reader_screen_sidebar_chosen(self, message: ReaderScreen.SidebarChosen) -> None:
        self.preferences.sidebar = message.shown
        self._save_preferences()

    def _save_preferences(self) -> None:
        try:
            save_preferences(self.preferences, self.config_dir, self.state_dir, wait=False)
        except (OSError, ValueError) as error:
            self.log.warning(f"could not save preferences: {error}")

    def _resumed(self, _app: object) -> None:
        """Back from Ctrl+Z: the shell drew over the screen, so draw all of it again."""
        for widget in self.screen.walk_children(with_self=True):
            widget.refresh()

    def log_warning(self, text: str) -> None:
        """A warning for the developer console (`textual console`), not the screen."""
        self.log.warning(text)

    def _on_signal(self) -> None:
        self.save_reading_state()
        self.exit(0)

    def _reader(self, briefing: Briefing, *, from_library: bool = False) -> ReaderScreen:
        state = ReadingState()
        if not self.fresh:
            state, warning = load_state(briefing.id, self.state_dir)
            if warning and self.is_running:
                self.notify(warning, title="Reading state", severity="warning", markup=False)
            elif warning:
                self._warnings.append(warning)
        tracked, notes = self.tracker.prepare(briefing, state)
        for note in notes:
            if self.is_running:
                self.notify(note, title=NOTE_TITLE, markup=False, timeout=8)
            else:
                self._notes.append(note)
        return ReaderScreen(
            briefing,
            state,
            tracked,
            from_library=from_library,
            sidebar=self.preferences.sidebar,
        )

    def replace_reader(
        self, old: ReaderScreen, briefing: Briefing, tracked: ReadingChanges
    ) -> None:
        """Show a reloaded briefing in place of `old`, keeping the reading position."""
        from briefing.store.versions import open_with_changes

        state = old.current_state()
        if tracked.changes is not None:
            state.open_sections = open_with_changes(briefing, state.open_sections, tracked.changes)
        new = ReaderScreen(
            briefing,
            state,
            tracked,
            from_library=old.from_library,
            sidebar=self.preferences.sidebar,
        )
        if self.briefing is old.briefing:
            self.briefing = briefing
        self._show_reader(new)

    def _after_first_frame(self) -> None:
        """Start watching the file, and move what start-up made out of the collector's way.

        Everything alive now (Textual, the briefing, the layout) lives as long as
        the reader: `gc.freeze` keeps full collections from scanning it again.
        Without it, the few objects a live-reload poll allocates eventually set
        off a full collection of the whole heap, ~0.1 s of CPU on an idle reader.
        A big file loaded afresh is kept now for the next start (`store.modelcache`),
        not before the first frame. The collector, paused for the start-up by
        `run_reader`, runs again from here on.
        """

        from briefing.store.modelcache import write_pending

        gc.freeze()
        gc.enable()
        self.tracker.start()
        write_pending()

    @property
    def reader(self) -> ReaderScreen | None:
        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReaderScreen):
                return screen
        return None

    def save_reading_state(self) -> None:
        reader = self.reader
        if reader is None or self.fresh and not reader.is_mounted:
            return
        try:
            state = reader.current_state()
            state.seen = self.tracker.remember(reader.briefing, reader.tracked)
            # Queued for the store's writer thread: the loop never waits for a database.
            save_state(reader.briefing.id, state, self.state_dir, wait=False)
        except (OSError, ValueError) as error:
            self.log.warning(f"could not save reading state: {error}")

    async def action_quit(self) -> None:
        self.save_reading_state()
        self.exit(0)

    def action_help(self) -> None:
        from briefing.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_library(self) -> None:
        from briefing.store.library import discover
        from briefing.tui.screens.libraryscreen import LibraryScreen

        if isinstance(self.screen, LibraryScreen):
            return
        if self.library is None:
            from briefing.store.modelcache import write_pending

            self.library = discover(self.paths)
            write_pending()
        # The list marks how far each briefing is read: the one open too, as it is now.
        self.save_reading_state()
        self.push_screen(LibraryScreen(self.library, self.state_dir), self._library_closed)

    def _library_closed(self, briefing_id: str | None) -> None:
        if briefing_id is None or self.library is None:
            return
        found = self.library.by_id(briefing_id)
        reader = self.reader
        if found is None or reader is not None and reader.briefing.id == briefing_id:
            return
        self.save_reading_state()
        self.call_after_refresh(self._open_reader, found.briefing)

    def _open_reader(self, briefing: Briefing) -> None:
        """Show another briefing once the library screen is off the stack."""
        self._show_reader(self._reader(briefing, from_library=True))

    def _show_reader(self, reader: ReaderScreen) -> None:
        """Put a reader on top: the first is the default screen and stays at the
        bottom; later ones replace each other above it."""
        if len(self.screen_stack) > 1:
            self.switch_screen(reader)
        else:
            self.push_screen(reader)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            # Screenshots write files wherever the app runs (a server, over SSH);
            # the theme list is ours, marking the current one; Textual's "Keys"
            # panel lists keys that do not apply here and ignores Esc, `?` and
            # `q` (our help, `?`, lists every key).
            title = command.title
            if "screenshot" not in title.lower() and title not in ("Theme", "Keys"):
                yield command
        for name in self.offered_themes():
            current = " \u2713 current" if name == self.theme else ""
            yield SystemCommand(f"Theme: {name}{current}", "Use this theme (remembered)",
                                partial(setattr, self, "theme", name))  # fmt: skip
        if isinstance(screen, ReaderScreen):
            yield SystemCommand(
                "Expand all sections", "Open every section", screen.action_expand_all
            )
            yield SystemCommand("Collapse all sections", "Close every section",
                                screen.action_collapse_all)  # fmt: skip
            yield SystemCommand("Toggle sidebar", "Show or hide the glossary and timeline",
                                screen.action_toggle_sidebar)  # fmt: skip
            yield SystemCommand("Timeline", "Show the timeline", screen.action_timeline)
        yield SystemCommand("Library", "Every briefing found, newest first", self.action_library)
        yield SystemCommand("Update feeds", "Download what is new in subscribed feeds (U)",
                            self.action_update_feeds)  # fmt: skip
        yield SystemCommand("Help", "Every key, what it does", self.action_help)

    def action_update_feeds(self) -> None:
        """Update in a thread (its own event loop and HTTP client): keys stay instant."""
        self.notify("Updating feeds\u2026", title="Feeds", timeout=2, markup=False)
        self.run_worker(
            self._update_feeds, thread=True, exclusive=True, group="feeds", exit_on_error=False
        )

    def _update_feeds(self) -> None:
        from briefing.feeds.background import BackgroundUpdate

        update = self._feeds_update = BackgroundUpdate()
        if not self.is_running:  # quit before the thread started
            return
        try:
            summary = update.run()
        except OSError as error:  # a full disk, an unwritable folder: say so, keep reading
            message = f"Feeds were not updated: {error.strerror or error}"
            if self.is_running:
                self.call_from_thread(self._feeds_updated, message, True, False)
            return
        if not self.is_running:  # stopped by quitting: nobody to tell
            return
        self.call_from_thread(self._feeds_updated, summary.message, summary.failed, summary.arrived)

    def on_unmount(self) -> None:
        """Quitting (q, SIGHUP, SIGTERM) stops an update in flight instead of waiting for it.

        The worker thread runs in the event loop's executor, which is joined before
        the process exits; stopped, the update cancels its downloads and saves at once.
        """
        if self._feeds_update is not None:
            self._feeds_update.stop()

    def _feeds_updated(self, message: str, failed: bool, arrived: bool) -> None:
        if arrived:
            self.library = None  # read again, feed folders included, when the library opens
        self.notify(
            message, title="Feeds", severity="warning" if failed else "information", markup=False
        )


def run_reader(
    found: Found, library: Library | None, *, paths: Sequence[str] = (), fresh: bool = False
) -> int:
    """Run the reader until the user quits; the process exit status.

    With no `library`, the library screen discovers one from `paths` and the
    standard places when it first opens.
    """
    from briefing.tui.driver import ReaderDriver
    from briefing.tui.terminal import drawing_on_the_terminal

    # Until the first frame, the cycle collector would only scan, over and
    # over, the ~70,000 objects start-up makes to keep (~110 collections,
    # ~60 ms of the first frame's ~0.45 s on the bundled briefing); the app
    # freezes them and turns it back on after that frame. The few thousand
    # objects start-up drops in cycles are frozen with them (a collection to
    # free them costs as much again).
    gc.disable()
    with _folders_for_this_run() as (state_dir, config_dir):
        app = BriefingApp(
            found.briefing,
            paths=paths,
            library=library,
            fresh=fresh,
            driver_class=ReaderDriver,
            state_dir=state_dir,
            config_dir=config_dir,
        )
        try:
            with drawing_on_the_terminal():
                result = app.run()
        finally:
            gc.enable()  # when the reader stopped before its first frame
        finish_saving()
    return result if isinstance(result, int) else app.return_code or 0


def finish_saving() -> None:
    """Before the process ends: write what the reader queued, waiting a bounded time."""
    from briefing.store.statestore import flush_all

    if not flush_all():
        print("briefing: the state database cannot be reached: your place was not saved",
              file=sys.stderr)  # fmt: skip


@contextmanager
def _folders_for_this_run() -> Iterator[tuple[Path | None, Path | None]]:
    """The user's state and config folders (None: the platform's), or throwaway ones.

    With no home directory to hold them (HOME unset and no passwd entry, as for
    some service accounts) platformdirs raises; the reader then works in a
    temporary folder removed at exit, and says once that nothing is kept.
    """
    from briefing.store.preferences import config_dir
    from briefing.store.state import state_dir

    try:
        state_dir(), config_dir()
    except (RuntimeError, KeyError, OSError):
        print("briefing: no home directory: your place will not be kept", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="briefing-") as scratch:
            yield Path(scratch) / "state", Path(scratch) / "config"
        return
    yield None, None
