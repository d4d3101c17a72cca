"""The bundled briefing checked against its fact sheet, as mechanically as an editor can.

The briefing is a factual summary of a Reuters report that may not be rewritten
or redistributed (the sheet's "Wording" section): its sentences must be our
own, and the only words taken from the report are short quotations, marked and
attributed. These tests read the sheet from `../shared/source/` beside the
clone (CI puts `../shared` there) and skip with a reason elsewhere.

What they check:
- every direct quote (a quote block, the source headline, text in double
  quotation marks anywhere) appears word for word in the sheet;
- outside quotes, no text shares a run of `RUN` or more consecutive words with
  the sheet: the sheet keeps some of the report's phrasing, so a long shared
  run is a sign of copying (exemptions below, each with its reason);
- every glossary name and alias appears in the sheet;
- none of the phrases an editor found defective remains, and the structure it
  asked for holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.format.loader import load_path
from briefing.format.model import Briefing, Points, Quote

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "content" / "iran-pakistan-2024-01.yaml"
SHEET = REPO.parent / "shared" / "source" / "iran-pakistan-2024-01-facts.md"

pytestmark = pytest.mark.skipif(
    not SHEET.is_file(), reason=f"the fact sheet {SHEET} is not beside this checkout"
)

RUN = 12
"""A shared run of this many words or more counts as copied."""

EXEMPT_RUNS: dict[str, str] = {}
"""Word runs (lower case, as `words()` gives them) allowed to be shared, with why.

Empty: every long run found so far was reworded. A stale exemption fails the
test, so this table cannot silently grow out of date.
"""

DEFECTIVE = (
    # The seven defects an editor found, each a claim the report does not make.
    "is a hero to supporters",  # he *was* (past tense in the report)
    "Islamic State claims responsibility",  # dated the claim; the report does not
    "they also signalled Iran's resolve",  # Brew: the strike was *meant to* signal it
    "have hit U.S. targets",  # militias launched strikes; no claim of success
    "an insider and analysts",  # one insider and *an* analyst
    "The report calls the strikes the highest-profile cross-border intrusions",  # the sources'
    'as in "Tehran condemned"',  # words the report does not use
    # The issue's "Also" list: framing and inferences the sheet does not support.
    "friendly, brotherly neighbour",
    "the group at the centre of this clash",
    "Iranian commander",
    "since October 2023",
)

_QUOTED = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"\w+(?:'\w+)*")


def normalise(text: str) -> str:
    """Straight quotes and apostrophes, single spaces: how quotes are compared."""
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """Lower-case words; hyphens and dashes split them, apostrophes do not."""
    return _WORD.findall(normalise(text).lower())


def runs_of(tokens: list[str], size: int) -> Iterator[tuple[str, ...]]:
    for start in range(len(tokens) - size + 1):
        yield tuple(tokens[start : start + size])


def prose(briefing: Briefing) -> Iterator[tuple[str, str]]:
    """Every text written in the briefing's own voice, with where it is."""
    yield "title", briefing.title
    yield "summary", briefing.summary.text
    if briefing.source.note:
        yield "source note", briefing.source.note
    for section in briefing.sections:
        yield f"{section.id} title", section.title
        if section.summary:
            yield f"{section.id} summary", section.summary
        for number, block in enumerate(section.body, 1):
            where = f"{section.id} body[{number}]"
            if isinstance(block, Points):
                for item, passage in enumerate(block.items, 1):
                    yield f"{where} point {item}", passage.text
            elif isinstance(block, Quote):
                yield f"{where} speaker", block.by
            else:
                yield where, block.text.text
    for entry in briefing.glossary:
        yield f"{entry.id} role", entry.role
        if entry.about:
            yield f"{entry.id} about", entry.about
    for event in briefing.timeline:
        yield f"timeline {event.date}", event.event.text


def direct_quotes(briefing: Briefing) -> Iterator[tuple[str, str]]:
    """Quote blocks, the source headline, and every span in double quotation marks."""
    if briefing.source.headline:
        yield "source headline", briefing.source.headline
    for section in briefing.sections:
        for number, block in enumerate(section.body, 1):
            if isinstance(block, Quote):
                yield f"{section.id} body[{number}] quote", block.text.text
    for where, text in prose(briefing):
        for quoted in _QUOTED.findall(normalise(text)):
            yield where, quoted


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return load_path(BUNDLED).briefing


@pytest.fixture(scope="module")
def sheet() -> str:
    return normalise(SHEET.read_text(encoding="utf-8"))


def test_quotation_marks_are_balanced(briefing: Briefing) -> None:
    """An unclosed quotation mark would hide copied words from the checks below."""
    unbalanced = [where for where, text in prose(briefing) if normalise(text).count('"') % 2]
    assert unbalanced == []


def test_every_direct_quote_is_word_for_word_in_the_sheet(briefing: Briefing, sheet: str) -> None:
    quotes = list(direct_quotes(briefing))
    assert len(quotes) >= 5, "the quote blocks were not found"
    missing = [(where, quote) for where, quote in quotes if normalise(quote) not in sheet]
    assert missing == []


def test_no_long_run_of_the_sheets_words_outside_quotes(briefing: Briefing, sheet: str) -> None:
    sheet_runs = set(runs_of(words(sheet), RUN))
    copied: dict[str, set[str]] = {}
    for where, text in prose(briefing):
        # A quotation splits the text: a run may not bridge it.
        for piece in _QUOTED.split(normalise(text))[::2]:
            for run in runs_of(words(piece), RUN):
                if run in sheet_runs:
                    copied.setdefault(where, set()).add(" ".join(run))
    unexempted = {
        where: sorted(run for run in runs if not any(e in run for e in EXEMPT_RUNS))
        for where, runs in copied.items()
    }
    assert {where: runs for where, runs in unexempted.items() if runs} == {}
    found = {run for runs in copied.values() for run in runs}
    stale = [e for e in EXEMPT_RUNS if not any(e in run for run in found)]
    assert stale == [], "exemptions that no longer match anything: remove them"


def test_the_run_check_catches_a_copied_sentence(sheet: str) -> None:
    """The check above can fail: a sheet sentence with two words swapped is caught."""
    copied = (
        "The two countries' border regions are remote; separatist groups and Islamist "
        "militants have long attacked official targets there."
    )
    sheet_runs = set(runs_of(words(sheet), RUN))
    assert any(run in sheet_runs for run in runs_of(words(copied), RUN))


def test_every_glossary_name_and_alias_is_in_the_sheet(briefing: Briefing, sheet: str) -> None:
    absent = [
        (entry.id, name)
        for entry in briefing.glossary
        for name in (entry.name, *entry.aliases)
        if not re.search(rf"(?<!\w){re.escape(normalise(name))}(?!\w)", sheet)
    ]
    assert absent == []


def test_glossary_has_the_names_issue_11_added(briefing: Briefing) -> None:
    names = {entry.name: entry for entry in briefing.glossary}
    for name in ("Dubai", "Washington", "Middle East", "Mediterranean", "Gulf"):
        assert name in names, name
    assert names["Palestinians"].kind.value == "group"
    assert "Thomson Reuters" in names["Reuters"].aliases
    assert "South Asia Institute" not in names["Wilson Center"].aliases, "a part, not an alias"


def test_no_defective_phrase_remains(briefing: Briefing) -> None:
    texts = [normalise(text).casefold() for _, text in prose(briefing)]
    texts += [normalise(quote).casefold() for _, quote in direct_quotes(briefing)]
    remaining = [
        phrase for phrase in DEFECTIVE if any(normalise(phrase).casefold() in t for t in texts)
    ]
    assert remaining == []


def test_structure_issue_11_asked_for(briefing: Briefing) -> None:
    """Credits are not analysis; the ambassador's recall is a reaction, not a strike."""

    def body(section_id: str) -> str:
        section = briefing.sections[briefing.section_index[section_id]]
        return " ".join(passage.text for passage in section.passages())

    for author in (*briefing.source.authors, "William Maclean"):
        assert author not in body("analysis")
    assert "ambassador" not in body("strikes")
    assert "ambassador" in body("reactions")
