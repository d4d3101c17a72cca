"""Content hashes that do not load OpenSSL.

`import hashlib` opens OpenSSL's libcrypto to offer its algorithms: about
0.8 MiB of resident pages and a few milliseconds, in every reader, although
the one algorithm the reader uses before its first frame, BLAKE2b (the
change marks' hash, the kept model's name), is CPython's own `_blake2`
module, the very function `hashlib.blake2b` is. So it is taken from there;
`tests/unit/test_hashing.py` fails when the two are no longer the same.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without CPython's module
    from hashlib import blake2b

__all__ = ["blake2b"]
