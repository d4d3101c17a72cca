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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds or installs something; still runs by default")


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
