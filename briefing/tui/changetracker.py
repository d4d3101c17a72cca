"""The app's side of change tracking: marks on opening, memory on leaving, live reload.

Kept out of app.py so the app needs only a few hooks: `prepare` before a reader
screen is made (its result goes to the screen's constructor), `remember` when
the reading state is saved, `start` after the first frame. The tracker sees
the app only through `TrackerHost`, so this module does not import it.
Loading a changed file and comparing it run in a thread, so the event loop
never waits for the loader (0.5 s for a briefing at the limits).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from briefing.format.loader import BriefingError, Loaded, display_path, load_path
from briefing.format.model import Briefing
from briefing.store.state import ReadingState
from briefing.store.versions import (
    changes_since_read,
    has_version,
    load_version,
    open_with_changes,
    remember,
    removed_line,
)
from briefing.tracking.changes import (
    Changes,
    ReadingChanges,
    Version,
    briefing_hash,
    compare_versions,
    header_parts,
    version_of,
)
from briefing.tracking.filewatch import POLL_SECONDS, SETTLE_SECONDS, FileWatch, watching_enabled

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.worker import Worker

    from briefing.tui.screens.readerscreen import ReaderScreen

NOTE_TITLE = "Since you last read"
NOT_RELOADED = "Not reloaded: still showing the last good version"


class TrackerHost(Protocol):
    """What the tracker needs of the app: the reader shown, workers and notices."""

    @property
    def is_running(self) -> bool: ...

    @property
    def reader(self) -> ReaderScreen | None: ...

    @property
    def screen(self) -> Screen[object]: ...

    def run_worker(
        self,
        work: Awaitable[None],
        name: str | None = ...,
        group: str = ...,
        description: str = ...,
        exit_on_error: bool = ...,
        start: bool = ...,
        exclusive: bool = ...,
        thread: bool = ...,
    ) -> Worker[None]: ...

    def notify(
        self,
        message: str,
        *,
        title: str = ...,
        severity: SeverityLevel = ...,
        timeout: float | None = ...,
        markup: bool = ...,
    ) -> None: ...

    def replace_reader(
        self, old: ReaderScreen, briefing: Briefing, tracked: ReadingChanges
    ) -> None: ...

    def log_warning(self, text: str) -> None: ...


class ChangeTracker:
    """Owned by the app: one per session."""

    def __init__(self, app: TrackerHost, state_dir: Path | None, *, fresh: bool = False) -> None:
        self.app = app
        self.state_dir = state_dir
        self.fresh = fresh
        self._watch: FileWatch | None = None
        self.told: list[str] = []
        """Every note given on opening (a warning, what changed), in order."""
        self._reloading = False

    # Opening and leaving -------------------------------------------------

    def prepare(self, briefing: Briefing, state: ReadingState) -> tuple[ReadingChanges, list[str]]:
        """What changed since last read, for a new reader screen; lines to tell the user.

        Opens the changed sections in `state` (the screen is made from it).
        """
        if briefing.path is not None:
            # Watch from the moment it was loaded: a save during start-up still counts.
            self._watch = FileWatch(briefing.path)
        seen = None if self.fresh else state.seen
        version, changes, warning = changes_since_read(briefing, seen, self.state_dir)
        tracked = ReadingChanges(version=version, seen=state.seen)
        notes = [warning] if warning else []
        if changes is not None and changes.any:
            tracked.changes = changes
            # What was read, for live reloads to mark against (read a second
            # time only when something changed, which is rare).
            tracked.read, _ = load_version(briefing.id, self.state_dir)
            state.open_sections = open_with_changes(briefing, state.open_sections, changes)
            notes.append(describe(changes))
        self.told.extend(notes)
        return tracked, notes

    def remember(self, briefing: Briefing, tracked: ReadingChanges) -> str | None:
        """Keep what the reader shows as the version last read; the hash for the state record."""
        try:
            if tracked.version is None:
                # Opened unchanged (or never read): one fast hash says if there is work.
                if tracked.seen == briefing_hash(briefing) and has_version(
                    briefing.id, self.state_dir
                ):
                    return tracked.seen
                tracked.version = version_of(briefing)
            # Queued for the store's writer thread: the event loop never waits for a database.
            tracked.seen = remember(tracked.version, tracked.seen, self.state_dir, wait=False)
        except (OSError, ValueError) as error:
            self.app.log_warning(f"could not remember the version read: {error}")
        return tracked.seen

    # Live reload -----------------------------------------------------------

    def start(self) -> None:
        """Begin polling the open briefing's file (after the first frame).

        A session of `briefing serve` does not poll: the server watches the
        library once for everyone and sends SIGUSR1 when it changed; the
        reader then looks at its file, as one poll would.
        """
        loop = asyncio.get_running_loop()
        if watching_enabled():
            loop.call_later(POLL_SECONDS, self._tick)
        elif os.environ.get("BRIEFING_SERVED") == "1":
            # `prepare` took the file's signature when the briefing was shown: a
            # nudge compares against that, so a change made before now still counts.
            loop.add_signal_handler(signal.SIGUSR1, self._nudged)
            # A nudge sent before this handler existed was ignored (SIG_IGN until
            # now): look once, so a change made while the reader started is seen.
            loop.call_soon(self._nudged)

    def _nudged(self) -> None:
        """Look at the file until it holds still (as the poll does), then stop."""
        if self.app.is_running and self._poll():
            asyncio.get_running_loop().call_later(SETTLE_SECONDS, self._nudged)

    def _tick(self) -> None:
        if not self.app.is_running:
            return
        delay = POLL_SECONDS
        try:
            if self._poll():
                delay = SETTLE_SECONDS
        finally:
            asyncio.get_running_loop().call_later(delay, self._tick)

    def _poll(self) -> bool:
        """Check the open file once; True when it should be checked again soon."""
        reader = self.app.reader
        if reader is None or self._reloading or self.app.screen is not reader:
            return False
        path = reader.briefing.path
        if path is None:
            return False
        if self._watch is None or self._watch.path != path:
            self._watch = FileWatch(path)
            return False
        if self._watch.poll():
            self._reloading = True
            self.app.run_worker(self._reload(reader, path), exclusive=True, group="reload")
        return self._watch.moving

    async def _reload(self, reader: ReaderScreen, path: Path) -> None:
        try:
            result = await asyncio.to_thread(
                _load_and_compare,
                reader.briefing,
                reader.tracked.version,
                path,
                reader.tracked.read,
            )
        finally:
            self._reloading = False
        if isinstance(result, str):
            self.app.notify(result, title=NOT_RELOADED, severity="error", markup=False)
            return
        if result is None or self.app.reader is not reader:
            return  # nothing but the bytes changed, or the reader moved on
        tracked = ReadingChanges(
            result.since_read, result.version, reader.tracked.seen, read=result.read
        )
        self.app.replace_reader(reader, result.briefing, tracked)
        shown = _shown(path, result.briefing.title)
        self.app.notify(
            f"{shown}: {result.changes.summary()}",
            title="Reloaded",
            severity="information",
            markup=False,
        )


@dataclasses.dataclass(frozen=True, slots=True)
class _Reloaded:
    """A file loaded again, compared with what is shown and with what was last read."""

    briefing: Briefing
    changes: Changes
    """Since the version shown: what the notice says."""
    since_read: Changes
    """Since the version last read: what the sections are marked with."""
    version: Version
    read: Version
    """The version last read (the one shown when it was read)."""


def _load_and_compare(
    shown: Briefing, old: Version | None, path: Path, read: Version | None = None
) -> _Reloaded | str | None:
    """In a thread: the new briefing and what changed, a one-line reason, or None (same).

    Marks are against the version last read (`read`, else the one shown), so a
    section changed before the reload and not read since stays marked.
    """
    try:
        loaded: Loaded = load_path(path)
    except BriefingError as error:
        first = error.diagnostics[0] if error.diagnostics else None
        where = _shown(path, shown.title)
        reason = str(first) if first is not None else f"{where}: could not be read"
        if first is not None and _served():
            reason = f"{where}:{first.line}:{first.column}: {first.severity}: {first.message}"
        more = len(error.diagnostics) - 1
        suffix = f" (+{more} more)" if more > 0 else ""
        return f"{reason.splitlines()[0]}{suffix}"
    except OSError as error:
        return f"{_shown(path, shown.title)}: {error.strerror}"
    briefing = loaded.briefing
    if old is None or old.briefing_id != briefing.id:
        old = version_of(shown)
    if old.hash == briefing_hash(briefing):
        return None
    version = version_of(briefing)
    changes = compare_versions(old, version, briefing)
    changes = dataclasses.replace(changes, parts=changes.parts | header_parts(shown, briefing))
    if read is None or read.briefing_id != briefing.id:
        read = old
    since_read = changes if read is old else compare_versions(read, version, briefing)
    return _Reloaded(briefing, changes, since_read, version, read)


def _served() -> bool:
    return os.environ.get("BRIEFING_SERVED") == "1"


def _shown(path: Path, title: str) -> str:
    """The file as a notice names it: a served session says the title, never the host's path."""
    return title if _served() else display_path(path)


def describe(changes: Changes) -> str:
    """The one notification on opening a changed briefing."""
    line = changes.summary(removed=False)
    removed = removed_line(changes)
    if removed:
        line = f"{line}. {removed}" if line != "no changes" else removed
    return line
