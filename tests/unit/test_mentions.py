"""Glossary mentions as FORMAT.md defines them: whole words, case-sensitive, leftmost-longest."""

from __future__ import annotations

from briefing.format.loader import load_bytes
from briefing.format.mentions import MentionFinder
from briefing.format.model import Place


def spans(forms: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """What was found, as (matched text, entry id) pairs."""
    return [(text[m.start : m.end], m.entry_id) for m in MentionFinder(forms).find(text)]


def test_possessive_is_a_mention() -> None:
    assert spans([("Pakistan", "pk")], "Pakistan's army") == [("Pakistan", "pk")]


def test_longer_word_is_not_a_mention() -> None:
    """ "Iranian" is not a mention of Iran unless it is listed as an alias."""
    assert spans([("Iran", "ir")], "Iranian officials, not Iran") == [("Iran", "ir")]
    forms = [("Iran", "ir"), ("Iranian", "ir")]
    assert spans(forms, "Iranian officials") == [("Iranian", "ir")]


def test_case_sensitive() -> None:
    assert spans([("Lee", "lee")], "lee LEE Lee") == [("Lee", "lee")]


def test_word_boundaries_are_unicode_aware() -> None:
    assert spans([("Lee", "lee")], "Leeé éLee Lee_ 2Lee Lee2") == []
    assert spans([("Lee", "lee")], "(Lee) \u00abLee\u00bb Lee.") == [("Lee", "lee")] * 3


def test_longest_wins_on_overlap() -> None:
    forms = [("Islamic State", "is"), ("State", "state"), ("Islamic", "islam")]
    assert spans(forms, "the Islamic State group and the State") == [
        ("Islamic State", "is"),
        ("State", "state"),
    ]


def test_equal_length_overlap_goes_to_the_earlier() -> None:
    forms = [("Wales Coast", "wc"), ("North Wales", "nw")]
    assert spans(forms, "North Wales Coast") == [("North Wales", "nw")]


def test_leftmost_wins_over_a_longer_later_name() -> None:
    """FORMAT.md's example: reading resumes after "New York", so "York Times Square" is not seen."""
    forms = [("New York", "ny"), ("York Times Square", "yts")]
    assert spans(forms, "New York Times Square") == [("New York", "ny")]
    forms = [("New", "new"), ("New York", "ny"), ("York Times Square", "yts")]
    assert spans(forms, "New York Times Square") == [("New York", "ny")]


def test_reading_resumes_after_a_mention() -> None:
    forms = [("a", "a"), ("a a", "aa")]
    assert spans(forms, "a a a a a") == [("a a", "aa"), ("a a", "aa"), ("a", "a")]


def test_end_must_be_a_word_boundary_even_after_punctuation() -> None:
    """ "U.S." in "U.S.A" ends before a letter: not a mention, but the shorter "U.S" is."""
    forms = [("U.S.", "us"), ("U.S", "us2")]
    assert spans(forms, "U.S.A and U.S. and U.S") == [
        ("U.S", "us2"),
        ("U.S.", "us"),
        ("U.S", "us2"),
    ]
    assert spans([("(a", "p")], "x(a (a") == [("(a", "p")]


def test_first_owner_keeps_a_shared_form() -> None:
    assert spans([("Lee", "a"), ("Lee", "b")], "Lee") == [("Lee", "a")]


def test_names_with_punctuation_and_spaces() -> None:
    forms = [("U.S.", "us"), ("Jaish al-Adl", "ja"), ("al-Adl", "adl")]
    assert spans(forms, "the U.S. and Jaish al-Adl; al-Adl alone") == [
        ("U.S.", "us"),
        ("Jaish al-Adl", "ja"),
        ("al-Adl", "adl"),
    ]


def test_empty_glossary_finds_nothing() -> None:
    assert MentionFinder([]).find("anything at all") == ()
    assert MentionFinder([("", "empty")]).find("anything") == ()


def test_many_names_scan_quickly() -> None:
    """An automaton keeps a 5,000-name glossary from turning every scan into 5,000 tries."""
    import time

    forms = [(f"Name{n} Surname{n}", f"e{n}") for n in range(5000)]
    finder = MentionFinder(forms)
    text = "".join(f"Name{n} Surname{n} met Name{n}. " for n in range(0, 5000, 7)) * 3
    start = time.perf_counter()
    found = finder.find(text)
    assert time.perf_counter() - start < 1.0
    assert len(found) == 3 * len(range(0, 5000, 7))


def test_loader_records_mentions_everywhere(minimal_yaml: str) -> None:
    """Summary, paragraphs, quotes, points and timeline are scanned; titles and roles are not."""
    source = (
        minimal_yaml.replace("title: The council meets", "title: Dana Lee meets")
        .replace(
            "      - Dana Lee opened the meeting.",
            "      - Dana Lee opened the meeting.\n"
            "      - quote: Mayor Lee said so.\n        by: dana-lee\n"
            "      - points: [Ask Dana Lee., Nobody else.]",
        )
        .replace("    role: Mayor.", "    role: Mayor Dana Lee.\n    aliases: [Mayor Lee]")
        .replace("    event: The council met.", "    event: The council met Dana Lee.")
    )
    briefing = load_bytes(source.encode(), "t.yaml").briefing
    places = [passage.place for passage, _ in briefing.mentions_of("dana-lee")]
    assert places == [
        Place("summary"),
        Place("section", 0, 0),
        Place("section", 0, 1),
        Place("section", 0, 2, 0),
        Place("timeline", block=0),
    ]
    for passage, mention in briefing.mentions_of("dana-lee"):
        assert passage.text[mention.start : mention.end] in ("Dana Lee", "Mayor Lee")
