"""Where the reader left off, per briefing: open sections, reading position, entry.

The position is anchored in the content (section id, block, character
offset; see `briefing.render.position`), so reopening at any window size lands on
the same words. Files written before anchors hold only `scroll_y` (a screen
row): they still load, and that row is used.

Saved as one small JSON file per briefing id in the user state directory,
written to a temporary file and renamed over the old one, so a crash or a
dropped SSH link mid-write leaves the old state or the new, never half of
each. A file that cannot be read back is renamed aside and reported; the
reader then starts fresh instead of failing.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from briefing.format.cleaning import plain_line
from briefing.format.fields import SLUG
from briefing.render.position import SavedPosition
from briefing.store.atomic import set_aside, write_atomic
from briefing.store.safefile import read_json_bytes

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
    position = _position(raw.get("position"))
    return ReadingState(sections, scroll, entry, position, seen=seen, card_open=card_open)


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
    """The saved state (or a fresh one) and a warning when a bad file was set aside."""
    path = state_path(briefing_id, directory)
    try:
        # Regular files only, never blocking, bounded size and nesting (safefile.py);
        # whatever fails there is an Unusable (a ValueError): set aside like bad JSON.
        return _parse(read_json_bytes(path, MAX_STATE_BYTES)), None
    except FileNotFoundError:
        return ReadingState(), None
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        try:
            aside = set_aside(path)
        except OSError:
            return ReadingState(), "saved state was unreadable and is ignored"
        reason = plain_line(str(error))[:80]
        return ReadingState(), f"saved state was unreadable ({reason}); moved aside to {aside.name}"


def save_state(briefing_id: str, state: ReadingState, directory: Path | None = None) -> None:
    """Write atomically: temp file in the same directory, fsync, rename."""
    path = state_path(briefing_id, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(
        {
            "open_sections": state.open_sections,
            "scroll_y": state.scroll_y,
            "selected_entry": state.selected_entry,
            "card_open": state.card_open,
            "seen": state.seen,
            "position": None if state.position is None else asdict(state.position),
            "saved": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
    ).encode("utf-8")
    write_atomic(path, payload)
