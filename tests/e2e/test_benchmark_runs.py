"""The benchmark still runs (tiny setting; no thresholds: speed claims live in benchmarks/)."""

from __future__ import annotations

import subprocess
import sys

from tests.apptools import ROOT


def test_benchmark_runs_in_its_tiny_setting() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| first frame (s) |" in result.stdout
    assert "loader on (c)" in result.stdout
