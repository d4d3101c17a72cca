"""Lint and types on every test run: `ruff check`, `ruff format --check`, `mypy --strict`.

CI runs the README's test command, so these run there too. Each test also
checks that its tool looked at the whole project (a count of files), so a
configuration change that silently narrows what is checked fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON_FILES = [
    path
    for folder in ("briefing", "tests", "benchmarks", "docs")
    for path in (REPO / folder).rglob("*.py")
]


def tool(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run `python -m TOOL ...` from the repository root with this interpreter's tools."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def test_ruff_check() -> None:
    done = tool("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All checks passed!" in done.stdout


def test_ruff_format() -> None:
    done = tool("ruff", "format", "--check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr
    checked = re.search(r"(\d+) files? already formatted", done.stdout)
    assert checked, done.stdout
    assert int(checked.group(1)) >= len(PYTHON_FILES)


def test_mypy_strict() -> None:
    """mypy reads `strict = true` and the file list from pyproject.toml; both are asserted."""
    config = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"^\[tool\.mypy\]\nstrict = true$", config, re.M)
    done = tool("mypy", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    checked = re.search(r"Success: no issues found in (\d+) source files", done.stdout)
    assert checked, done.stdout
    assert int(checked.group(1)) >= len(PYTHON_FILES)
