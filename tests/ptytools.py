"""Running the installed `briefing` in a pty: where it is, and a clean environment for it."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

BRIEFING = shutil.which("briefing", path=str(Path(sys.executable).parent))


def pty_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    env.update(extra)
    return env
