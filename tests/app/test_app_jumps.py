"""Ctrl+O goes back over each of the six kinds of jump, Ctrl+N forward again."""

from __future__ import annotations

from pathlib import Path

from briefing.tui.jumps import JumpList
from briefing.tui.widgets.targets import Spot
from tests.apptools import BUNDLED, make_app, reader

SIZE = (100, 30)


def test_jump_list_back_and_forward() -> None:
    jumps: JumpList[int] = JumpList()
    assert jumps.back(0) is None
    jumps.record("section", 1)
    jumps.record("search", 2)
    assert jumps.back(3) == 2
    assert jumps.back(2) == 1
    assert jumps.back(1) is None
    assert jumps.forward() == 2
    assert jumps.forward() == 3
    assert jumps.forward() is None
    jumps.back(3)
    jumps.record("card", 9)  # a new jump drops what was forward
    assert jumps.forward() is None


async def test_each_kind_of_jump_comes_back_with_ctrl_o(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path, fresh=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        article = screen.article

        async def check(kind: str, *keys: str) -> None:
            await pilot.press("1", "j")
            before: Spot = article.spot()
            await pilot.press(*keys)
            await pilot.pause()
            assert screen.jumps.places[-1][0] == kind, kind
            assert article.spot() != before, kind
            await pilot.press("ctrl+o")
            await pilot.pause()
            assert article.spot() == before, kind
            await pilot.press("ctrl+n")
            assert article.spot() != before, kind

        await check("mention", "m")
        await check("section", "3")
        await check("search", "slash", *"Kerman", "enter")
        await pilot.press("escape")
        timeline_event = next(
            i for i, e in enumerate(screen.briefing.timeline) if e.section is not None
        )
        await check("timeline", "t", *(["j"] * timeline_event), "g", *(["j"] * timeline_event),
                    "enter")  # fmt: skip
        await pilot.press("t", "tab")
        await check("palette", "ctrl+p", *"Section 4", "enter")
        entry = "jaish-al-adl"
        screen.select_entry(entry)
        await pilot.pause()
        await pilot.press("tab")
        # the card's cursor starts on its first item: down past the related
        # entries to its first mention
        related = len(screen.briefing.entries[entry].related)
        await check("card", "tab", *(["j"] * related), "enter")
