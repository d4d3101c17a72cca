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
- none of the phrases an editor found defective remains, credits stay out of
  Analysis and the ambassador's recall is a reaction;
- each claim is attributed as the fact sheet attributes it (the report's own
  judgement, or which source said it), credits stay out of the news, sections
  run in the order a reader needs, and the stilted lines an editor flagged
  stay gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.format.loader import load_path
from briefing.format.model import Briefing, GlossaryEntry, Paragraph, Points, Quote, Section

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
    # Framing and inferences the sheet does not support, flagged with them.
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


def test_glossary_has_the_reports_places_and_the_palestinians_as_a_group(
    briefing: Briefing,
) -> None:
    """The dateline, the Wilson Center's city and the region's names each have a card."""
    names = {entry.name: entry for entry in briefing.glossary}
    for name in ("Dubai", "Washington", "Middle East", "Mediterranean", "Gulf"):
        assert name in names, name
    assert names["Palestinians"].kind.value == "group"
    assert "South Asia Institute" not in names["Wilson Center"].aliases, "a part, not an alias"


def test_no_defective_phrase_remains(briefing: Briefing) -> None:
    texts = [normalise(text).casefold() for _, text in prose(briefing)]
    texts += [normalise(quote).casefold() for _, quote in direct_quotes(briefing)]
    remaining = [
        phrase for phrase in DEFECTIVE if any(normalise(phrase).casefold() in t for t in texts)
    ]
    assert remaining == []


def test_credits_stay_out_of_analysis_and_the_recall_is_a_reaction(briefing: Briefing) -> None:
    """Credits are not analysis; the ambassador's recall is a reaction, not a strike."""

    def body(section_id: str) -> str:
        section = briefing.sections[briefing.section_index[section_id]]
        return " ".join(passage.text for passage in section.passages())

    for author in (*briefing.source.authors, "William Maclean"):
        assert author not in body("analysis")
    assert "ambassador" not in body("strikes")
    assert "ambassador" in body("reactions")


def section_named(briefing: Briefing, section_id: str) -> Section:
    return briefing.sections[briefing.section_index[section_id]]


def paragraphs(briefing: Briefing, section_id: str) -> list[str]:
    """The section's plain paragraphs (not quotes or points), in reading order."""
    return [
        block.text.text
        for block in section_named(briefing, section_id).body
        if isinstance(block, Paragraph)
    ]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;:])\s+", normalise(text)) if s]


def entry(briefing: Briefing, entry_id: str) -> GlossaryEntry:
    return briefing.entries[entry_id]


def test_the_neighbours_description_is_the_sources_words_not_the_reports(
    briefing: Briefing,
) -> None:
    """Two analysts and two officials said the whole of it, description included.

    "Heavily armed neighbours ... the most prominent incursions in recent years"
    is part of what those four sources said, not the report's own voice: the
    description sits in the one sentence that attributes it to them, beside the
    main clause with its hedge ("appear to want to contain"), and nothing hands
    it to the report.
    """
    [passage] = [p for p in paragraphs(briefing, "analysis") if "heavily armed" in p]
    [said] = [s for s in sentences(passage) if "heavily armed" in s]
    assert re.search(r"\btwo analysts and two of the officials said\b", said, re.I), said
    for part in ("neighbours", "shared border", "incursions", "in recent years"):
        assert part in said, (part, said)
    assert re.search(r"\b(appear|appears|seem|seems) to want to contain\b", said), said
    assert "report" not in said, said
    framing = re.compile(r"\bthe report's (own )?(framing|description|words|voice)\b", re.I)
    assert [where for where, text in prose(briefing) if framing.search(normalise(text))] == []
    # The section's one-line summary gives the hedged wish to the sources too.
    summary = section_named(briefing, "analysis").summary or ""
    assert re.search(r"\bsources\b.*\bsay\b.*\b(appear|seem) to want\b", summary, re.I), summary


def test_brews_card_keeps_also_and_the_gaza_crisis(briefing: Briefing) -> None:
    """The resolve signal was a further aim ("also"), set against the crisis over Gaza."""
    about = normalise(entry(briefing, "gregory-brew").about or "")
    signal = next(s for s in sentences(about) if "defend itself" in s)
    for needed in ("also", "enemies", "allies", "Gaza"):
        assert re.search(rf"\b{needed}\b", signal), (needed, signal)


def test_thomson_reuters_is_an_alias_of_reuters_and_the_credit_has_the_copyright(
    briefing: Briefing,
) -> None:
    """The copyright line names Thomson Reuters, Reuters' owner, which the sheet
    counts as another name for the outlet: an alias of Reuters, no entry of its
    own. The copyright line itself belongs with the credits, in the source note.
    """
    assert "Thomson Reuters" in entry(briefing, "reuters").aliases
    own_entries = [
        e.id
        for e in briefing.glossary
        if e.id != "reuters" and ("thomson" in e.id or "Thomson" in f"{e.name} {e.aliases}")
    ]
    assert own_entries == []
    note = normalise(briefing.source.note or "")
    [line] = [s for s in sentences(note) if "Thomson Reuters" in s]
    assert "copyright" in line, line


def test_summary_says_the_report_makes_kerman_irans_trigger(briefing: Briefing) -> None:
    """That the strike came after Kerman is chronology; the report makes it the cause."""
    [kerman] = [s for s in sentences(briefing.summary.text) if "Kerman" in s]
    assert re.search(r"\bIran\b", kerman)
    assert "report" in kerman
    assert re.search(r"\b(trigger|triggered|set off|prompted)\b", kerman), kerman


def test_the_israel_linked_caption_is_set_against_the_body(briefing: Briefing) -> None:
    """Only the photo caption says "Israel-linked": wherever it is repeated, the
    same paragraph says what the report's text names the targets as (Jaish
    al-Adl, tied by Iran to Islamic State) and that neither side linked the
    strikes to Gaza, so the caption's label is not read as the report's finding."""
    carrying = [text for _, text in prose(briefing) if "Israel-linked" in normalise(text)]
    for text in carrying:
        for needed in ("caption", "Jaish al-Adl", "Islamic State", "Gaza", "neither"):
            assert needed in text, (needed, text)


def test_roles_and_names_the_report_gives(briefing: Briefing, sheet: str) -> None:
    """Soleimani was a commander; Pakistan answered fast; the report's short names count."""
    assert re.search(r"\bcommander\b", entry(briefing, "qassem-soleimani").role, re.I)
    [answer] = [p for p in paragraphs(briefing, "strikes") if "warplanes had struck" in p]
    assert re.search(r"\b(quick|quickly|swift|swiftly|rapid|rapidly)\b", answer), answer
    institute = entry(briefing, "south-asia-institute")
    assert institute.kind.value == "organisation"
    assert "wilson-center" in institute.related
    assert briefing.mentions_of("south-asia-institute")
    # The report's own short forms: "Mideast" is in its headline, "Jaish" for the group.
    assert "Mideast" in entry(briefing, "middle-east").aliases
    assert "Mideast" in (briefing.source.headline or "")
    assert "Jaish" in entry(briefing, "jaish-al-adl").aliases
    assert re.search(r"(?<!\w)Jaish(?!\w)", sheet)


def test_the_photo_is_a_credit_not_news(briefing: Briefing) -> None:
    """Who took the photo and what it shows is credit: the source note, not the Strikes."""
    text = " ".join(passage.text for passage in briefing.passages())
    for credit in ("Fayaz Aziz", "Peshawar"):
        assert credit not in text, credit
        assert credit in (briefing.source.note or ""), credit


def test_irans_motive_sits_beside_the_argument_it_supports(briefing: Briefing) -> None:
    """The Iranian official's evidence and the insider's account are Iran's motive,
    the Analysis case that the strike was about security at home: they sit there,
    before the analyst who makes the same case, not among the reactions."""

    def quoted_by(section_id: str) -> list[str]:
        return [b.by for b in section_named(briefing, section_id).body if isinstance(b, Quote)]

    motive = [
        "a senior Iranian security official",
        "an Iranian insider close to the ruling clerics",
    ]
    assert not set(motive) & set(quoted_by("reactions"))
    speakers = quoted_by("analysis")
    assert all(who in speakers for who in motive), speakers
    assert max(speakers.index(who) for who in motive) < speakers.index("gregory-brew")
    reactions = " ".join(paragraphs(briefing, "reactions"))
    assert "evidence" not in reactions and "insider" not in reactions


def test_analysis_opens_without_repeating_the_summary(briefing: Briefing) -> None:
    """A reader who has just read the summary gets something new from Analysis."""
    first = paragraphs(briefing, "analysis")[0]
    shared = set(runs_of(words(first), 4)) & set(runs_of(words(briefing.summary.text), 4))
    assert shared == set()


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DATE = re.compile(rf"(?:(\d{{1,2}}) )?(?:({'|'.join(_MONTHS)}) )?((?:19|20)\d\d)\b")


def dates_in(text: str) -> list[tuple[int, int, int]]:
    """Dates a paragraph names ("2020", "October 2023", "3 January 2024"), as tuples."""
    return [
        (int(year), _MONTHS.index(month) + 1 if month else 0, int(day or 0))
        for day, month, year in _DATE.findall(text)
    ]


def test_background_runs_in_time_order(briefing: Briefing) -> None:
    told = [date for text in paragraphs(briefing, "background") for date in dates_in(text)]
    assert len(told) >= 3, told
    assert told == sorted(told)


def test_dates_in_time_order_reads_dates_as_dates() -> None:
    """The order check above compares what it should."""
    assert dates_in("On 3 January 2024, after October 2023 and 2020.") == [
        (2024, 1, 3),
        (2023, 10, 0),
        (2020, 0, 0),
    ]


def test_title_puts_the_strikes_across_the_border(briefing: Briefing) -> None:
    """The strikes crossed the border; "over" would make the border their cause."""
    assert briefing.title == "Iran and Pakistan trade strikes across a restive border"


def test_plain_facts_are_not_hedged_as_the_reports_say_so(briefing: Briefing) -> None:
    """ "The report says" marks a claim as the report's own; a plain fact needs no tag.

    What the report itself judges is still marked ("the report's own judgement").
    """
    tag = re.compile(r"\bthe report (says|said|notes|adds|counts|states)\b", re.I)
    tagged = [(where, text) for where, text in prose(briefing) if tag.search(normalise(text))]
    assert tagged == []


STILTED = (
    # Each a line an editor flagged as awkward, with what was wrong with it.
    "said civilians had died in them",  # "died in them": the strikes as a place
    "was meant to display what the security organisations are capable of",  # clumsy
    "The strikes, the report notes,",  # a plain fact wrapped in attribution
    "attacked here on",  # "here" on a card has no place to point at
    "One end of the span of",  # Yemen and Lebanon had the same line, said twice
    "and no longer exists",  # Jundallah's card said "defunct" twice
)


def test_stilted_lines_stay_gone(briefing: Briefing) -> None:
    texts = [normalise(text) for _, text in prose(briefing)]
    remaining = [phrase for phrase in STILTED if any(phrase in text for text in texts)]
    assert remaining == []
    roles = [entry.role for entry in briefing.glossary]
    repeated = sorted({role for role in roles if roles.count(role) > 1})
    assert repeated == [], "two cards with one line tell the reader nothing about either"
    jundallah = entry(briefing, "jundallah")
    gone = re.compile(r"defunct|no longer exists|ceased to exist")
    assert len(gone.findall(f"{jundallah.role} {jundallah.about or ''}")) <= 1
