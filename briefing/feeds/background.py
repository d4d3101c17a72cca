"""Update every subscription in one call, for the reader's `U` (run in a worker thread).

Returns one sentence for a notification: what arrived, or what failed. No
Textual here: the app turns the sentence into a notification itself. The
update can be stopped from another thread (`BackgroundUpdate.stop`), so that
quitting the reader never waits for a server: the downloads in flight are
cancelled, what had finished is saved, and the thread ends at once.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

from briefing.feeds.store import Busy, Feed, exclusive, load_feeds, save_feeds
from briefing.feeds.update import DEFAULT_JOBS, DEFAULT_TIMEOUT, Outcome, update_all
from briefing.format.cleaning import plain_line


@dataclass(frozen=True, slots=True)
class Summary:
    message: str
    failed: bool
    arrived: bool
    """True when a briefing was added or replaced: the library must be read again."""


class BackgroundUpdate:
    """One update of every subscription, run by `run` in a thread, stoppable from any other."""

    def __init__(self, *, jobs: int = DEFAULT_JOBS, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.jobs = jobs
        self.timeout = timeout
        self._guard = threading.Lock()
        self._stopped = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[list[Outcome]] | None = None

    def stop(self) -> None:
        """Cancel the update (thread-safe, returns at once; `run` then returns soon after)."""
        with self._guard:
            self._stopped = True
            if self._loop is not None and self._task is not None:
                self._loop.call_soon_threadsafe(self._task.cancel)

    def run(self) -> Summary:
        try:
            with exclusive():
                return self._update()
        except Busy as busy:
            return Summary(f"Feeds were not updated: {busy}.", True, False)

    def _update(self) -> Summary:
        feeds, warning = load_feeds()
        if not feeds:
            text = "No subscriptions: add one with `briefing subscribe URL`."
            return Summary(f"{warning}. {text}" if warning else text, bool(warning), False)
        try:
            outcomes = asyncio.run(self._main(feeds))
        except asyncio.CancelledError:
            save_feeds(feeds)  # the downloads that finished are on disk: remember them
            return Summary("Feeds update stopped.", True, False)
        save_feeds(feeds)
        new = sum(outcome.new for outcome in outcomes)
        changed = sum(outcome.changed for outcome in outcomes)
        failed = [outcome for outcome in outcomes if not outcome.ok]
        parts = [f"{new} new, {changed} updated" if new or changed else "nothing new"]
        parts[0] += f" from {len(outcomes)} feed{'s' * (len(outcomes) != 1)}"
        if failed:
            first = failed[0]
            parts.append(f"{len(failed)} failed ({first.name}: {plain_line(first.line)[:120]})")
        if warning:
            parts.append(plain_line(warning)[:120])
        return Summary("; ".join(parts) + ".", bool(failed), bool(new or changed))

    async def _main(self, feeds: list[Feed]) -> list[Outcome]:
        work = update_all(feeds, feeds, jobs=self.jobs, timeout=self.timeout)
        task = asyncio.ensure_future(work)
        with self._guard:
            if self._stopped:
                task.cancel()
            self._loop, self._task = asyncio.get_running_loop(), task
        try:
            return await task
        finally:
            with self._guard:
                self._loop = self._task = None


def update_subscriptions(*, jobs: int = DEFAULT_JOBS, timeout: float = DEFAULT_TIMEOUT) -> Summary:
    """Update every subscription and say what happened (not stoppable: see BackgroundUpdate)."""
    return BackgroundUpdate(jobs=jobs, timeout=timeout).run()
