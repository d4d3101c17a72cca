"""Classifying sections and diffing words: unit and property tests (no UI)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.tracking.changes import DIFF_LIMIT, compare, version_of
from briefing.tracking.worddiff import (
    DIFF_BUDGET,
    MATCHER_CAP,
    DiffCancelled,
    apply_diff,
    marked_text,
    tokens,
    word_diff,
)
from tests.changetools import model
from tests.importtools import REPO, UI, loaded_modules

WORD_LIST = ["the", "bridge", "closed", "Dana", "said", "\u00e9t\u00e9", "[b]x[/b]",
             "\x1b[31m", "  ", "\n", "\n\n", " ", "\t", ""]  # fmt: skip
WORDS = st.sampled_from(WORD_LIST)
TEXTS = st.lists(WORDS, max_size=30).map(lambda words: " ".join(words))
IDS = st.sampled_from([f"s{n}" for n in range(8)])
SECTIONS = st.dictionaries(IDS, TEXTS, max_size=8)


@settings(max_examples=300, deadline=None)
@given(old=SECTIONS, new=SECTIONS)
def test_every_section_is_classified_exactly_once(old: dict[str, str], new: dict[str, str]) -> None:
    before = model(list(old.items()))
    after = model(list(new.items()))
    changes = compare(version_of(before), after)
    ids = [change.id for change in changes.sections]
    assert sorted(ids) == sorted(set(old) | set(new)), "each id once, none missing"
    for change in changes.sections:
        if change.id not in old:
            assert change.status == "new"
        elif change.id not in new:
            assert change.status == "removed"
        elif old[change.id] == new[change.id]:
            assert change.status == "same"
        else:
            assert change.status == "changed"
            assert change.old is not None and change.new is not None
            assert apply_diff(change.old, word_diff(change.old, change.new)) == change.new
    # the new briefing's sections come first and in its order
    assert ids[: len(new)] == list(new)


@settings(max_examples=500, deadline=None)
@given(old=st.text(max_size=200) | TEXTS, new=st.text(max_size=200) | TEXTS)
def test_the_diff_applied_to_the_old_text_gives_the_new(old: str, new: str) -> None:
    assert "".join(tokens(old)) == old
    diff = word_diff(old, new)
    assert apply_diff(old, diff) == new
    assert "".join(text for op, text in diff if op != "+") == old


def test_a_wrong_diff_is_refused() -> None:
    diff = word_diff("one two three", "one 2 three")
    try:
        apply_diff("one two four", diff)
    except ValueError:
        pass
    else:
        raise AssertionError("a diff of another text must not apply")


def test_markers_show_words_added_and_removed() -> None:
    diff = word_diff("The bridge closed on Monday.", "The bridge reopened on Friday.")
    assert marked_text(diff) == "The bridge [-closed-] [+reopened+] on [-Monday-] [+Friday+]."


def test_past_the_bound_only_hashes_are_kept_and_the_section_is_changed() -> None:
    big_old = "word " * 10
    before = model([("a", big_old), ("b", "short")])
    after = model([("a", big_old + "more"), ("b", "short")])
    old_version = version_of(before, limit=30)
    assert old_version.sections[0].text is None and old_version.sections[1].text is not None
    changes = compare(old_version, after, limit=30)
    first = changes.sections[0]
    assert first.status == "changed" and not first.has_diff
    assert changes.sections[1].status == "same"


def test_new_entries_and_events_and_the_summary_line() -> None:
    before = model([("a", "x"), ("b", "y"), ("gone", "z")], ["dana"], ["It began."])
    after = model(
        [("a", "x2"), ("b", "y"), ("c", "w")], ["dana", "lee"], ["It began.", "It ended."]
    )
    changes = compare(version_of(before), after)
    assert changes.marked == {"a": "changed", "c": "new"}
    assert [c.id for c in changes.removed] == ["gone"]
    assert changes.new_entries == {"lee"}
    assert changes.new_events == {1}
    assert changes.summary() == (
        "1 section changed, 1 new section, 1 section removed; "
        "1 new glossary entry, 1 new timeline event"
    )
    assert version_of(after).hash != version_of(before).hash
    assert version_of(after).hash == version_of(model(
        [("a", "x2"), ("b", "y"), ("c", "w")], ["dana", "lee"], ["It began.", "It ended."]
    )).hash  # fmt: skip


def test_change_tracking_is_ui_free_and_loads_no_diff_code() -> None:
    modules = loaded_modules(
        "import briefing.tracking.changes, briefing.store.versions\n"
        "import briefing.tracking.filewatch, briefing.cli.showchanges\n"
        "from briefing.format.loader import load_path\n"
        "from briefing.store.versions import changes_since_read\n"
        "b = load_path('content/iran-pakistan-2024-01.yaml').briefing\n"
        "changes_since_read(b, 'an old hash')",
        REPO,
    )
    assert "briefing" in modules
    assert not modules & {*UI, "difflib"}, modules & {*UI, "difflib"}


LONG_VOCABULARY = [*WORD_LIST, *(f"w{n}" for n in range(40))]


@st.composite
def long_texts(draw: st.DrawFn) -> str:
    """220 to 600 words, from a seed: drawing each word from Hypothesis cost 0.4 s an example."""
    pick = draw(st.randoms(use_true_random=False))
    return " ".join(pick.choice(LONG_VOCABULARY) for _ in range(pick.randint(220, 600)))


LONG_TEXTS = long_texts()


@settings(max_examples=60, deadline=None)
@given(old=LONG_TEXTS, new=LONG_TEXTS)
def test_long_texts_past_the_matcher_cap_still_diff_exactly(old: str, new: str) -> None:
    diff = word_diff(old, new)
    assert apply_diff(old, diff) == new
    assert "".join(text for op, text in diff if op != "+") == old


def _spy_on_matcher(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes (old x new tokens) every real SequenceMatcher is asked to compare."""
    sizes: list[int] = []
    real = difflib.SequenceMatcher

    def counting(isjunk: None, a: Sequence[str], b: Sequence[str], autojunk: bool = True) -> Any:
        sizes.append(len(a) * len(b))
        return real(isjunk, a, b, autojunk=autojunk)

    monkeypatch.setattr(difflib, "SequenceMatcher", counting)
    return sizes


def test_the_worst_case_at_the_size_bound_stays_within_the_work_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three words in two unrelated orders: difflib alone compares every token of
    # one with every token of the other, and more (minutes at 20,000 characters).
    old = " ".join("abc"[n * 7 % 3] for n in range(DIFF_LIMIT // 2))[:DIFF_LIMIT]
    new = " ".join("abc"[n * n % 3] for n in range(DIFF_LIMIT // 2))[:DIFF_LIMIT]
    sizes = _spy_on_matcher(monkeypatch)
    diff = word_diff(old, new)
    assert apply_diff(old, diff) == new
    assert all(size <= MATCHER_CAP for size in sizes)
    assert sum(sizes) <= DIFF_BUDGET


def test_a_long_section_with_edits_far_apart_marks_only_the_edits() -> None:
    words = [f"word{n}" for n in range(3000)]
    old = " ".join(words)
    edited = [*words]
    edited[10], edited[1500], edited[2990] = "first", "middle", "last"
    diff = word_diff(old, " ".join(edited))
    assert [text.strip() for op, text in diff if op == "+"] == ["first", "middle", "last"]
    assert [text.strip() for op, text in diff if op == "-"] == ["word10", "word1500", "word2990"]


def test_a_diff_no_longer_wanted_stops() -> None:
    old = " ".join(f"w{n % 50}" for n in range(4000))
    new = " ".join(f"w{n % 47}" for n in range(4000))
    with pytest.raises(DiffCancelled):
        word_diff(old, new, cancelled=lambda: True)


def test_edited_glossary_and_timeline_are_named_in_the_summary() -> None:
    import dataclasses

    from briefing.format.model import Passage

    before = model([("a", "Text.")], entries=["dana"], events=["It began."])
    entry = dataclasses.replace(before.glossary[0], role="Someone else.")
    event = dataclasses.replace(
        before.timeline[0], event=Passage("It began early.", before.timeline[0].event.place)
    )
    after = dataclasses.replace(before, glossary=(entry,), timeline=(event,))
    changes = compare(version_of(before), after)
    assert changes.parts == {"glossary", "timeline"}
    assert "glossary and timeline changed" in changes.summary()
    assert "no changes" not in changes.summary()


def test_title_and_summary_changes_are_named() -> None:
    import dataclasses

    from briefing.format.model import Passage
    from briefing.tracking.changes import header_parts

    before = model([("a", "Text.")])
    after = dataclasses.replace(
        before, title="Another story", summary=Passage("Else.", before.summary.place)
    )
    parts = header_parts(before, after)
    changes = dataclasses.replace(compare(version_of(before), after), parts=parts)
    assert changes.summary() == "title and summary changed"
