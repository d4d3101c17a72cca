"""The briefing shipped with the package, and the example in FORMAT.md, load cleanly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.format.loader import load_path
from briefing.format.model import Kind, Points, Quote

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "content" / "iran-pakistan-2024-01.yaml"
EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "format_example.yaml"
FORMAT_MD = Path(__file__).parents[3] / "shared" / "FORMAT.md"


def test_bundled_loads_without_warnings() -> None:
    loaded = load_path(BUNDLED)
    assert loaded.warnings == ()
    briefing = loaded.briefing
    assert briefing.id == "iran-pakistan-2024-01"
    assert briefing.path == BUNDLED
    assert [s.id for s in briefing.sections] == ["background", "strikes", "reactions", "analysis"]


def test_every_glossary_entry_is_mentioned() -> None:
    """A glossary entry nobody mentions is a dead end in the reader's sidebar."""
    briefing = load_path(BUNDLED).briefing
    unmentioned = [e.id for e in briefing.glossary if not briefing.mentions_of(e.id)]
    assert unmentioned == []
    assert {e.kind for e in briefing.glossary} == set(Kind)


def test_bundled_uses_every_block_kind_and_resolves_speakers() -> None:
    briefing = load_path(BUNDLED).briefing
    blocks = [block for section in briefing.sections for block in section.body]
    quotes = [b for b in blocks if isinstance(b, Quote)]
    assert quotes and any(isinstance(b, Points) for b in blocks)
    for quote in quotes:
        if quote.speaker_id is not None:
            assert quote.speaker_id in briefing.entries
    for entry in briefing.glossary:
        for related in entry.related:
            assert related in briefing.entries
    for event in briefing.timeline:
        assert event.section is None or event.section in briefing.section_index


def test_check_bundled_folder_is_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "check", "content/"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stderr == "1 loaded, 0 refused\n"
    assert "warning" not in done.stderr


def test_format_example_loads() -> None:
    loaded = load_path(EXAMPLE)
    assert loaded.warnings == ()
    briefing = loaded.briefing
    assert briefing.id == "harbour-bridge-2025-03"
    assert [s.id for s in briefing.sections] == ["background", "reactions"]
    assert briefing.sections[1].collapsed is True
    quote = briefing.sections[1].body[0]
    assert isinstance(quote, Quote)
    assert briefing.speaker_name(quote) == "Dana Lee"
    assert [str(event.date) for event in briefing.timeline] == ["2023", "2025-03-14"]


@pytest.mark.skipif(not FORMAT_MD.exists(), reason=f"{FORMAT_MD} is not in this checkout")
def test_format_example_fixture_matches_format_md() -> None:
    """The fixture is a verbatim copy; if FORMAT.md's example changes, so must the fixture."""
    blocks = re.findall(r"```yaml\n(.*?)```", FORMAT_MD.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 1
    assert blocks[0] == EXAMPLE.read_text(encoding="utf-8")
