"""Read the small files the reader keeps (state, JSON) as carefully as briefing files.

A plain `open()` of a FIFO left where the state file was blocks for good (the
reader hung on a blank screen), and `json.loads` of `'[' * 1100` raises
RecursionError, which nothing set aside, so every start failed the same way.
Here a file is opened non-blocking, must be a regular file, is read up to a
size bound, and its JSON nesting is checked before any parser sees it. Every
failure but "not there" is an `Unusable`, a ValueError, so a caller's "set the
damaged file aside" branch catches it with the rest.
"""

from __future__ import annotations

import os
import re
import stat
from itertools import accumulate
from pathlib import Path

MAX_JSON_DEPTH = 32
"""Nesting the reader's own files never come near (state is two levels deep)."""

_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
"""A JSON string, so brackets inside it do not count. Possessive, and an unclosed
string runs to the end, so no input makes the scan backtrack or restart."""
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


class Unusable(ValueError):
    """The file is there but cannot be used; the message says why, in a few words."""


def read_bounded(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file, without ever blocking.

    Raises FileNotFoundError when nothing is there, Unusable for anything
    else: a FIFO, socket, device or folder, a file over the limit, or an
    error from the system (permission denied, a symlink loop, ...).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as error:
        raise Unusable(error.strerror or str(error)) from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Unusable("not a regular file")
        with open(descriptor, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise Unusable(error.strerror or str(error)) from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise Unusable(f"larger than {limit:,} bytes")
    return data


def check_json_nesting(data: bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise Unusable when JSON text nests deeper than `limit`; linear, no recursion.

    Strings are cut out and the brackets left are summed at C speed: a
    hostile 1 MB file of brackets costs milliseconds, not a Python loop.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    if brackets and max(accumulate(map(_STEP.__getitem__, brackets))) > limit:
        raise Unusable(f"nested deeper than {limit} levels")


def read_json_bytes(path: Path, limit: int, depth: int = MAX_JSON_DEPTH) -> bytes:
    """`read_bounded`, then `check_json_nesting`: bytes `json.loads` can take safely."""
    data = read_bounded(path, limit)
    check_json_nesting(data, depth)
    return data
