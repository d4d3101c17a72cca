"""`briefing publish` and the subscriptions file, without a network."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import stat
from html import escape as html_escape
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.feeds import NAMESPACE
from briefing.feeds.atom import Entry, build_feed, read_previous
from briefing.feeds.fetch import retry_after_seconds
from briefing.feeds.store import Feed, load_feeds, save_feeds, subscriptions_path
from tests.feedtools import briefing_yaml, run, write_briefings


def parse(path: Path) -> dict[str, object]:
    with path.open("rb") as stream:
        result: dict[str, object] = feedparser.parse(stream)
    return result


def test_the_feed_is_valid_atom_with_an_enclosure_per_briefing(tmp_path: Path) -> None:
    ids = write_briefings(tmp_path / "src", 3)
    base = ("--base-url", "https://news.example/b")
    result = run("publish", str(tmp_path / "src"), str(tmp_path / "out"), *base,
                 "--title", "Evening <news> & more")  # fmt: skip
    assert result.code == 0, result.err
    feed = feedparser.parse((tmp_path / "out" / "feed.atom").read_bytes())
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.title == "Evening <news> & more"
    assert feed.namespaces["briefing"] == NAMESPACE
    assert sorted(entry.briefing_id for entry in feed.entries) == ids
    for entry in feed.entries:
        data = (tmp_path / "out" / f"{entry.briefing_id}.yaml").read_bytes()
        assert data == (tmp_path / "src" / f"{entry.briefing_id}.yaml").read_bytes()
        (link,) = [x for x in entry.links if x.rel == "enclosure"]
        assert link.href == f"https://news.example/b/{entry.briefing_id}.yaml"
        assert int(link.length) == len(data) and link.type == "application/yaml"
        assert entry.briefing_sha256 == hashlib.sha256(data).hexdigest()
        assert entry.id == link.href and entry.title.startswith("Story")
        assert "<h2>What happened</h2>" in entry.content[0].value
        mode = stat.S_IMODE((tmp_path / "out" / f"{entry.briefing_id}.yaml").stat().st_mode)
        assert mode & 0o044 == 0o044  # a web server running as another user can read it
        (page,) = [x for x in entry.links if x.rel == "alternate"]
        assert page.href == f"https://news.example/b/{entry.briefing_id}.html"
        assert page.type == "text/html" and entry.link == page.href
        html = (tmp_path / "out" / f"{entry.briefing_id}.html").read_text(encoding="utf-8")
        assert html_escape(entry.title) in html and entry.title not in html  # escaped
    assert (tmp_path / "out" / "index.html").is_file()


def test_updated_is_kept_while_the_bytes_are_unchanged(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_briefings(src, 2)
    assert run("publish", str(src), str(out)).code == 0
    old = read_previous(out / "feed.atom")[0]
    before = {key: value.updated for key, value in old.items()}
    past = dt.datetime(2020, 5, 1, tzinfo=dt.UTC)
    text = (out / "feed.atom").read_text()
    for stamp in {value.strftime("%Y-%m-%dT%H:%M:%SZ") for value in before.values()}:
        text = text.replace(stamp, "2020-05-01T00:00:00Z")  # as if published long ago
    (out / "feed.atom").write_text(text)
    (src / "story-2.yaml").write_text(briefing_yaml("story-2", "Changed"))
    (src / "story-3.yaml").write_text(
        briefing_yaml("story-3", "Dated").replace(
            "date:", "updated: 2023-03-04T05:06:07+01:00\ndate:"
        )
    )
    result = run("publish", str(src), str(out))
    assert "(2 new or changed)" in result.out
    now = read_previous(out / "feed.atom")[0]
    assert now["story-1"].updated == past
    assert now["story-2"].updated > past
    assert now["story-3"].updated == dt.datetime(2023, 3, 4, 4, 6, 7, tzinfo=dt.UTC)


def test_publish_refuses_when_a_briefing_fails_check(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_briefings(src, 2)
    (src / "bad.yaml").write_text("briefing: 1\nid: Bad Id\n")
    (src / "dup.yaml").write_text(briefing_yaml("story-1", "Again"))
    result = run("publish", str(src), str(out))
    assert result.code == 1
    assert "bad.yaml:2:5: error: id: 'Bad Id' is not a valid id" in result.err
    assert "story-1.yaml:1:1: error: id 'story-1' is also used by" in result.err
    assert "2 file(s) fail check; nothing was published" in result.err
    assert not out.exists()
    assert run("publish", str(src), str(out), "--base-url", "ftp://x/").code == 2
    assert run("publish", str(tmp_path / "missing"), str(out)).code == 2


@pytest.mark.parametrize("out", [".", "site", ".."])
def test_publish_refuses_an_output_folder_overlapping_the_source(tmp_path: Path, out: str) -> None:
    src = tmp_path / "src"
    write_briefings(src, 2)
    before = sorted(path.name for path in src.iterdir())
    result = run("publish", str(src), str(src / out))
    assert result.code == 2, result.err
    assert "choose a folder outside it" in result.err
    assert sorted(path.name for path in src.iterdir()) == before
    assert run("publish", str(src), str(tmp_path / "out")).code == 0
    assert run("publish", str(src), str(tmp_path / "out")).code == 0


@pytest.mark.parametrize(
    ("previous", "warning"),
    [
        (b"<feed", "not well-formed"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "declares a DTD"),
        (b"<rss/>", "not an Atom feed"),
    ],
)
def test_a_damaged_previous_feed_is_ignored_with_a_warning(
    tmp_path: Path, previous: bytes, warning: str
) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    write_briefings(src, 1)
    out.mkdir()
    (out / "feed.atom").write_bytes(previous)
    result = run("publish", str(src), str(out))
    assert result.code == 0 and warning in result.err
    assert not parse(out / "feed.atom")["bozo"]


def test_a_damaged_subscriptions_file_is_set_aside(tmp_path: Path) -> None:
    save_feeds([Feed(name="one", url="https://a.example/feed.atom")])
    assert [feed.name for feed in load_feeds()[0]] == ["one"]
    path = subscriptions_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    data["feeds"][0]["name"] = "../../etc"
    path.write_text(json.dumps(data))
    feeds, warning = load_feeds()  # one bad record is skipped; the file stays
    assert feeds == [] and warning is not None and "feed 1 skipped" in warning
    path.write_text("[]")
    feeds, warning = load_feeds()
    assert feeds == [] and warning is not None and "set aside" in warning
    assert not path.exists()
    assert [p.name.startswith("subscriptions.json.damaged-") for p in path.parent.iterdir()] == [
        True
    ]
    path.write_text("{not json")
    result = run("feeds")
    assert result.code == 0 and "damaged" in result.err and "no subscriptions" in result.err
    assert len(os.listdir(path.parent)) == 2


def test_retry_after_takes_seconds_or_a_date_within_bounds() -> None:
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Mon, 01 Jan 2024 00:10:00 GMT", now) == 600
    assert retry_after_seconds("0") == 1
    assert retry_after_seconds("99999999999") == 24 * 3600
    assert retry_after_seconds("soon") == retry_after_seconds(None) == 600


def test_subscribe_refuses_what_is_not_http(tmp_path: Path) -> None:
    for url in ("file:///etc/passwd", "ftp://x/feed", "data:,x"):
        result = run("subscribe", url)
        assert result.code == 2 and "only http and https" in result.err
    result = run("subscribe", "feed.atom")
    assert result.code == 2 and "starts with http:// or https://" in result.err


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80), st.text(max_size=200))
def test_any_text_makes_a_valid_feed(title: str, summary: str) -> None:
    """Whatever a briefing's text holds, the feed stays well-formed Atom and keeps its ids."""
    entry = Entry(
        briefing_id="story", title=title, summary=summary,
        updated=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), href="story.yaml",
        length=1, sha256="a" * 64, content=summary, entry_id="urn:briefing:story",
    )  # fmt: skip
    data = build_feed([entry], title=title, feed_id="urn:f", author=title, self_href=None)
    parsed = feedparser.parse(io.BytesIO(data))
    assert not parsed.bozo, parsed.bozo_exception
    (only,) = parsed.entries
    assert only.briefing_id == "story" and only.briefing_sha256 == "a" * 64
    assert len(parsed.entries) == 1


def test_two_updates_never_run_at_once() -> None:
    from briefing.feeds.store import exclusive

    save_feeds([Feed(name="one", url="http://127.0.0.1:9/feed.atom")])
    with exclusive():
        result = run("update")
    assert result.code == 1 and "another update is running" in result.err
