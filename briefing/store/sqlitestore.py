"""The embedded engine: one SQLite file (`state.sqlite3`) in the state folder.

WAL mode, so two readers of the same briefing in two terminals read while the
other writes, and each save is one transaction: the last writer wins per
record, and a kill -9 mid-save leaves the record as it was before that save
(`synchronous=FULL`: a committed save is on disk, as the fsynced files were).
A file that is not a database, or a damaged one, is set aside with its WAL
beside it (never deleted) and the reader starts on a fresh database with a
warning; a newer schema than this program knows is left alone. Imported only
when a record is read or written and the file exists (or is being made).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from briefing.format.cleaning import plain_line
from briefing.store import schema
from briefing.store.atomic import set_aside
from briefing.store.engine import Engine, StoreUnavailable

T = TypeVar("T")

BUSY_MILLISECONDS = 5_000
"""How long a write waits for another process's write (WAL readers never wait)."""


class SqliteEngine(Engine):
    """One connection, shared by the reader and the writer thread under a lock."""

    def __init__(self, path: Path, reader: str) -> None:
        self.path = path
        self.reader = reader
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None
        with self._lock:
            self._connect()

    # Opening ---------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._connection is not None:
            return self._connection
        try:
            self._connection = self._open()
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(f"the state database: {plain_line(str(error))}") from None
        except sqlite3.DatabaseError as error:
            self._set_aside(error)
            try:
                self._connection = self._open()
            except sqlite3.DatabaseError as again:
                raise StoreUnavailable(f"the state database: {plain_line(str(again))}") from None
        return self._connection

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            # Made here, private, before SQLite would make it world-readable (its
            # WAL and shared-memory files take this file's permissions).
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        else:
            if not stat.S_ISREG(mode):
                raise sqlite3.DatabaseError("not a regular file")
        connection = sqlite3.connect(
            self.path, timeout=BUSY_MILLISECONDS / 1000, isolation_level=None,
            check_same_thread=False,
        )  # fmt: skip
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_MILLISECONDS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            _migrate(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _set_aside(self, error: BaseException) -> None:
        """Rename the damaged file (and its WAL) aside; say so once."""
        if self._connection is not None:
            with contextlib.suppress(sqlite3.Error):
                self._connection.close()
            self._connection = None
        reason = plain_line(str(error))[:80]
        try:
            aside = set_aside(self.path)
        except OSError:
            self.warnings.append(f"the state database was unreadable ({reason}) and is ignored")
            raise StoreUnavailable("the state database is damaged and cannot be moved") from None
        for suffix in ("-wal", "-shm"):
            companion = self.path.with_name(self.path.name + suffix)
            if companion.exists():
                with contextlib.suppress(OSError):
                    os.replace(companion, aside.with_name(aside.name + suffix))
        self.warnings.append(
            f"the state database was unreadable ({reason}); moved aside to {aside.name}"
        )

    def _run(self, action: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            for attempt in (1, 2):
                connection = self._connect()
                try:
                    return action(connection)
                except sqlite3.OperationalError as error:
                    raise StoreUnavailable(
                        f"the state database: {plain_line(str(error))}"
                    ) from None
                except sqlite3.DatabaseError as error:
                    if attempt == 2:
                        raise StoreUnavailable(
                            f"the state database: {plain_line(str(error))}"
                        ) from None
                    self._set_aside(error)
            raise AssertionError("unreachable")

    # Records ---------------------------------------------------------------

    def get(self, kind: str, key: str) -> tuple[bytes, float] | None:
        def select(connection: sqlite3.Connection) -> tuple[bytes, float] | None:
            row = connection.execute(
                "SELECT payload, saved FROM reader_state"
                " WHERE reader = ? AND kind = ? AND briefing = ?",
                (self.reader, kind, key),
            ).fetchone()
            return None if row is None else (bytes(row[0]), float(row[1]))

        return self._run(select)

    def put(self, kind: str, key: str, payload: bytes, saved: float, cap: int) -> None:
        def upsert(connection: sqlite3.Connection) -> None:
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(
                    "INSERT INTO reader_state (reader, kind, briefing, payload, saved)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (reader, kind, briefing)"
                    " DO UPDATE SET payload = excluded.payload, saved = excluded.saved",
                    (self.reader, kind, key, payload, saved),
                )
                connection.execute(EVICT, (self.reader, kind, self.reader, kind, cap))
                connection.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
                raise

        self._run(upsert)

    def keys(self, kind: str) -> list[str]:
        def select(connection: sqlite3.Connection) -> list[str]:
            rows = connection.execute(
                "SELECT briefing FROM reader_state WHERE reader = ? AND kind = ?",
                (self.reader, kind),
            ).fetchall()
            return [str(row[0]) for row in rows]

        return self._run(select)

    def newest(self, kind: str, limit: int) -> list[str]:
        def select(connection: sqlite3.Connection) -> list[str]:
            rows = connection.execute(
                "SELECT briefing FROM reader_state WHERE reader = ? AND kind = ?"
                " ORDER BY saved DESC LIMIT ?",
                (self.reader, kind, limit),
            ).fetchall()
            return [str(row[0]) for row in rows]

        return self._run(select)

    def delete(self, kind: str, key: str) -> None:
        self._run(
            lambda connection: connection.execute(
                "DELETE FROM reader_state WHERE reader = ? AND kind = ? AND briefing = ?",
                (self.reader, kind, key),
            )
        )

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._connection.close()
                self._connection = None


EVICT = (
    "DELETE FROM reader_state WHERE reader = ? AND kind = ? AND briefing NOT IN"
    " (SELECT briefing FROM reader_state WHERE reader = ? AND kind = ?"
    " ORDER BY saved DESC, briefing LIMIT ?)"
)
"""Forget all but the `cap` most recently saved records of one reader and kind."""


def _migrate(connection: sqlite3.Connection) -> None:
    """Apply the migrations this file lacks, in order, each in one transaction."""
    connection.execute(schema.VERSION_TABLE)
    for number in range(1, schema.LATEST + 1):
        connection.execute("BEGIN IMMEDIATE")  # one process migrates, the others wait
        try:
            current = schema_version(connection)
            if current > schema.LATEST:
                raise sqlite3.OperationalError(
                    f"made by a newer briefing (schema {current}); left as it is"
                )
            if current < number:
                for statement in schema.statements(number, schema.SQLITE):
                    connection.execute(statement)
                connection.execute("DELETE FROM briefing_schema")
                connection.execute("INSERT INTO briefing_schema (version) VALUES (?)", (number,))
            connection.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                connection.execute("ROLLBACK")
            raise


def schema_version(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT max(version) FROM briefing_schema").fetchone()
    return 0 if row is None or row[0] is None else int(row[0])
