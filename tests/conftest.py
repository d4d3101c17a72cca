"""Shared fixtures: every test runs with its own empty user folders and no BRIEFING_PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


KIND_MARKS: dict[str, tuple[str, ...]] = {
    "test_app_pty": ("pty",),
    "test_bounds_terminal": ("pty",),
    "test_e2e_pty": ("pty",),
    "test_feeds_terminal": ("pty",),
    "test_golden_bytes": ("pty",),
    "test_live_reload": ("pty",),
    "test_state_crash": ("pty",),
    "test_terminal_reach": ("pty",),
    "test_serve_limits": ("ssh",),
    "test_serve_bounds": ("ssh",),
    "test_serve_proxy": ("ssh",),
    "test_serve_session": ("ssh", "pty"),
    "test_serve_ssh": ("ssh", "pty"),
    "test_serve_haproxy": ("ssh", "pty"),
    "test_ssh": ("ssh", "pty"),
    "test_feeds_nginx": ("feeds_server",),
    "test_html_browser": ("browser",),
    "test_benchmark_runs": ("bench",),
    "test_serve_bench_runs": ("bench", "ssh"),
    "test_update_bench_runs": ("bench",),
}
"""The kinds of slow test, by module (the markers are declared in pyproject.toml)."""

SLOW_UNIT_MODULES = {
    "test_lint",
    "test_bounds_loader",
    "test_loader_safety",
    "test_app_statemachine",
}
"""Fast in kind but not in time: ruff and mypy over the whole tree take about a minute, and
the loader's bounds run multi-megabyte files under time and memory limits (they need the
machine to themselves, which the fast tier on every core does not give them), and the
reader's state machine drives 400 random steps (about 90 s of the fast tier's CPU)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is `slow`, with its kind; the fast tier is `-m "not slow"`."""
    for item in items:
        path = Path(str(item.fspath))
        module = path.stem
        if path.parent.name == "e2e" or module in SLOW_UNIT_MODULES:
            item.add_marker(pytest.mark.slow)
        for mark in KIND_MARKS.get(module, ()):
            item.add_marker(getattr(pytest.mark, mark))


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Point XDG data/state/config/cache at fresh folders so no test sees the user's files.

    Subprocesses inherit the patched environment, so the CLI is isolated too.
    """
    home = tmp_path_factory.mktemp("xdg")
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        folder = home / name.lower()
        folder.mkdir()
        monkeypatch.setenv(name, str(folder))
    monkeypatch.delenv("BRIEFING_PATH", raising=False)
    monkeypatch.delenv("BRIEFING_STATE_URL", raising=False)
    monkeypatch.delenv("BRIEFING_READER", raising=False)
    yield home
    # Every test's state stores (connections, writer threads) end with it.
    from briefing.store.statestore import forget_stores

    forget_stores()


@pytest.fixture
def fixtures() -> Path:
    """The folder of committed YAML fixtures."""
    return FIXTURES


@pytest.fixture
def minimal_yaml() -> str:
    """A small valid briefing to break one rule at a time."""
    return (FIXTURES / "valid" / "minimal.yaml").read_text(encoding="utf-8")


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """Run `python -m briefing ARGS` in a subprocess (cwd: a temp dir unless given).

    Every run is checked for a Python traceback: no input may ever produce one.
    """

    def run(
        *args: str,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        environ = dict(os.environ)
        environ.pop("NO_COLOR", None)
        environ.update(env or {})
        result = subprocess.run(
            [sys.executable, "-m", "briefing", *args],
            cwd=cwd or tmp_path,
            env=environ,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=timeout,
        )
        assert "Traceback" not in result.stderr, result.stderr
        assert "Traceback" not in result.stdout, result.stdout
        return result

    return run
