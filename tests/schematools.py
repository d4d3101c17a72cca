"""The shipped JSON Schema and the loader, side by side: verdicts and messages of each."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from briefing.format.json_schema import schema
from briefing.format.loader import BriefingError, load_bytes

SCHEMA = schema()


VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NOT_PLAIN_YAML = object()


#: Rules only the loader checks, each with the words of its message. A file the
#: loader refuses only for these may pass the schema.
LOADER_ONLY_MESSAGES = {
    "ids are unique": r"is already used \(line \d+\)",
    "references name an existing entry or section": r"names no (glossary entry|section) in this",
    "no anchors, aliases or merge keys": r"^(anchors \(|aliases \(|merge keys)",
    "no tags": r"^tags \(",
    "no duplicate keys": r"^duplicate key ",
    "the version is the plain number 1": r"^briefing: expected the format version",
    "a file of one YAML document, valid UTF-8, no raw control characters": (
        r"^(not valid YAML|more than one YAML document|not valid UTF-8|character U\+)"
    ),
    "at most 4 MiB, 32 levels and 300,000 values": r"^(file is .* bytes|nesting deeper|more than)",
}


#: Rules the schema checks in part: it sees what a YAML parser made of a value.
PARTLY = {
    # `title: no` is a boolean to both, `title: 2024-01-19` a string to a JSON validator.
    "values YAML 1.1 reads as another type need quotes": r"put it in quotes",
    # The pattern bounds months and days; only the loader knows 2025-02-30 is no date.
    "dates are real calendar dates": r"is not a real calendar date",
}


def classify(message: str) -> str:
    for pattern in LOADER_ONLY_MESSAGES.values():
        if re.search(pattern, message):
            return "loader"
    for pattern in PARTLY.values():
        if re.search(pattern, message):
            return "partly"
    return "schema"


def plain(value: Any) -> Any:
    """What a YAML-aware editor hands its JSON Schema validator: dates as strings."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def parse_plain(data: bytes) -> Any:
    try:
        return plain(yaml.load(data, Loader=SAFE_LOADER))  # noqa: S506
    except (yaml.YAMLError, RecursionError, ValueError):
        return NOT_PLAIN_YAML


def loader_errors(data: bytes) -> list[tuple[int, str]]:
    try:
        load_bytes(data)
    except BriefingError as error:
        return [(d.line, d.message) for d in error.diagnostics if d.severity == "error"]
    return []


def schema_errors(value: Any) -> list[ValidationError]:
    return list(VALIDATOR.iter_errors(value))
