"""FileWatch: a save is reported once, after it settles; both ways editors save count."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.tracking.filewatch import FileWatch, watching_enabled


def test_a_save_is_reported_once_after_it_settles(tmp_path: Path) -> None:
    path = tmp_path / "story.yaml"
    path.write_text("one")
    watch = FileWatch(path)
    assert not watch.poll()
    path.write_text("one two")  # in place: new size and time
    assert not watch.poll() and watch.moving, "first sight: wait for it to settle"
    assert watch.poll(), "held still: report it"
    assert not watch.poll() and not watch.moving, "reported once"
    temp = tmp_path / ".story.tmp"
    temp.write_text("one two")  # same size, new inode
    os.replace(temp, path)
    assert not watch.poll()
    assert watch.poll()


def test_a_missing_file_is_not_a_change(tmp_path: Path) -> None:
    path = tmp_path / "story.yaml"
    path.write_text("one")
    watch = FileWatch(path)
    path.unlink()  # an editor between unlinking and renaming
    assert not watch.poll() and not watch.poll()
    path.write_text("two!")
    assert not watch.poll()
    assert watch.poll()


def test_watching_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_WATCH", "0")
    assert not watching_enabled()
    monkeypatch.setenv("BRIEFING_WATCH", "1")
    assert watching_enabled()


def test_a_served_reader_never_watches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions of `briefing serve` leave watching to the server (one poll, not one per reader)."""
    monkeypatch.delenv("BRIEFING_WATCH", raising=False)
    monkeypatch.delenv("BRIEFING_SERVED", raising=False)
    assert watching_enabled()
    monkeypatch.setenv("BRIEFING_SERVED", "1")
    assert not watching_enabled()
