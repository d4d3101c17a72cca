"""Find a search query in the article's text, case-insensitively.

A query that names a glossary entry (or one of its aliases) also finds the
entry's other names, so `/Army of Justice` finds "Jaish al-Adl" too.
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


def find_matches(units: Sequence[Unit], terms: Sequence[str]) -> list[Match]:
    """Non-overlapping matches of any term in every unit, in reading order."""
    if not terms:
        return []
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    found: list[Match] = []
    for index, unit in enumerate(units):
        for match in pattern.finditer(unit.text):
            if match.end() > match.start():
                found.append(Match(index, match.start(), match.end()))
    return found
