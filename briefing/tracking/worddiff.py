"""Word-level diffs of a changed section's text: UI-free, loaded only when one is shown.

The text is cut into tokens that each hold a word (or punctuation) and the
whitespace after it, so joining the tokens gives the text back exactly, and
applying the diff to the old text gives the new text exactly (a property test
proves it). It is kept apart from `briefing.tracking.changes`, which classifies
sections at start-up, so no reader pays for it (or for difflib) before a diff
is opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, TypeAlias

Op: TypeAlias = Literal["=", "+", "-"]
Diff: TypeAlias = tuple[tuple[Op, str], ...]
"""Pieces in reading order: kept ("="), added ("+") or removed ("-") text."""

_TOKEN = re.compile(r"\s+|\w+\s*|[^\w\s]+\s*")


def tokens(text: str) -> list[str]:
    """Words, and runs of punctuation, each with the whitespace after them (leading
    whitespace alone): joined, they give the text back exactly. Punctuation is
    its own token so "strikes" -> "strikes, said" marks only what was added."""
    return _TOKEN.findall(text)


DIFF_BUDGET = 400_000
"""Work one word diff may do, in token comparisons: the quadratic matcher is
charged the product of the lengths it compares, anchoring its linear passes.
Past it, what is left to compare is shown as replaced whole. On this 2-core
machine the worst 20,000-character pair stays well under a second."""

MATCHER_CAP = 40_000
"""The largest stretch (old tokens x new tokens) handed to difflib, whose worst
case grows faster than the square: 200 x 200 costs ~40 ms at worst, 1,000 x
1,000 of three repeated words 16 s."""


class DiffCancelled(Exception):
    """The caller no longer wants the diff (the view closed, the reader quit)."""


Opcode = tuple[str, int, int, int, int]


def word_diff(old: str, new: str, cancelled: Callable[[], bool] | None = None) -> Diff:
    """Words kept, removed and added from `old` to `new`, merged into runs.

    Bounded by `DIFF_BUDGET` whatever the texts; `cancelled` is polled between
    steps so a thread computing a diff stops soon after it is no longer wanted
    (raising DiffCancelled)."""
    a, b = tokens(old), tokens(new)
    # Compared without their trailing whitespace ("strikes" matches "strikes "),
    # which is then kept exactly as a change of its own.
    pieces: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in _bounded_opcodes(_keys(a), _keys(b), cancelled):
        if tag == "equal":
            for before, after in zip(a[i1:i2], b[j1:j2], strict=True):
                if before == after:
                    _append(pieces, "=", before)
                    continue
                core = before.rstrip()
                _append(pieces, "=", core)
                _append(pieces, "-", before[len(core) :])
                _append(pieces, "+", after[len(core) :])
            continue
        if i2 > i1:
            _append(pieces, "-", "".join(a[i1:i2]))
        if j2 > j1:
            _append(pieces, "+", "".join(b[j1:j2]))
    return _cleanup(pieces)


def _bounded_opcodes(
    a: list[str], b: list[str], cancelled: Callable[[], bool] | None
) -> list[Opcode]:
    """difflib's opcodes when the texts are small; otherwise anchor on words found
    exactly once in each (patience diff), recursively, and give difflib only the
    small stretches between anchors, all within `DIFF_BUDGET`."""
    import difflib

    if len(a) * len(b) <= MATCHER_CAP:
        return list(difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    budget = DIFF_BUDGET
    out: list[Opcode] = []
    # A stack of stretches still to compare, last pushed first; ("=", ...) are
    # anchors already matched, kept in order between the stretches around them.
    todo: list[Opcode] = [("?", 0, len(a), 0, len(b))]
    while todo:
        if cancelled is not None and cancelled():
            raise DiffCancelled
        tag, i1, i2, j1, j2 = todo.pop()
        if tag == "equal":
            out.append((tag, i1, i2, j1, j2))
            continue
        while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
            out.append(("equal", i1, i1 + 1, j1, j1 + 1))
            i1, j1 = i1 + 1, j1 + 1
        end_i, end_j = i2, j2
        while i2 > i1 and j2 > j1 and a[i2 - 1] == b[j2 - 1]:
            i2, j2 = i2 - 1, j2 - 1
        if i2 < end_i:
            # The common tail comes after whatever this stretch turns into.
            todo.append(("equal", i2, end_i, j2, end_j))
        size = (i2 - i1) * (j2 - j1)
        if size == 0 or budget <= 0:
            _replace(out, i1, i2, j1, j2)
        elif size <= MATCHER_CAP and size <= budget:
            budget -= size
            matcher = difflib.SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False)
            out += [
                (t, x1 + i1, x2 + i1, y1 + j1, y2 + j1)
                for t, x1, x2, y1, y2 in matcher.get_opcodes()
            ]
        else:
            budget -= (i2 - i1) + (j2 - j1)
            anchors = _unique_anchors(a, i1, i2, b, j1, j2)
            if not anchors:
                _replace(out, i1, i2, j1, j2)
            else:
                # Pushed in reverse: the stretch before the first anchor comes off first.
                ends = [*anchors, (i2, j2)]
                starts = [(i1, j1), *((x + 1, y + 1) for x, y in anchors)]
                for index in range(len(ends) - 1, -1, -1):
                    (x1, y1), (x2, y2) = starts[index], ends[index]
                    if index < len(anchors):
                        todo.append(("equal", x2, x2 + 1, y2, y2 + 1))
                    todo.append(("?", x1, x2, y1, y2))
    return _merge_opcodes(out)


def _unique_anchors(
    a: list[str], i1: int, i2: int, b: list[str], j1: int, j2: int
) -> list[tuple[int, int]]:
    """Positions of words occurring once in each stretch, the longest run of them in
    the same order in both (patience sorting, n log n)."""
    import bisect
    from collections import Counter

    count_a, count_b = Counter(a[i1:i2]), Counter(b[j1:j2])
    where_b = {b[j]: j for j in range(j1, j2) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(i1, i2) if count_a[a[i]] == 1 and a[i] in where_b]
    if not pairs:
        return []
    tops: list[int] = []
    top_index: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        pile = bisect.bisect_left(tops, j)
        back[index] = top_index[pile - 1] if pile else -1
        if pile == len(tops):
            tops.append(j)
            top_index.append(index)
        else:
            tops[pile], top_index[pile] = j, index
    chain: list[tuple[int, int]] = []
    index = top_index[-1]
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def _replace(out: list[Opcode], i1: int, i2: int, j1: int, j2: int) -> None:
    if i2 > i1 or j2 > j1:
        tag = "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
        out.append((tag, i1, i2, j1, j2))


def _merge_opcodes(opcodes: list[Opcode]) -> list[Opcode]:
    """Neighbouring equal runs joined (the output loop does not need it, but the
    runs of single-token anchors would otherwise make many tiny opcodes)."""
    merged: list[Opcode] = []
    for op in opcodes:
        if merged and merged[-1][0] == op[0] == "equal" and merged[-1][2] == op[1]:
            last = merged[-1]
            merged[-1] = ("equal", last[1], op[2], last[3], op[4])
        else:
            merged.append(op)
    return merged


def _cleanup(pieces: list[tuple[Op, str]]) -> Diff:
    """Fold a kept run of bare punctuation or spacing between two changes into them,
    and each block of changes into one removal then one addition: difflib happily
    matches a lone "." inside a rewritten sentence, which reads as noise."""
    folded: list[tuple[Op, str]] = []
    for index, (op, text) in enumerate(pieces):
        between = (
            0 < index < len(pieces) - 1 and pieces[index - 1][0] != "=" != pieces[index + 1][0]
        )
        if op == "=" and between and not any(char.isalnum() for char in text):
            folded += [("-", text), ("+", text)]
        else:
            folded.append((op, text))
    result: list[tuple[Op, str]] = []
    removed: list[str] = []
    added: list[str] = []
    for op, text in [*folded, ("=", "")]:
        if op == "-":
            removed.append(text)
        elif op == "+":
            added.append(text)
        else:
            _append(result, "-", "".join(removed))
            _append(result, "+", "".join(added))
            removed, added = [], []
            _append(result, "=", text)
    return tuple(result)


def _keys(tokens: list[str]) -> list[str]:
    return [token.rstrip() or token for token in tokens]


def _append(pieces: list[tuple[Op, str]], op: Op, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == op:
        pieces[-1] = (op, pieces[-1][1] + text)
    else:
        pieces.append((op, text))


def apply_diff(old: str, diff: Iterable[tuple[Op, str]]) -> str:
    """The new text, from the old one and a diff; ValueError if the diff is not of `old`."""
    out: list[str] = []
    at = 0
    for op, text in diff:
        if op == "+":
            out.append(text)
            continue
        if old[at : at + len(text)] != text:
            raise ValueError(f"diff does not match the old text at {at}")
        at += len(text)
        if op == "=":
            out.append(text)
    if at != len(old):
        raise ValueError("diff does not cover the old text")
    return "".join(out)


def without_title(pieces: Sequence[tuple[Op, str]], title: str) -> list[tuple[Op, str]]:
    """The pieces after an unchanged leading title: the compared text starts with the
    section's title (so renaming a section counts), but a view that heads the
    diff with the title would otherwise show it twice."""
    head = title + "\n\n"
    if pieces and pieces[0][0] != "-" and (pieces[0][1] == title or pieces[0][1].startswith(head)):
        op, text = pieces[0]
        rest = text[len(head) :]
        return [*([(op, rest)] if rest else []), *pieces[1:]]
    return list(pieces)


def marked_pieces(diff: Sequence[tuple[Op, str]]) -> list[tuple[Op, str]]:
    """Pieces for display: whitespace at the end of a changed run moves outside it,
    so markers hug words (`[-old-] [+new+] rest`); a removed run's line breaks
    give way to the added run after it, which brings its own."""
    shown: list[tuple[Op, str]] = []
    for index, (op, text) in enumerate(diff):
        if op == "=" or text.isspace():  # a change of spacing alone is not worth a mark
            if op != "-":
                shown.append(("=", text))
            continue
        core = text.rstrip()
        tail = text[len(core) :]
        if core:
            shown.append((op, core))
        replaced = op == "-" and index + 1 < len(diff) and diff[index + 1][0] == "+"
        if replaced:
            shown.append(("=", " "))
        elif tail:
            shown.append(("=", tail))
    return shown


def marked_text(diff: Sequence[tuple[Op, str]]) -> str:
    """The diff as plain text with `[+added+]` and `[-removed-]` markers (NO_COLOR-readable)."""
    out = []
    for op, text in marked_pieces(diff):
        out.append(text if op == "=" else f"[{op}{text}{op}]")
    return "".join(out)
