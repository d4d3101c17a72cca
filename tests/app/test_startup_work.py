"""What the reader does before its first frame, and what it leaves for after.

Start-up time is measured by benchmarks/bench.py, never here: these tests
only show that work proportional to the briefing (or not needed to draw
the first screen) is done once, or later, and still gets done.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.theme import Theme
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.tui.screens.readerscreen import ReaderScreen
from briefing.tui.sizes import NARROW, breakpoint_class
from briefing.tui.widgets import glossary
from briefing.tui.widgets.glossary import FIRST_CHUNK, GlossaryPanel
from briefing.tui.widgets.sidebartabs import GLOSSARY, TIMELINE
from briefing.tui.widgets.timelinepanel import TimelinePanel
from tests.apptools import make_app, reader, until

SIZE = (100, 30)


@pytest.fixture
def big_glossary(tmp_path: Path) -> Path:
    from benchmarks.generate import generate

    path = tmp_path / "big.yaml"
    path.write_text(generate(sections=20, glossary=600, timeline=10, words=40))
    return path


async def test_the_glossary_is_filled_once_at_start_up(
    big_glossary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Binding `changes` down two levels set it twice more with the same (no) marks:
    each set refilled the whole list before the first frame."""
    fills: list[str] = []
    show_entries = GlossaryPanel.show_entries

    def counted(panel: GlossaryPanel, query: str) -> None:
        fills.append(query)
        show_entries(panel, query)

    monkeypatch.setattr(GlossaryPanel, "show_entries", counted)
    app = make_app(big_glossary, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        listing = reader(app).query_one("#glossary-list", OptionList)
        await until(pilot, lambda: listing.option_count == 600 + 4, "the whole glossary")
        assert fills == [""]


async def test_a_big_glossary_is_made_as_it_goes_in(
    big_glossary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fill makes and adds the first screenfuls at once, the rest after a refresh."""
    made: list[object] = []
    option = Option

    def counted_option(*args: object, **kwargs: object) -> object:
        made.append(args[0])
        return option(*args, **kwargs)  # type: ignore[arg-type]

    app = make_app(big_glossary, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        panel = reader(app).glossary
        listing = panel.items
        await until(pilot, lambda: listing.option_count == 600 + 4, "the whole glossary")
        monkeypatch.setattr(glossary, "Option", counted_option)
        panel.show_entries("")
        assert listing.option_count == FIRST_CHUNK
        assert len(made) == FIRST_CHUNK  # not one option more was made yet
        await until(pilot, lambda: listing.option_count == 600 + 4, "the rest, after a refresh")
        assert len(made) == 600 + 4


async def test_only_the_theme_in_use_is_checked_before_the_palette_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measuring every theme's contrast is for the palette's theme list, not the first frame."""
    from briefing.tui import themes

    checked: list[str] = []
    readable = themes.readable

    def counted(theme: Theme, color_system: str | None) -> bool:
        checked.append(theme.name)
        return readable(theme, color_system)

    monkeypatch.setattr(themes, "readable", counted)
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # The default, and the fallback when the default is unreadable at this depth.
        assert set(checked) <= {"textual-dark", "ansi-dark"}
        assert app.theme in checked
        offered = app.offered_themes()
        assert set(checked) == set(app.available_themes)
        assert app.theme in offered


@pytest.mark.parametrize(
    ("depth", "preferred", "expected"),
    [
        ("standard", None, "ansi-dark"),  # Textual's default is not readable in 16 colours
        ("truecolor", None, "textual-dark"),
        ("256", "textual-light", "textual-light"),  # a theme the user chose
    ],
)
async def test_the_theme_is_chosen_before_the_stylesheet_is_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    depth: str,
    preferred: str | None,
    expected: str,
) -> None:
    """Textual parses the stylesheet anew at each change of theme: the theme the
    reader draws with is the one Textual starts with, so nothing is parsed twice."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", depth)
    if preferred is not None:
        (tmp_path / "preferences.toml").write_text(f'theme = "{preferred}"\n')
    app = make_app(state_dir=tmp_path)
    assert app.theme == expected  # at construction, before the stylesheet is read
    refreshed: list[object] = []
    refresh_css = app.refresh_css

    def counted(animate: bool = True) -> None:
        refreshed.append(animate)
        refresh_css(animate)

    monkeypatch.setattr(app, "refresh_css", counted)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == expected
        assert app.console.color_system == depth
        assert refreshed == []
        app.theme = "ansi-light"  # a change still restyles everything
        await pilot.pause()
        assert refreshed


async def test_a_preferred_theme_that_cannot_be_drawn_here_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "standard")
    (tmp_path / "preferences.toml").write_text('theme = "tokyo-night"\n')
    app = make_app(state_dir=tmp_path)
    assert app.theme == "ansi-dark"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert any("'tokyo-night' is not available here" in m for m in messages), messages
        assert app.preferences.theme == "tokyo-night"  # kept for a terminal that can draw it


async def test_a_big_file_loaded_afresh_is_kept_after_the_first_frame(tmp_path: Path) -> None:
    """The next start of the same file takes its checked model from the cache folder."""
    from benchmarks.generate import generate
    from briefing.store import modelcache

    path = tmp_path / "kept.yaml"
    path.write_text(generate(sections=60, glossary=200, timeline=40, words=120))
    modelcache.load_kept(path)  # as the command line's library does
    folder = modelcache.cache_dir()
    assert not folder.exists(), "nothing pickled before the first frame"
    app = make_app(path, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any(folder.glob("*.model")), "the model kept")


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Layout passes of the reader screen after its first (Textual publishes each one)."""
    layouts: list[object] = []
    on_mount = ReaderScreen.on_mount

    def counting(screen: ReaderScreen) -> None:
        screen.screen_layout_refresh_signal.subscribe(screen, layouts.append)
        on_mount(screen)

    monkeypatch.setattr(ReaderScreen, "on_mount", counting)
    return layouts


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (50, 20), (150, 40)])
async def test_the_first_frame_is_not_laid_out_again_for_the_same_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """Textual told the screen its size three more times at start-up, each time
    laying out and drawing it all again; the breakpoint classes, set by the first
    of them, changed the sidebar's width after the first frame. What is left is
    Textual's own: the layouts the widgets asked for while mounting, and the pass
    that shows the scrollbars once their content's size is known."""
    layouts = count_layouts(monkeypatch)
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=size) as pilot:
        screen = reader(app)
        await until(pilot, lambda: screen.article.virtual_size.height > 0, "the article")
        for _ in range(5):
            await pilot.pause()
        assert len(layouts) <= 2
        width = size[0]
        assert screen.has_class(breakpoint_class(width) or "-x") == bool(breakpoint_class(width))
        assert screen.narrow == (width < NARROW)
        assert screen.show_sidebar == (width >= NARROW)
        assert screen.sidebar.display == screen.show_sidebar


async def test_a_real_resize_still_lays_the_screen_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = reader(app)
        await pilot.pause()
        layouts: list[object] = []
        screen.screen_layout_refresh_signal.subscribe(screen, layouts.append)
        await pilot.resize_terminal(50, 20)
        await until(pilot, lambda: screen.narrow, "the narrow layout")
        assert layouts
        assert screen.has_class("-narrow") and not screen.show_sidebar
        assert screen.outer_size == (50, 20)
        await pilot.resize_terminal(150, 40)
        await until(pilot, lambda: screen.has_class("-wide"), "the wide layout")
        assert screen.show_sidebar and not screen.narrow


def styles_of(screen: ReaderScreen) -> dict[int, str]:
    """Every node's computed CSS (base and inline rules together), by identity."""
    return {id(node): node.styles.css for node in screen.walk_children(with_self=True)}


async def test_the_first_resume_leaves_the_styles_mounting_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual restyled every node of the reader when it first resumed, though
    each had been styled as it mounted: the skipped pass changes nothing."""
    from textual.app import App

    restyles: list[object] = []
    update_styles = App.update_styles

    def counting(app: App[object], node: object, animate: bool = True) -> None:
        if isinstance(node, ReaderScreen):
            restyles.append(node)
        update_styles(app, node, animate)  # type: ignore[arg-type]

    monkeypatch.setattr(App, "update_styles", counting)
    app = make_app(state_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = reader(app)
        await until(pilot, lambda: screen.article.virtual_size.height > 0, "the article")
        await pilot.pause()
        assert restyles == [], "the whole screen restyled at start-up"
        mounted = styles_of(screen)
        screen.update_node_styles(animate=False)
        await pilot.pause()
        assert styles_of(screen) == mounted


async def test_the_sidebar_s_parts_are_its_own_children(tmp_path: Path) -> None:
    """No container between the sidebar and the part it shows: Textual draws
    each container's blank rows and keeps them cut at every edge above (two
    ContentSwitchers there held ~160 strips, ~0.5 MiB of peak RSS). Which part
    shows still follows the pane and the card."""
    app = make_app(state_dir=tmp_path, fresh=True)
    async with app.run_test(size=(100, 30)) as pilot:
        sidebar = reader(app).sidebar
        parts = [sidebar.glossary, sidebar.card, sidebar.query_one(TimelinePanel)]
        assert all(part.parent is sidebar for part in parts)

        def shown() -> list[bool]:
            return [part.display for part in parts]

        assert shown() == [True, False, False]
        sidebar.show_card(True)
        await pilot.pause()
        assert shown() == [False, True, False] and sidebar.card_shown
        sidebar.pane = TIMELINE
        await pilot.pause()
        assert shown() == [False, False, True]
        sidebar.pane = GLOSSARY
        sidebar.show_card(False)
        await pilot.pause()
        assert shown() == [True, False, False]
