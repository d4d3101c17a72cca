"""Update every subscription in one call, for the reader's `U` (run in a worker thread).

Returns one sentence for a notification: what arrived, or what failed. No
Textual here: the app turns the sentence into a notification itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from briefing.feeds.store import Busy, exclusive, load_feeds, save_feeds
from briefing.feeds.update import DEFAULT_JOBS, DEFAULT_TIMEOUT, update_all
from briefing.format.cleaning import plain_line


@dataclass(frozen=True, slots=True)
class Summary:
    message: str
    failed: bool
    arrived: bool
    """True when a briefing was added or replaced: the library must be read again."""


def update_subscriptions(*, jobs: int = DEFAULT_JOBS, timeout: float = DEFAULT_TIMEOUT) -> Summary:
    try:
        with exclusive():
            return _update(jobs, timeout)
    except Busy as busy:
        return Summary(f"Feeds were not updated: {busy}.", True, False)


def _update(jobs: int, timeout: float) -> Summary:
    feeds, warning = load_feeds()
    if not feeds:
        text = "No subscriptions: add one with `briefing subscribe URL`."
        return Summary(f"{warning}. {text}" if warning else text, bool(warning), False)
    outcomes = asyncio.run(update_all(feeds, feeds, jobs=jobs, timeout=timeout))
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
