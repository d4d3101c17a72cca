"""Shared helpers for the reader's Pilot, snapshot and end-to-end tests."""

from __future__ import annotations

from pathlib import Path

from briefing.format.loader import load_path
from briefing.format.model import Briefing
from briefing.tui.app import BriefingApp
from briefing.tui.screens.readerscreen import ReaderScreen

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "content" / "iran-pakistan-2024-01.yaml"
FIXTURES = Path(__file__).resolve().parent / "app_fixtures"
HOSTILE = FIXTURES / "hostile.yaml"
OTHER_SHAPE = FIXTURES / "other_shape.yaml"


def load(path: Path) -> Briefing:
    return load_path(path).briefing


def make_app(path: Path = BUNDLED, state_dir: Path | None = None, **kwargs: object) -> BriefingApp:
    kwargs.setdefault("config_dir", state_dir)  # no test reads or writes the user's config
    return BriefingApp(load(path), state_dir=state_dir, **kwargs)  # type: ignore[arg-type]


def reader(app: BriefingApp) -> ReaderScreen:
    screen = app.reader
    assert screen is not None
    return screen


def visible_text(app: BriefingApp) -> str:
    """The article's rows on screen, as plain text."""
    article = reader(app).article
    top = int(article.scroll_offset.y)
    height = article.scrollable_content_region.height
    return "\n".join(
        article.render_line(y).text
        for y in range(height)
        if top + y < len(article.layout_rows.rows)
    )
