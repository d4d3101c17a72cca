"""Find glossary mentions in text: one compiled matcher for every name and alias.

A mention is a name or alias occurring case-sensitively as a whole word or
phrase; where candidates overlap, the longest wins (FORMAT.md, "Mentions").
One alternation of thousands of names would be tried name by name at every
position, so the names are folded into a character trie first: the regex
engine then follows one branch per character, and the cost of a scan grows
with the text, not with the glossary.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from .model import Mention

_END = ""
_WORD = re.compile(r"\w")

Trie = dict[str, "Trie"]
"""Each key is the next character of a name; the key _END marks where a name ends."""


def _trie_pattern(trie: Trie) -> str:
    """A regex that matches exactly the words of `trie`, preferring the longest."""
    branches = []
    ends_here = _END in trie
    for char in sorted(key for key in trie if key != _END):
        branches.append(re.escape(char) + _trie_pattern(trie[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        # Greedy optional: try the longer name first, fall back to this one.
        body = f"(?:{body})?" if len(branches) == 1 else body + "?"
    return body


class MentionFinder:
    """Finds mentions of a fixed set of names in any number of texts."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """Build the matcher from `(surface form, entry id)` pairs.

        When two entries share a surface form, the first given keeps it; the
        loader warns about such clashes before it gets here.
        """
        self._owner: dict[str, str] = {}
        trie: Trie = {}
        for surface, entry_id in names:
            if not surface or surface in self._owner:
                continue
            self._owner[surface] = entry_id
            node = trie
            for char in surface:
                node = node.setdefault(char, {})
            node[_END] = {}
        self._trie = trie
        self._pattern: re.Pattern[str] | None = None
        if self._owner:
            alternatives = _trie_pattern(trie)
            # Zero-width search: report the longest name starting at every word
            # start, so overlapping candidates can be compared afterwards.
            self._pattern = re.compile(rf"(?<!\w)(?=({alternatives})(?!\w))")

    def find(self, text: str) -> tuple[Mention, ...]:
        """The mentions in `text`, in order, overlaps resolved longest-first."""
        if self._pattern is None:
            return ()
        candidates = [(match.start(), match.end(1)) for match in self._pattern.finditer(text)]
        if not candidates:
            return ()
        if _overlapping(candidates):
            # The longest name at a start may lose to a longer overlapping one
            # while a shorter name at that start overlaps nothing: "New" in
            # "New York Times Square" when "York Times Square" beats "New York".
            candidates = [span for start, _ in candidates for span in self._spans_at(text, start)]
            candidates = _longest_without_overlap(candidates)
        return tuple(Mention(start, end, self._owner[text[start:end]]) for start, end in candidates)

    def _spans_at(self, text: str, start: int) -> list[tuple[int, int]]:
        """Every name starting at `start` and ending at a word boundary."""
        spans = []
        node = self._trie
        for end in range(start, len(text) + 1):
            if _END in node and (end == len(text) or not _WORD.match(text, end)):
                spans.append((start, end))
            if end == len(text) or text[end] not in node:
                break
            node = node[text[end]]
        return spans


def _overlapping(candidates: list[tuple[int, int]]) -> bool:
    """True when any two spans of a start-ordered list overlap."""
    return any(
        later[0] < earlier[1] for earlier, later in zip(candidates, candidates[1:], strict=False)
    )


def _longest_without_overlap(candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the longest of overlapping spans (earlier first on ties), in text order."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(candidates, key=lambda span: (span[0] - span[1], span[0])):
        # Chosen spans are disjoint and kept sorted, so only the neighbours
        # either side of the insertion point can overlap.
        at = bisect.bisect_left(starts, start)
        if at < len(starts) and starts[at] < end:
            continue
        if at > 0 and ends[at - 1] > start:
            continue
        starts.insert(at, start)
        ends.insert(at, end)
    return list(zip(starts, ends, strict=True))
