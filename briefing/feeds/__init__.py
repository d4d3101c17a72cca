"""Feeds: publish a folder of briefings as Atom, subscribe to feeds, update them.

UI-free (no Textual import) and light to import: the HTTP client (httpx) and
the feed parser (feedparser) load only inside the functions that use them, so
neither the reader's start-up nor `briefing check` pays for them.
"""

from __future__ import annotations

#: The XML namespace of briefing's own feed elements (docs/FORMAT.md, "Feeds").
NAMESPACE = "https://briefing.invalid/ns/feed/1"
#: The prefix `publish` writes; readers look the namespace up, never the prefix.
PREFIX = "briefing"
#: The enclosure's media type (RFC 9512).
MEDIA_TYPE = "application/yaml"
#: The feed file's name in a published folder.
FEED_FILE = "feed.atom"
