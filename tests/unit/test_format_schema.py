"""The JSON Schema of format v1 and the loader agree, wherever a schema can express a rule.

An editor validates what a YAML parser makes of the file; the loader is
stricter about YAML itself and checks what no schema can. This module:

- validates every fixture that parses as plain YAML (the bundled briefing, the
  FORMAT.md example, the valid, refused, hostile and app fixtures, the `briefing
  new` skeleton) with `jsonschema`, and requires: a file the loader accepts, the
  schema accepts; a file the loader refuses for a schema rule, the schema
  refuses; every schema error lies inside something the loader also refuses;
- breaks minimal.yaml one rule at a time: each rule in SCHEMA_RULES must be
  refused by both, each rule in LOADER_ONLY must pass the schema and be
  refused by the loader. LOADER_ONLY is the list of rules only the loader checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator

from briefing.format import bounds, fields
from briefing.format import validate as loader_schema
from briefing.format.model import FORMAT_VERSION, Kind
from briefing.format.skeleton import skeleton
from tests.schematools import (
    LOADER_ONLY_MESSAGES,
    NOT_PLAIN_YAML,
    PARTLY,
    SAFE_LOADER,
    SCHEMA,
    VALIDATOR,
    classify,
    loader_errors,
    parse_plain,
    schema_errors,
)

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
MINIMAL = (TESTS / "fixtures" / "valid" / "minimal.yaml").read_text(encoding="utf-8")


"""libyaml, the parser the loader uses (the fixtures nest at most ~40 levels, far from
where libyaml's recursive composer would crash)."""


def node_span(data: bytes, path: Iterator[str | int] | list[str | int]) -> tuple[int, int]:
    """First and last line of the YAML node at a JSON path (whole file when not found)."""
    node: Any = yaml.compose(data, Loader=SAFE_LOADER)  # noqa: S506
    if node is None:
        return 1, data.count(b"\n") + 1
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = [value for key, value in node.value if key.value == step]
            if not found:
                break
            node = found[-1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            node = node.value[step]
    end = node.end_mark.line + (0 if node.end_mark.column else -1)
    return node.start_mark.line + 1, max(end, node.start_mark.line) + 1


def fixture_files() -> list[Path]:
    files = sorted((TESTS / "fixtures").rglob("*.yaml")) + sorted(
        (TESTS / "app_fixtures").glob("*.yaml")
    )
    return files + sorted((REPO / "content").glob("*.yaml"))


def fixture_id(path: Path) -> str:
    return str(path.relative_to(REPO))


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_editors_on_draft_07_reach_the_same_verdicts() -> None:
    """yaml-language-server (VS Code, Neovim, Helix) validates with draft-07 rules; the
    schema keeps to keywords both drafts share, so its verdicts are the same there."""
    draft7 = Draft7Validator(SCHEMA, format_checker=Draft7Validator.FORMAT_CHECKER)
    Draft7Validator.check_schema(SCHEMA)
    examples = [p.read_bytes() for p in fixture_files()]
    examples += [text.encode() for text in SCHEMA_RULES.values()]
    examples += [text.encode() for texts in LOADER_ONLY.values() for text in texts]
    values = [v for v in map(parse_plain, examples) if v is not NOT_PLAIN_YAML]
    assert len(values) > 60
    for value in values:
        assert draft7.is_valid(value) == VALIDATOR.is_valid(value)


def test_the_fixtures_cover_both_verdicts() -> None:
    verdicts = {
        fixture_id(p): parse_plain(p.read_bytes()) is NOT_PLAIN_YAML for p in fixture_files()
    }
    assert len(verdicts) >= 40
    assert sum(verdicts.values()) >= 5  # some are not plain YAML (and are skipped below)


@pytest.mark.parametrize("path", fixture_files(), ids=fixture_id)
def test_schema_and_loader_agree_on_every_fixture(path: Path) -> None:
    data = path.read_bytes()
    value = parse_plain(data)
    if value is NOT_PLAIN_YAML:
        assert loader_errors(data), "a file no YAML parser reads must be refused"
        pytest.skip("not plain YAML: a YAML parser refuses it before any schema could")
    refused = loader_errors(data)
    found = schema_errors(value)
    if not refused:
        assert not found, [f"{list(e.absolute_path)}: {e.message}" for e in found]
        return
    must = [message for _, message in refused if classify(message) == "schema"]
    if must:
        assert found, f"the loader refuses {must} but the schema accepts the file"
    error_lines = [line for line, _ in refused]
    for error in found:
        first, last = node_span(data, list(error.absolute_path))
        assert any(first <= line <= last for line in error_lines), (
            f"schema error at {list(error.absolute_path)} (lines {first}-{last}): "
            f"{error.message[:200]}; the loader found nothing wrong there: {refused}"
        )


def test_the_skeleton_passes_the_schema() -> None:
    value = parse_plain(skeleton("a-story", "a-story.yaml").encode())
    assert schema_errors(value) == []


def mutate(old: str, new: str, *, count: int = 1) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, count)


SECTION = (
    "  - id: background\n    title: Background\n    body:\n      - Dana Lee opened the meeting.\n"
)
SCHEMA_RULES: dict[str, str] = {
    "the version is 1": mutate("briefing: 1", "briefing: 2"),
    "the version is a number": mutate("briefing: 1", "briefing: '1'"),
    "the top level is a mapping": "- briefing: 1\n",
    "required top-level keys": mutate("title: The council meets\n", ""),
    "no unknown top-level keys": mutate("title: The council meets\n", "title: A\ntitel: B\n"),
    "no unknown section keys": mutate(
        "    title: Background\n", "    title: B\n    colapsed: true\n"
    ),
    "a block is text, a quote or points": mutate(
        "      - Dana Lee opened the meeting.", "      - Dana Lee spoke.\n      - pointz: [a]"
    ),
    "a quote has a speaker": mutate(
        "      - Dana Lee opened", "      - quote: Hi.\n      - Dana Lee opened"
    ),
    "points are not empty": mutate(
        "      - Dana Lee opened", "      - points: []\n      - Dana Lee opened"
    ),
    "kind is one of four": mutate("kind: person", "kind: organization"),
    "ids are slugs": mutate("id: minimal", "id: Minimal"),
    "slugs have at most 64 characters": mutate("id: minimal", "id: " + "a" * 65),
    "related ids are slugs": mutate(
        "    role: Mayor.", "    role: Mayor.\n    related: [Not A Slug]"
    ),
    "dates are YYYY-MM-DD": mutate("date: 2025-03-14", "date: 14/03/2025"),
    "months exist": mutate("date: 2025-03-14", "date: 2025-13-14"),
    "a date is a real calendar date": mutate("date: 2025-03-14", "date: '2025-02-30'"),
    "timeline dates are YYYY, YYYY-MM or YYYY-MM-DD": mutate(
        "  - date: 2025-03-14", "  - date: 2025-3"
    ),
    "a timeline month or day is never 00": mutate("  - date: 2025-03-14", "  - date: '2025-00'"),
    "published is a date": mutate("  outlet: Harbour Gazette", "  outlet: H\n  published: soon"),
    "text is not empty": mutate("role: Mayor.", "role: ' '"),
    "text is text": mutate("title: The council meets", "title: [a, b]"),
    "yes/no where text is wanted": mutate("title: The council meets", "title: no"),
    "text has at most 100,000 characters": mutate("role: Mayor.", "role: " + "x" * 100_001),
    "collapsed is true or false": mutate(
        "    title: Background\n", "    title: B\n    collapsed: maybe\n"
    ),
    "the source has an outlet": mutate("  outlet: Harbour Gazette", "  headline: Harbour Gazette"),
    "at least one section": MINIMAL.replace(SECTION, "").replace("sections:\n", "sections: []\n"),
    "a body has at least one block": mutate(
        "    body:\n      - Dana Lee opened the meeting.", "    body: []"
    ),
    "at most 200 aliases": mutate(
        "    role: Mayor.",
        "    role: Mayor.\n    aliases: [" + ", ".join(f"A{i}" for i in range(201)) + "]",
    ),
    "nesting is shallow": mutate("title: The council meets", "title: " + "[" * 40 + "]" * 40),
}
LOADER_ONLY: dict[str, list[str]] = {
    "ids are unique": [mutate("sections:\n", "sections:\n" + SECTION)],
    "references name an existing entry or section": [
        mutate("    section: background", "    section: nowhere"),
        mutate("    role: Mayor.", "    role: Mayor.\n    related: [nobody-here]"),
        mutate(
            "      - Dana Lee opened",
            "      - quote: Hi.\n        by: nobody-here\n      - Dana Lee opened",
        ),
    ],
    "no anchors, aliases or merge keys": [
        mutate("  outlet: Harbour Gazette", "  outlet: &o Harbour Gazette\n  headline: *o"),
        mutate("  outlet: Harbour Gazette", "  outlet: H\n  <<: {note: N}"),
    ],
    "no tags": [mutate("title: The council meets", "title: !!str The council meets")],
    "no duplicate keys": [mutate("title: The council meets", "title: A\ntitle: The council meets")],
    "the version is the plain number 1": [mutate("briefing: 1", "briefing: 1.0")],
    "values YAML 1.1 reads as another type need quotes": [
        mutate("title: The council meets", "title: 2025-03-14")
    ],
    "dates are real calendar dates": [mutate("  - date: 2025-03-14", "  - date: '2025-02-30'")],
}
#: Listed but not demonstrated here: a plain YAML parser refuses the file itself
#: (invalid YAML, several documents, bad UTF-8, raw control characters), or the
#: demonstration costs seconds (4 MiB, 300,000 values; test_loader_safety covers them).
LISTED_ONLY = {
    "a file of one YAML document, valid UTF-8, no raw control characters",
    "at most 4 MiB, 32 levels and 300,000 values",
}


def test_every_loader_only_rule_is_demonstrated_or_listed() -> None:
    assert set(LOADER_ONLY_MESSAGES) | set(PARTLY) == set(LOADER_ONLY) | LISTED_ONLY
    assert not set(LOADER_ONLY) & LISTED_ONLY


@pytest.mark.parametrize("rule", sorted(SCHEMA_RULES))
def test_a_schema_rule_is_refused_by_both(rule: str) -> None:
    data = SCHEMA_RULES[rule].encode()
    assert loader_errors(data), f"the loader accepts a file that breaks {rule!r}"
    assert schema_errors(parse_plain(data)), f"the schema accepts a file that breaks {rule!r}"


@pytest.mark.parametrize(
    ("rule", "example"),
    [(rule, example) for rule, examples in LOADER_ONLY.items() for example in examples],
    ids=lambda x: x if len(x) < 60 else "",
)
def test_a_loader_only_rule_passes_the_schema(rule: str, example: str) -> None:
    data = example.encode()
    value = parse_plain(data)
    assert value is not NOT_PLAIN_YAML
    errors = schema_errors(value)
    assert errors == [], f"the schema checks {rule!r} after all: move it ({errors[0].message})"
    refused = loader_errors(data)
    pattern = {**LOADER_ONLY_MESSAGES, **PARTLY}[rule]
    assert any(re.search(pattern, message) for _, message in refused), refused


def loader_reads_updated() -> bool:
    errors = loader_errors(
        mutate("date: 2025-03-14", "date: 2025-03-14\nupdated: 2025-03-14T10:00:00Z").encode()
    )
    return not any("updated" in message for _, message in errors)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2025-03-14T10:00:00Z", True),
        ("'2025-03-14T12:30:00.5+02:00'", True),
        ("2025-03-14T10:00:00", False),
        ("2025-03-14", False),
        ("'yesterday'", False),
    ],
)
def test_updated_is_a_date_time_with_a_zone(value: str, valid: bool) -> None:
    data = mutate("date: 2025-03-14", f"date: 2025-03-14\nupdated: {value}").encode()
    assert (schema_errors(parse_plain(data)) == []) is valid
    if not loader_reads_updated():
        pytest.skip("the loader does not read `updated` yet (the feeds branch adds it)")
    assert (loader_errors(data) == []) is valid, loader_errors(data)


def test_schema_limits_and_keys_are_the_loaders() -> None:
    props = SCHEMA["properties"]
    defs = SCHEMA["$defs"]
    assert props["briefing"] == {
        "description": props["briefing"]["description"],
        "const": FORMAT_VERSION,
    }
    assert props["sections"]["maxItems"] == loader_schema.MAX_SECTIONS
    assert props["glossary"]["maxItems"] == loader_schema.MAX_GLOSSARY
    assert props["timeline"]["maxItems"] == loader_schema.MAX_TIMELINE
    assert defs["entry"]["properties"]["aliases"]["maxItems"] == loader_schema.MAX_ALIASES
    assert defs["text"]["maxLength"] == fields.MAX_TEXT
    assert defs["slug"]["maxLength"] == bounds.MAX_SLUG
    assert defs["slug"]["pattern"] == f"^{bounds.SLUG.pattern.replace('(?:', '(')}$"
    assert defs["entry"]["properties"]["kind"]["enum"] == [kind.value for kind in Kind]
    assert SCHEMA["required"] == list(loader_schema.TOP_REQUIRED)
    top = set(loader_schema.TOP_REQUIRED + loader_schema.TOP_OPTIONAL)
    assert set(props) == top | {"updated"}  # `updated`: FORMAT.md's, read by the feeds branch
    assert set(defs["source"]["properties"]) == {"outlet", *loader_schema.SOURCE_KEYS}
    section = {"id", "title", "body", *loader_schema.SECTION_OPTIONAL}
    assert set(defs["section"]["properties"]) == section
    entry = {"id", "name", "kind", "role", *loader_schema.ENTRY_OPTIONAL}
    assert set(defs["entry"]["properties"]) == entry
