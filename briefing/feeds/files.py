"""Atomic writes and setting damaged files aside: nothing the user has is lost half-written."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write to a hidden temp file beside `path`, fsync, then rename over it.

    The temp name starts with a dot, so a library scan never picks it up.
    `mode` 0o644 lets a web server read what `publish` writes; private files pass 0o600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
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


def set_aside(path: Path) -> Path:
    """Rename a damaged file to NAME.damaged-TIMESTAMP beside it; return the new path."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while aside.exists():  # never replace an earlier damaged copy
        number += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    os.replace(path, aside)
    return aside
