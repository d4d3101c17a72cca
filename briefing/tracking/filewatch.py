"""Noticing that the open briefing's file changed on disk: polling, UI-free.

The reader asks every `POLL_SECONDS` (0.5 s) for the file's identity
(inode, size, modification time): one `stat` call, no read, no output, so
an idle reader still writes 0 bytes and uses next to no CPU (a test compares
10 s idle with and without watching). Polling was chosen over inotify
(watchfiles) because it needs no extra dependency, works the same on every
file system (NFS, a feed's download folder) and catches both ways editors
save: writing a temp file and renaming it over the old one (a new inode), and
truncating the file and writing it again (a new size or time).

A change is reported only once the file has held still for `SETTLE_SECONDS`
(0.1 s), so an editor caught between truncating and writing is not read
half-saved; a reload therefore starts 0.1-0.6 s after the save. The poll is a
bare event-loop callback, not a Textual timer (whose message round trip cost
~0.3 ms a tick).
"""

from __future__ import annotations

import os
from pathlib import Path

POLL_SECONDS = 0.5
"""How often the open briefing's file is checked."""
SETTLE_SECONDS = 0.1
"""How long a changed file must hold still before it is read."""

Signature = tuple[int, int, int] | None


def signature(path: Path) -> Signature:
    """What tells one version of a file from the next without reading it (None: missing)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


class FileWatch:
    """Polls one file; `poll()` is True once per settled change, and `moving`
    says a change was seen that has not settled yet (look again soon)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.loaded = signature(path)
        self._pending: Signature = self.loaded
        self.moving = False

    def poll(self) -> bool:
        now = signature(self.path)
        if now == self.loaded or now is None:
            self._pending, self.moving = now, False
            return False
        if now != self._pending:  # still moving: look again soon
            self._pending, self.moving = now, True
            return False
        self.loaded, self.moving = now, False
        return True


def watching_enabled() -> bool:
    """BRIEFING_WATCH=0 turns live reload off; so does being a session of `briefing serve`.

    A served reader must not poll on its own: with hundreds of sessions that is
    hundreds of wake-ups a second on an idle server, and the server already
    watches the library once for all of them.
    """
    if os.environ.get("BRIEFING_SERVED") == "1":
        return False
    return os.environ.get("BRIEFING_WATCH", "1").strip().lower() not in ("0", "no", "off", "false")
