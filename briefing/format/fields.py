"""Typed readers for YAML nodes: text, slugs, dates, booleans, lists, keys.

Each reader returns the value, or None after recording a problem at the
node's own line and column, so one pass over a file collects every problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TypeVar

from briefing.format.bounds import MAX_SLUG, SLUG
from briefing.format.cleaning import clean_text
from briefing.format.model import PartialDate
from briefing.format.yamlsafe import (
    Mapping,
    Node,
    Problem,
    Refused,
    Scalar,
    Sequence,
    resolve_scalar,
)

MAX_TEXT = 100_000
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", re.ASCII)
_DATE_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)

_TYPE_NAMES = {
    "int": "a number",
    "float": "a number",
    "bool": "a yes/no value",
    "null": "nothing (an empty value)",
    "timestamp": "a date",
    "str": "text",
}

T = TypeVar("T")


def describe(node: Node) -> str:
    """How YAML reads a node, in words an author understands."""
    if isinstance(node, Scalar):
        kind = resolve_scalar(node)
        if kind == "null":
            return _TYPE_NAMES[kind]
        if kind == "str":
            shown = clean_text(node.value, single_line=True)[0]
            return f"text ({shown[:40]!r}{'...' if len(shown) > 40 else ''})"
        return f"{_TYPE_NAMES[kind]} ({node.value})"
    if isinstance(node, Sequence):
        return "a list"
    if isinstance(node, Mapping):
        return "a mapping"
    return "something refused above"


class Fields:
    """Reads typed values out of nodes, collecting problems as it goes."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, node: Node | Scalar, message: str) -> None:
        self.problems.append(Problem(node.line, node.column, message))

    def warning(self, node: Node | Scalar, message: str) -> None:
        self.problems.append(Problem(node.line, node.column, message, "warning"))

    def keys(
        self,
        mapping: Mapping,
        what: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> bool:
        """Report unknown and missing keys; True when every required key is there."""
        allowed = required + optional
        for key, (key_node, _value) in mapping.pairs.items():
            if key in allowed:
                continue
            hint = ""
            import difflib  # only files with a stray key pay for it

            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if close:
                hint = f"; did you mean {close[0]!r}?"
            self.error(
                key_node,
                f"unknown key {clean_text(key, single_line=True)[0]!r} in {what} "
                f"(allowed: {', '.join(allowed)}){hint}",
            )
        missing = [key for key in required if key not in mapping.pairs]
        for key in missing:
            self.error(mapping, f"{what} is missing the required key {key!r}")
        return not missing

    def at(
        self, mapping: Mapping, key: str, read: Callable[[Node, str], T | None], what: str
    ) -> T | None:
        """Read the value under `key` with `read`, or None when the key is absent."""
        node = mapping.get(key)
        return None if node is None else read(node, what)

    def line(self, node: Node, what: str) -> str | None:
        """Text that must fit on one line: names, titles, roles."""
        return self.text(node, what, single_line=True)

    def paragraph(self, node: Node, what: str) -> str | None:
        """Text that may hold line breaks."""
        return self.text(node, what)

    def mapping(self, node: Node, what: str) -> Mapping | None:
        if isinstance(node, Mapping):
            return node
        if not isinstance(node, Refused):
            self.error(node, f"{what}: expected a mapping of keys, found {describe(node)}")
        return None

    def sequence(self, node: Node, what: str, *, limit: int | None = None) -> list[Node] | None:
        if not isinstance(node, Sequence):
            if not isinstance(node, Refused):
                self.error(node, f"{what}: expected a list, found {describe(node)}")
            return None
        if limit is not None and len(node.items) > limit:
            self.error(node, f"{what}: {len(node.items):,} items; the limit is {limit:,}")
            return None
        return node.items

    def text(self, node: Node, what: str, *, single_line: bool = False) -> str | None:
        """A non-empty text value, cleaned for the terminal (with a warning if changed)."""
        if not isinstance(node, Scalar):
            if not isinstance(node, Refused):
                self.error(node, f"{what}: expected text, found {describe(node)}")
            return None
        kind = resolve_scalar(node)
        if kind == "null":
            self.error(node, f"{what}: expected text, found nothing")
            return None
        if kind != "str":
            quoted = node.value.replace('"', '\\"')
            self.error(
                node,
                f"{what}: expected text, but YAML reads this as {describe(node)}; "
                f'put it in quotes ("{clean_text(quoted, single_line=True)[0]}") to mean the text',
            )
            return None
        if len(node.value) > MAX_TEXT:
            self.error(node, f"{what}: {len(node.value):,} characters; the limit is {MAX_TEXT:,}")
            return None
        value, notes = clean_text(node.value, single_line=single_line)
        for note in notes:
            self.warning(node, f"{what}: {note}")
        if not value:
            self.error(node, f"{what}: must not be empty")
            return None
        return value

    def slug(self, node: Node, what: str) -> str | None:
        value = self.text(node, what, single_line=True)
        if value is None:
            return None
        if len(value) > MAX_SLUG or not SLUG.fullmatch(value):
            shown = value[:MAX_SLUG] + ("..." if len(value) > MAX_SLUG else "")
            self.error(
                node,
                f"{what}: {shown!r} is not a valid id: use lowercase letters, digits and single "
                f"hyphens (like 'harbour-bridge-2025'), at most {MAX_SLUG} characters",
            )
            return None
        return value

    def boolean(self, node: Node, what: str) -> bool | None:
        if isinstance(node, Scalar) and resolve_scalar(node) == "bool":
            return node.value.lower() in ("true", "yes", "on")
        if not isinstance(node, Refused):
            self.error(node, f"{what}: expected true or false, found {describe(node)}")
        return None

    def date(self, node: Node, what: str) -> dt.date | None:
        """A calendar date: a YAML date, or a quoted string of the form YYYY-MM-DD."""
        if isinstance(node, Scalar) and resolve_scalar(node) in ("str", "timestamp"):
            match = _DATE.fullmatch(node.value.strip())
            if match:
                try:
                    return dt.date(*(int(part) for part in match.groups()))
                except ValueError:
                    self.error(node, f"{what}: {node.value.strip()} is not a real calendar date")
                    return None
        if not isinstance(node, Refused):
            self.error(node, f"{what}: expected a date like 2024-01-19, found {describe(node)}")
        return None

    def date_time(self, node: Node, what: str) -> dt.datetime | None:
        """An RFC 3339 date-time with a zone: a YAML timestamp or a quoted string."""
        if isinstance(node, Scalar) and resolve_scalar(node) in ("str", "timestamp"):
            text = node.value.strip()
            value = parse_date_time(text)
            if value is not None:
                return value
            shown = clean_text(text, single_line=True)[0][:40]
            hint = "; write it like 2024-01-19T14:30:00Z or 2024-01-19T16:30:00+02:00"
            if _DATE_TIME.fullmatch(text):
                self.error(node, f"{what}: {shown} is not a real date and time{hint}")
                return None
            if _DATE.match(text):
                self.error(node, f"{what}: {shown} has no time zone (or is not RFC 3339){hint}")
                return None
        if not isinstance(node, Refused):
            self.error(
                node,
                f"{what}: expected a date and time with a zone like 2024-01-19T14:30:00Z, "
                f"found {describe(node)}",
            )
        return None

    def partial_date(self, node: Node, what: str) -> PartialDate | None:
        """A year, a month or a day: YYYY, YYYY-MM or YYYY-MM-DD."""
        if isinstance(node, Scalar) and resolve_scalar(node) in ("str", "timestamp", "int"):
            match = _PARTIAL_DATE.fullmatch(node.value.strip())
            if match:
                year, month, day = (int(part) if part else 0 for part in match.groups())
                try:
                    # 0 means "not given"; a written 00 (2023-00) is no month or day.
                    if "00" in match.groups()[1:]:
                        raise ValueError
                    dt.date(year, month or 1, day or 1)
                except ValueError:
                    self.error(node, f"{what}: {node.value.strip()} is not a real calendar date")
                    return None
                return PartialDate(year, month, day)
        if not isinstance(node, Refused):
            self.error(
                node,
                f"{what}: expected a date like 2024, 2024-01 or 2024-01-19, found {describe(node)}",
            )
        return None

    def items(
        self,
        node: Node,
        what: str,
        read: Callable[[Node, str], T | None],
        *,
        limit: int | None = None,
    ) -> tuple[T, ...]:
        """A list read item by item; bad items are reported and left out."""
        items = self.sequence(node, what, limit=limit)
        if items is None:
            return ()
        values = (read(item, f"{what}[{number}]") for number, item in enumerate(items, 1))
        return tuple(value for value in values if value is not None)


def parse_date_time(value: str) -> dt.datetime | None:
    """An RFC 3339 date-time with a zone, or None (no zone, not a real instant, other text)."""
    match = _DATE_TIME.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, zh, zm = match.groups()
    try:
        offset = dt.timedelta(hours=int(zh), minutes=int(zm)) if not zulu else dt.timedelta()
        if sign == "-":
            offset = -offset
        micro = int((fraction or "0").ljust(6, "0")[:6])
        # RFC 3339 allows a leap second (:60); Python cannot hold one, so it becomes :59.
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), min(int(second), 59), micro,
            tzinfo=dt.timezone(offset),
        )  # fmt: skip
    except ValueError:
        return None
