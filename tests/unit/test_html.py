"""The HTML page of a briefing: complete, linked, and inert whatever the content.

These tests read the page with the standard library's parser; the real
browser, the Nu checker and axe-core run in test_html_browser.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from unicodedata import normalize

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.format.loader import load_path
from briefing.format.model import Briefing, GlossaryEntry, Kind, Mention, Passage, Place, Source
from briefing.render.html import (
    page_name,
    render_index,
    render_page,
    safe_url,
    write_page,
    write_site,
)
from tests.conftest import CliRunner
from tests.hostiletools import hostile_briefing
from tests.htmltree import Node, parse

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "content" / "iran-pakistan-2024-01.yaml"
HOSTILE = [
    REPO / "tests" / "fixtures" / "hostile.yaml",
    REPO / "tests" / "app_fixtures" / "hostile.yaml",
]

TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "nav", "main", "footer",
    "section", "details", "summary", "h1", "h2", "h3", "p", "a", "ol", "ul", "li", "dl", "dt",
    "dd", "blockquote", "time", "span",
}  # fmt: skip
"""Every element the writer makes; content must never add one."""

ATTRIBUTES = {
    "lang", "charset", "http-equiv", "content", "name", "id", "class", "href", "rel",
    "datetime", "open", "aria-label", "aria-labelledby",
}  # fmt: skip

FORBIDDEN_CHARS = "".join(chr(c) for c in [*range(0, 9), 11, *range(14, 32), *range(127, 160)])


def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("golden-html") / "controls.yaml"
    path.write_text(hostile_briefing(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bundled() -> Briefing:
    return load_path(BUNDLED).briefing


@pytest.fixture(scope="module")
def hostile_briefings(tmp_path_factory: pytest.TempPathFactory) -> list[Briefing]:
    paths = [*HOSTILE, golden(tmp_path_factory)]
    return [load_path(path).briefing for path in paths]


def assert_well_formed_and_inert(page: str) -> Node:
    """Only the writer's own elements and attributes; no forbidden character; links resolve."""
    root = parse(page)
    elements = list(root.walk())[1:]
    assert {node.tag for node in elements} <= TAGS
    for node in elements:
        assert set(node.attrs) <= ATTRIBUTES, node
        href = node.attrs.get("href")
        if href is not None:
            assert href.startswith(("#", "https://", "http://")) or href.endswith(".html"), href
    ids = [node.attrs["id"] for node in elements if "id" in node.attrs]
    assert len(ids) == len(set(ids)), "ids are unique"
    for node in elements:
        href = node.attrs.get("href") or ""
        if href.startswith("#"):
            assert href[1:] in ids, f"link to a missing anchor {href}"
    assert not any(char in page for char in FORBIDDEN_CHARS)
    assert "\u202e" not in page and "\u2066" not in page
    return root


def test_sections_are_details_with_their_titles(bundled: Briefing) -> None:
    root = assert_well_formed_and_inert(render_page(bundled))
    details = root.find_all("details")
    assert len(details) == len(bundled.sections)
    for number, (section, node) in enumerate(zip(bundled.sections, details, strict=True), 1):
        summary = next(child for child in node.children if isinstance(child, Node))
        assert summary.tag == "summary", "the summary comes first"
        assert summary.find("h2").text == f"{number}. {section.title}"
        assert summary.text == f"{number}. {section.title}{section.summary or ''}"
        assert ("open" in node.attrs) is (not section.collapsed)
        assert root.by_id(f"s-{section.id}").find("details") is node


def test_every_mention_links_to_its_entry(bundled: Briefing) -> None:
    root = parse(render_page(bundled))
    links = root.find_all("a", **{"class": "mention"})
    expected = [
        (passage.text[m.start : m.end], m.entry_id)
        for passage in bundled.passages()
        for m in passage.mentions
    ]
    assert [(a.text, a.get("href")) for a in links] == [(t, f"#g-{e}") for t, e in expected]
    assert len(links) == sum(len(found) for found in bundled.mentions.values()) > 50


def cards(glossary: Node) -> dict[str, list[Node]]:
    """Each entry's <dd> lines, by entry id (the <dt> id without its prefix)."""
    found: dict[str, list[Node]] = {}
    for dl in glossary.find_all("dl"):
        current: list[Node] = []
        for child in dl.children:
            if isinstance(child, Node) and child.tag == "dt":
                current = found.setdefault(child.get("id").removeprefix("g-"), [])
            elif isinstance(child, Node):
                assert child.tag == "dd"
                current.append(child)
    return found


def test_glossary_is_a_definition_list_whose_entries_link_back(bundled: Briefing) -> None:
    root = parse(render_page(bundled))
    glossary = root.by_id("glossary")
    terms = glossary.find_all("dt")
    assert sorted(t.get("id") for t in terms) == sorted(f"g-{e.id}" for e in bundled.glossary)
    mention_links = root.find_all("a", **{"class": "mention"})
    for entry in bundled.glossary:
        term = root.by_id(f"g-{entry.id}")
        assert term.text == entry.name
        mentions = bundled.mentions_of(entry.id)
        line = cards(glossary)[entry.id][-1]
        assert line.text.startswith(f"Mentioned {len(mentions)} time")
        if not mentions:
            assert not line.find_all("a")
            continue
        counted = 0
        for position, child in enumerate(line.children):
            if isinstance(child, Node):
                target = root.by_id(child.get("href")[1:])
                assert target.attrs["href"] == f"#g-{entry.id}", "a back-link lands on a mention"
                after = "".join(
                    c for c in line.children[position + 1 : position + 2] if str(c) == c
                )
                times = re.match(r" \(\u00d7(\d+)\)", after)
                counted += int(times.group(1)) if times else 1
        assert counted == len(mentions), entry.id
        first = [a for a in mention_links if a.get("href") == f"#g-{entry.id}"][0]
        assert line.find_all("a")[0].get("href") == f"#{first.get('id')}"


def test_timeline_is_a_list_linked_to_sections(bundled: Briefing) -> None:
    root = parse(render_page(bundled))
    items = root.by_id("timeline").find("ol").find_all("li")
    assert len(items) == len(bundled.timeline)
    for item, event in zip(items, bundled.timeline, strict=True):
        assert item.find("time").get("datetime") == str(event.date)
        assert event.event.text in item.text
        section_links = [a.get("href") for a in item.find_all("a") if a.get("href")[:3] == "#s-"]
        assert section_links == ([f"#s-{event.section}"] if event.section else [])


def test_source_is_credited(bundled: Briefing) -> None:
    root = parse(render_page(bundled))
    footer = root.by_id("source")
    assert bundled.source.outlet in footer.text
    for author in bundled.source.authors:
        assert author in footer.text
    assert bundled.source.note and bundled.source.note in footer.text


def test_page_is_self_contained(bundled: Briefing) -> None:
    page = render_page(bundled)
    root = parse(page)
    assert not root.find_all("script") and not root.find_all("link")
    assert "src=" not in page and "url(" not in page and "@import" not in page
    policy = root.find("meta", **{"http-equiv": "Content-Security-Policy"}).get("content")
    assert "default-src 'none'" in policy and "script" not in policy


def test_hostile_content_stays_text(hostile_briefings: list[Briefing]) -> None:
    for briefing in hostile_briefings:
        page = render_page(briefing)
        root = assert_well_formed_and_inert(page)
        assert root.find("h1").text == normalize("NFC", briefing.title)
        assert root.find("title").text == normalize("NFC", briefing.title)
        body_text = root.find("body").text
        for passage in briefing.passages():
            for line in passage.text.split("\n"):
                assert normalize("NFC", line) in body_text
        for section in briefing.sections:
            title = root.by_id(f"s-{section.id}").find("summary").text
            assert normalize("NFC", section.title) in title


def test_the_markup_fixture_shows_its_tags_as_typed(hostile_briefings: list[Briefing]) -> None:
    root = parse(render_page(hostile_briefings[0]))
    assert "<script>x</script>" in root.by_id("source").text
    assert "<b>hi</b>" in root.find("header").text
    assert "&amp;" in root.find("main").text, "an entity in content is shown, not decoded"


text_values = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=200, deadline=None)
@given(title=text_values, summary=text_values, outlet=text_values, url=text_values)
def test_any_text_is_shown_exactly_as_text(title: str, summary: str, outlet: str, url: str) -> None:
    """Whatever reaches the writer (even uncleaned) comes back as the same text, never markup."""
    briefing = Briefing(
        id="x",
        title=title,
        summary=Passage(summary, Place("summary")),
        date=dt.date(2025, 1, 2),
        source=Source(outlet=outlet, url=url),
        sections=(),
    )
    root = assert_well_formed_and_inert(render_page(briefing))

    def shown(value: str) -> str:
        """Controls and noncharacters (which HTML forbids) become U+FFFD; CR goes; NFC."""
        cleaned = "".join(
            "\ufffd"
            if c in FORBIDDEN_CHARS or 0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE
            else c
            for c in value.replace("\r", "")
        )
        return normalize("NFC", cleaned)

    assert root.find("h1").text == shown(title)
    assert root.find("p", **{"class": "summary"}).text == shown(summary)
    assert shown(outlet) in root.by_id("source").text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a b?q=1&r=<x>#f", "https://example.com/a%20b?q=1&r=%3Cx%3E#f"),
        ("HTTP://Example.com:8080/", "http://example.com:8080/"),
        ("https://ok.example/\ufffd\\\ufffd]52", "https://ok.example/%EF%BF%BD%5C%EF%BF%BD%5D52"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ('https://ev"il.example/', None),
        ("https://[::1/", None),
        ("//example.com/", None),
        ("https://good.example\\@evil.example/", None),
        ("https://good.example\\.evil.example/", None),
        ("https://user@evil.example/", None),
        ("", None),
    ],
)
def test_only_http_links_are_made(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_index_links_every_page_newest_first(
    bundled: Briefing, hostile_briefings: list[Briefing]
) -> None:
    briefings = [*hostile_briefings, bundled]
    root = assert_well_formed_and_inert(render_index(briefings))
    hrefs = [a.get("href") for a in root.find("main").find_all("a")]
    newest = sorted(briefings, key=lambda b: b.date, reverse=True)
    assert hrefs == [page_name(b) for b in newest]


def test_write_site_writes_pages_and_index(bundled: Briefing, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    written = write_site([bundled], tmp_path / "site")
    assert [p.name for p in written] == [page_name(bundled), "index.html"]
    page = (tmp_path / "site" / page_name(bundled)).read_text(encoding="utf-8")
    assert page == render_page(bundled, index_href="index.html")
    assert 'href="index.html"' in page
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == sorted(p.name for p in written)
    write_page(bundled, tmp_path / "one.html")
    assert (tmp_path / "one.html").read_text(encoding="utf-8") == render_page(bundled)


def test_a_briefing_called_index_does_not_overwrite_the_index(
    bundled: Briefing, tmp_path: Path
) -> None:
    named_index = dataclasses.replace(bundled, id="index")
    written = write_site([named_index, bundled], tmp_path / "site")
    names = [p.name for p in written]
    assert len(set(names)) == len(names) == 3
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert index == render_index([named_index, bundled])
    assert f'href="{page_name(named_index)}"' in index
    page = (tmp_path / "site" / page_name(named_index)).read_text(encoding="utf-8")
    assert page == render_page(named_index, index_href="index.html")


def test_show_html_prints_the_page(cli: CliRunner, bundled: Briefing) -> None:
    result = cli("show", "--format", "html", str(BUNDLED))
    assert result.returncode == 0
    assert result.stdout == render_page(bundled)


def test_export_writes_the_library(cli: CliRunner, tmp_path: Path) -> None:
    result = cli("export", str(tmp_path / "out"), "--from", str(HOSTILE[0]))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["hostile.html", "index.html", "iran-pakistan-2024-01.html"]
    assert result.stdout.splitlines() == [str(tmp_path / "out" / n) for n in
                                          ["hostile.html", "iran-pakistan-2024-01.html",
                                           "index.html"]]  # fmt: skip
    again = cli("export", str(tmp_path / "out"), "--format", "markdown", "-q")
    assert again.returncode == 0 and again.stdout == ""
    assert (tmp_path / "out" / "iran-pakistan-2024-01.md").is_file()


def test_export_refuses_a_file_as_folder(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    result = cli("export", str(tmp_path / "taken"))
    assert result.returncode == 2
    assert result.stderr.endswith("taken: not a directory\n")
    missing = cli("export", str(tmp_path / "out"), "--from", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    assert not (tmp_path / "out").exists()


@st.composite
def passages_with_mentions(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """ASCII text (markup characters likely) and sorted, non-overlapping spans in it."""
    body = draw(st.text(st.sampled_from("ab <>&\"'/=;\n"), min_size=1, max_size=60))
    cuts = sorted(draw(st.sets(st.integers(0, len(body)), max_size=8)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    return body, spans


@settings(max_examples=200, deadline=None)
@given(passages_with_mentions())
def test_mentions_split_text_without_losing_or_adding_any(
    case: tuple[str, list[tuple[int, int]]],
) -> None:
    body, spans = case
    entries = tuple(
        GlossaryEntry(id=f"e{n}", name=f"Entry {n}", kind=Kind.PLACE, role="r")
        for n in range(len(spans))
    )
    mentions = tuple(Mention(a, b, f"e{n}") for n, (a, b) in enumerate(spans))
    briefing = Briefing(
        id="x",
        title="t",
        summary=Passage(body, Place("summary"), mentions),
        date=dt.date(2025, 1, 2),
        source=Source(outlet="o"),
        sections=(),
        glossary=entries,
    )
    root = assert_well_formed_and_inert(render_page(briefing))
    summary = root.find("p", **{"class": "summary"})
    assert summary.text == body
    links = summary.find_all("a")
    assert [(a.text, a.get("href")) for a in links] == [
        (body[m.start : m.end], f"#g-{m.entry_id}") for m in mentions
    ]
