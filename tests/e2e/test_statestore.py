"""The state store's contract, the same tests on both engines: SQLite and a real PostgreSQL.

Every test below takes `engine_store`, made once on SQLite (a file in the
test's folder) and once on PostgreSQL (a fresh database in a cluster this
module starts with initdb and pg_ctl; see tests/pgtools.py). CI sets
BRIEFING_REQUIRE_POSTGRES=1 so the PostgreSQL half runs there, never skips.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from briefing.store import schema, statestore
from briefing.store.statestore import (
    MAX_PAYLOAD,
    PREFERENCES,
    STATE,
    VERSION,
    Engine,
    Store,
    StoreUnavailable,
)
from tests.pgtools import PostgresCluster, running_cluster

ENGINES = ["sqlite", "postgres"]
MakeStore = Callable[[str], Store]


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    yield from running_cluster()


def _sqlite_engine(folder: Path, reader: str) -> Engine:
    from briefing.store.sqlitestore import SqliteEngine

    return SqliteEngine(folder / "state.sqlite3", reader)


@pytest.fixture(params=ENGINES)
def make_store(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, MakeStore, str]]:
    """A factory of stores for readers of one database; the engine's name; its location."""
    made: list[Store] = []
    if request.param == "sqlite":
        location = str(tmp_path)

        def make(reader: str) -> Store:
            database = tmp_path / "state.sqlite3"
            store = Store(lambda: _sqlite_engine(tmp_path, reader), exists=database.exists)
            made.append(store)
            return store
    else:
        cluster: PostgresCluster = request.getfixturevalue("cluster")
        location = cluster.new_database()

        def make(reader: str) -> Store:
            from briefing.store.pgstore import PostgresEngine

            store = Store(lambda: PostgresEngine(location, reader), exists=lambda: True)
            made.append(store)
            return store

    yield request.param, make, location
    for store in made:
        store.close()


@pytest.fixture
def engine_store(make_store: tuple[str, MakeStore, str]) -> Store:
    return make_store[1]("reader-a")


def test_a_record_saved_is_read_back(engine_store: Store) -> None:
    assert engine_store.load(STATE, "story") is None
    engine_store.save(STATE, "story", b'{"scroll_y": 3}')
    record = engine_store.load(STATE, "story")
    assert record is not None and record[0] == b'{"scroll_y": 3}' and record[1] > 0
    engine_store.save(STATE, "story", b"{}")
    again = engine_store.load(STATE, "story")
    assert again is not None and again[0] == b"{}" and again[1] >= record[1]
    assert engine_store.keys(STATE) == ["story"]
    engine_store.delete(STATE, "story")
    assert engine_store.load(STATE, "story") is None


def test_readers_and_kinds_are_apart(make_store: tuple[str, MakeStore, str]) -> None:
    _name, make, _location = make_store
    alice, bob = make("alice"), make("bob")
    alice.save(STATE, "story", b"alice's place")
    alice.save(VERSION, "story", b"alice's version")
    bob.save(STATE, "story", b"bob's place")
    assert alice.load(STATE, "story") is not None
    assert alice.load(STATE, "story")[0] == b"alice's place"  # type: ignore[index]
    assert bob.load(STATE, "story")[0] == b"bob's place"  # type: ignore[index]
    assert bob.load(VERSION, "story") is None


def test_the_limits_of_the_files_hold(engine_store: Store) -> None:
    engine_store.save(VERSION, "big", b"x" * MAX_PAYLOAD[VERSION])
    with pytest.raises(ValueError, match="larger than"):
        engine_store.save(VERSION, "bigger", b"x" * (MAX_PAYLOAD[VERSION] + 1))
    with pytest.raises(ValueError, match="larger than"):
        engine_store.save(STATE, "s", b"x" * (MAX_PAYLOAD[STATE] + 1))
    with pytest.raises(ValueError, match="not a kind"):
        engine_store.save("other", "s", b"")
    assert engine_store.load(VERSION, "bigger") is None


def test_the_oldest_records_past_the_cap_are_forgotten(
    engine_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(statestore.MAX_RECORDS, VERSION, 3)
    for number in range(5):
        engine_store.save(VERSION, f"b{number}", b"v", saved=1000.0 + number)
    engine_store.save(STATE, "b0", b"s")  # another kind: its own cap
    assert engine_store.keys(VERSION) == ["b2", "b3", "b4"]
    assert engine_store.keys(STATE) == ["b0"]


def test_two_writers_of_one_briefing_never_tear_a_row(
    make_store: tuple[str, MakeStore, str],
) -> None:
    """Two terminals (two stores, two connections) saving the same record at once."""
    _name, make, _location = make_store
    first, second = make("reader-a"), make("reader-a")
    payloads = {b"A" * 50_000, b"B" * 70_000}

    refused: list[str] = []

    def hammer(store: Store, payload: bytes) -> None:
        for _ in range(30):
            try:
                store.save(STATE, "story", payload)
            except StoreUnavailable as error:
                # On a slow disk a save can wait out the busy timeout behind the other
                # writer's fsync; it stays queued. Tearing is what this test is about.
                refused.append(str(error))

    threads = [threading.Thread(target=hammer, args=(s, p)) for s, p in
               zip((first, second), sorted(payloads), strict=True)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record = make("reader-a").load(STATE, "story")
    assert record is not None and record[0] in payloads, refused  # the last writer's, whole


def test_queued_saves_are_read_back_before_they_are_written(engine_store: Store) -> None:
    engine_store.save(STATE, "story", b"one", wait=False)
    engine_store.save(STATE, "story", b"two", wait=False)
    queued = engine_store.load(STATE, "story")
    assert queued is not None and queued[0] == b"two"
    assert engine_store.flush()
    assert engine_store.load(STATE, "story")[0] == b"two"  # type: ignore[index]


def test_the_schema_is_made_once_and_at_the_latest_version(
    make_store: tuple[str, MakeStore, str],
) -> None:
    name, make, location = make_store
    for reader in ("a", "b"):
        make(reader).save(PREFERENCES, "", b"sidebar = true\n")
    if name == "sqlite":
        with sqlite3.connect(Path(location) / "state.sqlite3") as connection:
            rows = connection.execute("SELECT version FROM briefing_schema").fetchall()
    else:
        import psycopg

        with psycopg.connect(location) as connection:
            rows = connection.execute("SELECT version FROM briefing_schema").fetchall()
    assert rows == [(schema.LATEST,)]


def test_a_newer_schema_is_left_alone(make_store: tuple[str, MakeStore, str]) -> None:
    """A database a newer briefing migrated is not ours to change or set aside."""
    name, make, location = make_store
    make("a").save(STATE, "story", b"kept")
    newer = schema.LATEST + 1
    if name == "sqlite":
        with sqlite3.connect(Path(location) / "state.sqlite3") as connection:
            connection.execute("UPDATE briefing_schema SET version = ?", (newer,))
    else:
        import psycopg

        with psycopg.connect(location) as connection:
            connection.execute("UPDATE briefing_schema SET version = %s", (newer,))
    with pytest.raises(StoreUnavailable, match="newer briefing"):
        make("a").load(STATE, "story")
    if name == "sqlite":
        assert not list(Path(location).glob("*.corrupt-*"))


class StoreAgainstADict(RuleBasedStateMachine):
    """Any sequence of saves, queued saves, deletes and reopenings reads back as a dict."""

    make: MakeStore

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[tuple[str, str], bytes] = {}
        self.store = self.make("machine")

    @initialize()
    def empty(self) -> None:
        for kind in (STATE, VERSION):
            for key in self.store.keys(kind):
                self.store.delete(kind, key)

    @rule(
        kind=st.sampled_from([STATE, VERSION]),
        key=st.sampled_from(["a", "b", "c-d", "e1"]),
        payload=st.binary(max_size=300),
        wait=st.booleans(),
    )
    def save(self, kind: str, key: str, payload: bytes, wait: bool) -> None:
        self.store.save(kind, key, payload, wait=wait)
        self.model[(kind, key)] = payload

    @rule(kind=st.sampled_from([STATE, VERSION]), key=st.sampled_from(["a", "b", "zz"]))
    def delete(self, kind: str, key: str) -> None:
        self.store.delete(kind, key)
        self.model.pop((kind, key), None)

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = self.make("machine")

    @invariant()
    def reads_agree(self) -> None:
        for kind in (STATE, VERSION):
            for key in ("a", "b", "c-d", "e1", "zz"):
                record = self.store.load(kind, key)
                assert (None if record is None else record[0]) == self.model.get((kind, key))

    def teardown(self) -> None:
        self.store.close()


def test_the_store_behaves_as_a_dict(make_store: tuple[str, MakeStore, str]) -> None:
    _name, make, _location = make_store

    class Machine(StoreAgainstADict):
        pass

    Machine.make = staticmethod(make)
    run_state_machine_as_test(Machine, settings=settings(
        max_examples=25, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    ))  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(payload=st.binary(max_size=2000), key=st.text(min_size=1, max_size=40))
def test_any_bytes_and_key_round_trip_on_sqlite(payload: bytes, key: str) -> None:
    """Arbitrary payloads and keys (NULs, surrogates aside) come back byte for byte."""
    import tempfile

    if "\x00" in key or any(0xD800 <= ord(c) <= 0xDFFF for c in key):
        return
    with tempfile.TemporaryDirectory() as folder:
        store = Store(lambda: _sqlite_engine(Path(folder), "r"), exists=lambda: True)
        store.save(STATE, key, payload)
        assert store.load(STATE, key)[0] == payload  # type: ignore[index]
        store.close()


# SQLite alone: a damaged file, a kill -9 during a save ---------------------------------------


def test_a_damaged_database_is_set_aside_and_the_reader_starts_fresh(tmp_path: Path) -> None:
    from briefing.store.state import ReadingState, load_state, save_state

    save_state("story", ReadingState(scroll_y=5), tmp_path)
    statestore.forget_stores()
    database = tmp_path / "state.sqlite3"
    database.write_bytes(b"this is not a database, just bytes " * 200)
    state, warning = load_state("story", tmp_path)
    assert state == ReadingState()
    assert warning is not None and "moved aside to state.sqlite3.corrupt-" in warning
    assert len(list(tmp_path.glob("state.sqlite3.corrupt-*"))) == 1
    save_state("story", ReadingState(scroll_y=7), tmp_path)
    assert load_state("story", tmp_path) == (ReadingState(scroll_y=7), None)


def test_a_folder_where_the_database_should_be_is_set_aside(tmp_path: Path) -> None:
    from briefing.store.state import ReadingState, load_state, save_state

    (tmp_path / "state.sqlite3").mkdir()
    save_state("story", ReadingState(scroll_y=2), tmp_path)
    state, warning = load_state("story", tmp_path)
    assert state.scroll_y == 2 and warning is not None and "moved aside" in warning


WRITER = """
import sys
from pathlib import Path
from briefing.store.state import ReadingState, save_state
directory, marker = Path(sys.argv[1]), sys.argv[2]
number = 0
print("ready", flush=True)
while True:
    number += 1
    save_state("story", ReadingState([marker] * (number % 400), number, marker), directory)
"""


def test_kill_9_during_a_save_loses_at_most_that_save(tmp_path: Path) -> None:
    import os
    import random
    import signal
    import time

    from briefing.store.state import load_state

    rng = random.Random(5)
    last = 0
    for round_ in range(25):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), f"r{round_}"], stdout=subprocess.PIPE
        )
        assert writer.stdout is not None and writer.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.005, 0.05))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        statestore.forget_stores()
        state, warning = load_state("story", tmp_path)
        assert warning is None
        if state.selected_entry == f"r{round_}":
            # Whole: the sections list matches the number saved with it.
            assert len(state.open_sections or []) == state.scroll_y % 400
            last = state.scroll_y
    assert last > 0


def test_no_database_code_is_imported_until_needed(tmp_path: Path) -> None:
    """A first start (no database yet) imports neither engine; SQLite never brings psycopg."""
    probe = (
        "import sys; from pathlib import Path; "
        "from briefing.store.state import ReadingState, load_state, save_state; "
        "folder = Path(sys.argv[1]); load_state('story', folder); "
        "print('sqlite3' in sys.modules, 'psycopg' in sys.modules); "
        "save_state('story', ReadingState(), folder); load_state('story', folder); "
        "print('sqlite3' in sys.modules, 'psycopg' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.split("\n")[:2] == ["False False", "True False"], done.stderr
