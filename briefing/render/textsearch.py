"""Find a search query in the article's text, case-insensitively.

A query that names a glossary entry (or one of its aliases) also finds the
entry's other names, so `/Army of Justice` finds "Jaish al-Adl" too.

As in less, a query with regular-expression characters in it (`Iran|Pakistan`,
`strikes?`, `\\bIS\\b`) is a regular expression, when it is one whose cost
stays linear in the text; anything else is plain text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from briefing.format.model import Briefing
from briefing.render.layout import Unit


@dataclass(frozen=True, slots=True)
class Match:
    """`units[unit].text[start:end]` matched the query."""

    unit: int
    start: int
    end: int


def search_terms(briefing: Briefing, query: str) -> list[str]:
    """The query, plus every name of the glossary entry it names, longest first."""
    query = query.strip()
    if not query:
        return []
    terms = {query.lower()}
    for entry in briefing.glossary:
        forms = (entry.name, *entry.aliases)
        if any(form.lower() == query.lower() for form in forms):
            terms.update(form.lower() for form in forms)
    return sorted(terms, key=len, reverse=True)


REGEX_CHARACTERS = frozenset(".^$*+?{}[]()|\\")
"""A query with one of these in it asks for a regular expression (as in less)."""

MAX_REGEX_LENGTH = 100
_UNBOUNDED = re.compile(r"(?<!\\)(?:[*+]|\{\d*,\})")
_BOUNDED = re.compile(r"(?<!\\)\{(\d*)(?:,(\d*))?\}")
_OPTIONALS = re.compile(r"(?<!\\)\?")
_REPEATED_GROUP = re.compile(r"(?<!\\)\)(?:[*+?]|\{)")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
MAX_REPEAT = 10
MAX_OPTIONALS = 4


def bounded_regex(query: str) -> re.Pattern[str] | None:
    """The query as a case-insensitive regular expression, or None for plain text.

    Python's engine backtracks: `(a+)+$` takes exponential time, and even one
    `.*` is quadratic, which on a 100,000-character paragraph is minutes. Only
    shapes whose cost stays linear in the text are accepted: alternatives,
    classes, anchors, `\\b`, up to four `?` and one `{m,n}` with n <= 10; no
    `*`, `+` or `{m,}`, no repeated group, no back-reference, short patterns.
    The worst case is then about 160 steps per character.
    """
    if not REGEX_CHARACTERS.intersection(query) or len(query) > MAX_REGEX_LENGTH:
        return None
    if _REPEATED_GROUP.search(query) or _BACKREFERENCE.search(query):
        return None
    if _UNBOUNDED.search(query) or len(_OPTIONALS.findall(query)) > MAX_OPTIONALS:
        return None
    bounded = _BOUNDED.findall(query)
    if len(bounded) > 1 or any(int(high or low or 0) > MAX_REPEAT for low, high in bounded):
        return None
    try:
        return re.compile(query, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError):
        return None


def search_pattern(briefing: Briefing, query: str) -> re.Pattern[str] | None:
    """What a query finds: an entry's names, a bounded regular expression, or the text."""
    terms = search_terms(briefing, query)
    if len(terms) == 1:
        regex = bounded_regex(query.strip())
        if regex is not None:
            return regex
    return terms_pattern(terms)


def terms_pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def find_matches(
    units: Sequence[Unit], terms: Sequence[str] | re.Pattern[str] | None
) -> list[Match]:
    """Non-overlapping matches of the pattern (or of any term) in every unit, in reading order."""
    pattern = terms if isinstance(terms, re.Pattern) or terms is None else terms_pattern(terms)
    if pattern is None:
        return []
    found: list[Match] = []
    for index, unit in enumerate(units):
        for match in pattern.finditer(unit.text):
            if match.end() > match.start():
                found.append(Match(index, match.start(), match.end()))
    return found
