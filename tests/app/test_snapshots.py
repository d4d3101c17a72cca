"""SVG snapshots of how the reader looks; regenerate on purpose with --snapshot-update."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.apptools import BUNDLED, HOSTILE, make_app, reader

Snap = Callable[..., bool]


def test_main_screen_100x30(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(make_app(BUNDLED, tmp_path), terminal_size=(100, 30))


def test_main_screen_80x24(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(make_app(BUNDLED, tmp_path), terminal_size=(80, 24))


def test_all_collapsed(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(make_app(BUNDLED, tmp_path), press=["c"], terminal_size=(100, 30))


def test_help(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(
        make_app(BUNDLED, tmp_path), press=["question_mark"], terminal_size=(100, 30)
    )


def test_card_open(snap_compare: Snap, tmp_path: Path) -> None:
    async def open_card(pilot: Pilot[Any]) -> None:
        await pilot.pause()  # run_before starts before the first screen is composed
        reader(pilot.app).select_entry("gregory-brew")  # type: ignore[arg-type]
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()

    app = make_app(BUNDLED, tmp_path)
    assert snap_compare(app, run_before=open_card, terminal_size=(100, 30))


def test_overlay_40x15(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(make_app(BUNDLED, tmp_path), press=["s"], terminal_size=(40, 15))


def test_hostile_markup_shows_literally(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(make_app(HOSTILE, tmp_path), terminal_size=(100, 30))


def test_focus_visible_default_theme(snap_compare: Snap, tmp_path: Path) -> None:
    """Sidebar focused: its border turns thick; the list's cursor shows."""
    assert snap_compare(
        make_app(BUNDLED, tmp_path), press=["2", "tab", "j"], terminal_size=(100, 30)
    )


def test_focus_visible_light_theme(snap_compare: Snap, tmp_path: Path) -> None:
    async def light(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        pilot.app.theme = "textual-light"
        await pilot.press("3")
        await pilot.pause()

    assert snap_compare(make_app(BUNDLED, tmp_path), run_before=light, terminal_size=(100, 30))


def test_focus_visible_no_color(
    snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR: the article's cursor and its header line (the top bar) in reverse video."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(BUNDLED, tmp_path), press=["3"], terminal_size=(100, 30))


def test_card_with_related_and_mentions_40x15(snap_compare: Snap, tmp_path: Path) -> None:
    assert snap_compare(make_app(BUNDLED, tmp_path), press=["m", "enter"], terminal_size=(40, 15))
