"""Files from before the state database: taken in once, then set aside (never deleted).

Reading state (`ID.json`), remembered versions (`versions/ID.json`) and
preferences (`preferences.toml`) were files. When one is found where it used
to live, it is read as carefully as before (regular file, size and nesting
bounds), checked by the same parser, stored when it is newer than what the
database holds (a file an older briefing wrote after the upgrade wins), and
renamed `NAME.imported-TIME`. A damaged one is set aside as `NAME.corrupt-TIME`
with a warning, as before. Looked up per record when it is first read (one
stat), so no start scans a folder. While the database is unreachable the
file is used as it is and left in place for the next start.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from briefing.format.cleaning import plain_line
from briefing.store.atomic import set_aside
from briefing.store.statestore import Store, StoreUnavailable

Record = tuple[bytes, float]


def take_in(
    store: Store,
    kind: str,
    key: str,
    path: Path,
    record: Record | None,
    *,
    read: Callable[[Path], bytes],
    check: Callable[[bytes], object],
    what: str,
    bad_word: str = "corrupt",
) -> tuple[Record | None, str | None]:
    """The record to use (the file's when it is newer) and a warning for a damaged file."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return record, None
    except OSError:
        return record, None
    try:
        data = read(path)
        check(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        reason = plain_line(str(error))[:80]
        try:
            aside = set_aside(path, bad_word)
        except OSError:
            return record, f"{what} was unreadable and is ignored"
        return record, f"{what} was unreadable ({reason}); moved aside to {aside.name}"
    if record is not None and found.st_mtime <= record[1]:
        with contextlib.suppress(OSError):
            set_aside(path, "imported")  # older than what the database holds
        return record, None
    try:
        store.save(kind, key, data, saved=found.st_mtime)
    except StoreUnavailable:
        return (data, found.st_mtime), None  # use it now, take it in next time
    with contextlib.suppress(OSError):
        set_aside(path, "imported")
    return (data, found.st_mtime), None
