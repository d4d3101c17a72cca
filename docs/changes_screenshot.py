"""Make the README's screenshots of a changed section with the app itself.

    python docs/changes_screenshot.py

The reader is told it last read an earlier draft of the bundled briefing (the
Reactions section without two details), then opens the bundled one: the
section is marked and opened, and `D` shows its word diff.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from briefing.format.loader import load_bytes, load_path
from briefing.store.state import ReadingState, save_state
from briefing.store.versions import save_version
from briefing.tracking.changes import version_of
from briefing.tui.app import BriefingApp
from briefing.tui.screens.diffview import DiffScreen

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "content" / "iran-pakistan-2024-01.yaml"
NOW = (
    "Tehran sharply condemned the Pakistani strikes, which it\n"
    "        said had killed civilians, and called in"
)
EARLIER = "Tehran condemned the Pakistani strikes and called in"


async def main() -> None:
    text = BUNDLED.read_text(encoding="utf-8")
    assert NOW in text, "the bundled briefing changed: update this script"
    earlier = load_bytes(text.replace(NOW, EARLIER).encode(), "earlier.yaml").briefing
    briefing = load_path(BUNDLED).briefing
    with tempfile.TemporaryDirectory() as folder:
        state = Path(folder)
        version = version_of(earlier)
        save_version(version, state)
        save_state(briefing.id, ReadingState(open_sections=[], seen=version.hash), state)
        app = BriefingApp(briefing, state_dir=state)
        async with app.run_test(size=(110, 34)) as pilot:
            await pilot.press("right_curly_bracket")
            await pilot.pause()
            app.save_screenshot("changes.svg", str(ROOT / "docs"))
            await pilot.press("D")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, DiffScreen)
            app.save_screenshot("changes-diff.svg", str(ROOT / "docs"))
    print("wrote docs/changes.svg and docs/changes-diff.svg")


if __name__ == "__main__":
    asyncio.run(main())
