"""At the caps: one entry with 100,000 mentions, a search matching 100,000 places.

A card and the search results are line-based and drawn only where visible,
counted with `len()`, so opening, moving and stepping stay quick however many
there are. Time limits here are generous (a loaded CI machine); the point is
that nothing is proportional to the count on a key press.
"""

from __future__ import annotations

import time
from pathlib import Path

from briefing.tui.widgets.card import EntryCard
from tests.apptools import make_app, reader

MENTIONS = 100_000


def write_crowded(path: Path) -> Path:
    """100 sections x 10 paragraphs x 100 mentions of one name: exactly the 100,000 cap."""
    paragraph = " ".join(["Zed"] * 100)
    lines = [
        "briefing: 1", "id: crowded", "title: One name everywhere", "summary: At the cap.",
        "date: 2025-01-01", "source:", "  outlet: Test", "sections:",
    ]  # fmt: skip
    for number in range(100):
        lines += [f"  - id: s{number}", f"    title: Part {number}", "    body:"]
        lines += [f"      - {paragraph}"] * 10
    lines += [
        "glossary:", "  - id: zed", "    name: Zed", "    kind: person", "    role: Everyone.",
    ]  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return path


async def test_a_card_with_a_hundred_thousand_mentions(tmp_path: Path) -> None:
    app = make_app(write_crowded(tmp_path / "crowded.yaml"), tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = reader(app)
        assert len(screen.briefing.mentions_of("zed")) >= MENTIONS
        started = time.perf_counter()
        screen.select_entry("zed")
        await pilot.pause()
        card = screen.card
        assert isinstance(app.focused, EntryCard)
        assert card.mention_count >= MENTIONS
        assert f"Mentions ({card.mention_count})" in card.text(40)
        await pilot.press("G")
        await pilot.press("k", "k", "enter")
        assert time.perf_counter() - started < 10
        cursor = screen.article.cursor
        assert cursor is not None and cursor.entry_id == "zed"
        # Stepping mentions bisects; it does not walk them all (1,000 walks of
        # 100,000 would take minutes).
        article = screen.article
        article.step_mention(1)  # the first step indexes this entry's mentions once
        started = time.perf_counter()
        for _ in range(1000):
            assert article.step_mention(1) is not None
        assert time.perf_counter() - started < 3
        await pilot.press("m")


async def test_a_search_matching_a_hundred_thousand_places(tmp_path: Path) -> None:
    app = make_app(write_crowded(tmp_path / "crowded.yaml"), tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = reader(app)
        await pilot.press("slash", *"zed", "enter")
        assert len(screen.article.matches) >= MENTIONS
        count = str(screen.search.bar.query_one("#search-count").render())
        assert count.startswith("1 of ")
        await pilot.press("N", "N", "n", "G", "g")
        started = time.perf_counter()
        for _ in range(300):
            screen.action_step_match(-1)
        assert time.perf_counter() - started < 3
        assert screen.search.current_match == len(screen.article.matches) - 301
        await pilot.press("n")
        row = screen.article.cursor_row()
        assert row is not None and screen.article.top <= row
