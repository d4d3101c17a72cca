"""The state database's schema, created and migrated by the program, never by hand.

Both engines (SQLite, PostgreSQL) hold the same one table: a row per reader,
kind of record and briefing, whose payload is the same JSON (or TOML, for
preferences) the files held, so the files' validation reads it back.

A table `briefing_schema` holds the number of the last migration applied.
Migrations run in order, each in its own transaction together with the new
number, so a crash mid-migration leaves the schema as it was before that
step. Several processes may start at once (two terminals, N serve backends):
SQLite's `BEGIN IMMEDIATE` and PostgreSQL's transaction-scoped advisory lock
let one of them migrate while the others wait, then find nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Types:
    """What a column is called in each engine's dialect."""

    blob: str
    real: str


SQLITE = Types(blob="BLOB", real="REAL")
POSTGRES = Types(blob="BYTEA", real="DOUBLE PRECISION")

VERSION_TABLE = "CREATE TABLE IF NOT EXISTS briefing_schema (version INTEGER NOT NULL)"

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: one row per reader, kind and briefing; last writer wins on the key.
    (
        "CREATE TABLE reader_state ("
        " reader TEXT NOT NULL,"
        " kind TEXT NOT NULL,"
        " briefing TEXT NOT NULL,"
        " payload {blob} NOT NULL,"
        " saved {real} NOT NULL,"
        " PRIMARY KEY (reader, kind, briefing))",
    ),
    # 2: eviction of the least recently saved rows of one reader and kind.
    ("CREATE INDEX reader_state_by_age ON reader_state (reader, kind, saved)",),
)


def statements(number: int, types: Types) -> list[str]:
    """The statements of migration `number` (1-based) in an engine's dialect."""
    return [text.format(blob=types.blob, real=types.real) for text in MIGRATIONS[number - 1]]


LATEST = len(MIGRATIONS)
