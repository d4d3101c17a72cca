"""The update benchmark still runs (tiny setting, real nginx; no thresholds here)."""

from __future__ import annotations

import subprocess
import sys

from tests.apptools import ROOT
from tests.feedtools import need


def test_update_benchmark_runs_in_its_tiny_setting() -> None:
    need("nginx")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "update_bench.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "all 5 answered 304" in result.stdout
