"""Schema and loader agree on generated briefings, not only on the fixtures.

Hypothesis builds briefings near the valid ones (every key of the format,
with values that are right, or wrong in the ways authors get them wrong:
empty text, numbers and yes/no where text is wanted, bad ids, bad dates,
misspelt keys, a wrong kind, empty lists), writes them with PyYAML, and
checks: the loader accepts => the schema accepts; a schema rule broken =>
the schema refuses; the schema refuses => the loader refuses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.schematools import (
    NOT_PLAIN_YAML,
    classify,
    loader_errors,
    parse_plain,
    schema_errors,
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


TEXT = st.sampled_from(["Dana Lee spoke.", "The council met", "Harbour Gazette", "x"])
WRONG_TEXT: st.SearchStrategy[Any] = st.sampled_from(
    ["", "   ", None, 7, 1.5, True, [], {}, ["a"], "no", "2024-01-19"]
)
SLUG = st.sampled_from(["background", "dana-lee", "a1", "x" * 64])
WRONG_SLUG = st.sampled_from(["Background", "a--b", "-a", "x" * 65, "", 3, None, "a b"])
DATE = st.sampled_from([dt.date(2025, 3, 14), "2025-03-14", dt.date(2024, 2, 29)])
WRONG_DATE = st.sampled_from(["2025-3-14", "14/03/2025", 2025, "2025-13-01", "soon", None])
PARTIAL = st.sampled_from([2023, "2023", "2023-10", dt.date(2023, 10, 7), "2023-10-07"])
WRONG_PARTIAL = st.sampled_from(["2023-1", "23", "2023-10-7", "2023-00", None, "now"])


def maybe(right: st.SearchStrategy[Any], wrong: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly right values, now and then a wrong one (about half the briefings hold one)."""
    return st.integers(0, 24).flatmap(lambda n: wrong if n == 13 else right)


def mapping(
    required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping with the required keys (one sometimes dropped), some optional ones,
    and sometimes a misspelt key."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        result = {key: draw(value) for key, value in required.items()}
        for key, value in optional.items():
            if draw(st.booleans()):
                result[key] = draw(value)
        if required and draw(st.integers(0, 29)) == 13:
            del result[draw(st.sampled_from(sorted(required)))]
        if draw(st.integers(0, 29)) == 13:
            result[draw(st.sampled_from(["titel", "pointz", "colapsed", "extra"]))] = "x"
        return result

    return build()


BLOCK = st.one_of(
    maybe(TEXT, WRONG_TEXT),
    mapping(
        {
            "quote": maybe(TEXT, WRONG_TEXT),
            "by": st.sampled_from(["dana-lee", "a friend", "Dana Lee"]),
        },
        {},
    ),
    mapping({"points": maybe(st.lists(TEXT, min_size=1, max_size=2), st.just([]))}, {}),
)
SECTION = mapping(
    {
        "id": maybe(SLUG, WRONG_SLUG),
        "title": maybe(TEXT, WRONG_TEXT),
        "body": maybe(st.lists(BLOCK, min_size=1, max_size=3), st.just([])),
    },
    {
        "summary": maybe(TEXT, WRONG_TEXT),
        "collapsed": maybe(st.booleans(), st.sampled_from(["maybe", 1, None])),
    },
)
ENTRY = mapping(
    {
        "id": st.just("dana-lee"),
        "name": st.just("Dana Lee"),
        "kind": maybe(
            st.sampled_from(["person", "place"]), st.sampled_from(["organization", "Person", 3])
        ),
        "role": maybe(TEXT, WRONG_TEXT),
    },
    {
        "aliases": maybe(st.lists(st.just("Lee"), max_size=1), st.just("Lee")),
        "about": maybe(TEXT, WRONG_TEXT),
        "related": maybe(st.just([]), st.just(["Not A Slug"])),
    },
)
EVENT = mapping(
    {"date": maybe(PARTIAL, WRONG_PARTIAL), "event": maybe(TEXT, WRONG_TEXT)},
    {"section": st.just("background")},
)
SOURCE = mapping(
    {"outlet": maybe(TEXT, WRONG_TEXT)},
    {
        "headline": maybe(TEXT, WRONG_TEXT),
        "authors": maybe(st.lists(TEXT, max_size=2), st.just("A. Writer")),
        "dateline": maybe(TEXT, WRONG_TEXT),
        "published": maybe(DATE, WRONG_DATE),
        "url": maybe(TEXT, WRONG_TEXT),
        "note": maybe(TEXT, WRONG_TEXT),
    },
)
BRIEFING = mapping(
    {
        "briefing": maybe(st.just(1), st.sampled_from([2, "1", 0])),
        "id": maybe(SLUG, WRONG_SLUG),
        "title": maybe(TEXT, WRONG_TEXT),
        "summary": st.just("Dana Lee spoke to the council."),
        "date": maybe(DATE, WRONG_DATE),
        "source": maybe(SOURCE, st.just("Harbour Gazette")),
        "sections": maybe(st.lists(SECTION, min_size=1, max_size=2), st.just([])),
    },
    {
        "topics": maybe(st.lists(TEXT, max_size=2), st.just("news")),
        "glossary": st.lists(ENTRY, max_size=1),
        "timeline": st.lists(EVENT, max_size=2),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BRIEFING)
def test_schema_and_loader_agree_on_generated_briefings(data: dict[str, Any]) -> None:
    text = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
    value = parse_plain(text.encode())
    assert value is not NOT_PLAIN_YAML
    refused = [message for _, message in loader_errors(text.encode())]
    found = schema_errors(value)
    event("loader accepts" if not refused else "loader refuses")
    event("schema accepts" if not found else "schema refuses")
    if not refused:
        assert not found, (text, [e.message for e in found])
    if any(classify(message) == "schema" for message in refused):
        assert found, (text, refused)
    if found:
        assert refused, (text, [e.message for e in found])
