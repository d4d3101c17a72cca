"""The optional top-level `updated` (an RFC 3339 date-time with a zone): loader and exports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.format.fields import parse_date_time
from briefing.format.loader import BriefingError, load_bytes
from briefing.format.model import format_date_time
from briefing.render.exports import to_json, to_markdown, to_text

BASE = """\
briefing: 1
id: t
title: T
summary: S.
date: 2024-01-19
{updated}
source: {{outlet: O}}
sections: [{{id: a, title: A, body: [x]}}]
"""


def load(updated: str) -> dt.datetime | None:
    return load_bytes(BASE.format(updated=updated).encode()).briefing.updated


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", None),
        ("updated: 2024-01-19T14:30:00Z", dt.datetime(2024, 1, 19, 14, 30, tzinfo=dt.UTC)),
        (
            'updated: "2024-01-19T16:30:00+02:00"',
            dt.datetime(2024, 1, 19, 14, 30, tzinfo=dt.UTC),
        ),
        (
            "updated: 2024-01-19t14:30:00.25-05:30",
            dt.datetime(2024, 1, 19, 20, 0, 0, 250000, dt.UTC),
        ),
    ],
)
def test_valid_updated_values_load(line: str, expected: dt.datetime | None) -> None:
    assert load(line) == expected


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "updated: 2024-01-19T14:30:00",
            "6:10: error: updated: 2024-01-19T14:30:00 has no time zone",
        ),
        ("updated: 2024-01-19", "6:10: error: updated: 2024-01-19 has no time zone"),
        ('updated: "2024-02-30T10:00:00Z"', "is not a real date and time"),
        ("updated: 2024-01-19T25:00:00Z", "is not a real date and time"),
        ("updated: yes", "expected a date and time with a zone"),
        ("updated: [2024]", "found a list"),
        ("update: 2024-01-19T14:30:00Z", "unknown key 'update'"),
    ],
)
def test_refused_updated_values_name_the_problem(line: str, message: str) -> None:
    with pytest.raises(BriefingError) as caught:
        load(line)
    assert any(message in str(d) for d in caught.value.diagnostics), caught.value.diagnostics


def test_exports_carry_updated() -> None:
    briefing = load_bytes(BASE.format(updated="updated: 2024-01-19T16:30:00+02:00").encode())
    data = json.loads(to_json(briefing.briefing))
    assert data["updated"] == "2024-01-19T16:30:00+02:00"
    assert "updated 2024-01-19T16:30:00+02:00" in to_text(briefing.briefing)
    assert "updated 2024-01-19T16:30:00\\+02:00" in to_markdown(briefing.briefing)  # escaped
    plain = load_bytes(BASE.format(updated="").encode()).briefing
    assert json.loads(to_json(plain))["updated"] is None
    assert "updated" not in to_text(plain)


@given(
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59),
)
def test_written_date_times_read_back(moment: dt.datetime, minutes: int) -> None:
    local = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    assert parse_date_time(format_date_time(local)) == local
