"""The reader on a real PostgreSQL (BRIEFING_STATE_URL): saves, imports, and an outage.

The cluster is this module's own (tests/pgtools.py: initdb and pg_ctl in a
temporary folder, a free loopback port). Stopping it with `pg_ctl -m
immediate` drops every connection as a crashed or unreachable server would.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.store import statestore
from briefing.store.state import ReadingState, load_state, save_state
from briefing.store.statestore import UNSAVED_NOTICE
from briefing.tui.app import BriefingApp
from tests.apptools import BUNDLED, load, reader
from tests.pgtools import PostgresCluster, running_cluster
from tests.storetools import BUNDLED_ID, saved_state_in_postgres

SIZE = (100, 30)


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    yield from running_cluster()


@pytest.fixture
def database(cluster: PostgresCluster, monkeypatch: pytest.MonkeyPatch) -> str:
    url = cluster.new_database()
    monkeypatch.setenv("BRIEFING_STATE_URL", url)
    monkeypatch.setenv("BRIEFING_READER", "tester")
    return url


class NotedApp(BriefingApp):
    """The reader, keeping every notification it gives (to count the "not saved" ones)."""

    CSS_PATH = str(Path(inspect.getfile(BriefingApp)).parent / "briefing.tcss")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.told: list[str] = []

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.told.append(str(message))
        super().notify(message, *args, **kwargs)


def test_state_and_versions_go_to_postgres_not_to_files(database: str, tmp_path: Path) -> None:
    save_state("story", ReadingState(["a"], 4, "e"), tmp_path)
    assert load_state("story", tmp_path) == (ReadingState(["a"], 4, "e"), None)
    assert saved_state_in_postgres(database, "tester", "story") is not None
    assert not (tmp_path / "state.sqlite3").exists()


def test_an_old_state_file_is_taken_in_once_and_set_aside(database: str, tmp_path: Path) -> None:
    old = {"open_sections": ["b"], "scroll_y": 9, "selected_entry": None}
    (tmp_path / "story.json").write_text(json.dumps(old))
    state, warning = load_state("story", tmp_path)
    assert warning is None and state.open_sections == ["b"] and state.scroll_y == 9
    assert not (tmp_path / "story.json").exists()
    assert len(list(tmp_path.glob("story.json.imported-*"))) == 1
    assert saved_state_in_postgres(database, "tester", "story") == old


async def _until(pilot: Any, condition: Any, seconds: float = 30.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


async def test_a_database_down_mid_session(
    database: str, cluster: PostgresCluster, tmp_path: Path
) -> None:
    """Reading goes on, the reader says once that its place is not saved, and saves
    again when the database is back."""
    app = NotedApp(load(BUNDLED), state_dir=tmp_path, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.save_reading_state()
        assert statestore.flush_all()
        assert saved_state_in_postgres(database, "tester") is not None
        cluster.stop("immediate")
        try:
            await pilot.press("c")  # collapse all: a state worth saving
            app.save_reading_state()
            assert await _until(pilot, lambda: UNSAVED_NOTICE in app.told), app.told
            # Keys still work while saves fail: the loop never waited for the database.
            await pilot.press("e")
            await pilot.pause()
            article = reader(app).article
            assert len(article.open_sections) == len(article.briefing.sections)
            await pilot.press("c")
            app.save_reading_state()
            await asyncio.sleep(0.5)
            assert not statestore.flush_all(timeout=1)
            assert app.told.count(UNSAVED_NOTICE) == 1, app.told
        finally:
            cluster.start()
        await pilot.press("j")
        app.save_reading_state()  # the next save tries again, and gets through
        flushed = await asyncio.to_thread(statestore.flush_all, 15)
        assert flushed, "the first save after the restart was written"
        saved = saved_state_in_postgres(database, "tester")
        assert saved is not None and saved["open_sections"] == []
        assert app.told.count(UNSAVED_NOTICE) == 1
        await pilot.press("q")


def test_loads_while_down_say_so_once_and_return_at_once(
    database: str, cluster: PostgresCluster, tmp_path: Path
) -> None:
    save_state("story", ReadingState(scroll_y=3), tmp_path)
    cluster.stop("immediate")
    try:
        state, warning = load_state("story", tmp_path)
        assert state == ReadingState() and warning == UNSAVED_NOTICE
        assert load_state("other", tmp_path) == (ReadingState(), None)  # said once
    finally:
        cluster.start()
    statestore.forget_stores()
    assert load_state("story", tmp_path)[0].scroll_y == 3


def test_the_bundled_place_survives_a_restart_of_the_database(
    database: str, cluster: PostgresCluster, tmp_path: Path
) -> None:
    save_state(BUNDLED_ID, ReadingState(scroll_y=12), tmp_path)
    cluster.stop("fast")
    cluster.start()
    statestore.forget_stores()
    assert load_state(BUNDLED_ID, tmp_path)[0].scroll_y == 12
