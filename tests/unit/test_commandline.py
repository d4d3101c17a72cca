"""Every subcommand's --help keeps its paragraphs apart and wraps each to the window."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from briefing.commandline import command_parser


def help_text(*args: str, columns: int = 80) -> str:
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-m", "briefing", *args, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    ("command", "starts_a_line"),
    [
        ("publish", "exit status:"),
        ("publish", "  briefing publish content/"),
        ("feeds", "downloads:"),
        ("schema", "Save it next to your briefings"),
        ("update", "exit status:"),
    ],
)
def test_a_paragraph_of_the_help_starts_its_own_line(command: str, starts_a_line: str) -> None:
    lines = help_text(command).splitlines()
    assert any(line.startswith(starts_a_line) for line in lines), "\n".join(lines)


def test_paragraphs_wrap_to_the_window_and_examples_stay_whole() -> None:
    parser = command_parser("x", "word " * 40 + "\n  an example line that is kept as written")
    text = parser.format_help()
    described = [line for line in text.splitlines() if line.startswith("word")]
    assert len(described) > 1 and all(len(line) <= 80 for line in described)
    assert "  an example line that is kept as written" in text.splitlines()
