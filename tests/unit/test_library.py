"""Library discovery: where briefings come from, which copy wins, and forgiveness for bad files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.store.library import bundled_dir, discover, sources, user_dir

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINIMAL = (FIXTURES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
BUNDLED_ID = "iran-pakistan-2024-01"


def write(folder: Path, name: str, briefing_id: str, title: str = "T", date: str = "") -> Path:
    """A valid briefing file with the given id, title and (optionally) date."""
    folder.mkdir(parents=True, exist_ok=True)
    text = MINIMAL.replace("id: minimal", f"id: {briefing_id}").replace(
        "title: The council meets", f"title: {title}"
    )
    if date:
        text = text.replace("date: 2025-03-14", f"date: {date}", 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_dir_follows_xdg_data_home(isolated_dirs: Path) -> None:
    """The autouse fixture must really isolate the user folder, or other tests read $HOME."""
    assert user_dir() == Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "briefings"
    assert str(user_dir()).startswith(str(isolated_dirs))


def test_sources_in_order(tmp_path: Path) -> None:
    environ = {"BRIEFING_PATH": os.pathsep.join(["", str(tmp_path / "a"), " ", "~/b"])}
    places = list(sources(["x.yaml"], environ))
    assert places == [
        (Path("x.yaml"), "command line"),
        (tmp_path / "a", "BRIEFING_PATH"),
        (Path("~/b"), "BRIEFING_PATH"),  # expanded when reached, where a bad ~user is reported
        (user_dir(), "user data"),
        (bundled_dir(), "bundled"),
    ]


def test_bundled_only_by_default() -> None:
    library = discover([], {})
    assert [(f.briefing.id, f.origin) for f in library.found] == [(BUNDLED_ID, "bundled")]
    assert library.diagnostics == []
    assert library.refused == 0


def test_precedence_first_copy_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same id in every place: the command line wins, each later copy is reported."""
    monkeypatch.chdir(tmp_path)  # paths in messages are shown relative to here
    cmd = write(tmp_path / "cmd", "a.yaml", "story", "From the command line")
    env = write(tmp_path / "env", "a.yaml", "story", "From BRIEFING_PATH")
    write(user_dir(), "a.yaml", "story", "From the user folder")
    environ = {"BRIEFING_PATH": str(env.parent)}

    library = discover([cmd], environ)
    assert [(f.briefing.id, f.briefing.title, f.origin) for f in library.found] == [
        ("story", "From the command line", "command line"),
        (BUNDLED_ID, "Iran and Pakistan trade strikes across a restive border", "bundled"),
    ]
    assert library.diagnostics == []  # a file named on the command line wins quietly
    assert library.refused == 0

    library = discover([], environ)
    assert (library.found[0].briefing.title, library.found[0].origin) == (
        "From BRIEFING_PATH",
        "BRIEFING_PATH",
    )

    library = discover([], {})
    assert (library.found[0].briefing.title, library.found[0].origin) == (
        "From the user folder",
        "user data",
    )


def test_user_copy_overrides_bundled(tmp_path: Path) -> None:
    write(user_dir(), "mine.yaml", BUNDLED_ID, "My own edition")
    library = discover([], {})
    assert [(f.briefing.title, f.origin) for f in library.found] == [
        ("My own edition", "user data")
    ]
    (warning,) = library.diagnostics
    assert warning.severity == "warning"
    assert warning.path.endswith("iran-pakistan-2024-01.yaml")
    assert f"id '{BUNDLED_ID}' is already loaded from" in warning.message


def test_a_file_named_on_the_command_line_hides_the_bundled_copy_quietly(
    tmp_path: Path,
) -> None:
    mine = write(tmp_path, "mine.yaml", BUNDLED_ID, "My own edition")
    write(user_dir(), "also.yaml", BUNDLED_ID, "Another edition")
    library = discover([mine], {})
    assert [(f.briefing.title, f.origin) for f in library.found] == [
        ("My own edition", "command line")
    ]
    assert library.diagnostics == []


def test_one_bad_file_never_hides_the_good_ones(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    write(folder, "a.yaml", "first")
    (folder / "b.yaml").write_text("briefing: 2\nid: [\n", encoding="utf-8")
    (folder / "c.yml").write_bytes(b"\xff\xfe not utf-8")
    write(folder, "d.YAML", "fourth")
    library = discover([folder], {})
    assert [f.briefing.id for f in library.found] == ["first", "fourth", BUNDLED_ID]
    assert library.refused == 2
    errors = [d for d in library.diagnostics if d.severity == "error"]
    assert [Path(d.path).name for d in errors] == ["b.yaml", "c.yml"]


def test_only_visible_yaml_files_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    write(folder, "a.yaml", "visible")
    write(folder, ".hidden.yaml", "hidden")
    write(folder, "notes.txt", "text-file")
    write(folder, "b.yaml.bak", "backup")
    library = discover([folder], {})
    assert [f.briefing.id for f in library.found] == ["visible", BUNDLED_ID]


def test_files_in_a_folder_load_in_name_order(tmp_path: Path) -> None:
    """Name order makes 'first copy wins' predictable inside one folder."""
    folder = tmp_path / "lib"
    write(folder, "b.yaml", "same", "From b")
    write(folder, "a.yaml", "same", "From a")
    library = discover([folder], {})
    assert library.found[0].briefing.title == "From a"


def test_missing_briefing_path_entries_are_skipped(tmp_path: Path) -> None:
    good = tmp_path / "good"
    write(good, "a.yaml", "good-one")
    environ = {"BRIEFING_PATH": os.pathsep.join([str(tmp_path / "gone"), str(good), ""])}
    library = discover([], environ)
    assert [f.briefing.id for f in library.found] == ["good-one", BUNDLED_ID]
    assert library.diagnostics == []
    assert library.refused == 0

    strict = discover([], environ, missing_ok=False)
    assert [d.message for d in strict.diagnostics] == ["no such file or directory"]
    assert strict.refused == 1


def test_missing_command_line_path_is_an_error(tmp_path: Path) -> None:
    library = discover([tmp_path / "gone.yaml"], {})
    (error,) = library.diagnostics
    assert (error.severity, error.message) == ("error", "no such file or directory")
    assert library.refused == 1
    assert [f.briefing.id for f in library.found] == [BUNDLED_ID]


def test_newest_and_lookup(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    write(folder, "a.yaml", "older", date="2020-01-01")
    write(folder, "b.yaml", "newer", date="2030-01-01")
    write(folder, "c.yaml", "tie", date="2030-01-01")
    library = discover([folder], {})
    newest = library.newest()
    assert newest is not None
    assert newest.briefing.id == "newer"  # earlier discovery wins a tie
    assert [f.briefing.id for f in library.newest_first()] == ["newer", "tie", BUNDLED_ID, "older"]
    found = library.by_id("older")
    assert found is not None and found.origin == "command line"
    assert library.by_id("nope") is None


@pytest.mark.parametrize("name", ["story.yaml", "story.yml"])
def test_single_file_on_the_command_line(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "single")
    library = discover([path], {})
    assert library.found[0].briefing.path == path
    assert library.found[0].origin == "command line"
