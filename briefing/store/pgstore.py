"""The shared engine: PostgreSQL through psycopg 3, for several `briefing serve` hosts.

Chosen with `BRIEFING_STATE_URL=postgresql://...` (or `briefing serve
--state-url`). Needs the `postgres` extra (`pip install 'briefing[postgres]'`);
nothing imports this module otherwise. Each reader process holds a small
psycopg_pool pool: at most two connections (the reader's loads and the writer
thread's saves never wait for each other), none until a record is needed,
and an idle one is closed after `IDLE_SECONDS`, so hundreds of mostly idle SSH
sessions do not hold hundreds of server connections. Every wait on the
server is bounded (`WAIT_SECONDS`); past it the store treats the database as
down (`StoreUnavailable`) and the reader keeps reading.

The schema is made and migrated here, under a transaction-scoped advisory
lock, so N backends starting at once migrate once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from briefing.format.cleaning import plain_line
from briefing.store import schema
from briefing.store.engine import Engine, StoreUnavailable

T = TypeVar("T")

# psycopg_pool logs every failed connection attempt as a warning. In a reader
# those lines would be written over the screen (stderr is the terminal); the
# store says once, in the reader, that saves are failing.
_PSYCOPG_LOG = logging.getLogger("psycopg")
_PSYCOPG_LOG.addHandler(logging.NullHandler())
_PSYCOPG_LOG.propagate = False

WAIT_SECONDS = 3.0
"""Longest wait to connect or for a free connection before the database counts as down."""
IDLE_SECONDS = 30.0
"""A connection unused this long is closed."""
STATEMENT_MILLISECONDS = 10_000
"""Longest any one statement may run on the server."""
MIGRATION_LOCK = 0x62726965  # "brie": one advisory lock id for this program's migrations


class PostgresEngine(Engine):
    def __init__(self, url: str, reader: str) -> None:
        self.url = url
        self.reader = reader
        self.warnings: list[str] = []
        self._migrated = False
        self._migrating = threading.Lock()
        self._pool_lock = threading.Lock()
        self._pool = self._new_pool()

    def _new_pool(self) -> ConnectionPool[psycopg.Connection[Any]]:
        return ConnectionPool(
            self.url,
            min_size=0,
            max_size=2,
            timeout=WAIT_SECONDS,
            max_idle=IDLE_SECONDS,
            reconnect_timeout=WAIT_SECONDS,
            num_workers=1,
            check=ConnectionPool.check_connection,
            kwargs={
                "autocommit": True,
                "connect_timeout": max(1, int(WAIT_SECONDS)),
                "options": f"-c statement_timeout={STATEMENT_MILLISECONDS}",
                "application_name": "briefing",
            },
            name="briefing-state",
            open=True,
        )

    def _fresh_pool(self, failed: ConnectionPool[psycopg.Connection[Any]]) -> None:
        """After a failure, a new pool: the old one's reconnection backoff would make the
        first save after the server is back wait, and fail, again."""
        with self._pool_lock:
            if self._pool is not failed:
                return  # the other thread has replaced it already
            self._pool = self._new_pool()
        failed.close(timeout=0.1)

    def _run(self, action: Callable[[psycopg.Connection[Any]], T]) -> T:
        pool = self._pool
        try:
            with pool.connection(timeout=WAIT_SECONDS) as connection:
                if not self._migrated:
                    with self._migrating:
                        if not self._migrated:
                            migrate(connection)
                            self._migrated = True
                return action(connection)
        except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as error:
            self._fresh_pool(pool)
            reason = plain_line(str(error).strip().splitlines()[0] if str(error).strip() else "")
            raise StoreUnavailable(f"the state database: {reason[:120]}") from None

    def get(self, kind: str, key: str) -> tuple[bytes, float] | None:
        def select(connection: psycopg.Connection[Any]) -> tuple[bytes, float] | None:
            row = connection.execute(
                "SELECT payload, saved FROM reader_state"
                " WHERE reader = %s AND kind = %s AND briefing = %s",
                (self.reader, kind, key),
            ).fetchone()
            return None if row is None else (bytes(row[0]), float(row[1]))

        return self._run(select)

    def put(self, kind: str, key: str, payload: bytes, saved: float, cap: int) -> None:
        def upsert(connection: psycopg.Connection[Any]) -> None:
            with connection.transaction():
                connection.execute(
                    "INSERT INTO reader_state (reader, kind, briefing, payload, saved)"
                    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (reader, kind, briefing)"
                    " DO UPDATE SET payload = excluded.payload, saved = excluded.saved",
                    (self.reader, kind, key, payload, saved),
                )
                connection.execute(EVICT, (self.reader, kind, self.reader, kind, cap))

        self._run(upsert)

    def keys(self, kind: str) -> list[str]:
        def select(connection: psycopg.Connection[Any]) -> list[str]:
            rows = connection.execute(
                "SELECT briefing FROM reader_state WHERE reader = %s AND kind = %s",
                (self.reader, kind),
            ).fetchall()
            return [str(row[0]) for row in rows]

        return self._run(select)

    def newest(self, kind: str, limit: int) -> list[str]:
        def select(connection: psycopg.Connection[Any]) -> list[str]:
            rows = connection.execute(
                "SELECT briefing FROM reader_state WHERE reader = %s AND kind = %s"
                " ORDER BY saved DESC LIMIT %s",
                (self.reader, kind, limit),
            ).fetchall()
            return [str(row[0]) for row in rows]

        return self._run(select)

    def delete(self, kind: str, key: str) -> None:
        def remove(connection: psycopg.Connection[Any]) -> None:
            connection.execute(
                "DELETE FROM reader_state WHERE reader = %s AND kind = %s AND briefing = %s",
                (self.reader, kind, key),
            )

        self._run(remove)

    def close(self) -> None:
        self._pool.close(timeout=WAIT_SECONDS)


EVICT = (
    "DELETE FROM reader_state WHERE reader = %s AND kind = %s AND briefing NOT IN"
    " (SELECT briefing FROM reader_state WHERE reader = %s AND kind = %s"
    " ORDER BY saved DESC, briefing LIMIT %s)"
)


def migrate(connection: psycopg.Connection[Any]) -> None:
    """Apply the missing migrations in order, each in one transaction, one process at a time."""
    for number in range(1, schema.LATEST + 1):
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            connection.execute(schema.VERSION_TABLE)
            row = connection.execute("SELECT max(version) FROM briefing_schema").fetchone()
            current = 0 if row is None or row[0] is None else int(row[0])
            if current > schema.LATEST:
                raise psycopg.OperationalError(
                    f"made by a newer briefing (schema {current}); left as it is"
                )
            if current >= number:
                continue
            for statement in schema.statements(number, schema.POSTGRES):
                connection.execute(statement.encode())
            connection.execute("DELETE FROM briefing_schema")
            connection.execute("INSERT INTO briefing_schema (version) VALUES (%s)", (number,))


def schema_version(connection: psycopg.Connection[Any]) -> int:
    row = connection.execute("SELECT max(version) FROM briefing_schema").fetchone()
    return 0 if row is None or row[0] is None else int(row[0])
