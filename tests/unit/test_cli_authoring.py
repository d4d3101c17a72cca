"""Authoring from the command line, run as a user runs it: the installed `briefing` script.

`briefing new`, `check` (library, --strict, --format json, messages an author
understands), `schema`, and the command line's word resolution and `list`
layout. Each test starts the console script the package installs, in a
subprocess, with its own empty user folders (conftest.isolated_dirs).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing.cli.main import COMMANDS
from briefing.format.json_schema import schema_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINIMAL = FIXTURES / "valid" / "minimal.yaml"
BUNDLED_ID = "iran-pakistan-2024-01"
BUNDLED_TITLE = "Iran and Pakistan trade strikes across a restive border"
SCRIPT = Path(sys.executable).parent / "briefing"

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def briefing(tmp_path: Path) -> Run:
    """Run the installed `briefing` console script (cwd: a temp folder unless given)."""
    assert SCRIPT.exists(), f"the console script is not installed beside {sys.executable}"

    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS")}
        environ.update(env or {})
        result = subprocess.run(
            [str(SCRIPT), *args],
            cwd=cwd or tmp_path,
            env=environ,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "Traceback" not in result.stderr + result.stdout, result.stderr
        return result

    return run


def user_folder() -> Path:
    folder = Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "briefings"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# briefing new


def test_new_writes_a_skeleton_that_passes_strict_check(briefing: Run, tmp_path: Path) -> None:
    made = briefing("new", "my-story")
    assert made.returncode == 0, made.stderr
    path = tmp_path / "my-story.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=briefing.schema.json\n")
    assert "id: my-story " in text
    assert "briefing schema -o briefing.schema.json" in made.stderr
    checked = briefing("check", "--strict", "my-story.yaml")
    assert (checked.returncode, checked.stderr) == (0, "1 loaded, 0 refused, 0 warnings (strict)\n")
    shown = briefing("show", "my-story.yaml", "--format", "json")
    assert json.loads(shown.stdout)["id"] == "my-story"


def test_new_shows_every_key_of_the_format_once(briefing: Run, tmp_path: Path) -> None:
    """Each key appears once per place the schema has it (`id` in the briefing, a section
    and an entry); `updated` as a commented line, since it is optional and dated."""
    assert briefing("new", "every-key").returncode == 0
    lines = (tmp_path / "every-key.yaml").read_text(encoding="utf-8").splitlines()
    schema = json.loads(schema_text())
    places: dict[str, int] = dict.fromkeys(schema["properties"], 1)
    shapes = [d for d in schema["$defs"].values()]
    shapes += [shape for d in schema["$defs"].values() for shape in d.get("oneOf", [])]
    for shape in shapes:
        for key in shape.get("properties", {}):
            places[key] = places.get(key, 0) + 1
    assert len(places) == 31  # 11 top-level keys, 7 source, 2+3 section and blocks, 6+2
    for key, count in places.items():
        # A key line: optional "- " or "# ", the key, a colon.
        matches = [
            line
            for line in lines
            if line.strip().removeprefix("- ").removeprefix("# ").startswith(f"{key}:")
        ]
        assert len(matches) == count, (key, matches)


def test_new_refuses_to_overwrite(briefing: Run, tmp_path: Path) -> None:
    (tmp_path / "taken.yaml").write_text("mine\n", encoding="utf-8")
    result = briefing("new", "taken")
    assert result.returncode == 1
    assert result.stderr == "briefing new: taken.yaml already exists; not overwritten\n"
    assert (tmp_path / "taken.yaml").read_text(encoding="utf-8") == "mine\n"
    elsewhere = briefing("new", "taken", "-o", "drafts-taken.yaml")
    assert elsewhere.returncode == 0
    assert "id: taken " in (tmp_path / "drafts-taken.yaml").read_text(encoding="utf-8")


def test_new_refuses_a_bad_id(briefing: Run, tmp_path: Path) -> None:
    result = briefing("new", "Bad Id")
    assert result.returncode == 2
    assert "'Bad Id' is not a valid id" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_keeps_a_file_name_with_a_newline_inside_its_comment(
    briefing: Run, tmp_path: Path
) -> None:
    name = "ok\nid: injected\ntitle: x.yaml"
    made = briefing("new", "ok", "-o", name)
    assert made.returncode == 0, made.stderr
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert "\nid: injected" not in text and "\ntitle: x" not in text
    assert [line for line in text.splitlines() if line.startswith("id:")] == [
        line for line in text.splitlines() if line.startswith("id: ok ")
    ]
    shown = briefing("show", name, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == "ok"


# briefing schema


def test_schema_prints_the_shipped_schema(briefing: Run, tmp_path: Path) -> None:
    result = briefing("schema")
    assert result.returncode == 0
    assert result.stdout == schema_text()
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert briefing("schema", "-o", "briefing.schema.json").returncode == 0
    assert (tmp_path / "briefing.schema.json").read_text(encoding="utf-8") == schema_text()
    where = briefing("schema", "--path")
    assert Path(where.stdout.strip()).read_text(encoding="utf-8") == schema_text()


# briefing check


def test_check_without_a_path_checks_the_library(briefing: Run, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "refused" / "alias.yaml", user_folder() / "broken.yaml")
    listed = briefing("list")
    assert listed.returncode == 1
    result = briefing("check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].endswith("broken.yaml:5:10: error: aliases (*summary) are not allowed")
    assert lines[-1] == "1 loaded, 1 refused"  # the bundled briefing, and the broken one


def test_check_without_a_path_warns_about_a_missing_folder(briefing: Run, tmp_path: Path) -> None:
    result = briefing("check", env={"BRIEFING_PATH": str(tmp_path / "typo")})
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"briefing: warning: BRIEFING_PATH folder {tmp_path / 'typo'} does not exist",
        "1 loaded, 0 refused",
    ]
    strict = briefing("check", "--strict", env={"BRIEFING_PATH": str(tmp_path / "typo")})
    assert strict.returncode == 1


STRICT_YAML = """\
briefing: 1
id: strict
title: The council meets
summary: The council met on Monday, and Dana Lee spoke first.
date: 2025-03-14
source:
  outlet: Harbour Gazette
sections:
  - id: background
    title: Background
    collapsed: true
    body:
      - Dana Lee opened the meeting with Mayor Lee.
      - quote: We will rebuild.
        by: Dana Lee
glossary:
  - id: dana-lee
    name: Dana Lee
    kind: person
    aliases: [Mayor Lee]
    role: Mayor.
  - id: lee-office
    name: Mayor Lee
    kind: organisation
    role: The mayor's office.
timeline:
  - date: 2025-03-14
    event: The council met.
"""


def test_strict_adds_the_authors_warnings_and_fails(briefing: Run, tmp_path: Path) -> None:
    (tmp_path / "strict.yaml").write_text(STRICT_YAML, encoding="utf-8")
    shared = (
        "strict.yaml:22:5: warning: glossary entry 'lee-office': 'Mayor Lee' is also a name or "
        "alias of 'dana-lee'; its mentions go to 'dana-lee'"
    )
    lenient = briefing("check", "strict.yaml")
    assert lenient.returncode == 0
    assert lenient.stderr.splitlines()[0] == shared
    result = briefing("check", "--strict", "strict.yaml")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "strict.yaml:9:5: warning: section 'background' starts collapsed without a summary: "
        "readers see only its title; add `summary:` (one line)",
        "strict.yaml:15:13: warning: quote by 'Dana Lee' is free text, but it is the name of "
        "glossary entry 'dana-lee'; write `by: dana-lee` to credit and link the entry",
        shared,
        "strict.yaml:22:5: warning: glossary entry 'lee-office' is never mentioned or quoted in "
        "the text (its name and aliases match nothing, case-sensitively, as whole words)",
        "strict.yaml:27:5: warning: timeline event 2025-03-14 has no section; add `section: ID` "
        "so readers can jump to where the briefing tells it",
        "1 loaded, 0 refused, 5 warnings (strict)",
    ]


def test_strict_passes_a_clean_file(briefing: Run) -> None:
    result = briefing("check", "--strict", str(MINIMAL))
    assert result.returncode == 0, result.stderr


def test_check_json(briefing: Run, tmp_path: Path) -> None:
    (tmp_path / "strict.yaml").write_text(STRICT_YAML, encoding="utf-8")
    shutil.copy(FIXTURES / "refused" / "alias.yaml", tmp_path / "bad.yaml")
    result = briefing("check", "--strict", "--format", "json", ".")
    assert result.returncode == 1
    assert result.stderr == ""
    report = json.loads(result.stdout)
    assert (report["ok"], report["loaded"], report["refused"], report["warnings"]) == (
        False,
        1,
        1,
        5,
    )
    bad, strict = report["files"]
    assert (bad["path"], bad["status"], bad["id"]) == ("bad.yaml", "refused", None)
    assert bad["diagnostics"] == [
        {
            "path": "bad.yaml",
            "line": 5,
            "column": 10,
            "severity": "error",
            "message": "aliases (*summary) are not allowed",
        }
    ]
    assert (strict["status"], strict["id"]) == ("loaded", "strict")
    assert [d["line"] for d in strict["diagnostics"]] == [9, 15, 22, 22, 27]
    ok = json.loads(briefing("check", "--format", "json", str(MINIMAL)).stdout)
    assert (ok["ok"], ok["loaded"], ok["files"][0]["diagnostics"]) == (True, 1, [])


def write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return name


def test_unclosed_quote_names_where_it_opened(briefing: Run, tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("title: The council meets", 'title: "The council meets')
    result = briefing("check", write(tmp_path, "quote.yaml", text))
    assert result.returncode == 1
    last = len(text.splitlines()) + 1
    assert result.stderr.splitlines()[0] == (
        'quote.yaml:3:8: error: not valid YAML: the quoted text opened with " at line 3, '
        f'column 8 is never closed (the file ended at line {last}, column 1); add the closing "'
    )


def test_unclosed_bracket_names_where_it_opened(briefing: Run, tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("title: The council meets", "title: [The council meets")
    result = briefing("check", write(tmp_path, "bracket.yaml", text))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(
        "bracket.yaml:3:8: error: not valid YAML: the [ opened at line 3, column 8 is not "
        "closed where YAML expected (at line 4, column "
    )


def test_tab_indentation_is_called_a_tab(briefing: Run, tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("  outlet: Harbour Gazette", "\toutlet: Harbour Gazette")
    result = briefing("check", write(tmp_path, "tab.yaml", text))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "tab.yaml:7:1: error: not valid YAML: a tab in the indentation (YAML indents with "
        "spaces only); replace the tab with spaces"
    )


def test_unknown_block_key_gets_did_you_mean(briefing: Run, tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace(
        "      - Dana Lee opened the meeting.",
        "      - Dana Lee opened the meeting.\n      - pointz: [One, Two]\n      - {}",
    )
    result = briefing("check", write(tmp_path, "block.yaml", text))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "block.yaml:13:9: error: unknown key 'pointz' in section 'background' body[2] (a block) "
        "(allowed: quote, by, points); did you mean 'points'?",
        "block.yaml:14:9: error: section 'background' body[3]: a block is text, {quote, by} "
        "or {points}",
        "0 loaded, 1 refused",
    ]


# the command line


def test_an_id_opens_that_briefing(briefing: Run) -> None:
    result = briefing(BUNDLED_ID, "--plain")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == BUNDLED_TITLE


def test_an_id_from_the_user_folder(briefing: Run) -> None:
    shutil.copy(MINIMAL, user_folder() / "mine.yaml")
    result = briefing("minimal", "--plain")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "The council meets"


def test_a_command_wins_over_a_file_and_a_file_over_an_id(briefing: Run, tmp_path: Path) -> None:
    (tmp_path / "list").write_text("not a briefing\n", encoding="utf-8")
    assert briefing("list").stdout.startswith("DATE")
    other = MINIMAL.read_text().replace("title: The council meets", "title: From the file")
    (tmp_path / BUNDLED_ID).write_text(other, encoding="utf-8")
    result = briefing(BUNDLED_ID, "--plain")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "From the file"


@pytest.mark.parametrize(
    ("word", "hint"),
    [
        ("chek", "did you mean the command 'check'?"),
        ("iran-pakistan-2024", f"did you mean the briefing {BUNDLED_ID!r}?"),
        (
            "bogus-command",
            f"commands: {', '.join(sorted(COMMANDS))} (`briefing list` shows the ids)",
        ),
    ],
)
def test_an_unknown_word_says_so_and_suggests(briefing: Run, word: str, hint: str) -> None:
    result = briefing(word)
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        result.stderr.splitlines()[-1]
        == f"briefing: {word!r} is not a command, a file or a briefing id; {hint}"
    )


def test_show_a_missing_path_says_no_such_file(briefing: Run) -> None:
    for target in ("/nonexistent", "story.yaml", "./gone"):
        result = briefing("show", target)
        assert result.returncode == 2
        assert result.stderr == f"briefing show: {target}: no such file\n"


def test_show_an_unknown_id_suggests_the_closest(briefing: Run) -> None:
    result = briefing("show", "iran-pakistan")
    assert result.returncode == 2
    assert result.stderr.endswith(f"; did you mean the briefing {BUNDLED_ID!r}?\n")


def test_missing_briefing_path_folder_gets_one_warning(briefing: Run, tmp_path: Path) -> None:
    result = briefing("list", env={"BRIEFING_PATH": f"{tmp_path / 'nope'}{os.pathsep}"})
    assert result.returncode == 0
    assert (
        result.stderr
        == f"briefing: warning: BRIEFING_PATH folder {tmp_path / 'nope'} does not exist\n"
    )


def test_list_of_the_bundled_folder_is_not_its_own_duplicate(briefing: Run) -> None:
    from briefing.store.library import bundled_dir

    result = briefing("list", str(bundled_dir()))
    assert (result.returncode, result.stderr) == (0, "")


def long_library(folder: Path) -> None:
    deep = folder / ("a-rather-long-folder-name-" * 3) / "news"
    deep.mkdir(parents=True)
    text = MINIMAL.read_text().replace(
        "title: The council meets",
        "title: The council meets to decide the future of the old harbour bridge and the ferry",
    )
    (deep / "harbour-bridge-closure.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_list_fits_the_terminal(briefing: Run, tmp_path: Path, columns: int) -> None:
    long_library(tmp_path)
    env = {"COLUMNS": str(columns), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    result = briefing("list", str(tmp_path / ("a-rather-long-folder-name-" * 3) / "news"), env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(len(line) <= columns for line in lines), lines
    assert lines[0].split()[:3] == ["DATE", "ID", "TITLE"]
    assert "…" in result.stdout
    ours = next(line for line in lines if "minimal" in line)
    assert "The council" in ours
    if columns >= 80:
        assert ours.split()[:2] == ["2025-03-14", "minimal"]
        assert "~/a-rather" in ours or "…" in ours.split()[-1]
        assert BUNDLED_ID in result.stdout


def test_list_wide_and_piped_keep_everything(briefing: Run, tmp_path: Path) -> None:
    long_library(tmp_path)
    folder = str(tmp_path / ("a-rather-long-folder-name-" * 3) / "news")
    for argv, env in (
        (["list", folder], {"HOME": str(tmp_path)}),
        (["list", "--wide", folder], {"HOME": str(tmp_path), "COLUMNS": "40"}),
    ):
        result = briefing(*argv, env=env)
        assert "…" not in result.stdout
        assert "the old harbour bridge and the ferry" in result.stdout
        assert "~/a-rather-long-folder-name-" in result.stdout
        assert "SECTIONS" in result.stdout


def test_list_json_and_the_old_alias(briefing: Run) -> None:
    new = briefing("list", "--format", "json")
    old = briefing("list", "--json")
    assert new.returncode == old.returncode == 0
    assert json.loads(new.stdout) == json.loads(old.stdout)
    assert [row["id"] for row in json.loads(new.stdout)] == [BUNDLED_ID]


def test_list_help_names_the_columns_in_output_order(briefing: Run) -> None:
    help_text = " ".join(briefing("list", "--help").stdout.split())
    header = briefing("list").stdout.splitlines()[0].split()
    assert ", ".join(header) in help_text
    top = " ".join(briefing("--help").stdout.split())
    assert "list the library: date, id, title, counts, origin" in top
    assert header[:3] == ["DATE", "ID", "TITLE"] and header[-1] == "ORIGIN"


def test_a_misspelt_kind_gets_did_you_mean(briefing: Run, tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("kind: person", "kind: Persn")
    result = briefing("check", write(tmp_path, "kind.yaml", text))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "kind.yaml:16:11: error: glossary entry 'dana-lee' kind: 'Persn' is not one of person, "
        "group, organisation, place; did you mean 'person'?"
    )
