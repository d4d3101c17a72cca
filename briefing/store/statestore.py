"""One store for everything the reader remembers, on one of two engines.

Reading state, remembered versions and preferences are records: a kind, a
key (the briefing id; "" for preferences) and a payload of bytes, per reader.
An `Engine` keeps them: SQLite (`sqlitestore`, one file in the state folder,
the default) or PostgreSQL (`pgstore`, when `BRIEFING_STATE_URL` names one, so
several `briefing serve` hosts share their readers' places).

`Store` is what the rest of the program uses. Saves go to a queue that holds
the newest payload per record (so it stays small however often the reader
saves) and one writer thread drains it: the event loop never waits for a
database. A database that cannot be reached keeps its records queued; the
next save tries again, and the store says once per outage that places are
not being saved (`Store.take_notice`). Loads are synchronous (the first frame
needs the place) but fail at once, without waiting on a connection, while the
database is known to be down.

Neither engine is imported until a record is read or written, and SQLite not
even then when no database file exists yet: a first start imports no
database code at all. No Textual here.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from briefing.store.engine import Engine, StoreUnavailable

T = TypeVar("T")

__all__ = ["Engine", "Store", "StoreUnavailable", "store_for"]

STATE = "state"
VERSION = "version"
PREFERENCES = "preferences"
KINDS = (STATE, VERSION, PREFERENCES)

MAX_PAYLOAD = {STATE: 1_000_000, VERSION: 4_000_000, PREFERENCES: 64_000}
"""Largest payload of each kind, the same bounds the files had."""
MAX_RECORDS = {STATE: 5_000, VERSION: 500, PREFERENCES: 1}
"""Most records of a kind per reader; the least recently saved are forgotten first."""

RETRY_SECONDS = 10.0
"""While the database is down, loads fail at once for this long after a failure, and
queued saves are tried again this often (and at every new save)."""
FLUSH_SECONDS = 5.0
"""How long a synchronous save, or the reader at exit, waits for the queue to drain."""

URL_VARIABLE = "BRIEFING_STATE_URL"
READER_VARIABLE = "BRIEFING_READER"
DATABASE_NAME = "state.sqlite3"

UNSAVED_NOTICE = (
    "The reading-state database cannot be reached: your place will not be saved "
    "until it is back (tried again at every save)."
)


def check_record(kind: str, key: str, payload: bytes) -> None:
    """Refuse what the files would never have held: a bad kind, key or size."""
    if kind not in KINDS:
        raise ValueError(f"not a kind of record: {kind!r}")
    if len(key) > 200:
        raise ValueError("key too long")
    if len(payload) > MAX_PAYLOAD[kind]:
        raise ValueError(f"{kind} larger than {MAX_PAYLOAD[kind]:,} bytes")


class Store:
    """Records of one reader, with a queue that saves them off the caller's thread."""

    def __init__(self, opener: Callable[[], Engine], *, exists: Callable[[], bool]) -> None:
        self._opener = opener
        self._exists = exists
        self._engine: Engine | None = None
        self._opening = threading.Lock()
        self._pending: dict[tuple[str, str], tuple[bytes, float]] = {}
        self._in_flight: dict[tuple[str, str], tuple[bytes, float]] = {}
        """What the writer is writing now: still read back as saved until it is."""
        self._changed = threading.Condition()
        self._writing = 0
        self._writer: threading.Thread | None = None
        self._down_since: float | None = None
        self._told = False
        self._stalled = False
        self._saves = 0
        """Saves queued so far: one that came during a failed attempt is tried at once."""
        self._warnings: list[str] = []
        self.last_error: str | None = None
        """Why the last save failed, for a log line."""
        self.on_notice: Callable[[str], None] | None = None
        """Called (from the writer thread) with the notice when a save first fails."""

    # Engines ---------------------------------------------------------------

    def engine(self) -> Engine:
        with self._opening:
            if self._engine is None:
                self._engine = self._opener()
            return self._engine

    def _call(self, action: Callable[[Engine], T]) -> T:
        if self._down_since is not None and time.monotonic() - self._down_since < RETRY_SECONDS:
            raise StoreUnavailable("the state database is unreachable")
        try:
            result = action(self.engine())
        except StoreUnavailable:
            self._down_since = time.monotonic()
            raise
        self._down_since = None
        return result

    # Reading ---------------------------------------------------------------

    def load(self, kind: str, key: str) -> tuple[bytes, float] | None:
        """The newest payload of a record: queued, or from the database."""
        with self._changed:
            queued = self._pending.get((kind, key)) or self._in_flight.get((kind, key))
        if queued is not None:
            return queued
        if self._engine is None and not self._exists():
            return None  # nothing was ever saved: no database to open, nothing imported
        return self._call(lambda engine: engine.get(kind, key))

    def exists(self, kind: str, key: str) -> bool:
        return self.load(kind, key) is not None

    def keys(self, kind: str) -> list[str]:
        self.flush()
        if self._engine is None and not self._exists():
            return []
        return sorted(self._call(lambda engine: engine.keys(kind)))

    def newest(self, kind: str, limit: int = 50) -> list[str]:
        """Keys of one kind, the most recently saved first (queued saves count)."""
        self.flush()
        if self._engine is None and not self._exists():
            return []
        return self._call(lambda engine: engine.newest(kind, limit))

    # Writing ---------------------------------------------------------------

    def save(self, kind: str, key: str, payload: bytes, *, wait: bool = True,
             saved: float | None = None) -> None:  # fmt: skip
        """Queue a record for the writer; with `wait`, until written (StoreUnavailable if not)."""
        check_record(kind, key, payload)
        with self._changed:
            self._pending[(kind, key)] = (payload, time.time() if saved is None else saved)
            self._stalled = False  # a new save: the writer tries everything queued again
            self._saves += 1
            self._changed.notify_all()
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(
                    target=self._write_forever, name="briefing-state-writer", daemon=True
                )
                self._writer.start()
        if wait and not self.flush():
            raise StoreUnavailable("the state database is unreachable; the save is queued")

    def delete(self, kind: str, key: str) -> None:
        self.flush()
        with self._changed:
            self._pending.pop((kind, key), None)
        if self._engine is not None or self._exists():
            self._call(lambda engine: engine.delete(kind, key))

    def flush(self, timeout: float = FLUSH_SECONDS) -> bool:
        """Wait until every queued record is written; False if some are still queued."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._pending or self._writing:
                if self._stalled and not self._writing:
                    return False  # the writer tried and waits for the next save
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def take_warnings(self) -> list[str]:
        """Lines not yet told: a damaged database set aside, a record that failed to save."""
        with self._changed:
            taken, self._warnings = self._warnings, []
        engine = self._engine
        if engine is not None and engine.warnings:
            taken += engine.warnings
            engine.warnings = []
        return taken

    def take_notice(self) -> str | None:
        """The "not saved" notice the first time it applies in an outage, else None."""
        with self._changed:
            if self._told or self._down_since is None:
                return None
            self._told = True
        return UNSAVED_NOTICE

    def _write_forever(self) -> None:
        while True:
            with self._changed:
                while not self._pending:
                    self._changed.wait()
                batch = dict(self._pending)
                saves_before = self._saves
                self._pending.clear()
                self._in_flight = batch
                self._writing = len(batch)
            failed: dict[tuple[str, str], tuple[bytes, float]] = {}
            for (kind, key), (payload, saved) in batch.items():
                try:
                    self._write(kind, key, payload, saved)
                except StoreUnavailable as error:
                    self.last_error = str(error)
                    failed[(kind, key)] = (payload, saved)
                except Exception as error:  # noqa: BLE001 - a writer must never die
                    self._warnings.append(f"could not save {kind}: {error}")
            notice = None
            with self._changed:
                for record, value in failed.items():
                    self._pending.setdefault(record, value)  # a newer save wins
                self._in_flight = {}
                self._writing = 0
                if failed and not self._told:
                    self._told = True
                    notice = UNSAVED_NOTICE
                elif not failed:
                    self._told = False
                newer = self._saves != saves_before  # saved while this attempt failed
                self._stalled = bool(failed) and not newer
                self._changed.notify_all()
            if notice is not None and self.on_notice is not None:
                with contextlib.suppress(Exception):
                    self.on_notice(notice)
            if failed and not newer:
                # Tried again when the next save arrives, or after a while: never a busy
                # loop against a server that is down.
                with self._changed:
                    self._changed.wait(RETRY_SECONDS)
                    self._stalled = False

    def _write(self, kind: str, key: str, payload: bytes, saved: float) -> None:
        engine = self.engine()
        try:
            engine.put(kind, key, payload, saved, MAX_RECORDS[kind])
        except StoreUnavailable:
            self._down_since = time.monotonic()
            raise
        self._down_since = None

    def close(self) -> None:
        self.flush()
        with self._opening:
            if self._engine is not None:
                self._engine.close()
                self._engine = None


# Which store ---------------------------------------------------------------

_STORES: dict[tuple[str, str, str], Store] = {}
_STORES_LOCK = threading.Lock()


def reader_name() -> str:
    """Whose records: `BRIEFING_READER` (set per SSH key by `briefing serve`), else the user."""
    named = os.environ.get(READER_VARIABLE)
    if named:
        return named[:200]
    try:
        return f"local:{getpass.getuser()}"[:200]
    except (KeyError, OSError):
        return "local"


def store_for(directory: Path) -> Store:
    """The one store of this process for a state folder (and the database URL, if any)."""
    url = os.environ.get(URL_VARIABLE, "")
    reader = reader_name()
    cache_key = (url, str(directory), reader)
    with _STORES_LOCK:
        store = _STORES.get(cache_key)
        if store is None:
            store = _make(url, directory, reader)
            _STORES[cache_key] = store
        return store


def _make(url: str, directory: Path, reader: str) -> Store:
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise ValueError(f"{URL_VARIABLE} must be a postgresql:// URL")

        def open_postgres() -> Engine:
            from briefing.store.pgstore import PostgresEngine

            return PostgresEngine(url, reader)

        return Store(open_postgres, exists=lambda: True)
    database = directory / DATABASE_NAME

    def open_sqlite() -> Engine:
        from briefing.store.sqlitestore import SqliteEngine

        return SqliteEngine(database, reader)

    return Store(open_sqlite, exists=database.exists)


def flush_all(timeout: float = FLUSH_SECONDS) -> bool:
    """Before the process exits: write what is queued; False when some could not be."""
    with _STORES_LOCK:
        stores = list(_STORES.values())
    deadline = time.monotonic() + timeout
    done = True
    for store in stores:
        done = store.flush(max(0.0, deadline - time.monotonic())) and done
    return done


def forget_stores() -> None:
    """Close every store (tests, and a forked process that must not share connections)."""
    with _STORES_LOCK:
        stores = list(_STORES.values())
        _STORES.clear()
    for store in stores:
        with contextlib.suppress(Exception):
            store.close()
