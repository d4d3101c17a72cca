"""Read what a reader saved straight from the state database, as a test checks it.

Opened read-only (SQLite's `mode=ro`), so looking never changes what is looked at.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from briefing.store.statestore import flush_all

BUNDLED_ID = "iran-pakistan-2024-01"


def saved_state(
    folder: Path, briefing_id: str = BUNDLED_ID, reader: str | None = None
) -> dict[str, Any] | None:
    """The reading state saved in `folder`'s state.sqlite3 (any reader when None), or None.

    A reader in this process queues its saves for the store's writer thread, and
    `briefing` flushes that queue only on its way out (`run_reader`); a Pilot test
    ends without that step, so the queue is flushed here first, as the process would.
    """
    flush_all()
    database = folder / "state.sqlite3"
    if not database.exists():
        return None
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        query = "SELECT payload FROM reader_state WHERE kind = 'state' AND briefing = ?"
        parameters: tuple[str, ...] = (briefing_id,)
        if reader is not None:
            query += " AND reader = ?"
            parameters += (reader,)
        row = connection.execute(query, parameters).fetchone()
    if row is None:
        return None
    loaded: dict[str, Any] = json.loads(bytes(row[0]))
    return loaded


def saved_state_in_postgres(
    url: str, reader: str, briefing_id: str = BUNDLED_ID
) -> dict[str, Any] | None:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT payload FROM reader_state"
            " WHERE kind = 'state' AND briefing = %s AND reader = %s",
            (briefing_id, reader),
        ).fetchone()
    if row is None:
        return None
    loaded: dict[str, Any] = json.loads(bytes(row[0]))
    return loaded
