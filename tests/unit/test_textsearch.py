"""Search queries: plain text, glossary names, and regular expressions as less reads them."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from briefing.render.textsearch import bounded_regex


def test_a_query_with_regex_characters_is_a_regex() -> None:
    pattern = bounded_regex("Iran|Pakistan")
    assert pattern is not None
    assert [m.group() for m in pattern.finditer("Iran and pakistan")] == ["Iran", "pakistan"]
    strikes = bounded_regex("strikes?")
    assert strikes is not None and strikes.fullmatch("strike")


def test_plain_words_and_broken_patterns_are_plain_text() -> None:
    assert bounded_regex("Kerman") is None
    assert bounded_regex("(unclosed") is None
    assert bounded_regex("[a-") is None


def test_patterns_that_can_backtrack_without_bound_are_refused() -> None:
    risky = ["(a+)+$", "(a|aa)*b", ".*x", "[a-z]+x", "a{2,}", "a{,50}", "a{1,11}",
             r"(\w+)\1", "a?" * 6 + "a" * 6, "x" * 101 + "."]  # fmt: skip
    for query in risky:
        assert bounded_regex(query) is None, query
    for fine in [r"\bIS\b", "colou?r", "[0-9]{1,4}", "^Iran"]:
        assert bounded_regex(fine) is not None, fine


@given(st.text(alphabet="a(|)*+?.[]{}1,\\", max_size=12))
def test_an_accepted_pattern_has_no_repeated_group(query: str) -> None:
    pattern = bounded_regex(query)
    if pattern is not None:
        assert isinstance(pattern, re.Pattern)
        assert not re.search(r"(?<!\\)\)[*+?{]", query)
