"""What the serve zygote makes once for every reader: layouts, the stylesheet, turns to start.

The zygote runs these in its own process before it forks; here they run in
the test process, which then plays the forked reader (a fork copies exactly
this state).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from briefing.render import layout as layout_module
from briefing.render.layout import Layout, prepare_layouts, prepared_widths
from briefing.serve import forkedreader
from briefing.serve.zygote import Turns
from briefing.store.library import Library, bundled_dir, discover

BUNDLED = bundled_dir() / "iran-pakistan-2024-01.yaml"


@pytest.fixture(autouse=True)
def nothing_prepared(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a fresh zygote: nothing laid out or parsed ahead."""
    monkeypatch.setattr(layout_module, "_PREPARED", {})
    monkeypatch.setattr(forkedreader, "_PREPARED", [])


def library_of(folder: Path) -> Library:
    folder.mkdir(exist_ok=True)
    shutil.copy(BUNDLED, folder / "story.yaml")
    return discover([str(folder)])


def every_section(layout: Layout) -> frozenset[int]:
    return frozenset(range(len(layout.briefing.sections)))


def test_a_layout_at_a_prepared_width_takes_the_prepared_rows(tmp_path: Path) -> None:
    briefing = library_of(tmp_path / "news").found[0].briefing
    prepare_layouts(briefing, [70, 90])
    assert prepared_widths(briefing) == [70, 90]
    fresh = Layout(briefing).build(70, every_section(Layout(briefing)))

    layout = Layout(briefing)
    rows = layout.build(70, every_section(layout))
    assert rows == fresh, "the prepared rows are the rows a fresh layout makes"
    prepared = layout_module._PREPARED[id(briefing)][1][70]
    assert all(layout._cache[key] is block for key, block in prepared.items()), (
        "every section's rows are the prepared objects: nothing was wrapped again"
    )
    closed = layout.build(70, frozenset())
    assert closed == Layout(briefing).build(70, frozenset()), "closed sections are prepared too"

    other = Layout(briefing)
    other.build(75, every_section(other))
    assert not any(other._cache[key] is block for key, block in prepared.items() if key[1] == 75)
    assert all(key[1] == 75 for key in other._cache), "another width is laid out afresh"


def test_a_layout_never_takes_rows_prepared_for_another_briefing(tmp_path: Path) -> None:
    first = library_of(tmp_path / "one").found[0].briefing
    again = library_of(tmp_path / "two").found[0].briefing  # equal text, another object
    prepare_layouts(first, [70])
    layout = Layout(again)
    layout.build(70, every_section(layout))
    prepared = layout_module._PREPARED[id(first)][1][70]
    assert not any(layout._cache.get(key) is block for key, block in prepared.items())


def test_the_zygote_prepares_the_newest_briefing_and_a_reload_replaces_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "news"
    library = library_of(folder)
    prepared = forkedreader.prepare(library)
    assert prepared is not None
    briefing = library.found[0].briefing
    assert len(prepared.widths) == len(forkedreader.COMMON_SIZES)
    assert prepared_widths(briefing) == sorted(set(prepared.widths))

    story = folder / "story.yaml"
    story.write_text(
        story.read_text(encoding="utf-8").replace(
            "title: Iran and Pakistan trade strikes", "title: Changed, Iran and Pakistan", 1
        ),
        encoding="utf-8",
    )
    reloaded = discover([str(folder)])  # what the zygote does on a library change
    assert forkedreader.prepare(reloaded) is prepared, "the stylesheet is kept"
    assert prepared_widths(briefing) == [], "the dropped briefing's rows are gone"
    assert prepared_widths(reloaded.found[0].briefing) == sorted(set(prepared.widths))


def test_a_served_reader_uses_what_the_zygote_prepared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textual.constants

    library = library_of(tmp_path / "news")
    prepared = forkedreader.prepare(library)
    assert prepared is not None
    stylesheet = prepared.stylesheet
    # A client at the depth the zygote prepares for (run_session sets it per client).
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "256")
    served = forkedreader._served_app_class()
    app = served(library.found[0].briefing, library=library, anonymous=True, fresh=True,
                 state_dir=tmp_path / "state", config_dir=tmp_path / "config")  # fmt: skip
    assert app.stylesheet is stylesheet, "the app takes the zygote's parsed stylesheet"
    second = served(library.found[0].briefing, library=library, anonymous=True, fresh=True,
                    state_dir=tmp_path / "state", config_dir=tmp_path / "config")  # fmt: skip
    assert second.stylesheet is not stylesheet, "and only one app in a process does"

    asyncio.run(_draws_prepared_rows(app, library.found[0].briefing, prepared.widths))


async def _draws_prepared_rows(app: Any, briefing: Any, widths: list[int]) -> None:
    from briefing.tui.widgets.article import ArticleView

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        article = app.query_one(ArticleView)
        width = article.layout_rows.width
        assert width in widths
        blocks = layout_module._PREPARED[id(briefing)][1][width]
        shown = list(article.layout_rows._cache.values())
        assert shown and all(any(rows is block for block in blocks.values()) for rows in shown), (
            "the reader drew the prepared rows: it did not lay the article out again"
        )


def test_a_stylesheet_for_another_theme_is_not_taken(tmp_path: Path) -> None:
    library = library_of(tmp_path / "news")
    sentinel = object()
    forkedreader._PREPARED.append(forkedreader.Prepared({"primary": "#123456"}, sentinel))
    app = forkedreader._served_app_class()(library.found[0].briefing, anonymous=True)
    assert app.stylesheet is not sentinel


def test_turns_start_readers_in_order_at_most_so_many_at_once() -> None:
    turns = Turns(at_once=1)
    slaves = [os.open(os.devnull, os.O_RDONLY) for _ in range(3)]
    for number, slave in enumerate(slaves):
        turns.waiting.append(({"id": number}, slave))
    first = turns.next()
    assert first is not None and first[0]["id"] == 0
    drawn_read, drawn_write = os.pipe()
    turns.starting[drawn_read] = time.monotonic() + 60
    assert turns.next() is None, "one reader at a time is drawing"
    assert turns.timeout() is not None

    os.close(drawn_write)  # the reader drew its first frame (or exited)
    turns.finished([drawn_read])
    assert not turns.starting and turns.timeout() is None
    second = turns.next()
    assert second is not None and second[0]["id"] == 1, "the next in arrival order"

    hung_read, hung_write = os.pipe()
    turns.starting[hung_read] = time.monotonic() - 1  # its turn ran out
    turns.finished([])
    assert not turns.starting, "a reader that hangs gives its turn up"
    os.close(hung_write)
    for slave in (first[1], second[1]):
        os.close(slave)
    turns.close_all()


def test_a_waiting_request_whose_client_left_is_dropped() -> None:
    turns = Turns(at_once=1)
    read_end, write_end = os.pipe()
    turns.waiting.append(({"id": 7}, read_end))
    assert turns.cancel(8) is False, "not waiting: already started, or never asked"
    assert turns.cancel(7) is True
    assert not turns.waiting
    with pytest.raises(OSError):
        os.fstat(read_end)  # its pty was closed, so the session sees the end at once
    os.close(write_end)


def test_a_served_reader_runs_with_the_collector_paused_until_its_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a local reader: the collector would only scan what start-up keeps.
    With the screen's same-size layouts gone too, a forked reader's first
    frame went from 0.28 s of CPU to 0.21 s (50 sessions opened at once)."""
    import gc

    import textual.constants

    library = library_of(tmp_path / "news")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", textual.constants.COLOR_SYSTEM)
    collecting: list[bool] = []

    def run(app: Any, *args: Any, **kwargs: Any) -> int:
        collecting.append(gc.isenabled())
        return 0

    monkeypatch.setattr(forkedreader._served_app_class(), "run", run)
    assert forkedreader.run_session(library, anonymous=True) == 0
    assert collecting == [False], "paused while the app starts"
    assert gc.isenabled(), "and on again once it stopped, first frame or not"
