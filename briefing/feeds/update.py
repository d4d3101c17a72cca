"""Update subscribed feeds: conditional GETs, bounded concurrency, bad never replaces good.

For each feed: skip it while its server's Retry-After lasts; GET the feed with
its stored ETag/Last-Modified (a 304 means nothing to do); for each briefing
it offers whose `updated` or SHA-256 differs from the copy we hold, download
the YAML, check its SHA-256, load it with the loader (which must accept it
and find the id the feed promised), and only then rename it into place.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.feeds.fetch import Fetched, FetchError, fetch
from briefing.feeds.files import atomic_write
from briefing.feeds.parse import Offered, ParsedFeed, parse_feed
from briefing.feeds.store import Feed
from briefing.format.fields import parse_date_time
from briefing.format.loader import BriefingError, display_path, load_bytes, load_path
from briefing.format.model import format_date_time

if TYPE_CHECKING:
    import httpx

MAX_FEED = 8 * 1024 * 1024
MAX_BRIEFING = 4 * 1024 * 1024  # the loader's own limit
#: What one feed's downloads may hold on disk (and so what the library reads from it).
MAX_FEED_BYTES = 32 * 1024 * 1024
DEFAULT_JOBS = 4
DEFAULT_TIMEOUT = 60.0
#: Without --deadline, a whole update stops after this many times --timeout.
DEADLINE_TIMEOUTS = 4


def default_deadline(timeout: float) -> float:
    return DEADLINE_TIMEOUTS * timeout


@dataclass(slots=True)
class Outcome:
    """What one feed's update did, for the progress display and the exit status."""

    name: str
    ok: bool
    line: str
    new: int = 0
    changed: int = 0
    warnings: list[str] = field(default_factory=list)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def make_client(jobs: int, timeout: float) -> httpx.AsyncClient:
    """One client per run: TLS verified, proxies from the environment, redirects checked by us."""
    import httpx

    from briefing import __version__

    return httpx.AsyncClient(
        headers={"User-Agent": f"briefing/{__version__}"},
        follow_redirects=False,
        verify=True,
        trust_env=True,  # HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY
        timeout=httpx.Timeout(min(timeout, 30.0), connect=min(timeout, 10.0)),
        limits=httpx.Limits(max_connections=jobs, max_keepalive_connections=jobs),
    )


def own_briefings(environ: dict[str, str] | None = None) -> dict[str, Path]:
    """Ids of the user's own briefings (BRIEFING_PATH and the user folder): these always win."""
    from briefing.store.library import briefing_files, sources

    owned: dict[str, Path] = {}
    for place, origin in sources((), environ):
        if origin not in ("BRIEFING_PATH", "user data") or not place.is_dir():
            continue
        for file in briefing_files(place):
            try:
                briefing = load_path(file).briefing
            except BriefingError:
                continue
            owned.setdefault(briefing.id, file)
    return owned


async def probe(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> tuple[ParsedFeed, Fetched]:
    """Fetch a feed once and parse it: what `subscribe` checks before saving anything.

    The answer is returned too: `subscribe` keeps it and its validators, so the
    first `update` asks conditionally instead of downloading the feed again.
    """
    async with make_client(1, timeout) as client:
        got = await fetch(client, url, cap=MAX_FEED, what="feed", total_timeout=timeout)
        return parse_feed(got.body, got.url), got


class Updater:
    """Updates feeds with one HTTP client; ids are claimed so no two feeds share one."""

    def __init__(
        self,
        feeds: list[Feed],
        client: httpx.AsyncClient,
        *,
        timeout: float,
        owned: dict[str, Path],
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.owned = owned
        self.claims: dict[str, str] = {}
        for feed in feeds:
            for briefing_id in feed.entries:
                self.claims.setdefault(briefing_id, feed.name)

    async def update(self, feed: Feed) -> Outcome:
        return self.record(feed, await self._update(feed))

    def record(self, feed: Feed, outcome: Outcome) -> Outcome:
        """Keep the outcome in the feed's record (what `briefing feeds` shows)."""
        feed.ok = outcome.ok
        feed.status = outcome.line
        feed.last_update = format_date_time(now_utc())
        feed.count = sum(1 for briefing_id in feed.entries if _stored(feed, briefing_id).is_file())
        return outcome

    async def _update(self, feed: Feed) -> Outcome:
        waiting = parse_date_time(feed.retry_after or "")
        if waiting is not None and waiting > now_utc():
            when = format_date_time(waiting)
            return Outcome(feed.name, False, f"not asked: the server asked us to wait until {when}")
        validators = feed.validators.get(feed.url) if feed.ok else None
        cached = cached_feed(feed)
        if validators and not cached.is_file():
            validators = None  # nothing to fall back on after a 304
        try:
            got = await fetch(
                self.client,
                feed.url,
                cap=MAX_FEED,
                what="feed",
                total_timeout=self.timeout,
                validators=validators,
            )
        except FetchError as error:
            _back_off(feed, error)
            return Outcome(feed.name, False, f"failed: {error.message}")
        feed.retry_after = None
        remember(feed, feed.url, got.etag, got.last_modified)
        body, base = got.body, got.url
        if got.status == 304:
            if feed.entries and not self._unhidden(feed):
                return Outcome(feed.name, True, "unchanged")
            # Never read since `subscribe` fetched it, or an id another file hid is free
            # now: the copy we hold is the server's current one, read it again.
            try:
                body = cached.read_bytes()[: MAX_FEED + 1]
            except OSError:
                return Outcome(feed.name, True, "unchanged")
        try:
            parsed = parse_feed(body, base)
        except FetchError as error:
            return Outcome(feed.name, False, f"failed: {error.message}")
        if got.status == 200:
            keep_feed(feed, body)
        if parsed.title:
            feed.title = parsed.title
        outcome = Outcome(feed.name, True, "")
        problems = list(parsed.problems)
        self._prune(feed, parsed.listed)
        sizes = {briefing_id: _size(_stored(feed, briefing_id)) for briefing_id in feed.entries}
        for offered in parsed.offered:
            try:
                await self._briefing(feed, offered, outcome, sizes)
            except FetchError as error:
                problems.append(error.message)
                if error.retry_after is not None:
                    _back_off(feed, error)
                    break
        changes = f"{outcome.new} new, {outcome.changed} updated"
        done = changes if outcome.new or outcome.changed else "unchanged"
        if problems:
            outcome.ok = False
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            also = f"; {changes}" if outcome.new or outcome.changed else ""
            outcome.line = f"failed: {problems[0]}{more}{also}"
            outcome.warnings.extend(problems[1:])
        else:
            outcome.line = done
        return outcome

    def _unhidden(self, feed: Feed) -> bool:
        """Whether an id whose download another file or feed prevented is free now."""
        return any(
            briefing_id not in self.owned and self.claims.get(briefing_id, feed.name) == feed.name
            for briefing_id in feed.warned
        )

    def _prune(self, feed: Feed, listed: frozenset[str]) -> None:
        """Delete what the feed no longer lists: its folder mirrors the feed, never grows."""
        for briefing_id in [key for key in feed.entries if key not in listed]:
            del feed.entries[briefing_id]
            _stored(feed, briefing_id).unlink(missing_ok=True)
            if self.claims.get(briefing_id) == feed.name:
                del self.claims[briefing_id]
        feed.warned = [briefing_id for briefing_id in feed.warned if briefing_id in listed]

    async def _briefing(
        self, feed: Feed, offered: Offered, outcome: Outcome, sizes: dict[str, int]
    ) -> None:
        briefing_id = offered.briefing_id
        mine = self.owned.get(briefing_id)
        holder = self.claims.setdefault(briefing_id, feed.name)
        if mine is not None or holder != feed.name:
            if briefing_id not in feed.warned:
                feed.warned.append(briefing_id)
                winner = f"your file {display_path(mine)}" if mine else f"feed {holder!r}"
                outcome.warnings.append(
                    f"{briefing_id!r} is also the id of {winner}, which wins; "
                    "this feed's copy is not downloaded"
                )
            if holder == feed.name and briefing_id not in feed.entries:
                del self.claims[briefing_id]
            return
        if briefing_id in feed.warned:
            feed.warned.remove(briefing_id)  # no longer hidden: a new collision warns again
        held = feed.entries.get(briefing_id)
        target = _stored(feed, briefing_id)
        if (
            held is not None
            and held.get("sha256") == offered.sha256
            and held.get("updated") == offered.updated
            and target.is_file()
        ):
            return
        room = MAX_FEED_BYTES - sum(size for key, size in sizes.items() if key != briefing_id)
        try:
            if room <= 0:
                raise FetchError(
                    f"{briefing_id}.yaml: not downloaded: this feed's briefings already fill "
                    f"its {MAX_FEED_BYTES // 1024 // 1024} MiB"
                )
            sizes[briefing_id] = await self._download(
                feed, offered, target, min(room, MAX_BRIEFING)
            )
        except FetchError:
            if held is None:
                del self.claims[briefing_id]
            raise
        feed.entries[briefing_id] = {"updated": offered.updated, "sha256": offered.sha256}
        if held is None:
            outcome.new += 1
        else:
            outcome.changed += 1

    async def _download(self, feed: Feed, offered: Offered, target: Path, cap: int) -> int:
        """Download, check and store one briefing; its size in bytes."""
        what = f"{offered.briefing_id}.yaml"
        got = await fetch(self.client, offered.url, cap=cap, what=what, total_timeout=self.timeout)
        digest = hashlib.sha256(got.body).hexdigest()
        if digest != offered.sha256:
            raise FetchError(
                f"{what}: SHA-256 {digest[:12]}… differs from the feed's {offered.sha256[:12]}…"
            )
        try:
            loaded = load_bytes(got.body, f"{feed.name}/{what}", target)
        except BriefingError as error:
            first = error.diagnostics[0]
            raise FetchError(
                f"{what}: refused by the loader: {first.line}:{first.column}: {first.message}"
            ) from None
        if loaded.briefing.id != offered.briefing_id:
            raise FetchError(
                f"{what}: its id is {loaded.briefing.id!r}, "
                f"not {offered.briefing_id!r} as the feed says"
            )
        atomic_write(target, got.body)
        return len(got.body)


def cached_feed(feed: Feed) -> Path:
    """The feed document last fetched (a dot file: the library never reads it)."""
    return feed.folder / ".feed.atom"


def keep_feed(feed: Feed, body: bytes) -> None:
    """Keep the document so that a 304 can still be acted on (see Updater._update)."""
    feed.folder.mkdir(parents=True, exist_ok=True)
    atomic_write(cached_feed(feed), body, mode=0o600)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _stored(feed: Feed, briefing_id: str) -> Path:
    return feed.folder / f"{briefing_id}.yaml"


def remember(feed: Feed, url: str, etag: str | None, modified: str | None) -> None:
    """Keep the validators the server sent (a 304 may refresh them too)."""
    saved = dict(feed.validators.get(url, {}))
    if etag:
        saved["etag"] = etag
    if modified:
        saved["last_modified"] = modified
    if saved:
        feed.validators[url] = saved


def _back_off(feed: Feed, error: FetchError) -> None:
    if error.retry_after is not None:
        until = now_utc() + dt.timedelta(seconds=error.retry_after)
        feed.retry_after = format_date_time(until)


async def update_all(
    feeds: Iterable[Feed],
    all_feeds: list[Feed],
    *,
    jobs: int = DEFAULT_JOBS,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float | None = None,
    done: Callable[[Outcome], None] | None = None,
    environ: dict[str, str] | None = None,
) -> list[Outcome]:
    """Update `feeds` at most `jobs` at a time; `done` hears of each as it finishes.

    The whole update ends `deadline` seconds after it starts (default: four
    times `timeout`): a feed still downloading then, or still waiting for its
    turn, stops there and is reported as failed; what it had finished is kept.
    """
    owned = own_briefings(dict(os.environ) if environ is None else environ)
    semaphore = asyncio.Semaphore(jobs)
    limit = default_deadline(timeout) if deadline is None else deadline
    ends = asyncio.get_running_loop().time() + limit
    async with make_client(jobs, timeout) as client:
        updater = Updater(all_feeds, client, timeout=timeout, owned=owned)

        async def one(feed: Feed) -> Outcome:
            try:
                async with asyncio.timeout_at(ends), semaphore:
                    outcome = await updater.update(feed)
            except TimeoutError:
                line = f"failed: stopped at the {limit:g} s limit for the whole update"
                outcome = updater.record(feed, Outcome(feed.name, False, line))
            if done is not None:
                done(outcome)
            return outcome

        return list(await asyncio.gather(*(one(feed) for feed in feeds)))
