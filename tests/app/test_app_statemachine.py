"""Random key sequences on a generated briefing, checked after every step.

A hypothesis RuleBasedStateMachine drives the reader, starting at 60x20 or
100x30, with single keys, keys together (as in one write), `/` searches and
filters, and resizes from 40x15 to 160x48. After each step it checks: no
exception, the cursor is on screen, the anchored position's row is the top
row (or the view is at its end), and focus is on a widget that is displayed.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from briefing.render.position import anchor_row
from briefing.tui.app import BriefingApp
from briefing.tui.widgets.focusfix import displayed_now
from tests.apptools import generated_briefing, make_app, reader

KEYS = ["j", "k", "f", "b", "d", "u", "g", "G", "space", "enter", "right_square_bracket",
        "left_square_bracket", "1", "2", "3", "m", "M", "n", "N", "c", "e", "s", "t", "tab",
        "shift+tab", "escape", "ctrl+o", "ctrl+n", "J", "K", "ctrl+e", "ctrl+y", "home",
        "end", "pagedown", "pageup", "down", "up", "ctrl+f", "ctrl+b", "ctrl+d", "ctrl+u",
        "right_curly_bracket", "left_curly_bracket", "slash"]  # fmt: skip
"""Every key of the reader's panes (help, the palette, the library and quitting aside)."""

SIZES = [(40, 15), (60, 20), (80, 24), (100, 30), (160, 48)]
"""Sizes the window is resized to mid-run: tiny, narrow (the overlay), medium, wide."""


Step = Callable[[Any], Awaitable[object]]


class ReaderMachine(RuleBasedStateMachine):
    """One app per example, on its own event loop, driven key by key.

    One task holds the app's `run_test` context from start to teardown (its
    context variables must be set and reset in the same task); each rule
    hands it a step and runs the loop until that step is done.
    """

    size: tuple[int, int] = (100, 30)
    folder: Path

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.app: BriefingApp | None = None
        self.steps: asyncio.Queue[tuple[Step | None, asyncio.Future[None]]] | None = None
        self.task: asyncio.Task[None] | None = None

    async def _hold(self, app: BriefingApp, started: asyncio.Future[None]) -> None:
        assert self.steps is not None
        async with app.run_test(size=self.size) as pilot:
            started.set_result(None)
            while True:
                step, done = await self.steps.get()
                if step is None:
                    done.set_result(None)
                    return
                try:
                    await step(pilot)
                except BaseException as error:  # noqa: BLE001 (handed to the rule)
                    done.set_exception(error)
                else:
                    done.set_result(None)

    def _run(self, step: Step | None) -> None:
        assert self.steps is not None
        done: asyncio.Future[None] = self.loop.create_future()
        self.steps.put_nowait((step, done))
        self.loop.run_until_complete(done)

    @initialize()
    def start(self) -> None:
        # A folder per example: the app saves preferences (the sidebar shown or
        # not) there, and a replayed example must start as the first run did.
        folder = Path(tempfile.mkdtemp(dir=self.folder))
        self.app = make_app(generated_briefing(folder), folder, fresh=True)
        self.steps = asyncio.Queue()
        started: asyncio.Future[None] = self.loop.create_future()
        self.task = self.loop.create_task(self._hold(self.app, started))
        self.loop.run_until_complete(started)

    @rule(key=st.sampled_from(KEYS))
    def press(self, key: str) -> None:
        async def step(pilot: Any) -> None:
            await pilot.press(key)
            await pilot.pause()

        self._run(step)

    @rule(keys=st.lists(st.sampled_from(KEYS), min_size=2, max_size=6))
    def press_together(self, keys: list[str]) -> None:
        """Several keys with no pause between them (as in one write)."""

        async def step(pilot: Any) -> None:
            await pilot.press(*keys)
            await pilot.pause()

        self._run(step)

    @rule(size=st.sampled_from(SIZES))
    def resize(self, size: tuple[int, int]) -> None:
        async def step(pilot: Any) -> None:
            await pilot.resize_terminal(*size)
            await pilot.pause()

        self._run(step)

    @rule(text=st.sampled_from(["ab", "zzz", "the", "e"]))
    def search(self, text: str) -> None:
        """`/`, text, Enter in whichever pane has focus: a search, or a list's filter."""

        async def step(pilot: Any) -> None:
            await pilot.press("slash", *text, "enter")
            await pilot.pause()

        self._run(step)

    @invariant()
    def still_sound(self) -> None:
        if self.app is None:
            return
        assert self.app.is_running
        screen = self.app.screen
        if screen is not reader(self.app):
            return  # help or the library: their own tests
        article = reader(self.app).article
        row = article.cursor_row()
        if article.cursor is not None:
            assert row is not None and article.top <= row < article.top + article.page_height
        wanted = anchor_row(article.layout_rows, article.reading_anchor)
        assert article.top == min(wanted, int(article.max_scroll_y))
        focused = self.app.focused
        assert focused is not None and displayed_now(focused), focused

    def teardown(self) -> None:
        if self.task is not None:
            self._run(None)
            self.loop.run_until_complete(self.task)
        self.loop.close()


@pytest.mark.parametrize("size", [(60, 20), (100, 30)])
def test_random_keys_keep_the_reader_sound(size: tuple[int, int], tmp_path: Path) -> None:
    machine: type[ReaderMachine] = type(
        "Machine", (ReaderMachine,), {"size": size, "folder": tmp_path}
    )
    run = settings(
        max_examples=8,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )(machine).TestCase
    run().runTest()
