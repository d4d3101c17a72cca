"""Make untrusted text safe to put on a terminal, and say what was changed.

Neither Rich nor Textual removes ESC or C1 controls from text, so a headline
holding `ESC]52;...` would rewrite the reader's clipboard. The loader runs
every text value through `clean_text` once; front ends may call it again on
anything else that came from outside (file names, state files, errors).
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"

_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Controls (C0 but tab and newline, DEL, C1), bidi overrides, lone surrogates.

Newline is in the class only so single-line fields can be checked with the
same pattern; `clean_text` keeps it where lines are allowed.
"""

_REPLACED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What `clean_text` replaces: `_UNSAFE` without the newline."""

_COMBINING_RUN = re.compile(
    "([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])"
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{4,}"
)
MAX_COMBINING = 4
"""Longest run of combining marks kept on one character ("Zalgo" text slows
or crashes terminals: xterm CVE-2021-27135)."""


def _describe(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"lone surrogate U+{code:04X}"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"bidirectional control U+{code:04X}"
    return f"control character U+{code:04X}"


def clean_text(value: str, *, single_line: bool = False) -> tuple[str, list[str]]:
    """Return `value` safe for a terminal, and a note for each kind of change.

    Controls, bidi overrides and lone surrogates become U+FFFD; tabs become a
    space; runs of combining marks are cut to MAX_COMBINING. With
    `single_line`, line breaks become spaces (titles, names, roles). The
    result is trimmed. Cleaning twice changes nothing the second time.
    """
    notes: list[str] = []
    if "\t" in value:
        value = value.replace("\t", " ")
    if single_line and "\n" in value:
        # Split on newlines only: splitlines() would also swallow \v, \f, \x1c-\x1e and
        # NEL without a trace, while the same controls elsewhere are replaced and reported.
        value = " ".join(part.strip() for part in value.split("\n"))
    if _REPLACED.search(value) is not None:
        found = set(_REPLACED.findall(value))
        described = sorted({_describe(char) for char in found})
        shown = ", ".join(described[:3]) + (" ..." if len(described) > 3 else "")
        notes.append(f"replaced {shown} with U+FFFD")
        value = _REPLACED.sub(REPLACEMENT, value)
    if _COMBINING_RUN.search(value):
        notes.append(f"cut runs of more than {MAX_COMBINING} combining marks")
        value = _COMBINING_RUN.sub(lambda m: m.group()[:MAX_COMBINING], value)
    return value.strip(), notes


def is_clean(value: str) -> bool:
    """True when a string holds nothing `clean_text` would replace (newlines allowed)."""
    return not any(m.group() != "\n" for m in _UNSAFE.finditer(value)) and "\t" not in value


def plain_line(value: str) -> str:
    """Any outside string (a path, an error) made safe for one terminal line."""
    return clean_text(value, single_line=True)[0]
