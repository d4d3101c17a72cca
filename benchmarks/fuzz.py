"""A long fuzz run of the loader, the text cleaner and the mention finder.

    python benchmarks/fuzz.py [--scale 100] [--minutes 20]

Runs the property tests of tests/test_properties.py with every example
budget multiplied by --scale (hypothesis: arbitrary bytes, mutated copies of
the bundled briefing, arbitrary text in every field, arbitrary values where
text is wanted, the cleaner's idempotence, the mention finder against a
brute-force reference), and prints what ran, how long it took and what failed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=30)
    args = parser.parse_args()
    env = dict(os.environ, BRIEFING_FUZZ_SCALE=str(args.scale))
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_properties.py", "-q", "-p",
         "no:cacheprovider", "--hypothesis-show-statistics", "-o", "timeout=0"],
        cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=args.minutes * 60,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    examples = sum(int(n) for n in re.findall(r"(\d+) passing, ", result.stdout))
    failing = sum(int(n) for n in re.findall(r"(\d+) failing", result.stdout))
    print(result.stdout[-4000:])
    verdict = "no findings" if result.returncode == 0 else "FINDINGS above"
    print(
        f"scale {args.scale}: {examples:,} passing and {failing} failing examples "
        f"in {elapsed:.0f} s; exit status {result.returncode} ({verdict})"
    )
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
