"""Mention rows read as a person reads: places in words, snippets cut between words."""

from __future__ import annotations

from briefing.format.model import Briefing
from briefing.tui.widgets.card import snippet, where
from tests.apptools import BUNDLED, load


def bundled() -> Briefing:
    return load(BUNDLED)


def test_a_mention_in_a_paragraph_is_named_by_section_and_paragraph() -> None:
    briefing = bundled()
    labels = {
        where(briefing, passage)
        for entry in briefing.glossary
        for passage, _ in briefing.mentions_of(entry.id)
    }
    in_sections = [label for label in labels if label not in ("Summary",)]
    assert any(", paragraph " in label for label in in_sections)
    assert not any("\u00b6" in label or "\u00b7" in label for label in labels)
    assert not any(label.endswith(".0") for label in labels)


def test_snippets_start_and_end_at_a_word() -> None:
    briefing = bundled()
    for entry in briefing.glossary:
        for passage, mention in briefing.mentions_of(entry.id):
            text = passage.text.replace("\n", " ")
            shown = snippet(passage, mention, 30).plain
            if shown.startswith("\u2026"):
                head = shown[1:].split(" ", 1)[0]
                start = text.find(shown[1:].rstrip("\u2026"))
                assert start > 0 and text[start - 1] == " ", (head, shown)
            if shown.endswith("\u2026"):
                body = shown.lstrip("\u2026")[:-1]
                end = text.find(body) + len(body)
                assert end < len(text) and text[end] == " ", shown
