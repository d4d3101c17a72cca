"""Never lose what the user has: atomic writes, and damaged files set aside.

A file is written so that a crash, a kill -9 or a dropped link leaves the old one or the new one.

Every file the reader keeps for the user goes through here: reading state,
remembered versions, preferences, subscriptions and downloaded briefings.
The data goes to a hidden temporary file beside the target (its name starts
with a dot, so a library scan never picks it up), is flushed to disk, and is
renamed over the target. Temp files a killed writer left behind are swept,
but only old ones: another reader of the same file may be writing right now.
A file that cannot be read back is renamed aside, never deleted or overwritten.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

STALE_SECONDS = 60


def _sweep(path: Path) -> None:
    cutoff = time.time() - STALE_SECONDS
    for leftover in path.parent.glob(f".{path.name}.*"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Temp file beside `path`, fsync, rename. `mode` None keeps the temp file's 0o600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep(path)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        if mode is not None:
            os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def set_aside(path: Path, word: str = "corrupt") -> Path:
    """Rename a damaged file to NAME.WORD-TIMESTAMP beside it; return the new path.

    Never replaces an earlier damaged copy, even one set aside the same second.
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.{word}-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.{word}-{stamp}-{number}")
    os.replace(path, aside)
    return aside
