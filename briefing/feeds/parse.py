"""Read a downloaded feed with feedparser: its title and the briefings it offers.

feedparser is given the bytes in a stream (given bytes or a str it may treat
them as a file name or URL and open it); it never fetches anything itself.

Before feedparser sees a byte, expat (the C parser feedparser itself uses)
reads the whole document once with handlers that refuse any DOCTYPE, entity
declaration or processing of external entities, and that stop at
MAX_ELEMENTS elements or MAX_DEPTH levels of nesting. The parser reports a
DTD wherever it is (a comment before it cannot hide it, as it could from a
text scan), and nothing is expanded before the refusal. Only a document that
passed reaches feedparser, whose cost is then bounded by those counts and the
8 MiB body cap; feedparser's lenient fallback never runs on what expat refused.
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
from briefing.format.bounds import MAX_SLUG, SLUG
from briefing.format.cleaning import plain_line

_HEX64 = re.compile(r"[0-9a-f]{64}")

#: Elements in one feed document (200 entries of a dozen elements are 2,400); feedparser
#: takes about 0.1 ms an element here, so this bounds a parse near a second.
MAX_ELEMENTS = 10_000
#: Nesting: an Atom entry's content is four levels deep; XHTML content a few more.
MAX_DEPTH = 64
#: Entries read from one feed (the first ones, newest first as publishers write them).
MAX_ENTRIES = 200
#: Longest `updated` text kept (an RFC 3339 time is 20-35 characters).
MAX_UPDATED = 64


class _Refused(Exception):
    """Raised from an expat handler: stops the parse at once."""


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
    listed: frozenset[str] = frozenset()
    """Every valid briefing id among the entries read, usable or not: what the feed still lists."""


def check_document(body: bytes, url: str) -> None:
    """FetchError unless `body` is well-formed XML with no DTD, within the element bounds."""
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate()
    depth = [0, 0]  # current depth, elements seen

    def doctype(*_args: object) -> None:
        raise _Refused("declares a DTD (DOCTYPE); feeds need none, and DTDs are refused")

    def start(*_args: object) -> None:
        depth[0] += 1
        depth[1] += 1
        if depth[1] > MAX_ELEMENTS:
            raise _Refused(f"has more than {MAX_ELEMENTS:,} elements; refused")
        if depth[0] > MAX_DEPTH:
            raise _Refused(f"nests elements more than {MAX_DEPTH} deep; refused")

    def end(*_args: object) -> None:
        depth[0] -= 1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ExternalEntityRefHandler = lambda *_args: 0  # never fetched, never read
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(body, True)
    except _Refused as refusal:
        raise FetchError(f"feed: {shown_url(url)} {refusal}") from None
    except xml.parsers.expat.ExpatError as error:
        line = plain_line(str(error))[:160]
        raise FetchError(f"feed: {shown_url(url)} is not a valid feed ({line})") from None


def parse_feed(body: bytes, url: str) -> ParsedFeed:
    """The feed's briefings; FetchError when the document is not a usable feed."""
    check_document(body, url)
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
    listed: set[str] = set()
    if len(result.entries) > MAX_ENTRIES:
        problems.append(
            f"the feed lists {len(result.entries):,} entries; only the first {MAX_ENTRIES} are read"
        )
    for number, entry in enumerate(result.entries[:MAX_ENTRIES], 1):
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
        listed.add(briefing_id)
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
        updated = plain_line(str(entry.get("updated", "")))[:MAX_UPDATED]
        offered.append(Offered(briefing_id, title, updated, target, sha256))
    feed_title = plain_line(str(result.feed.get("title", "")))[:200]
    return ParsedFeed(feed_title, offered, problems, frozenset(listed))


def shown_url(url: str) -> str:
    return plain_line(url)[:200]
