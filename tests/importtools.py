"""Which modules a piece of code loads, in a fresh interpreter (start-up stays lean)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


UI = ("textual", "rich", "markdown_it", "pygments")


def loaded_modules(code: str, cwd: Path) -> set[str]:
    """Top-level packages imported after running `code` in a fresh interpreter."""
    script = (
        "import sys, json, io, contextlib\n"
        f"{code}\n"
        "print('MODULES=' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES="))
    return set(json.loads(line.removeprefix("MODULES=")))
