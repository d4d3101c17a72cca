"""Feeds: publish a folder of briefings as Atom, subscribe to feeds, update them.

UI-free (no Textual import) and light to import: the HTTP client (httpx) and
the feed parser (feedparser) load only inside the functions that use them, so
neither the reader's start-up nor `briefing check` pays for them.
"""

from __future__ import annotations

from pathlib import Path

#: The XML namespace of briefing's own feed elements (docs/FORMAT.md, "Feeds").
NAMESPACE = "https://briefing.invalid/ns/feed/1"
#: The prefix `publish` writes; readers look the namespace up, never the prefix.
PREFIX = "briefing"
#: The enclosure's media type (RFC 9512).
MEDIA_TYPE = "application/yaml"
#: The feed file's name in a published folder.
FEED_FILE = "feed.atom"


def feeds_dir() -> Path:
    """Where downloads go: one folder per feed, named after it (the library reads them).

    Here, not in .store, so that the library finds feed folders without importing
    the subscriptions code before the reader's first frame.
    """
    from platformdirs import user_data_path

    return user_data_path("briefing", appauthor=False) / "feeds"
