"""Write an Atom 1.0 feed of briefings, and read back what our last one said.

The feed is built with ElementTree, so every value is escaped by the XML
writer, never pasted into markup. The previous feed is our own file but is
read as untrusted: bounded size, no DTD (so no entity expansion), and any
entry that does not look right is simply forgotten.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefing.feeds import MEDIA_TYPE, NAMESPACE, PREFIX
from briefing.format.bounds import SLUG
from briefing.format.fields import parse_date_time
from briefing.format.model import format_date_time

ATOM = "http://www.w3.org/2005/Atom"
# What XML 1.0 cannot hold at all (the loader has already replaced C0/C1 controls).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_PREVIOUS_FEED = 16 * 1024 * 1024
_SHA256_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class Entry:
    """One briefing as the feed lists it."""

    briefing_id: str
    title: str
    summary: str
    updated: dt.datetime
    href: str
    """The YAML file, relative to the feed (or absolute with --base-url)."""
    length: int
    sha256: str
    content: str
    """The briefing as an HTML fragment (headings, paragraphs), for feed readers that show
    no enclosures; written escaped, as Atom's `type="html"` content."""
    entry_id: str
    alternate: str | None = None
    """The HTML page, when one is published."""


@dataclass(frozen=True, slots=True)
class Previous:
    """What the last published feed said about one briefing."""

    sha256: str
    updated: dt.datetime


def xml_text(text: str) -> str:
    """Text XML can carry: anything it cannot (U+FFFE, U+FFFF...) becomes U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _q(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _ours(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def build_feed(
    entries: Sequence[Entry], *, title: str, feed_id: str, author: str, self_href: str | None
) -> bytes:
    """The feed document, UTF-8 with an XML declaration, entries newest first."""
    ET.register_namespace("", ATOM)
    ET.register_namespace(PREFIX, NAMESPACE)
    feed = ET.Element(_q("feed"))
    ET.SubElement(feed, _q("id")).text = feed_id
    ET.SubElement(feed, _q("title")).text = xml_text(title)
    newest = max(
        (entry.updated for entry in entries), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    )
    ET.SubElement(feed, _q("updated")).text = format_date_time(newest)
    ET.SubElement(ET.SubElement(feed, _q("author")), _q("name")).text = xml_text(author)
    ET.SubElement(feed, _q("generator")).text = "briefing"
    if self_href is not None:
        ET.SubElement(feed, _q("link"), rel="self", href=self_href, type="application/atom+xml")
    for entry in sorted(entries, key=lambda e: (e.updated, e.briefing_id), reverse=True):
        node = ET.SubElement(feed, _q("entry"))
        ET.SubElement(node, _q("id")).text = entry.entry_id
        ET.SubElement(node, _q("title")).text = xml_text(entry.title)
        ET.SubElement(node, _q("updated")).text = format_date_time(entry.updated)
        ET.SubElement(node, _q("summary"), type="text").text = xml_text(entry.summary)
        ET.SubElement(node, _q("content"), type="html").text = xml_text(entry.content)
        if entry.alternate is not None:
            ET.SubElement(node, _q("link"), rel="alternate", type="text/html", href=entry.alternate)
        ET.SubElement(
            node,
            _q("link"),
            rel="enclosure",
            type=MEDIA_TYPE,
            href=entry.href,
            length=str(entry.length),
        )
        ET.SubElement(node, _ours("id")).text = entry.briefing_id
        ET.SubElement(node, _ours("sha256")).text = entry.sha256
    ET.indent(feed)
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True)) + b"\n"


def read_previous(path: Path) -> tuple[dict[str, Previous], str | None]:
    """Per briefing id, the SHA-256 and `updated` our last feed gave it; and a warning, if any.

    A missing file is no warning; a damaged or foreign one is (and is ignored).
    """
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_PREVIOUS_FEED + 1)
    except FileNotFoundError:
        return {}, None
    except OSError as error:
        return {}, f"cannot read the previous feed ({error.strerror}); every entry counts as new"
    if len(data) > MAX_PREVIOUS_FEED:
        return {}, "the previous feed is larger than 16 MiB; every entry counts as new"
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return {}, "the previous feed declares a DTD; ignored, every entry counts as new"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return {}, f"the previous feed is not well-formed XML ({error}); every entry counts as new"
    found: dict[str, Previous] = {}
    if root.tag != _q("feed"):
        return {}, "the previous feed.atom is not an Atom feed; every entry counts as new"
    for node in root.iter(_q("entry")):
        briefing_id = (node.findtext(_ours("id")) or "").strip()
        sha256 = (node.findtext(_ours("sha256")) or "").strip()
        updated = parse_date_time((node.findtext(_q("updated")) or "").strip())
        if (
            SLUG.fullmatch(briefing_id)
            and len(sha256) == 64
            and set(sha256) <= _SHA256_HEX
            and updated is not None
        ):
            found[briefing_id] = Previous(sha256, updated)
    return found, None
