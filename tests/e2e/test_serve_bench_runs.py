"""The serve benchmark still runs (tiny setting; no thresholds: figures live in benchmarks/)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest

from tests.apptools import ROOT


def test_serve_benchmark_runs_in_its_tiny_setting() -> None:
    if importlib.util.find_spec("asyncssh") is None or shutil.which("ssh-keygen") is None:
        pytest.skip("asyncssh or ssh-keygen is not installed")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "serve_bench.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| served session first frame (s), median |" in result.stdout
    assert "server exit status after SIGTERM: 0" in result.stdout
