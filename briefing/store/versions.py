"""The remembered version of each briefing: what the reader last saw of it.

One JSON file per briefing id in `versions/` under the user state directory,
written atomically (see `briefing.store.atomic`). It holds, per section, the
hash and (below `changes.DIFF_LIMIT`) the text, plus the hashes of glossary
entries and the keys of timeline events: enough to classify and diff.

Bounds: a file holds at most `MAX_VERSION_BYTES`; past it the texts of the
longest sections are dropped (their hashes stay, so they are still marked
changed, without a diff). At most `MAX_VERSIONS` files are kept; the least
recently written go first. A file that cannot be read back is renamed aside
with a warning, and the briefing then counts as never read.

The small reading-state file keeps the hash of the version (`ReadingState.seen`),
so opening an unchanged briefing never reads this file at all.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from briefing.format.cleaning import plain_line
from briefing.format.fields import SLUG
from briefing.format.model import Briefing
from briefing.store.atomic import set_aside, write_atomic
from briefing.store.safefile import read_json_bytes
from briefing.store.state import state_dir
from briefing.tracking.changes import (
    Changes,
    SectionVersion,
    Version,
    briefing_hash,
    compare_versions,
    version_of,
)

FORMAT = 1
MAX_VERSION_BYTES = 4_000_000
"""Largest remembered version on disk; longer section texts are cut to hashes to fit."""
MAX_VERSIONS = 500
"""Most briefings remembered; the least recently read are forgotten first."""


def versions_dir(directory: Path | None = None) -> Path:
    return (directory or state_dir()) / "versions"


def version_path(briefing_id: str, directory: Path | None = None) -> Path:
    if not SLUG.fullmatch(briefing_id):
        raise ValueError(f"not a briefing id: {briefing_id!r}")
    return versions_dir(directory) / f"{briefing_id}.json"


def _encode(version: Version) -> dict[str, object]:
    return {
        "format": FORMAT,
        "id": version.briefing_id,
        "hash": version.hash,
        "sections": [
            {"id": s.id, "title": s.title, "hash": s.hash, "text": s.text} for s in version.sections
        ],
        "entries": version.entries,
        "events": sorted(version.events),
        "saved": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def encode(version: Version, limit: int = MAX_VERSION_BYTES) -> bytes:
    """The version as JSON no longer than `limit`: longest texts dropped to hashes first."""
    data = _encode(version)
    payload = json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if len(payload) <= limit:
        return payload
    sections: list[dict[str, object]] = data["sections"]  # type: ignore[assignment]
    by_length = sorted(sections, key=lambda s: -len(str(s["text"] or "")))
    for section in by_length:
        if section["text"] is None:
            break
        section["text"] = None
        payload = json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
        if len(payload) <= limit:
            return payload
    raise ValueError("too large to remember even as hashes")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not text")
    return value


def decode(payload: bytes) -> Version:
    raw = json.loads(payload.decode("utf-8"))
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ValueError("not a remembered version")
    sections = raw.get("sections")
    entries = raw.get("entries")
    events = raw.get("events")
    if not isinstance(sections, list) or not isinstance(entries, dict):
        raise ValueError("sections or entries missing")
    if not isinstance(events, list):
        raise ValueError("events missing")
    parsed = []
    for item in sections:
        if not isinstance(item, dict):
            raise ValueError("a section is not an object")
        text = item.get("text")
        parsed.append(
            SectionVersion(
                _text(item.get("id"), "section id"),
                _text(item.get("title"), "section title"),
                _text(item.get("hash"), "section hash"),
                None if text is None else _text(text, "section text"),
            )
        )
    return Version(
        _text(raw.get("id"), "id"),
        _text(raw.get("hash"), "hash"),
        tuple(parsed),
        {_text(k, "entry id"): _text(v, "entry hash") for k, v in entries.items()},
        frozenset(_text(e, "event") for e in events),
    )


def load_version(
    briefing_id: str, directory: Path | None = None
) -> tuple[Version | None, str | None]:
    """The remembered version (None if never read) and a warning when a bad file was set aside."""
    path = version_path(briefing_id, directory)
    try:
        # Non-blocking, regular files only, bounded, nesting checked (an Unusable
        # is a ValueError): a FIFO left here would hang the reader, and deep JSON
        # would raise RecursionError on every open.
        version = decode(read_json_bytes(path, MAX_VERSION_BYTES))
        if version.briefing_id != briefing_id:
            raise ValueError("belongs to another briefing")
        return version, None
    except FileNotFoundError:
        return None, None
    except (ValueError, UnicodeDecodeError) as error:
        try:
            aside = set_aside(path)
        except OSError:
            return None, "the remembered version was unreadable and is ignored"
        reason = plain_line(str(error))[:80]
        return (
            None,
            f"the remembered version was unreadable ({reason}); moved aside to {aside.name}",
        )


def save_version(version: Version, directory: Path | None = None) -> None:
    """Remember a version atomically, then forget the oldest past `MAX_VERSIONS`."""
    path = version_path(version.briefing_id, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, encode(version))
    _evict(path.parent)


def _evict(folder: Path) -> None:
    files = list(folder.glob("*.json"))
    if len(files) <= MAX_VERSIONS:
        return
    dated = []
    for file in files:
        with contextlib.suppress(OSError):
            dated.append((file.stat().st_mtime, file))
    dated.sort()
    for _mtime, file in dated[: len(dated) - MAX_VERSIONS]:
        with contextlib.suppress(OSError):
            file.unlink()


def changes_since_read(
    briefing: Briefing, seen: str | None, directory: Path | None = None
) -> tuple[Version | None, Changes | None, str | None]:
    """The briefing's version now (None when not needed), what changed since it
    was last read, and a warning.

    `seen` is the hash from the reading state: when it matches (or the briefing
    was never read) the remembered text is not even opened, and only the one
    fast hash is computed.
    """
    if seen is None or seen == briefing_hash(briefing):
        return None, None, None
    old, warning = load_version(briefing.id, directory)
    current = version_of(briefing)
    if old is None:
        return current, None, warning
    return current, compare_versions(old, current, briefing), warning


def remember(version: Version, seen: str | None, directory: Path | None = None) -> str:
    """Keep `version` as what was last read unless it already is; the hash to keep in state."""
    if seen != version.hash or not version_path(version.briefing_id, directory).exists():
        save_version(version, directory)
    return version.hash


def open_with_changes(
    briefing: Briefing, open_sections: list[str] | None, changes: Changes
) -> list[str]:
    """Open sections once changes are marked: the saved ones plus every changed or new one."""
    if open_sections is None:
        open_sections = [s.id for s in briefing.sections if not s.collapsed]
    keep, marked = set(open_sections), changes.marked
    return [s.id for s in briefing.sections if s.id in keep or s.id in marked]


def removed_line(changes: Changes) -> str | None:
    """The one line that lists removed sections ("2 sections removed since you read: A; B")."""
    removed = changes.removed
    if not removed:
        return None
    titles = "; ".join(change.title for change in removed)
    plural = "s" * (len(removed) != 1)
    return f"{len(removed)} section{plural} removed since you read: {titles}"
