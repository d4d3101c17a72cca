"""`briefing show --changes`: text with markers, Markdown, JSON, styled for a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

from briefing.cli.showchanges import print_changes
from briefing.format.loader import load_bytes
from briefing.store.versions import save_version
from briefing.tracking.changes import version_of
from tests.changetools import briefing_yaml
from tests.conftest import CliRunner

OLD = briefing_yaml(
    [("background", "Background", "The bridge closed on Monday."),
     ("reactions", "Reactions", "The mayor said nothing."),
     ("analysis", "Analysis", "Repairs take a year."),
     ("gone", "Old rumours", "Nobody knows.")],
    [("dana", "Dana Lee")],
    [("2025-03-10", "The bridge closed.")],
)  # fmt: skip
NEW = briefing_yaml(
    [("background", "Background", "The bridge reopened on Friday."),
     ("reactions", "Reactions", "The mayor said [bold]nothing[/bold] \x1b[31m."),
     ("analysis", "Analysis", "Repairs take a year."),
     ("costs", "Costs", "It cost *a lot*.")],
    [("dana", "Dana Lee"), ("sam", "Sam Ortiz")],
    [("2025-03-10", "The bridge closed."), ("2025-03-14", "The bridge reopened.")],
)  # fmt: skip


def _remember_old() -> None:
    save_version(version_of(load_bytes(OLD.encode(), "old.yaml").briefing))


def test_text_marks_words_and_lists_removed_once(cli: CliRunner, tmp_path: Path) -> None:
    _remember_old()
    story = tmp_path / "story.yaml"
    story.write_text(NEW)
    result = cli("show", "--changes", str(story), env={"NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1. Background [changed]" in out
    assert "The bridge [-closed-] [+reopened+] on [-Monday-] [+Friday+]." in out
    assert "3. Analysis [unchanged]" in out
    assert "4. Costs [new]" in out and "[+It cost *a lot*.+]" in out
    # each section's title heads its diff once, not again as the diff's first line
    assert out.count("Background") == out.count("Costs") == out.count("Reactions") == 1
    assert out.count("Old rumours") == 1 and "1 section removed since you read" in out
    assert "New in the glossary: Sam Ortiz" in out
    assert "New in the timeline: 2025-03-14 The bridge reopened." in out
    # hostile text shows literally; the loader already removed the escape character
    assert "[+[bold]+]nothing[+[/bold]" in out and "\x1b" not in out


def test_markdown_escapes_content(cli: CliRunner, tmp_path: Path) -> None:
    _remember_old()
    story = tmp_path / "story.yaml"
    story.write_text(NEW)
    out = cli("show", "--changes", "--format", "markdown", str(story)).stdout
    assert "~~closed~~ **reopened**" in out
    assert "**It cost \\*a lot\\*.**" in out
    assert "## 4\\. Costs \\[new\\]" in out


def test_json_has_a_diff_that_applies(cli: CliRunner, tmp_path: Path) -> None:
    _remember_old()
    story = tmp_path / "story.yaml"
    story.write_text(NEW)
    data = json.loads(cli("show", "--changes", "--format", "json", str(story)).stdout)
    statuses = {s["id"]: s["status"] for s in data["sections"]}
    assert statuses == {"background": "changed", "reactions": "changed", "analysis": "same",
                        "costs": "new", "gone": "removed"}  # fmt: skip
    diff = data["sections"][0]["diff"]
    assert "".join(t for op, t in diff if op != "-").endswith("The bridge reopened on Friday.")


def test_never_read_says_so(cli: CliRunner, tmp_path: Path) -> None:
    story = tmp_path / "story.yaml"
    story.write_text(NEW)
    result = cli("show", "--changes", str(story))
    assert result.returncode == 1
    assert "has not been read here yet" in result.stderr and not result.stdout


def test_a_terminal_gets_styles_not_markers(monkeypatch: object, tmp_path: Path) -> None:
    _remember_old()
    briefing = load_bytes(NEW.encode(), "new.yaml").briefing

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    assert print_changes(briefing, "text", out) == 0
    text = out.getvalue()
    assert "[+" not in text and "reopened" in text
    assert "\x1b[" in text  # styled
    assert "[bold]" in text and "[/bold]" in text  # content never parsed as markup
