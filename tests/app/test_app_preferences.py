"""Theme and sidebar persist in the config folder; a bad hand edit warns, never crashes."""

from __future__ import annotations

from pathlib import Path

from textual.theme import BUILTIN_THEMES

from briefing.store.preferences import Preferences, load_preferences, save_preferences
from briefing.tui.themes import MIN_CONTRAST, readable, worst_contrast
from tests.apptools import BUNDLED, make_app, reader

SIZE = (100, 30)


async def test_theme_and_sidebar_restored_on_restart(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "textual-light"
        await pilot.press("s")
        assert not reader(app).show_sidebar
        await pilot.press("q")
    assert load_preferences(tmp_path)[0] == Preferences("textual-light", False)
    again = make_app(BUNDLED, tmp_path)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"
        assert not reader(again).show_sidebar


async def test_a_bad_hand_edit_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "preferences.toml").write_text('theme = 7\nsidebar = "maybe"\n')
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("theme should be" in m for m in messages)
        assert any("sidebar should be" in m for m in messages)
        assert reader(app).show_sidebar


def test_a_file_that_is_not_toml_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "preferences.toml").write_text("theme = [[[\n")
    preferences, warnings = load_preferences(tmp_path)
    assert preferences == Preferences() and "moved aside" in warnings[0]
    assert list(tmp_path.glob("preferences.toml.bad-*"))
    save_preferences(Preferences("nord", True), tmp_path)
    assert load_preferences(tmp_path) == (Preferences("nord", True), [])


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "preferences.toml")
    preferences, warnings = load_preferences(tmp_path)
    assert preferences == Preferences() and warnings


def test_themes_offered_have_readable_text_at_each_depth() -> None:
    for depth in ("truecolor", "256", "standard"):
        offered = [name for name, t in BUILTIN_THEMES.items() if readable(t, depth)]
        assert "ansi-dark" in offered
        for name in offered:
            if not name.startswith("ansi-"):
                from briefing.tui.themes import DEPTHS

                assert worst_contrast(BUILTIN_THEMES[name], DEPTHS[depth]) >= MIN_CONTRAST
    # Some themes fall below 4.5:1 once reduced: they are not offered there.
    assert not readable(BUILTIN_THEMES["tokyo-night"], "256")
    assert not readable(BUILTIN_THEMES["textual-dark"], "standard")


async def test_palette_marks_the_current_theme(tmp_path: Path) -> None:
    app = make_app(BUNDLED, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert f"Theme: {app.theme} \u2713 current" in titles
        assert "Theme" not in titles
