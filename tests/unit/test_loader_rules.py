"""Every rule of FORMAT.md: a file that breaks it, and the exact message, line and column.

Committed fixtures carry their expected diagnostics in `# expect: ` lines at the top, in the
`PATH:LINE:COLUMN: severity: message` form the CLI prints; the line numbers count those header
lines too. Limits are generated in tmp_path instead of being committed as huge files.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from briefing.format.cleaning import clean_text
from briefing.format.loader import BriefingError, Loaded, load_bytes, load_path
from briefing.format.model import Briefing, PartialDate, Points, Quote

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REFUSED = sorted((FIXTURES / "refused").glob("*.yaml"))
VALID = sorted((FIXTURES / "valid").glob("*.yaml"))

EXPECT = b"# expect: "

RULES = {
    "not valid UTF-8": "not-utf8.yaml",
    "not valid YAML": "invalid-yaml.yaml",
    "more than one document": "two-documents.yaml",
    "top level a list": "top-level-list.yaml",
    "top level a scalar": "top-level-scalar.yaml",
    "top level empty": "empty-file.yaml",
    "anchors": "anchor.yaml",
    "aliases": "alias.yaml",
    "merge keys": "merge-key.yaml",
    "!!python tags": "tag-python.yaml",
    "local and !!str tags": "tag-local.yaml",
    "nesting deeper than 32": "too-deep.yaml",
    "missing top-level keys": "missing-top-level-keys.yaml",
    "missing source.outlet": "missing-outlet.yaml",
    "missing section id/title/body": "missing-section-keys.yaml",
    "missing glossary id/name/kind/role": "missing-glossary-keys.yaml",
    "missing timeline date/event": "missing-timeline-keys.yaml",
    "quote without by": "quote-without-by.yaml",
    "unknown keys, nearest key": "unknown-keys.yaml",
    "YAML 1.1 values where text is wanted": "needs-quotes.yaml",
    "wrong types and shapes": "wrong-types.yaml",
    "ids repeat": "duplicate-ids.yaml",
    "references to missing ids": "missing-references.yaml",
    "slug rules": "bad-slugs.yaml",
    "dates": "bad-dates.yaml",
    "unsupported version": "unsupported-version.yaml",
    "empty sections list": "empty-sections.yaml",
    "empty body and points": "empty-body.yaml",
    "empty text after trimming": "empty-text.yaml",
    "duplicate keys": "duplicate-keys.yaml",
    "several problems at once": "many-errors.yaml",
}


def expected(path: Path) -> list[str]:
    """The `# expect:` header of a fixture (a BOM before it is skipped)."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    return [
        line.removeprefix(EXPECT).decode("utf-8")
        for line in data.split(b"\n")
        if line.startswith(EXPECT)
    ]


def refuse(data: str | bytes, shown: str = "t.yaml") -> list[str]:
    """Load bytes that must be refused; the diagnostics as printed."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with pytest.raises(BriefingError) as caught:
        load_bytes(raw, shown)
    return [str(d) for d in caught.value.diagnostics]


def load(data: str) -> Loaded:
    return load_bytes(data.encode("utf-8"), "t.yaml")


def test_every_rule_has_a_fixture() -> None:
    """The rule table and the fixture folder must not drift apart."""
    names = {path.name for path in REFUSED}
    assert set(RULES.values()) == names


@pytest.mark.parametrize("path", REFUSED, ids=[p.name for p in REFUSED])
def test_refused_fixture_reports_exactly(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every problem, in line order, as `PATH:LINE:COLUMN: error: MESSAGE`."""
    wanted = expected(path)
    assert wanted, f"{path.name} has no '# expect:' lines"
    monkeypatch.chdir(path.parent)
    with pytest.raises(BriefingError) as caught:
        load_path(path.name)
    got = [str(d) for d in caught.value.diagnostics]
    assert got == wanted
    first_error = next(d for d in caught.value.diagnostics if d.severity == "error")
    assert str(caught.value) == str(first_error)


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_valid_fixture_loads(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files that follow the format load; cleaned values are reported as warnings only."""
    monkeypatch.chdir(path.parent)
    loaded = load_path(path.name)
    assert [str(w) for w in loaded.warnings] == expected(path)
    assert all(w.severity == "warning" for w in loaded.warnings)


def _fixture(name: str) -> Briefing:
    return load_path(FIXTURES / "valid" / name).briefing


def test_byte_order_mark_is_allowed() -> None:
    briefing = _fixture("bom.yaml")
    assert briefing.id == "bom"
    assert briefing.title == "The council meets"


def test_plain_and_quoted_dates_are_real_dates() -> None:
    briefing = _fixture("quoted-dates.yaml")
    assert briefing.date == dt.date(2024, 1, 19)
    assert briefing.source.published == dt.date(2024, 1, 18)


def test_timeline_takes_years_months_and_days() -> None:
    briefing = _fixture("timeline-dates.yaml")
    dates = [event.date for event in briefing.timeline]
    assert dates == [
        PartialDate(2023),
        PartialDate(2023, 10),
        PartialDate(2024, 1, 19),
        PartialDate(2024, 2),
        PartialDate(2024, 2, 29),
    ]
    assert [str(d) for d in dates] == ["2023", "2023-10", "2024-01-19", "2024-02", "2024-02-29"]
    assert briefing.timeline[2].section == "background"


def test_by_is_a_glossary_id_only_when_it_is_a_slug() -> None:
    briefing = _fixture("by-free-text.yaml")
    quotes = [block for block in briefing.sections[0].body if isinstance(block, Quote)]
    assert [(q.by, q.speaker_id) for q in quotes] == [
        ("a senior Iranian security official", None),
        ("dana-lee", "dana-lee"),
        ("Engineer", None),
    ]
    assert [briefing.speaker_name(q) for q in quotes] == [
        "a senior Iranian security official",
        "Dana Lee",
        "Engineer",
    ]


def test_quoted_yaml_1_1_values_stay_text() -> None:
    """Quoting is the fix the error messages suggest, so it must work; `1e3` is text already."""
    briefing = _fixture("quoted-yaml11.yaml")
    assert briefing.title == "no"
    assert briefing.source.outlet == "yes"
    assert briefing.source.headline == "1.0"
    assert briefing.source.dateline == "12:30"
    assert briefing.source.url == "1e3"
    assert briefing.glossary[0].role == "2024-01-19"


def test_control_characters_become_replacement_characters() -> None:
    briefing = _fixture("control-chars.yaml")
    assert briefing.title == "Council \ufffd]52;c;ZWNobyBvd25lZA==\ufffd meets"
    assert briefing.summary.text == (
        "The council met on Monday\ufffd2J, and Dana Lee spoke first.\ufffd"
    )
    assert briefing.source.outlet == "Harbour\ufffd Gazette"
    assert briefing.source.authors == ("A.\ufffd Writer",)
    body = briefing.sections[0].body
    assert body[0].text.text == "Dana Lee\ufffd opened\ufffd[2J the meeting."  # type: ignore[union-attr]
    assert isinstance(body[1], Points)
    assert body[1].items[0].text == "\ufffd]8;;https://evil.example\ufffd\\click\ufffd]8;;\ufffd\\"
    assert briefing.glossary[0].role == "Mayor.\ufffd"
    # Cleaning happens before mentions are found, so the name still matches.
    assert len(briefing.mentions_of("dana-lee")) == 2


def test_bidi_overrides_become_replacement_characters() -> None:
    briefing = _fixture("bidi.yaml")
    assert briefing.title == "The council meets \ufffda\ufffdb\ufffdc\ufffdd\ufffde"
    assert briefing.summary.text.endswith(" \ufffdf\ufffdg\ufffdh\ufffd")
    assert briefing.sections[0].body[0].text.text.endswith("gnp.\ufffdexe")  # type: ignore[union-attr]


def test_tabs_become_spaces_without_a_warning() -> None:
    loaded = load_path(FIXTURES / "valid" / "tabs.yaml")
    briefing = loaded.briefing
    assert loaded.warnings == ()
    assert briefing.title == "The council meets"
    assert briefing.summary.text == "The council met on Monday, and Dana Lee spoke first."
    assert briefing.source.outlet == "Harbour Gazette"
    assert briefing.sections[0].body[0].text.text == "Dana Lee opened  the meeting."  # type: ignore[union-attr]


def test_warning_points_at_the_value(minimal_yaml: str) -> None:
    """The warning's line and column are those of the cleaned value, not of its key."""
    text = minimal_yaml.replace(
        "      - Dana Lee opened the meeting.",
        '      - Dana Lee opened the meeting.\n      -   "An \\e[31mescape\\e[0m"',
    )
    loaded = load(text)
    assert [str(w) for w in loaded.warnings] == [
        "t.yaml:13:11: warning: section 'background' body[2]: "
        "replaced control character U+001B with U+FFFD"
    ]


@pytest.mark.parametrize(
    ("typed", "reads_as"),
    [
        ("no", "a yes/no value (no)"),
        ("yes", "a yes/no value (yes)"),
        ("1.0", "a number (1.0)"),
        ("2024-01-19", "a date (2024-01-19)"),
    ],
)
def test_text_that_yaml_reads_as_another_type(minimal_yaml: str, typed: str, reads_as: str) -> None:
    got = refuse(minimal_yaml.replace("title: The council meets", f"title: {typed}"))
    assert got == [
        f"t.yaml:3:8: error: title: expected text, but YAML reads this as {reads_as}; "
        f'put it in quotes ("{typed}") to mean the text'
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2", "unsupported format version 2; this reader reads 1"),
        ("0", "unsupported format version 0; this reader reads 1"),
        ('"1"', "briefing: expected the format version 1, found text ('1')"),
        ("1.0", "briefing: expected the format version 1, found a number (1.0)"),
        ("[1]", "briefing: expected the format version 1, found a list"),
        ("\u00b2", "briefing: expected the format version 1, found text ('\u00b2')"),
        ("\u0661", "briefing: expected the format version 1, found text ('\u0661')"),
    ],
)
def test_format_version(minimal_yaml: str, value: str, message: str) -> None:
    got = refuse(minimal_yaml.replace("briefing: 1", f"briefing: {value}", 1))
    assert got == [f"t.yaml:1:11: error: {message}"]


def test_format_version_with_thousands_of_digits(minimal_yaml: str) -> None:
    """int() refuses strings over 4,300 digits; that must not escape as a ValueError."""
    got = refuse(minimal_yaml.replace("briefing: 1", "briefing: " + "9" * 5000, 1))
    assert len(got) == 1
    assert got[0].startswith("t.yaml:1:11: error: briefing: expected the format version 1, found")


def test_dates_are_ascii_digits(minimal_yaml: str) -> None:
    arabic_indic = "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0661\u0669"
    got = refuse(minimal_yaml.replace("date: 2025-03-14", f"date: {arabic_indic}", 1))
    assert got == [
        f"t.yaml:5:7: error: date: expected a date like 2024-01-19, found text ('{arabic_indic}')"
    ]


def test_unknown_key_names_allowed_keys_and_nearest(minimal_yaml: str) -> None:
    got = refuse(minimal_yaml.replace("    kind: person", "    knd: person"))
    assert got == [
        "t.yaml:14:5: error: glossary[1] is missing the required key 'kind'",
        "t.yaml:16:5: error: unknown key 'knd' in glossary[1] "
        "(allowed: id, name, kind, role, aliases, about, related); did you mean 'kind'?",
    ]


def test_slug_at_64_characters_is_fine(minimal_yaml: str) -> None:
    slug = "a" * 30 + "-" + "b" * 33
    assert len(slug) == 64
    assert load(minimal_yaml.replace("id: minimal", f"id: {slug}")).briefing.id == slug


@pytest.mark.parametrize(
    "slug", ["-lead", "trail-", "under_score", "sp ace", "caf\u00e9", "\u0661"]
)
def test_more_bad_slugs(minimal_yaml: str, slug: str) -> None:
    got = refuse(minimal_yaml.replace("id: minimal", f'id: "{slug}"'))
    assert len(got) == 1
    assert got[0].startswith(f"t.yaml:2:5: error: id: {slug!r} is not a valid id")


def test_summary_lines_are_sorted_and_complete(fixtures: Path) -> None:
    """A file with seven kinds of mistake gets all seven, in file order, not just the first."""
    with pytest.raises(BriefingError) as caught:
        load_path(fixtures / "refused" / "many-errors.yaml")
    found = caught.value.diagnostics
    assert len(found) == 7
    assert [(d.line, d.column) for d in found] == sorted((d.line, d.column) for d in found)
    assert len({d.line for d in found}) == 7


def test_too_large_file_is_refused_before_parsing(tmp_path: Path, minimal_yaml: str) -> None:
    limit = 4 * 1024 * 1024
    padding = "#" * 1000 + "\n"
    body = minimal_yaml + padding * ((limit - len(minimal_yaml)) // len(padding))
    body += "#" * (limit - len(body) - 1) + "\n"
    assert len(body.encode()) == limit
    at_limit = tmp_path / "at-limit.yaml"
    at_limit.write_text(body, encoding="utf-8")
    assert load_path(at_limit).briefing.id == "minimal"

    over = tmp_path / "over.yaml"
    over.write_text(body + "\n", encoding="utf-8")
    with pytest.raises(BriefingError) as caught:
        load_path(over)
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.line, diagnostic.column) == (1, 1)
    # Only MAX_BYTES + 1 bytes are read, so the message reports that, not the real size.
    assert diagnostic.message == "file is 4,194,305 bytes; the limit is 4,194,304 (4 MiB)"


def _head(minimal_yaml: str) -> str:
    """The minimal briefing up to (not including) its sections."""
    return minimal_yaml.split("sections:")[0]


def _sections(count: int) -> str:
    return "sections:\n" + "".join(
        f"  - id: s{n}\n    title: Section {n}\n    body: [Text {n}.]\n" for n in range(count)
    )


def _glossary(count: int) -> str:
    return "glossary:\n" + "".join(
        f"  - id: e{n}\n    name: Entry {n}\n    kind: place\n    role: A place.\n"
        for n in range(count)
    )


def _timeline(count: int) -> str:
    return "timeline:\n" + "".join(f"  - date: 2020\n    event: Event {n}.\n" for n in range(count))


def test_limit_sections(minimal_yaml: str) -> None:
    head = _head(minimal_yaml)
    assert len(load(head + _sections(1000)).briefing.sections) == 1000
    got = refuse(head + _sections(1001))
    assert got == ["t.yaml:9:3: error: sections: 1,001 items; the limit is 1,000"]


def test_limit_glossary(minimal_yaml: str) -> None:
    head = _head(minimal_yaml) + _sections(1)
    assert len(load(head + _glossary(5000)).briefing.glossary) == 5000
    got = refuse(head + _glossary(5001))
    assert got == ["t.yaml:13:3: error: glossary: 5,001 items; the limit is 5,000"]


def test_limit_timeline(minimal_yaml: str) -> None:
    head = _head(minimal_yaml) + _sections(1)
    assert len(load(head + _timeline(5000)).briefing.timeline) == 5000
    got = refuse(head + _timeline(5001))
    assert got == ["t.yaml:13:3: error: timeline: 5,001 items; the limit is 5,000"]


def test_limit_aliases(minimal_yaml: str) -> None:
    def with_aliases(count: int) -> str:
        aliases = ", ".join(f"Alias {n}" for n in range(count))
        return minimal_yaml.replace(
            "    role: Mayor.", f"    role: Mayor.\n    aliases: [{aliases}]"
        )

    assert len(load(with_aliases(200)).briefing.glossary[0].aliases) == 200
    got = refuse(with_aliases(201))
    assert got == [
        "t.yaml:18:14: error: glossary entry 'dana-lee' aliases: 201 items; the limit is 200"
    ]


def test_limit_text_length(minimal_yaml: str) -> None:
    def with_paragraph(length: int) -> str:
        return minimal_yaml.replace(
            "      - Dana Lee opened the meeting.", "      - " + "x" * length
        )

    assert len(load(with_paragraph(100_000)).briefing.sections[0].body) == 1
    got = refuse(with_paragraph(100_001))
    assert got == [
        "t.yaml:12:9: error: section 'background' body[1]: 100,001 characters; the limit is 100,000"
    ]


def test_nesting_at_32_levels_is_only_refused_past_it(minimal_yaml: str) -> None:
    """The root mapping is level 1, so `topics` may hold lists down to level 32."""

    def nested(depth: int) -> str:
        return minimal_yaml.replace(
            "date: 2025-03-14\n", "date: 2025-03-14\ntopics: " + "[" * depth + "]" * depth + "\n", 1
        )

    got = refuse(nested(31))  # 31 lists + the root = 32 levels: composes, then fails as text
    assert all("nesting" not in line for line in got)
    assert refuse(nested(32)) == ["t.yaml:6:40: error: nesting deeper than 32 levels"]


def test_non_string_keys_are_refused(minimal_yaml: str) -> None:
    got = refuse(minimal_yaml + "? [a, b]\n: value\n")
    assert got[0] == "t.yaml:22:3: error: keys must be plain text, not lists or maps"


def test_values_are_clean_everywhere(fixtures: Path) -> None:
    """No string in a loaded model holds a control, bidi override or lone surrogate."""
    unsafe = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\t]")
    for name in ("control-chars.yaml", "bidi.yaml", "tabs.yaml"):
        briefing = load_path(fixtures / "valid" / name).briefing
        texts = _strings(briefing)
        assert len(texts) >= 10, texts  # the walk really reaches the content
        for text in texts:
            assert not unsafe.search(text), (name, text)
            assert clean_text(text)[0] == text


def _strings(value: object) -> list[str]:
    """Every string reachable from a model object (dataclasses, tuples, enums)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list):
        return [s for item in value for s in _strings(item)]
    slots = getattr(type(value), "__slots__", None) or getattr(value, "__dict__", {})
    names = slots if isinstance(slots, tuple) else list(slots)
    found: list[str] = []
    for name in names:
        if name.startswith("_") or name in ("mentions", "path"):
            continue
        found.extend(_strings(getattr(value, name)))
    return found


@pytest.mark.parametrize(
    ("escaped", "shown"),
    [("%1B%5B2J", "\ufffd[2J"), ("%C2%9B", "\ufffd"), ("%E2%80%AE", "\ufffd"), ("%07", "\ufffd")],
)
def test_tag_text_in_messages_is_cleaned(escaped: str, shown: str) -> None:
    """Tags may hold %-escaped bytes; quoting them in a message must not emit raw controls."""
    got = refuse(f"%TAG !e! tag:e{escaped},2000:\n---\ntitle: !e!x y\n")
    assert f"t.yaml:3:8: error: tags (tag:e{shown},2000:x) are not allowed" in got
