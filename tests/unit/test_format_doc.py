"""docs/FORMAT.md is the contract: its kinds, date forms and limits are the loader's.

The README must carry the allowed values too (the first error a new author
met was `kind: organization`), and link the contract.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.format import bounds, fields, mentions, yamlsafe
from briefing.format import validate as schema
from briefing.format.loader import BriefingError, load_bytes
from briefing.format.model import FORMAT_VERSION, Kind

REPO = Path(__file__).resolve().parents[2]
FORMAT_MD = REPO / "docs" / "FORMAT.md"
SHARED = REPO.parent / "shared" / "FORMAT.md"
README = REPO / "README.md"
MINIMAL = (REPO / "tests" / "fixtures" / "valid" / "minimal.yaml").read_text(encoding="utf-8")


def doc() -> str:
    return " ".join(FORMAT_MD.read_text(encoding="utf-8").split())


def number(text: str) -> int:
    return int(text.replace(",", ""))


def loads(text: str) -> bool:
    try:
        load_bytes(text.encode())
    except BriefingError:
        return False
    return True


@pytest.mark.skipif(not SHARED.exists(), reason=f"{SHARED} is not beside this checkout")
def test_docs_format_md_is_the_shared_contract() -> None:
    """The shared contract word for word, then only what this repository adds after it."""
    ours = FORMAT_MD.read_text(encoding="utf-8")
    contract = SHARED.read_text(encoding="utf-8")
    assert ours.startswith(contract)
    assert ours[len(contract) :].startswith("\n---\n"), "additions follow a rule after the contract"


def test_kinds() -> None:
    found = re.search(r"`kind` \(required, one of ((?:`\w+`(?:, )?)+)\)", doc())
    assert found, "FORMAT.md no longer lists the kinds where this test looks"
    assert re.findall(r"`(\w+)`", found.group(1)) == [kind.value for kind in Kind]


def test_version() -> None:
    assert f"| `briefing` | yes | integer `{FORMAT_VERSION}` |" in doc()


def shapes(forms: str) -> list[str]:
    return re.findall(r"`([YMD-]+)`", forms)


def sample(shape: str) -> str:
    return shape.replace("YYYY", "2024").replace("MM", "01").replace("DD", "19")


CANDIDATES = ["YYYY", "YYYY-MM", "YYYY-MM-DD", "YYYYMMDD", "YYYY-M", "YY", "MM-DD"]
CANDIDATE_SAMPLES = {"YYYY-M": "2024-1", "YY": "24", "MM-DD": "01-19"}


def accepted(shape_regex: re.Pattern[str]) -> list[str]:
    return [
        shape
        for shape in CANDIDATES
        if shape_regex.fullmatch(CANDIDATE_SAMPLES.get(shape, sample(shape)))
    ]


def test_date_forms() -> None:
    text = doc()
    top = re.search(r"\| `date` \| yes \| date \| the date of the news \(`([YMD-]+)`\) \|", text)
    assert top and top.group(1) == "YYYY-MM-DD"
    assert accepted(fields._DATE) == [top.group(1)]
    timeline = re.search(r"`date` \(required: ((?:`[YMD-]+`(?:, | or )?)+)\)", text)
    assert timeline, "FORMAT.md no longer lists the timeline date forms where this test looks"
    assert accepted(fields._PARTIAL_DATE) == shapes(timeline.group(1)) == CANDIDATES[:3]
    for shape in shapes(timeline.group(1)):  # and the loader reads each, end to end
        assert loads(MINIMAL.replace("  - date: 2025-03-14", f"  - date: {sample(shape)}"))
    assert not loads(MINIMAL.replace("  - date: 2025-03-14", "  - date: 2024-1"))


def test_limits() -> None:
    text = doc()
    found = re.search(
        r"limits: at most ([\d,]+) sections, ([\d,]+) glossary entries, ([\d,]+) timeline "
        r"events, ([\d,]+) aliases per entry, ([\d,]+) characters in one text value, and "
        r"([\d,]+) mentions in all",
        text,
    )
    assert found, "FORMAT.md no longer states the limits where this test looks"
    sections, entries, events, aliases, characters, mentions_cap = map(number, found.groups())
    assert (sections, entries, events, aliases, characters) == (
        schema.MAX_SECTIONS,
        schema.MAX_GLOSSARY,
        schema.MAX_TIMELINE,
        schema.MAX_ALIASES,
        fields.MAX_TEXT,
    )
    size = re.search(r"larger than (\d+) MiB, or nests deeper than (\d+) levels", text)
    assert size and number(size.group(1)) * 1024 * 1024 == bounds.MAX_BYTES
    assert number(size.group(2)) == yamlsafe.MAX_DEPTH
    slug = re.search(r"slug: text matching `([^`]+)`, at most (\d+) characters", text)
    assert slug and slug.group(1) == bounds.SLUG.pattern.replace("(?:", "(")
    assert number(slug.group(2)) == bounds.MAX_SLUG
    assert mentions_cap == mentions.MAX_MENTIONS


def test_readme_lists_the_allowed_values_and_links_the_contract() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "](docs/FORMAT.md)" in readme
    kinds = re.search(r"^\| `kind` \| (.*) \|$", readme, re.M)
    assert kinds and re.findall(r"`(\w+)`", kinds.group(1)) == [kind.value for kind in Kind]
    timeline = re.search(r"^\| timeline `date` \| (.*) \|$", readme, re.M)
    assert timeline and shapes(timeline.group(1)) == CANDIDATES[:3]
    top = re.search(r"^\| `date`, `source.published` \| a date: `(YYYY-MM-DD)`", readme, re.M)
    assert top
    assert "# yaml-language-server: $schema=briefing.schema.json" in readme
    assert "## Writing a briefing" in readme
