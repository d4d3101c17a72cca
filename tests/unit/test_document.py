"""The article layout: wrapping and rows, without any widgets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from briefing.render.layout import Layout, _word_spans, wrap
from tests.apptools import BUNDLED, load

words = st.text(alphabet=st.sampled_from("abcdefghij\u4e2d\u00e9"), min_size=0, max_size=30)
texts = st.lists(words, max_size=40).map(" ".join) | st.lists(words, max_size=10).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(min_value=1, max_value=60))
def test_wrap_fits_and_keeps_every_character(text: str, width: int) -> None:
    spans = wrap(text, width)
    for start, end in spans:
        assert 0 <= start <= end <= len(text)
        assert cell_len(text[start:end]) <= max(width, 2)  # a wide char may not fit in 1
    kept = "".join(text[start:end] for start, end in spans)
    assert kept.replace(" ", "") == text.replace(" ", "").replace("\n", "")
    assert [s for s, _ in spans] == sorted(s for s, _ in spans)


ascii_words = st.text(alphabet=st.sampled_from("abc "), min_size=0, max_size=12)
ascii_texts = st.lists(ascii_words, max_size=30).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(ascii_texts | st.text(alphabet=st.sampled_from("ab \n"), max_size=80), st.integers(1, 20))
def test_ascii_rows_are_the_same_as_word_by_word(text: str, width: int) -> None:
    """ASCII paragraphs are broken by a regular expression (fast, before the first
    frame); words wider than the line, runs of spaces and trailing spaces must
    come out exactly as the word-by-word breaking does."""
    expected: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n"):
        _word_spans(paragraph, offset, width, expected)
        offset += len(paragraph) + 1
    assert wrap(text, width) == expected


def test_wrap_breaks_at_spaces() -> None:
    text = "The quick brown fox jumps over the lazy dog"
    assert [text[s:e] for s, e in wrap(text, 15)] == [
        "The quick brown", "fox jumps over", "the lazy dog",
    ]  # fmt: skip


def test_collapsed_sections_have_no_body_rows() -> None:
    layout = Layout(load(BUNDLED))
    full = len(layout.build(60, {0, 1, 2, 3}))
    collapsed = layout.build(60, set())
    assert len(collapsed) < full / 3
    kinds = {layout.units[row.unit].kind for row in collapsed if row.unit >= 0}
    assert kinds.isdisjoint({"text", "quote", "point"})
