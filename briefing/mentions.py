"""Find glossary mentions in text: one pass per text over an index of all names.

A mention is a name or alias occurring case-sensitively as a whole word or
phrase; where candidates overlap, the longest wins (FORMAT.md, "Mentions").
Names are indexed by their first word, so one scan of a text's words (a
C-speed regex) meets every name at once: the cost grows with the text, not
with the glossary, and building the index for 5,000 entries takes
milliseconds (a compiled regex of all names took ~0.2 s).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from .model import Mention

_WORD = re.compile(r"\w")
_FIRST_WORD = re.compile(r"\w+")


class MentionFinder:
    """Finds mentions of a fixed set of names in any number of texts."""

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        """Build the index from `(surface form, entry id)` pairs.

        When two entries share a surface form, the first given keeps it; the
        loader warns about such clashes before it gets here.
        """
        self._owner: dict[str, str] = {}
        by_word: dict[str, list[str]] = {}
        by_char: dict[str, list[str]] = {}
        for surface, entry_id in names:
            if not surface or surface in self._owner:
                continue
            self._owner[surface] = entry_id
            first = _FIRST_WORD.match(surface)
            if first is not None:
                by_word.setdefault(first.group(), []).append(surface)
            else:  # a name that starts with punctuation, such as "'t Hooft"
                by_char.setdefault(surface[0], []).append(surface)
        for group in (*by_word.values(), *by_char.values()):
            group.sort(key=len, reverse=True)
        self._by_word = by_word
        self._by_char = by_char
        self._chars: re.Pattern[str] | None = None
        if by_char:
            self._chars = re.compile("[" + "".join(re.escape(c) for c in by_char) + "]")

    def find(self, text: str) -> tuple[Mention, ...]:
        """The mentions in `text`, in order, overlaps resolved longest-first."""
        if not self._owner:
            return ()
        candidates: list[tuple[int, int]] = []
        by_word = self._by_word
        # Which first words occur at all is a C-speed question; only those few
        # are then looked for one by one.
        for word in by_word.keys() & set(_FIRST_WORD.findall(text)):
            size = len(word)
            start = text.find(word)
            while start != -1:
                whole = (start == 0 or not _WORD.match(text, start - 1)) and not _WORD.match(
                    text, start + size
                )
                if whole:
                    self._add(text, start, by_word[word], candidates)
                start = text.find(word, start + size)
        if self._chars is not None:
            for char in self._chars.finditer(text):
                start = char.start()
                if start == 0 or not _WORD.match(text, start - 1):
                    self._add(text, start, self._by_char[char.group()], candidates)
        candidates.sort()
        if not candidates:
            return ()
        if _overlapping(candidates):
            candidates = _longest_without_overlap(candidates)
        return tuple(Mention(start, end, self._owner[text[start:end]]) for start, end in candidates)

    @staticmethod
    def _add(text: str, start: int, surfaces: list[str], into: list[tuple[int, int]]) -> None:
        """Every name of `surfaces` that stands at `start` as a whole word or phrase.

        All of them, not only the longest: the longest at a start may lose to
        a longer overlapping name while a shorter one overlaps nothing ("New"
        in "New York Times Square" when "York Times Square" beats "New York").
        """
        for surface in surfaces:
            end = start + len(surface)
            if text.startswith(surface, start) and (end == len(text) or not _WORD.match(text, end)):
                into.append((start, end))


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
