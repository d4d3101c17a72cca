"""The serve benchmark still runs (tiny setting; no thresholds: figures live in benchmarks/)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest

from tests.apptools import ROOT
from tests.haproxytools import require_haproxy
from tests.pgtools import require_postgres


def _require_asyncssh() -> None:
    if importlib.util.find_spec("asyncssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("asyncssh or ssh-keygen is not installed")


def _bench(*flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "serve_bench.py"), "--quick", *flags],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_serve_benchmark_runs_in_its_tiny_setting() -> None:
    _require_asyncssh()
    result = _bench()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| served session first frame (s), median |" in result.stdout
    assert "server exit status after SIGTERM: 0" in result.stdout


def test_serve_benchmark_runs_through_haproxy_to_two_postgres_backends() -> None:
    """Both topologies in one run: HAProxy's rows sit beside the single backend's."""
    _require_asyncssh()
    require_haproxy()
    require_postgres()
    result = _bench("--topology", "both")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| served session first frame (s), median |" in result.stdout
    assert "| HAProxy, 2 backends, PostgreSQL: session first frame (s), median |" in result.stdout
    rows = [line for line in result.stdout.splitlines()
            if line.startswith("| HAProxy, 2 backends, PostgreSQL | ")]  # fmt: skip
    assert [row.split(" | ")[1:3] for row in rows] == [["2", "2"], ["4", "4"]], result.stdout
    assert "server exit status after SIGTERM: 0" in result.stdout
    assert "backend exit statuses after SIGTERM: 0, 0" in result.stdout


def test_serve_benchmark_measures_a_baseline_checkout_in_turns() -> None:
    """`--baseline` serves a second checkout (this one again) beside this one, level by level."""
    _require_asyncssh()
    result = _bench("--sessions", "2", "--key", "j", "--pace", "0.2", "--baseline", str(ROOT))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| served session first frame (s), median |" in result.stdout
    assert "| baseline, one backend, SQLite: session first frame (s), median |" in result.stdout
    rows = [line.split(" | ")[:3] for line in result.stdout.splitlines()
            if line.startswith("| one backend, SQLite | ")
            or line.startswith("| baseline, one backend, SQLite | ")]  # fmt: skip
    assert rows == [["| one backend, SQLite", "2", "2"],
                    ["| baseline, one backend, SQLite", "2", "2"]], result.stdout  # fmt: skip
    assert "server exit status after SIGTERM: 0" in result.stdout
    assert "baseline, one backend, SQLite: server exit status after SIGTERM: 0" in result.stdout
