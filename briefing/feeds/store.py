"""Subscriptions: one JSON file in the user config directory, beside the preferences file.

`subscriptions.json` holds, per feed: its name (a slug, also the name of its
download folder), URL, the validators (ETag, Last-Modified) of every URL
fetched for it, what each entry was when last downloaded, and the last
update's outcome. Written atomically; a damaged file is set aside with a
warning and the reader carries on with no subscriptions.
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
from briefing.format.fields import SLUG
from briefing.store.library import feeds_dir

STORE_VERSION = 1
MAX_STORE = 32 * 1024 * 1024


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


def _feed(raw: Any) -> Feed:
    if not isinstance(raw, dict):
        raise ValueError("a feed is not a mapping")
    name, url = raw.get("name"), raw.get("url")
    if not isinstance(name, str) or not SLUG.fullmatch(name) or len(name) > 64:
        raise ValueError("a feed has no valid name")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"feed {name!r} has no http(s) URL")
    warned = raw.get("warned", [])
    return Feed(
        name=name,
        url=url,
        title=str(raw.get("title", "")),
        last_update=raw.get("last_update") if isinstance(raw.get("last_update"), str) else None,
        status=str(raw.get("status", "")),
        ok=bool(raw.get("ok", True)),
        count=int(raw.get("count", 0)),
        validators=_text_map(raw.get("validators", {})),
        entries=_text_map(raw.get("entries", {})),
        retry_after=raw.get("retry_after") if isinstance(raw.get("retry_after"), str) else None,
        warned=[item for item in warned if isinstance(item, str)]
        if isinstance(warned, list)
        else [],
    )


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
        feeds = [_feed(item) for item in raw.get("feeds", [])]
        if len({feed.name for feed in feeds}) != len(feeds):
            raise ValueError("two feeds share a name")
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        aside = set_aside(path)
        return [], f"{path}: damaged ({error}); set aside as {aside.name}, starting with none"
    return feeds, None


def save_feeds(feeds: list[Feed], path: Path | None = None) -> None:
    document = {"version": STORE_VERSION, "feeds": [asdict(feed) for feed in feeds]}
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
