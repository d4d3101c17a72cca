"""Bounded per-reader state: every key that ever connected must not cost disk forever.

Each SSH key gets a folder (readers/<hash>) holding its places and the
versions it last read, up to a few MB per briefing. Without a bound, a
client making fresh keys writes a new folder per connection. The folders
are expired least recently used first: a marker file's mtime says when a
reader last started there. Kept in this small module, free of the server,
so any store of readers' state can apply the same rule to its rows.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MARKER = ".last-used"


def mark_used(folder: Path) -> bool:
    """Record that a reader starts in `folder` now; True when it was never used before."""
    marker = folder / MARKER
    fresh = not marker.exists()
    with contextlib.suppress(OSError):
        marker.touch()
        os.utime(marker)
    return fresh


@dataclass(frozen=True, slots=True)
class Entry:
    """One reader's state as the expiry rule sees it: a name, when last used, its size."""

    name: str
    last_used: float
    size: int = 0


def choose_expired(entries: Iterable[Entry], *, keep: int, max_age: float, now: float,
                   max_bytes: int | None = None, in_use: frozenset[str] = frozenset(),
                   ) -> list[str]:  # fmt: skip
    """The names to remove: unused past `max_age`, then the least recently used past
    `keep` entries or `max_bytes` in all. Names in `in_use` are never chosen (they still
    count). Pure, so a database store can run the same rule over its rows."""
    ordered = sorted(entries, key=lambda entry: entry.last_used, reverse=True)
    chosen: list[str] = []
    kept = 0
    total = 0
    for entry in ordered:
        busy = entry.name in in_use
        too_old = now - entry.last_used > max_age
        over = kept >= keep or (max_bytes is not None and total + entry.size > max_bytes)
        if not busy and (too_old or over):
            chosen.append(entry.name)
            continue
        kept += 1
        total += entry.size
    return chosen


def _folder_size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def _last_used(folder: Path) -> float:
    for probe in (folder / MARKER, folder):
        with contextlib.suppress(OSError):
            return probe.stat().st_mtime
    return 0.0


def expire_reader_folders(root: Path, *, keep: int, max_age: float,
                          max_bytes: int | None = None, in_use: Iterable[Path] = (),
                          now: float | None = None) -> list[Path]:  # fmt: skip
    """Remove the reader folders under `root` that `choose_expired` picks; the removed."""
    try:
        folders = [Path(entry.path) for entry in os.scandir(root) if entry.is_dir()]
    except OSError:
        return []
    entries = [
        Entry(folder.name, _last_used(folder), _folder_size(folder) if max_bytes else 0)
        for folder in folders
    ]
    busy = frozenset(Path(path).name for path in in_use if Path(path).parent == root)
    moment = time.time() if now is None else now
    names = choose_expired(entries, keep=keep, max_age=max_age, now=moment,
                           max_bytes=max_bytes, in_use=busy)  # fmt: skip
    removed = []
    for name in names:
        shutil.rmtree(root / name, ignore_errors=True)
        removed.append(root / name)
    return removed
