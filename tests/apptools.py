"""Shared helpers for the reader's Pilot, snapshot and end-to-end tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

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


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition` holds (a search has run, a palette has its hits).

    Waits in short steps instead of a fixed pause, so a fast machine does not
    wait and a loaded one does not fail; gives up after 10 s, saying `what`.
    """
    for _ in range(1000):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"gave up waiting for {what}")


def search_ran(screen: ReaderScreen) -> Callable[[], bool]:
    """Typing in the search bar has stopped and its search has run."""
    return lambda: not screen.search.pending


def palette_found(app: BriefingApp, text: str) -> Callable[[], bool]:
    """The command palette is open and its first hit contains `text`."""
    from textual.command import CommandList, CommandPalette

    def found() -> bool:
        if not isinstance(app.screen, CommandPalette):
            return False
        hits = app.screen.query_one(CommandList)
        return hits.option_count > 0 and text in str(hits.get_option_at_index(0).prompt)

    return found


def generated_briefing(folder: Path) -> Path:
    """A generated briefing of twelve sections (forty entries, ten events) in `folder`."""
    from benchmarks.generate import generate

    path = folder / "generated.yaml"
    path.write_text(generate(sections=12, glossary=40, timeline=10, words=60, seed=3))
    return path
