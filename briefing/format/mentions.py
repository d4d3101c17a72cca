"""Find glossary mentions in text, leftmost-longest, in time linear in the text.

A mention is a name or alias occurring case-sensitively as a whole word or
phrase; where candidates overlap, leftmost-longest wins (FORMAT.md,
"Mentions"): reading left to right, the longest name starting at the current
place is the mention, and reading resumes after it.

How, and why it is linear. Text and names are cut into tokens: runs of word
characters (`\\w+`) and single other characters. A whole-word match always
starts and ends on token boundaries, so matching is over tokens. The one
condition a token sequence cannot see by itself, "no word character right
after the name", is folded into the symbols: a non-word token followed by a
word token is a different symbol from the same character followed by
anything else, and a name's last token always takes the plain form.

An Aho-Corasick automaton of the *reversed* names then runs once over the
text's tokens from right to left. After reading the token at position p,
the deepest accepting state on the current state's failure chain is the
longest name starting at p; a link precomputed per state (`_longest`) finds
it in O(1). A left-to-right pass over these candidates keeps the leftmost-
longest ones. Costs, for a text of n characters with m mentions found, and
names of total length L:

- building: O(L) time and states, once per briefing (200,000 aliases: ~1.5 s,
  ~60 MB; a state with one way out costs a few array slots, not a dict);
- `find`: O(n) tokens, each one transition plus amortised O(1) failure steps
  (every failure step shortens the match depth that transitions lengthened),
  plus O(m) for the result; nothing depends on how many names overlap
  (1,000 entries x 200 aliases sharing a first word, or "a", "a a", "a a a",
  ... over a long run of "a", cost the same per token as prose);
- memory: O(L) for the automaton, O(n) per call.

The finder also counts every mention per entry and stops *storing* them past
MAX_MENTIONS (FORMAT.md's limit) while it goes on counting, so a file with
millions of mentions is refused, naming the entry with the most, without
holding millions of objects.
"""

from __future__ import annotations

import re
from array import array
from collections import deque
from collections.abc import Iterable
from typing import TypeAlias

from briefing.format.model import Mention

MAX_MENTIONS = 100_000
"""Mentions in one briefing, counted after overlaps are resolved (FORMAT.md)."""

_TOKEN = re.compile(r"\w+|\W")
_WORD = re.compile(r"\w")
_FOLLOWED_BY_WORD = "\x00"
"""Appended to a non-word token that a word token follows; never part of a token."""


_NAME_TOKEN = re.compile(r"(\w+)|(\W)(?=\w)|(\W)")


def _symbols(name: str) -> list[str]:
    """A name's tokens, tagged as the text's will be (its last token never is)."""
    return [
        word or (tagged + _FOLLOWED_BY_WORD if tagged else plain)
        for word, tagged, plain in _NAME_TOKEN.findall(name)
    ]


Edges: TypeAlias = "str | dict[str, int] | None"
"""A state's way out: None (a leaf), one symbol (its child in `_child`), or a table."""


class MentionFinder:
    """Finds mentions of a fixed set of names in any number of texts."""

    def __init__(self, names: Iterable[tuple[str, str]], limit: int = MAX_MENTIONS) -> None:
        """Build the automaton from `(surface form, entry id)` pairs.

        When two entries share a surface form, the first given keeps it; the
        loader warns about such clashes before it gets here. Most states of a
        big glossary have one way out, so those keep it in two flat slots
        instead of a dict (a dict per state cost 170 MB for 200,000 aliases),
        and symbols are shared, not copied per name.
        """
        self.limit = limit
        self.counts: dict[str, int] = {}
        """Mentions found so far per entry id, over every text, stored or not."""
        self.total = 0
        self._edges: list[Edges] = [{}]
        self._child = array("i", [0])
        self._accept = array("i", [-1])  # index into the names, or -1
        self._length = array("i")  # a name's length in characters
        self._entry: list[str] = []  # a name's entry id
        symbols: dict[str, str] = {}
        seen: set[str] = set()
        for surface, entry_id in names:
            if not surface or surface in seen:
                continue
            seen.add(surface)
            shared = [symbols.setdefault(symbol, symbol) for symbol in _symbols(surface)]
            self._insert(shared[::-1], len(surface), entry_id)
        self._fail, self._longest = self._link()
        root = self._edges[0]
        self._root: dict[str, int] = root if isinstance(root, dict) else {}

    def _step(self, state: int, symbol: str) -> int:
        """The state reached from `state` by `symbol`, or -1 when there is none."""
        edges = self._edges[state]
        if edges is None:
            return -1
        if isinstance(edges, str):
            return self._child[state] if edges == symbol else -1
        return edges.get(symbol, -1)

    def _insert(self, symbols: list[str], length: int, entry_id: str) -> None:
        state = 0
        for symbol in symbols:
            following = self._step(state, symbol)
            if following < 0:
                following = len(self._edges)
                edges = self._edges[state]
                if edges is None:
                    self._edges[state] = symbol
                    self._child[state] = following
                elif isinstance(edges, str):
                    self._edges[state] = {edges: self._child[state], symbol: following}
                else:
                    edges[symbol] = following
                self._edges.append(None)
                self._child.append(0)
                self._accept.append(-1)
            state = following
        self._accept[state] = len(self._entry)
        self._length.append(length)
        self._entry.append(entry_id)

    def _children(self, state: int) -> Iterable[tuple[str, int]]:
        edges = self._edges[state]
        if edges is None:
            return ()
        if isinstance(edges, str):
            return ((edges, self._child[state]),)
        return edges.items()

    def _link(self) -> tuple[array[int], array[int]]:
        """Failure links and, per state, the deepest accepting state on its
        failure chain (itself included) or -1: breadth first, O(L)."""
        count = len(self._edges)
        fail = array("i", bytes(4 * count))
        longest = array("i", [-1]) * count
        queue: deque[int] = deque(child for _, child in self._children(0))
        accept = self._accept
        edges_of, child_of = self._edges, self._child
        while queue:
            state = queue.popleft()
            longest[state] = state if accept[state] >= 0 else longest[fail[state]]
            for symbol, child in self._children(state):
                back = fail[state]
                while True:
                    edges = edges_of[back]
                    if edges.__class__ is str:
                        target = child_of[back] if edges == symbol else -1
                    elif edges is None:
                        target = -1
                    else:
                        target = edges.get(symbol, -1)  # type: ignore[union-attr]
                    if target >= 0 or not back:
                        break
                    back = fail[back]
                if target > 0:
                    fail[child] = target
                queue.append(child)
        return fail, longest

    def find(self, text: str) -> tuple[Mention, ...]:
        """The mentions in `text`, in order, overlaps resolved leftmost-longest.

        Past the finder's limit (over all calls) only an entry's first mention
        is still returned, so every mentioned entry stays known, and the
        counts go on.
        """
        if not self._root or not text:
            return ()
        candidates = self._candidates(text)
        if not candidates:
            return ()
        found: list[Mention] = []
        counts = self.counts
        accept, lengths, entries = self._accept, self._length, self._entry
        resume = 0
        for start, state in reversed(candidates):
            if start < resume:
                continue
            if start and _WORD.match(text, start - 1):
                continue  # a name that begins with punctuation, glued to a word
            name = accept[state]
            entry_id = entries[name]
            resume = start + lengths[name]
            self.total += 1
            before = counts.get(entry_id, 0)
            counts[entry_id] = before + 1
            if self.total <= self.limit or not before:
                found.append(Mention(start, resume, entry_id))
        return tuple(found)

    def _candidates(self, text: str) -> list[tuple[int, int]]:
        """(start, accepting state) for every token where some name starts, right to left."""
        all_edges, child, fail, longest = self._edges, self._child, self._fail, self._longest
        root = self._root
        tokens = _TOKEN.findall(text)
        candidates: list[tuple[int, int]] = []
        state = 0
        position = len(text)
        right = ""  # the token after this one, read just before it
        for token in reversed(tokens):
            position -= len(token)
            # The common case, kept cheap: no name ends with this token.
            # (Names' last tokens are never tagged, so the plain token is the key.)
            if state == 0 and token not in root:
                right = token
                continue
            first = token[0]
            symbol = token
            if not (first == "_" or first.isalnum()) and right:
                after = right[0]
                if after == "_" or after.isalnum():
                    symbol = token + _FOLLOWED_BY_WORD
            right = token
            if state == 0:
                following = root.get(symbol)
                if following is None:
                    continue
                state = following
            else:
                while True:
                    edges = all_edges[state]
                    if edges.__class__ is str:
                        following = child[state] if edges == symbol else -1
                    elif edges is None:
                        following = -1
                    else:
                        following = edges.get(symbol, -1)  # type: ignore[union-attr]
                    if following >= 0:
                        state = following
                        break
                    if state == 0:
                        break
                    state = fail[state]
            accepting = longest[state]
            if accepting >= 0:
                candidates.append((position, accepting))
        return candidates

    def most_mentioned(self) -> tuple[str, int] | None:
        """The entry with the most mentions so far (on a tie, the one mentioned first)."""
        if not self.counts:
            return None
        entry_id = max(self.counts, key=self.counts.__getitem__)
        return entry_id, self.counts[entry_id]
