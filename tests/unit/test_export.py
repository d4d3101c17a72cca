"""Plain text, Markdown and JSON views of a briefing: faithful, and inert whatever the content."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from briefing.format.loader import load_path
from briefing.format.model import Briefing, Paragraph, Points, Quote
from briefing.render.exports import (
    credit,
    md_escape,
    outline,
    to_data,
    to_json,
    to_markdown,
    to_text,
)

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

TERMINAL_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def bundled() -> Briefing:
    return load_path(REPO / "content" / "iran-pakistan-2024-01.yaml").briefing


@pytest.fixture(scope="module")
def hostile() -> Briefing:
    return load_path(FIXTURES / "hostile.yaml").briefing


def html_text(text: str) -> str:
    """How markdown-it writes literal text into HTML."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def test_json_mirrors_the_model(bundled: Briefing) -> None:
    data = json.loads(to_json(bundled))
    assert data == to_data(bundled)
    assert data["briefing"] == 1
    assert data["id"] == bundled.id
    assert data["date"] == bundled.date.isoformat()
    assert data["summary"]["text"] == bundled.summary.text
    assert data["topics"] == list(bundled.topics)
    assert data["source"]["outlet"] == bundled.source.outlet
    assert data["source"]["published"] == "2024-01-19"
    assert [s["id"] for s in data["sections"]] == [s.id for s in bundled.sections]
    assert [s["collapsed"] for s in data["sections"]] == [s.collapsed for s in bundled.sections]
    for section, model in zip(data["sections"], bundled.sections, strict=True):
        assert len(section["body"]) == len(model.body)
        for block, block_model in zip(section["body"], model.body, strict=True):
            expected_type = {Paragraph: "paragraph", Quote: "quote", Points: "points"}
            assert block["type"] == expected_type[type(block_model)]
            if isinstance(block_model, Quote):
                assert block["by"] == block_model.by
                assert block["speaker"] == bundled.speaker_name(block_model)
    assert [g["id"] for g in data["glossary"]] == [e.id for e in bundled.glossary]
    for entry in data["glossary"]:
        assert entry["mentions"] == len(bundled.mentions_of(entry["id"]))
        assert entry["kind"] in ("person", "group", "organisation", "place")
    assert [t["date"] for t in data["timeline"]] == [str(t.date) for t in bundled.timeline]


def test_json_mention_offsets_point_at_names(bundled: Briefing) -> None:
    """A consumer of the JSON can slice each mention out of its text and get a name or alias."""
    data = to_data(bundled)
    surfaces = {e.id: {e.name, *e.aliases} for e in bundled.glossary}
    passages = [data["summary"]]
    for section in data["sections"]:
        for block in section["body"]:
            passages.extend(block["items"] if block["type"] == "points" else [block])
    passages.extend(event["event"] for event in data["timeline"])
    checked = 0
    for passage in passages:
        for mention in passage["mentions"]:
            assert passage["text"][mention["start"] : mention["end"]] in surfaces[mention["entry"]]
            checked += 1
    assert checked == sum(len(bundled.mentions_of(e.id)) for e in bundled.glossary) > 50


@pytest.mark.parametrize("width", [20, 40, 80, 120])
def test_text_wraps_to_width(bundled: Briefing, width: int) -> None:
    text = to_text(bundled, width)
    assert text.endswith("\n")
    assert max(len(line) for line in text.splitlines()) <= width
    for section in bundled.sections:
        assert section.title.upper().split()[-1] in text


def test_text_holds_everything_in_reading_order(bundled: Briefing) -> None:
    flat = " ".join(to_text(bundled, 1000).split())
    order = [bundled.title, bundled.summary.text]
    order += [f"{n}. {s.title}".upper() for n, s in enumerate(bundled.sections, 1)]
    order += ["GLOSSARY", "TIMELINE", "SOURCE", " ".join(credit(bundled).split())]
    positions = [flat.find(" ".join(part.split())) for part in order]
    assert -1 not in positions, [p for p, at in zip(order, positions, strict=True) if at == -1]
    assert positions == sorted(positions)


def test_credit_sentence(bundled: Briefing) -> None:
    assert credit(bundled) == (
        "Reuters, \u201cIran-Pakistan flare-up rooted in restive borderlands, not Mideast "
        "strife\u201d, by Parisa Hafezi, Charlotte Greenfield and Gibran Naiyyar Peshimam, "
        "DUBAI/ISLAMABAD, published 2024-01-19."
    )


@pytest.mark.parametrize("render", [to_text, to_markdown, to_json], ids=["text", "md", "json"])
def test_no_terminal_control_reaches_any_format(hostile: Briefing, render: object) -> None:
    output = render(hostile)  # type: ignore[operator]
    assert not TERMINAL_CONTROL.search(output)
    assert "\ufffd" in output  # the cleaned controls are still visible, as U+FFFD


def test_markup_is_shown_as_typed_in_text(hostile: Briefing) -> None:
    text = to_text(hostile, 1000)
    for literal in (
        "[bold]Breaking[/bold]",
        "[@click=app.quit]x[/]",
        "$accent",
        "[/ ",
        "<b>hi</b>",
    ):
        assert literal in text


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("*stars*", r"\*stars\*"),
        ("[x](y)", r"\[x\](y)"),
        ("<b>", r"\<b\>"),
        ("AT&amp;T", r"AT\&amp;T"),
        ("# title", r"\# title"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("12) item", r"12\) item"),
        ("a\n===", "a  \n\\==="),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


def test_markdown_renders_content_literally(hostile: Briefing) -> None:
    """Rendered by a real CommonMark parser, every passage comes out character for character."""
    html = MarkdownIt("commonmark").render(to_markdown(hostile))
    for passage in hostile.passages():
        assert html_text(passage.text) in html, passage.text
    assert html_text(hostile.title) in html
    for entry in hostile.glossary:
        assert html_text(entry.role) in html
    for number, section in enumerate(hostile.sections, 1):
        assert f"<h2>{number}. {html_text(section.title)}</h2>" in html
    assert hostile.source.note is not None
    for line in hostile.source.note.splitlines():
        assert html_text(line) in html
    # Nothing in the content became a link, emphasis, HTML tag or list of its own.
    assert "<a " not in html
    assert "<b>" not in html and "<script>" not in html
    assert "<em>stars</em>" not in html and "<em>under</em>" not in html
    assert "<code>" not in html
    assert "<table>" not in html
    assert "<ol>" not in html
    assert html.count("<h1>") == 1


def test_markdown_structure(bundled: Briefing) -> None:
    md = to_markdown(bundled)
    assert md.startswith(f"# {md_escape(bundled.title)}\n")
    for number, section in enumerate(bundled.sections, 1):
        assert f"\n## {number}\\. {md_escape(section.title)}\n" in md
    assert "\n## Glossary\n" in md and "\n## Timeline\n" in md and "\n## Source\n" in md
    html = MarkdownIt("commonmark").render(md)
    assert html.count("<h2>") == len(bundled.sections) + 3
    assert "<blockquote>" in html


def test_outline_passages_carry_mentions(bundled: Briefing) -> None:
    """The styled view highlights mentions by offset into each line's own text."""
    lines = [line for line in outline(bundled) if line.passage is not None]
    assert lines
    for line in lines:
        assert line.passage is not None
        start = line.text.find(line.passage.text)
        assert start >= 0
        for mention in line.passage.mentions:
            assert (
                line.text[start + mention.start : start + mention.end]
                == (line.passage.text[mention.start : mention.end])
            )
