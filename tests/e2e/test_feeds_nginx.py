"""Publish, subscribe and update against a real nginx on loopback; newsboat reads the feed."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from briefing.feeds.atom import read_previous
from briefing.format.loader import load_path
from tests.feedtools import briefing_yaml, need, nginx_serving, no_proxy, run, write_briefings

__all__ = ["no_proxy"]
pytestmark = pytest.mark.usefixtures("no_proxy")


def test_update_fetches_only_what_changed(tmp_path: Path) -> None:
    src = tmp_path / "src"
    ids = write_briefings(src, 3)
    with nginx_serving(tmp_path / "www", tmp_path / "nginx") as server:
        assert run("publish", str(src), str(server.root), "--base-url", server.url).code == 0
        subscribed = run("subscribe", server.url + "feed.atom")
        assert subscribed.code == 0, subscribed.err
        assert "as briefings" in subscribed.out  # the name comes from the feed's title
        first = run("update")
        assert first.code == 0, first.err
        assert first.out.strip() == "briefings: 3 new, 0 updated"
        # subscribe's answer was kept: the first update asks conditionally and reads that copy
        feed_requests = [r for r in server.requests() if r[0] == "/feed.atom"]
        assert feed_requests == [("/feed.atom", 200), ("/feed.atom", 304)]
        listed = json.loads(run("list", "--json").out)
        origins = {row["id"]: row["origin"] for row in listed}
        assert all(origins[briefing_id] == "feed briefings" for briefing_id in ids)
        table = run("list").out.splitlines()
        assert sum(line.endswith("  feed briefings") for line in table) == 3

        mark = len(server.requests())
        second = run("update")
        assert (second.code, second.out.strip()) == (0, "briefings: unchanged")
        assert server.requests()[mark:] == [("/feed.atom", 304)]

        before, _ = read_previous(server.root / "feed.atom")
        (src / "story-2.yaml").write_text(briefing_yaml("story-2", "Story two, revised"))
        assert run("publish", str(src), str(server.root), "--base-url", server.url).code == 0
        after, _ = read_previous(server.root / "feed.atom")
        assert after["story-1"] == before["story-1"] and after["story-3"] == before["story-3"]
        assert after["story-2"].sha256 != before["story-2"].sha256

        mark = len(server.requests())
        third = run("update")
        assert (third.code, third.out.strip()) == (0, "briefings: 0 new, 1 updated")
        assert server.requests()[mark:] == [("/feed.atom", 200), ("/story-2.yaml", 200)]
        assert run("update").out.strip() == "briefings: unchanged"
    held = Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "feeds" / "briefings"
    assert sorted(p.name for p in held.glob("*.yaml")) == [f"{i}.yaml" for i in ids]
    assert load_path(held / "story-2.yaml").briefing.title == "Story two, revised"
    feeds = run("feeds").out.splitlines()
    assert feeds[1].split()[0] == "briefings" and "unchanged" in feeds[1]


def test_unsubscribe_removes_the_feed_and_its_downloads(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write_briefings(src, 1)
    with nginx_serving(tmp_path / "www", tmp_path / "nginx") as server:
        run("publish", str(src), str(server.root))  # relative links: resolved against the feed
        assert run("subscribe", server.url + "feed.atom", "--name", "local").code == 0
        assert run("update", "local").code == 0
        assert any(row["origin"] == "feed local" for row in json.loads(run("list", "--json").out))
        assert run("unsubscribe", "local").code == 0
    assert all(row["origin"] != "feed local" for row in json.loads(run("list", "--json").out))
    assert run("unsubscribe", "local").code == 2
    assert run("update", "nope").code == 2


def test_newsboat_reads_every_title_and_sees_paragraphs(tmp_path: Path) -> None:
    newsboat = need("newsboat")
    src = tmp_path / "src"
    ids = write_briefings(src, 4)
    (src / "story-1.yaml").write_text(
        briefing_yaml("story-1", "Story STORY-1 & <friends>", "First paragraph.").replace(
            "      - 'First paragraph.'\n", "      - 'First paragraph.'\n      - Second one.\n"
        )
    )
    with nginx_serving(tmp_path / "www", tmp_path / "nginx") as server:
        assert run("publish", str(src), str(server.root), "--base-url", server.url).code == 0
        home = tmp_path / "home"
        home.mkdir()
        urls = tmp_path / "urls"
        urls.write_text(server.url + "feed.atom\n")
        cache = tmp_path / "cache.db"
        env = {
            k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")
        }
        env.update(HOME=str(home), TERM="dumb", LANG="C.UTF-8")
        done = subprocess.run(
            [newsboat, "-u", str(urls), "-c", str(cache), "-x", "reload"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert ("/feed.atom", 200) in server.requests()
    with sqlite3.connect(cache) as db:
        titles = {row[0] for row in db.execute("SELECT title FROM rss_item")}
        (content,) = db.execute(
            "SELECT content FROM rss_item WHERE title = ?", ("Story STORY-1 & <friends>",)
        ).fetchone()
    assert titles == {f"Story {i.upper()} & <friends>" for i in ids}
    # newsboat holds the entry as HTML: a heading and separate paragraphs, not one run-on line
    assert "<h2>What happened</h2>" in content
    assert "<p>First paragraph.</p>" in content and "<p>Second one.</p>" in content
