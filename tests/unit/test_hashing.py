"""The reader's content hash is hashlib's BLAKE2b, taken without loading OpenSSL."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from briefing.format.hashing import blake2b

BUNDLED = Path(__file__).resolve().parents[2] / "content" / "iran-pakistan-2024-01.yaml"


def test_it_is_the_function_hashlib_offers() -> None:
    """When this fails, CPython has moved BLAKE2b: `briefing/format/hashing.py` must follow."""
    assert blake2b is hashlib.blake2b


def test_hashing_a_briefing_does_not_load_openssl() -> None:
    """`import hashlib` would open libcrypto (~0.8 MiB resident) for nothing."""
    probe = (
        "import sys\n"
        "from briefing.format.loader import load_path\n"
        "from briefing.tracking.changes import briefing_hash\n"
        "import briefing.store.modelcache\n"
        f"print(briefing_hash(load_path({str(BUNDLED)!r}).briefing))\n"
        "print('_hashlib' in sys.modules, 'hashlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    digest, flags = done.stdout.split("\n")[:2]
    assert len(digest) == 32
    assert flags == "False False"
