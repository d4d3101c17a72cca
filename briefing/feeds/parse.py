"""Read a downloaded feed with feedparser: its title and the briefings it offers.

feedparser is given the bytes in a stream (given bytes or a str it may treat
them as a file name or URL and open it); it never fetches anything itself.
Entries are checked here: the briefing id must be a slug (it becomes a file
name), the SHA-256 64 hex digits, the enclosure http(s) once resolved
against the feed's own URL.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from briefing.feeds import NAMESPACE
from briefing.feeds.fetch import FetchError, check_url
from briefing.format.cleaning import plain_line
from briefing.format.fields import MAX_SLUG, SLUG

_HEX64 = re.compile(r"[0-9a-f]{64}")
_ROOT = re.compile(rb"<[A-Za-z_]")
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[")


@dataclass(frozen=True, slots=True)
class Offered:
    """One briefing a feed offers."""

    briefing_id: str
    title: str
    updated: str
    url: str
    sha256: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    offered: list[Offered]
    problems: list[str]
    """Entries that could not be used, one line each."""


def parse_feed(body: bytes, url: str) -> ParsedFeed:
    """The feed's briefings; FetchError when the document is not a usable feed."""
    root = _ROOT.search(body)
    subset = _INTERNAL_SUBSET.search(body, 0, root.start() if root else len(body))
    if subset is not None:
        # Entity declarations: no feed needs them, and expanding them is how XML bombs work.
        raise FetchError(f"feed: {shown_url(url)} declares its own DTD entities; refused")
    import feedparser  # type: ignore[import-untyped]

    # The content type is ours to state (we check the document, not the server's label);
    # the location lets feedparser resolve relative links and xml:base.
    headers = {"content-location": url, "content-type": "application/atom+xml"}
    result: Any = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if result.get("bozo") or not result.get("version"):
        reason = result.get("bozo_exception") or "not an Atom or RSS feed"
        line = plain_line(str(reason))[:160]
        raise FetchError(f"feed: {shown_url(url)} is not a valid feed ({line})")
    prefix = next(
        (name for name, uri in result.get("namespaces", {}).items() if uri == NAMESPACE), None
    )
    offered: list[Offered] = []
    problems: list[str] = []
    for number, entry in enumerate(result.entries, 1):
        title = plain_line(str(entry.get("title", "")))[:200]
        label = f"entry {number} ({title or 'untitled'})"
        if prefix is None:
            problems.append(f"{label}: no briefing elements (namespace {NAMESPACE})")
            continue
        briefing_id = str(entry.get(f"{prefix}_id", "")).strip()
        sha256 = str(entry.get(f"{prefix}_sha256", "")).strip().lower()
        link = next((x for x in entry.get("links", []) if x.get("rel") == "enclosure"), None)
        if not (SLUG.fullmatch(briefing_id) and len(briefing_id) <= MAX_SLUG):
            problems.append(f"{label}: no valid briefing id")
            continue
        if not _HEX64.fullmatch(sha256):
            problems.append(f"{label}: no valid SHA-256")
            continue
        if link is None or not link.get("href"):
            problems.append(f"{label}: no enclosure link")
            continue
        try:
            target = check_url(urljoin(url, str(link["href"]).strip()))
        except FetchError as error:
            problems.append(f"{label}: enclosure {error.message}")
            continue
        offered.append(
            Offered(briefing_id, title, str(entry.get("updated", "")).strip(), target, sha256)
        )
    feed_title = plain_line(str(result.feed.get("title", "")))[:200]
    return ParsedFeed(feed_title, offered, problems)


def shown_url(url: str) -> str:
    return plain_line(url)[:200]
