"""SVG snapshots of how the reader looks; regenerate on purpose with --snapshot-update."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

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
