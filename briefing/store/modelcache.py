"""Checked briefings kept, so a file opened again starts without reading its YAML again.

Loading a briefing at FORMAT.md's limits (2 MB: 1,000 sections, 5,000 entries)
costs about 0.55 s: libyaml's events, the schema checks, the mention finder.
The checked model, pickled, loads in about 0.03 s. A small file is kept too:
its YAML reads in a few milliseconds, but reading it at all imports PyYAML
and the checker, ~15 ms and ~1.5 MiB of a reader's start-up, where the
bundled briefing's model unpickles in 1.5 ms. An entry is found by a
256-bit BLAKE2b hash of everything the result depends on: the file's bytes, the name
messages show it by, its path, and the loader's own code (the source of
`briefing.format` and Python's version), so an edited file, an upgraded
reader or a changed loader never gets a model made from something else.

A pickle runs code when it is loaded, so trust is kept narrow: entries are
read only from this user's own cache folder, only when the folder and the
file belong to this user and no one else can write them, and only files
this module wrote (the model of a file that passed every check). An entry
that cannot be read back is deleted and the file is loaded as usual: a cache
holds nothing the user would lose.

The first open of a file still pays the whole load; its entry is written
after the first frame (`write_pending`), not before it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import stat
import sys
from pathlib import Path

import briefing.format as format_package
from briefing.format.cleaning import plain_line
from briefing.format.hashing import blake2b
from briefing.format.loader import (
    BriefingError,
    Diagnostic,
    Loaded,
    display_path,
    load_bytes,
    read_file,
)
from briefing.store.atomic import write_atomic

KEPT_ENTRIES = 256
"""Models kept at most; the least recently opened go first. Enough for a
library that is opened whole (the library screen loads every file) to come
back from its models next time, not churn through a few."""
KEPT_BYTES = 64 * 1024 * 1024
"""Bytes kept at most in all (a briefing at the limits pickles to ~2.2 MB)."""
SUFFIX = ".model"

_pending: dict[Path, Loaded] = {}
_code: bytes | None = None


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("briefing", appauthor=False) / "models"


def _code_fingerprint() -> bytes:
    """What the loader's result depends on besides the file: its code, and Python."""
    global _code
    if _code is None:
        digest = blake2b(sys.version.encode(), digest_size=32)
        digest.update(str(pickle.HIGHEST_PROTOCOL).encode())
        package = Path(format_package.__file__ or "").parent
        for source in sorted([*package.glob("*.py"), *package.glob("data/*")]):
            digest.update(source.name.encode() + b"\0")
            with contextlib.suppress(OSError):
                digest.update(source.read_bytes())
        _code = digest.digest()
    return _code


def entry_name(data: bytes, shown: str, path: Path) -> str:
    digest = blake2b(_code_fingerprint(), digest_size=32)
    for part in (shown.encode("utf-8", "surrogateescape"), os.fsencode(path)):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(data)
    return digest.hexdigest()[:48] + SUFFIX


def _private(mode: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else."""
    return mode.st_uid == os.geteuid() and not mode.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read_entry(folder: Path, name: str) -> Loaded | None:
    entry = folder / name
    try:
        if not _private(os.stat(folder)):
            return None
        descriptor = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        facts = os.fstat(descriptor)
        if not stat.S_ISREG(facts.st_mode) or not _private(facts):
            return None
        if facts.st_size > KEPT_BYTES:
            raise ValueError("too big")
        with open(descriptor, "rb", closefd=False) as handle:
            data = handle.read()
        # A model is a tree of small objects and no cycles: as in the loader,
        # the cycle collector would only cost time (~20% of the load).
        collecting = gc.isenabled()
        gc.disable()
        try:
            kept = pickle.loads(data)
        finally:
            if collecting:
                gc.enable()
        if not isinstance(kept, Loaded):
            raise TypeError("not a model")
    except Exception:  # noqa: BLE001 - anything wrong with an entry means: load the file
        with contextlib.suppress(OSError):
            entry.unlink()
        return None
    finally:
        os.close(descriptor)
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: kept longest
    return kept


def load_kept(path: Path) -> Loaded:
    """`load_path`, from a kept model when this very file was checked before.

    Raises BriefingError as `load_path` does. A file loaded afresh is kept
    when `write_pending` is next called.
    """
    shown = display_path(path)
    try:
        data = read_file(path)
    except OSError as error:
        reason = plain_line(error.strerror or str(error))
        raise BriefingError([Diagnostic(shown, 1, 1, "error", f"cannot read: {reason}")]) from None
    try:
        folder = cache_dir()
    except (OSError, RuntimeError):  # no home folder: nowhere to keep anything
        return load_bytes(data, shown, path)
    name = entry_name(data, shown, path)
    kept = _read_entry(folder, name)
    if kept is not None:
        return kept
    loaded = load_bytes(data, shown, path)
    _pending[folder / name] = loaded
    return loaded


def write_pending() -> int:
    """Keep the models loaded afresh since the last call; return how many were written.

    Called after the first frame: pickling a briefing at the limits takes
    ~0.2 s. A folder that cannot be written only means the next start loads
    the file again.
    """
    written = 0
    while _pending:
        entry, loaded = _pending.popitem()
        try:
            entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(os.stat(entry.parent)):
                continue
            write_atomic(entry, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, pickle.PicklingError, RecursionError):
            continue
        written += 1
        _prune(entry.parent)
    return written


def _prune(folder: Path) -> None:
    """Drop the least recently used entries past the count and size bounds."""
    entries: list[tuple[float, int, Path]] = []
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            if entry.name.endswith(SUFFIX):
                with contextlib.suppress(OSError):
                    facts = entry.stat()
                    entries.append((facts.st_mtime, facts.st_size, entry))
    entries.sort(reverse=True)
    total = 0
    for count, (_mtime, size, entry) in enumerate(entries, 1):
        total += size
        if count > KEPT_ENTRIES or total > KEPT_BYTES:
            with contextlib.suppress(OSError):
                entry.unlink()
