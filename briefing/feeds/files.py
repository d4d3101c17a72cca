"""Atomic writes and setting damaged files aside: nothing the user has is lost half-written."""

from __future__ import annotations

from pathlib import Path

from briefing.store.atomic import set_aside as set_aside_as
from briefing.store.atomic import write_atomic


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """`store.atomic.write_atomic`, readable by a web server unless `mode` says otherwise."""
    write_atomic(path, data, mode=mode)


def set_aside(path: Path) -> Path:
    """`briefing.store.atomic.set_aside`, as NAME.damaged-TIMESTAMP."""
    return set_aside_as(path, "damaged")
