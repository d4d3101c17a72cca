"""Make the README's screenshot with the app itself: `python docs/screenshot.py`."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from briefing.format.loader import load_path
from briefing.tui.app import BriefingApp

ROOT = Path(__file__).resolve().parent.parent


async def main() -> None:
    briefing = load_path(ROOT / "content" / "iran-pakistan-2024-01.yaml").briefing
    with tempfile.TemporaryDirectory() as state:
        app = BriefingApp(briefing, state_dir=Path(state))
        async with app.run_test(size=(110, 34)) as pilot:
            screen = app.reader
            assert screen is not None
            screen.select_entry("jaish-al-adl", focus=False)
            await pilot.press("2")
            await pilot.pause()
            app.save_screenshot("screenshot.svg", str(ROOT / "docs"))
    print("wrote docs/screenshot.svg")


if __name__ == "__main__":
    asyncio.run(main())
