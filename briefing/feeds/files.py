"""Atomic writes and setting damaged files aside: nothing the user has is lost half-written."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..atomic import write_atomic


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """`briefing.atomic.write_atomic`, readable by a web server unless `mode` says otherwise."""
    write_atomic(path, data, mode=mode)


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
