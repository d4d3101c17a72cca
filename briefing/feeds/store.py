"""Subscriptions: one JSON file in the user config directory, beside the preferences file.

`subscriptions.json` holds, per feed: its name (a slug, also the name of its
download folder), URL, the validators (ETag, Last-Modified) of every URL
fetched for it, what each entry was when last downloaded, and the last
update's outcome. Written atomically. What is kept per feed is bounded
(`bounded`: lengths of every text, entries, validators) when saved and when
read, so no server can grow the file towards its size limit; one unreadable
feed record is skipped with a warning and the others are kept. Only a file
that is not a subscriptions file at all is set aside (with a warning).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from briefing.feeds.files import atomic_write, set_aside
from briefing.format.bounds import SLUG
from briefing.store.library import feeds_dir

STORE_VERSION = 1
MAX_STORE = 32 * 1024 * 1024
MAX_URL = 2048
MAX_TITLE = 200
MAX_STATUS = 400
MAX_VALIDATOR = 512
"""An ETag or Last-Modified longer than this is not kept (the next GET is unconditional)."""
MAX_VALIDATED_URLS = 4
MAX_HELD = 200
"""Entries remembered per feed: the feed reader reads at most this many (parse.MAX_ENTRIES)."""
MAX_ENTRY_VALUE = 64


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path("briefing", appauthor=False)


def subscriptions_path() -> Path:
    return config_dir() / "subscriptions.json"


def slugify(text: str, fallback: str = "feed") -> str:
    """A slug from any text: lowercase ASCII letters and digits joined by single hyphens."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return slug or fallback


@dataclass(slots=True)
class Feed:
    """One subscription and what the last update learned."""

    name: str
    url: str
    title: str = ""
    last_update: str | None = None
    status: str = "never updated"
    ok: bool = True
    count: int = 0
    validators: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per URL: "etag" and "last_modified", as the server last sent them."""
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per briefing id: "updated" and "sha256" of the copy we hold."""
    retry_after: str | None = None
    """Do not ask this server again before this time (RFC 3339), as it asked."""
    warned: list[str] = field(default_factory=list)
    """Ids whose collision with another briefing was already reported (warn once)."""

    @property
    def folder(self) -> Path:
        return feeds_dir() / self.name


def _text_map(value: object) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping")
    return {
        str(key): {str(k): str(v) for k, v in inner.items() if isinstance(v, str)}
        for key, inner in value.items()
        if isinstance(inner, dict)
    }


def bounded(feed: Feed) -> Feed:
    """The feed with every stored value within its bound (kept in place, returned for chaining)."""
    feed.title = feed.title[:MAX_TITLE]
    feed.status = feed.status[:MAX_STATUS]
    if feed.last_update is not None:
        feed.last_update = feed.last_update[:MAX_ENTRY_VALUE]
    if feed.retry_after is not None:
        feed.retry_after = feed.retry_after[:MAX_ENTRY_VALUE]
    urls = [feed.url, *(url for url in feed.validators if url != feed.url)]
    feed.validators = {
        url: {k: v for k, v in feed.validators[url].items() if len(v) <= MAX_VALIDATOR}
        for url in urls[:MAX_VALIDATED_URLS]
        if url in feed.validators and len(url) <= MAX_URL
    }
    feed.entries = {
        key: {k: v[:MAX_ENTRY_VALUE] for k, v in list(value.items())[:4]}
        for key, value in list(feed.entries.items())[:MAX_HELD]
        if SLUG.fullmatch(key) and len(key) <= MAX_ENTRY_VALUE
    }
    feed.warned = [key for key in feed.warned if len(key) <= MAX_ENTRY_VALUE][:MAX_HELD]
    return feed


def _feed(raw: Any) -> Feed:
    if not isinstance(raw, dict):
        raise ValueError("a feed is not a mapping")
    name, url = raw.get("name"), raw.get("url")
    if not isinstance(name, str) or not SLUG.fullmatch(name) or len(name) > 64:
        raise ValueError("a feed has no valid name")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"feed {name!r} has no http(s) URL")
    if len(url) > MAX_URL:
        raise ValueError(f"feed {name!r} has a URL longer than {MAX_URL} characters")
    warned = raw.get("warned", [])
    count = raw.get("count", 0)
    return Feed(
        name=name,
        url=url,
        title=str(raw.get("title", "")),
        last_update=raw.get("last_update") if isinstance(raw.get("last_update"), str) else None,
        status=str(raw.get("status", "")),
        ok=bool(raw.get("ok", True)),
        count=count if isinstance(count, int) and 0 <= count <= MAX_HELD else 0,
        validators=_text_map(raw.get("validators", {})),
        entries=_text_map(raw.get("entries", {})),
        retry_after=raw.get("retry_after") if isinstance(raw.get("retry_after"), str) else None,
        warned=[item for item in warned if isinstance(item, str)]
        if isinstance(warned, list)
        else [],
    )


def _feeds(items: object, path: Path) -> tuple[list[Feed], list[str]]:
    """Every readable feed record, first of each name; a line for each one skipped."""
    if not isinstance(items, list):
        raise ValueError("no list of feeds")
    feeds: list[Feed] = []
    skipped: list[str] = []
    for number, item in enumerate(items, 1):
        try:
            feed = bounded(_feed(item))
        except (ValueError, TypeError, AttributeError) as error:
            skipped.append(f"{path}: feed {number} skipped ({error})")
            continue
        if any(known.name == feed.name for known in feeds):
            skipped.append(f"{path}: feed {number} skipped (a second feed named {feed.name})")
            continue
        feeds.append(feed)
    return feeds, skipped


def load_feeds(path: Path | None = None) -> tuple[list[Feed], str | None]:
    """The subscriptions in order, and a warning when a damaged file was set aside."""
    path = path or subscriptions_path()
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_STORE + 1)
    except FileNotFoundError:
        return [], None
    except OSError as error:
        return [], f"{path}: cannot read subscriptions ({error.strerror})"
    try:
        if len(data) > MAX_STORE:
            raise ValueError("larger than 32 MiB")
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("version") != STORE_VERSION:
            raise ValueError(f"not a version {STORE_VERSION} subscriptions file")
        feeds, skipped = _feeds(raw.get("feeds", []), path)
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        aside = set_aside(path)
        return [], f"{path}: damaged ({error}); set aside as {aside.name}, starting with none"
    if skipped:
        more = f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""
        return feeds, f"{skipped[0]}{more}; the others are kept"
    return feeds, None


def save_feeds(feeds: list[Feed], path: Path | None = None) -> None:
    document = {"version": STORE_VERSION, "feeds": [asdict(bounded(feed)) for feed in feeds]}
    data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    atomic_write(path or subscriptions_path(), data, mode=0o600)


def find(feeds: list[Feed], key: str) -> Feed | None:
    """A feed by name or by URL."""
    return next((feed for feed in feeds if key in (feed.name, feed.url)), None)


def unique_name(feeds: list[Feed], wanted: str) -> str:
    taken = {feed.name for feed in feeds}
    name, number = wanted, 2
    while name in taken:
        name = f"{wanted[:60]}-{number}"
        number += 1
    return name


class Busy(Exception):
    """Another `briefing update` (or the reader's `U`) holds the subscriptions."""


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    """Hold the subscriptions lock for an update, or raise Busy at once.

    Two updates at the same time (cron and the reader's `U`) would each write
    the subscriptions file from their own copy and lose the other's validators.
    """
    import fcntl

    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder / "subscriptions.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy("another update is running; try again when it has finished") from None
        yield
    finally:
        os.close(handle)
