"""Find a search query in the article's text, case-insensitively.

A query that names a glossary entry (or one of its aliases) also finds the
entry's other names, so `/Army of Justice` finds "Jaish al-Adl" too.

As in less, a query with regular-expression characters in it (`Iran|Pakistan`,
`strikes?`, `\\bIS\\b`) is a regular expression, when it is one whose cost
stays bounded; anything else is plain text.
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
_REPEATS = re.compile(r"(?<!\\)(?:[*+]|\{\d*,?\d*\})")
_OPTIONALS = re.compile(r"(?<!\\)\?")
_REPEATED_GROUP = re.compile(r"(?<!\\)\)(?:[*+?]|\{)")
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def bounded_regex(query: str) -> re.Pattern[str] | None:
    """The query as a case-insensitive regular expression, or None for plain text.

    Python's engine backtracks, so a pattern such as `(a+)+$` can take
    exponential time on hostile text. Only shapes whose cost stays polynomial
    and small are accepted: no repeated group, no back-reference, at most one
    unbounded repeat (`*`, `+`, `{m,n}`) and four `?`, short patterns. The
    worst case is then about (text length)^2 x 16 steps per paragraph.
    """
    if not REGEX_CHARACTERS.intersection(query) or len(query) > MAX_REGEX_LENGTH:
        return None
    if _REPEATED_GROUP.search(query) or _BACKREFERENCE.search(query):
        return None
    without_repeats = _REPEATS.sub("", query)
    if len(_REPEATS.findall(query)) > 1 or len(_OPTIONALS.findall(without_repeats)) > 4:
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
