"""The remembered version of each briefing: what the reader last saw of it.

One JSON record per briefing id in the state store (`briefing.store.statestore`),
written in one transaction. It holds, per section, the hash and (below
`changes.DIFF_LIMIT`) the text, plus the hashes of glossary entries and the
keys of timeline events: enough to classify and diff.

Bounds: a record holds at most `MAX_VERSION_BYTES`; past it the texts of the
longest sections are dropped (their hashes stay, so they are still marked
changed, without a diff). At most `MAX_VERSIONS` are kept per reader; the
least recently saved go first (the store's cap). A file from before the store
(`versions/ID.json` in the state folder) is taken in once and set aside; one
that cannot be read back is set aside with a warning, and the briefing then
counts as never read.

The small reading-state record keeps the hash of the version (`ReadingState.seen`),
so opening an unchanged briefing never reads this record at all.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from briefing.format.bounds import SLUG
from briefing.format.cleaning import plain_line
from briefing.format.model import Briefing
from briefing.store.imports import take_in
from briefing.store.safefile import read_json_bytes
from briefing.store.state import state_dir
from briefing.store.statestore import MAX_PAYLOAD, MAX_RECORDS, VERSION, StoreUnavailable, store_for
from briefing.tracking.changes import (
    Changes,
    SectionVersion,
    Version,
    briefing_hash,
    compare_versions,
    version_of,
)

FORMAT = 1
MAX_VERSION_BYTES = MAX_PAYLOAD[VERSION]
"""Largest remembered version (4 MB); longer section texts are cut to hashes to fit."""
MAX_VERSIONS = MAX_RECORDS[VERSION]
"""Most briefings remembered per reader (500); the least recently read are forgotten first."""


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
    """The remembered version (None if never read) and a warning when a bad one was set aside."""
    folder = directory or state_dir()
    path = version_path(briefing_id, folder)
    store = store_for(folder)
    try:
        record = store.load(VERSION, briefing_id)
    except StoreUnavailable:
        return None, store.take_notice()

    def check(payload: bytes) -> None:
        if decode(payload).briefing_id != briefing_id:
            raise ValueError("belongs to another briefing")

    record, warning = take_in(
        store, VERSION, briefing_id, path, record, read=_read_file, check=check,
        what="the remembered version",
    )  # fmt: skip
    if record is None:
        return None, warning
    try:
        check(record[0])
        return decode(record[0]), warning
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        reason = plain_line(str(error))[:80]
        with contextlib.suppress(StoreUnavailable):
            store.delete(VERSION, briefing_id)
        return None, f"the remembered version was unreadable ({reason}); forgotten"


def _read_file(path: Path) -> bytes:
    # Non-blocking, regular files only, bounded, nesting checked (an Unusable is a
    # ValueError): a FIFO left here would hang the reader, and deep JSON would
    # raise RecursionError on every open.
    return read_json_bytes(path, MAX_VERSION_BYTES)


def has_version(briefing_id: str, directory: Path | None = None) -> bool:
    """A version of this briefing is remembered (or waits to be written)."""
    folder = directory or state_dir()
    try:
        if store_for(folder).exists(VERSION, briefing_id):
            return True
    except StoreUnavailable:
        return False
    return version_path(briefing_id, folder).exists()  # a file not yet taken in


def save_version(version: Version, directory: Path | None = None, *, wait: bool = True) -> None:
    """Remember a version in one transaction; the store forgets the oldest past `MAX_VERSIONS`."""
    folder = directory or state_dir()
    version_path(version.briefing_id, folder)  # the id is checked as the file name was
    store_for(folder).save(VERSION, version.briefing_id, encode(version), wait=wait)


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


def remember(
    version: Version, seen: str | None, directory: Path | None = None, *, wait: bool = True
) -> str:
    """Keep `version` as what was last read unless it already is; the hash to keep in state."""
    if seen != version.hash or not has_version(version.briefing_id, directory):
        save_version(version, directory, wait=wait)
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
