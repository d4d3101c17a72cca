"""The server watches the library once, for every session, by polling a few stats.

Each reader watching files itself would cost a watcher per session (200
sessions exceed the default inotify limits); instead the server looks at
the library's files every few seconds (names, sizes and modification times:
a handful of stat calls, whatever the number of sessions) and asks the
zygote to reload when anything changed, so the next sessions open the new
library, and sends each open reader SIGUSR1, on which it looks at its own
briefing's file once and reloads it in place (briefing.tui.changetracker). SIGHUP
does the same at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from briefing.store.library import briefing_files, sources

Signature = tuple[tuple[str, int, int], ...]


def library_signature(paths: Sequence[str]) -> Signature:
    items: list[tuple[str, int, int]] = []
    for place, _origin in sources(paths):
        try:
            files = briefing_files(place) if place.exists() else []
        except OSError:
            continue
        for file in files:
            try:
                status = file.stat()
            except OSError:
                items.append((str(file), 0, 0))
                continue
            items.append((str(file), status.st_mtime_ns, status.st_size))
    return tuple(items)


async def watch_library(paths: Sequence[str], interval: float, changed: Callable[[], None]) -> None:
    last = library_signature(paths)
    while True:
        await asyncio.sleep(interval)
        now = library_signature(paths)
        if now != last:
            last = now
            changed()
