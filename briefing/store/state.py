"""Where the reader left off, per briefing: open sections, reading position, entry.

The position is anchored in the content (section id, block, character
offset; see `briefing.render.position`), so reopening at any window size lands on
the same words. Records written before anchors hold only `scroll_y` (a screen
row): they still load, and that row is used.

Kept as one small JSON record per briefing id in the state store
(`briefing.store.statestore`: SQLite in the state folder, or PostgreSQL), so
a save is one transaction: a crash or a dropped SSH link mid-write leaves the
old state or the new, never half of each. A state file from before the store
(`ID.json` in the state folder) is taken in once and set aside
(`briefing.store.imports`); one that cannot be read is set aside and
reported, and the reader then starts fresh instead of failing.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefing.format.bounds import SLUG
from briefing.format.cleaning import plain_line
from briefing.render.position import SavedPosition
from briefing.store.imports import take_in
from briefing.store.safefile import check_json_nesting, read_json_bytes
from briefing.store.statestore import STATE, StoreUnavailable, store_for

MAX_STATE_BYTES = 1_000_000


@dataclass(slots=True)
class ReadingState:
    """What to restore when a briefing is opened again."""

    open_sections: list[str] | None = None
    """Ids of the open sections; None means as the file says."""
    scroll_y: int = 0
    selected_entry: str | None = None
    position: SavedPosition | None = None
    """The anchored reading position; None in files from before anchors."""
    extra: dict[str, object] = field(default_factory=dict)
    seen: str | None = None
    """Hash of the briefing as last read (tracking.changes); equal means nothing to mark."""
    shown_units: list[tuple[int, int]] | None = None
    """Units of the article (first, last; inclusive runs) whose text has been on screen
    to its end: the library's "n% read". None in files from before it was kept."""
    card_open: bool = True
    """Whether the selected entry's card was showing (a card closed stays closed)."""


def state_dir() -> Path:
    from platformdirs import user_state_path

    return user_state_path("briefing", appauthor=False)


def state_path(briefing_id: str, directory: Path | None = None) -> Path:
    if not SLUG.fullmatch(briefing_id):
        raise ValueError(f"not a briefing id: {briefing_id!r}")
    return (directory or state_dir()) / f"{briefing_id}.json"


def _parse(data: bytes) -> ReadingState:
    raw = json.loads(data.decode("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    sections = raw.get("open_sections")
    if sections is not None and not (
        isinstance(sections, list) and all(isinstance(item, str) for item in sections)
    ):
        raise ValueError("open_sections is not a list of ids")
    scroll = raw.get("scroll_y", 0)
    if not isinstance(scroll, int) or isinstance(scroll, bool) or scroll < 0:
        raise ValueError("scroll_y is not a whole number")
    entry = raw.get("selected_entry")
    if entry is not None and not isinstance(entry, str):
        raise ValueError("selected_entry is not text")
    seen = raw.get("seen")
    if seen is not None and not isinstance(seen, str):
        raise ValueError("seen is not text")
    card_open = raw.get("card_open", True)
    if not isinstance(card_open, bool):
        raise ValueError("card_open is not true or false")
    return ReadingState(
        sections,
        scroll,
        entry,
        _position(raw.get("position")),
        seen=seen,
        shown_units=_runs(raw.get("shown_units")),
        card_open=card_open,
    )


def _runs(raw: object) -> list[tuple[int, int]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ValueError("shown_units is not a list")
    runs = []
    for item in raw:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) for n in item)
            and 0 <= item[0] <= item[1]
        ):
            raise ValueError("shown_units holds something other than [first, last] runs")
        runs.append((item[0], item[1]))
    return runs


def _position(raw: object) -> SavedPosition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError("position is not an object")
    area, section = raw.get("area"), raw.get("section")
    block, offset, lead = raw.get("block", 0), raw.get("offset", 0), raw.get("lead", 0)
    if area not in ("header", "section", "source"):
        raise ValueError("position.area is not header, section or source")
    if section is not None and not isinstance(section, str):
        raise ValueError("position.section is not an id")
    for value in (block, offset, lead):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("position.block, offset and lead must be whole numbers")
    return SavedPosition(area, section, block, offset, lead)


def load_state(briefing_id: str, directory: Path | None = None) -> tuple[ReadingState, str | None]:
    """The saved state (or a fresh one) and a warning: a bad record or file set aside,
    or, once per outage, that the database cannot be reached."""
    folder = directory or state_dir()
    path = state_path(briefing_id, folder)
    store = store_for(folder)
    warnings: list[str] = []
    try:
        record = store.load(STATE, briefing_id)
    except StoreUnavailable:
        record = None
        notice = store.take_notice()
        if notice:
            warnings.append(notice)
    warnings += store.take_warnings()
    # Regular files only, never blocking, bounded size and nesting (safefile.py).
    record, warning = take_in(
        store, STATE, briefing_id, path, record, read=_read_file, check=_parse,
        what="saved state",
    )  # fmt: skip
    if warning:
        warnings.append(warning)
    state = ReadingState()
    if record is not None:
        try:
            check_json_nesting(record[0])
            state = _parse(record[0])
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            reason = plain_line(str(error))[:80]
            warnings.append(f"saved state was unreadable ({reason}); forgotten")
            with contextlib.suppress(StoreUnavailable):
                store.delete(STATE, briefing_id)
    return state, "; ".join(warnings) or None


def _read_file(path: Path) -> bytes:
    return read_json_bytes(path, MAX_STATE_BYTES)


def encode_state(state: ReadingState) -> bytes:
    return json.dumps(
        {
            "open_sections": state.open_sections,
            "scroll_y": state.scroll_y,
            "selected_entry": state.selected_entry,
            "card_open": state.card_open,
            "seen": state.seen,
            "position": None if state.position is None else asdict(state.position),
            "shown_units": None
            if state.shown_units is None
            else [list(run) for run in state.shown_units],
            "saved": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
    ).encode("utf-8")


def save_state(
    briefing_id: str, state: ReadingState, directory: Path | None = None, *, wait: bool = True
) -> None:
    """One transaction in the store; `wait=False` queues it for the writer thread.

    With `wait`, raises StoreUnavailable (an OSError) when the database cannot
    be reached; the save stays queued and goes with the next one.
    """
    folder = directory or state_dir()
    state_path(briefing_id, folder)  # the id is checked as the file name was
    store_for(folder).save(STATE, briefing_id, encode_state(state), wait=wait)
