"""Hostile files: each one is loaded in its own interpreter, under a time and memory bound.

A crash (libyaml segfault, RecursionError, MemoryError) or a hang would take pytest down with
it if these ran in-process, so every case runs in a subprocess that reports back as JSON: a
dead interpreter or a timeout is then one failed test. The loader must answer with its own
`BriefingError` (or load, where the input is legal) in under 2 s and 200 MB peak RSS.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

MAX_SECONDS = 2.0
MAX_RSS_KB = 200 * 1024

PROBE = """
import json, sys, time
from briefing.format.loader import BriefingError, load_path
start = time.perf_counter()
try:
    loaded = load_path(sys.argv[1])
except BriefingError as error:
    result = {"loaded": False, "diagnostics": [str(d) for d in error.diagnostics]}
else:
    result = {"loaded": True, "diagnostics": [str(w) for w in loaded.warnings],
              "title": loaded.briefing.title}
result["seconds"] = time.perf_counter() - start
# VmHWM is this interpreter's own peak: ru_maxrss would carry over the peak of the
# (possibly large) pytest process that forked it, since Linux keeps it across exec.
with open("/proc/self/status") as status:
    result["max_rss_kb"] = next(
        int(line.split()[1]) for line in status if line.startswith("VmHWM:")
    )
print(json.dumps(result))
"""

MINIMAL = (Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "minimal.yaml").read_text(
    encoding="utf-8"
)


def probe(tmp_path: Path, data: bytes) -> dict[str, Any]:
    """Load `data` from t.yaml in a fresh interpreter; its verdict, time and peak memory."""
    (tmp_path / "t.yaml").write_bytes(data)
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "t.yaml"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the loader hung for 30 s")
    assert done.returncode == 0, f"interpreter died ({done.returncode}): {done.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(done.stdout)
    assert result["seconds"] < MAX_SECONDS, result["seconds"]
    assert result["max_rss_kb"] < MAX_RSS_KB, result["max_rss_kb"]
    return result


def refused(tmp_path: Path, data: bytes | str) -> list[str]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    result = probe(tmp_path, raw)
    assert not result["loaded"], result
    diagnostics: list[str] = result["diagnostics"]
    assert diagnostics
    return diagnostics


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs(tmp_path: Path) -> None:
    got = refused(tmp_path, billion_laughs())
    assert "t.yaml:1:4: error: anchors (&a) are not allowed" in got
    assert "t.yaml:2:8: error: aliases (*a) are not allowed" in got
    assert sum("aliases (*" in line for line in got) == 8 * 9


@pytest.mark.parametrize(
    ("source", "anchor_at", "alias_at"),
    [("a: &a [*a]\n", "1:4", "1:8"), ("a: &m {k: *m}\n", "1:4", "1:11")],
    ids=["list", "mapping"],
)
def test_recursive_alias(tmp_path: Path, source: str, anchor_at: str, alias_at: str) -> None:
    got = refused(tmp_path, source)
    assert f"t.yaml:{anchor_at}: error: anchors (&{source[4]}) are not allowed" in got
    assert f"t.yaml:{alias_at}: error: aliases (*{source[4]}) are not allowed" in got


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deep_flow_nesting(tmp_path: Path, depth: int) -> None:
    """libyaml's C composer segfaults near 30,000 `[`, and its scanner slows quadratically."""
    got = refused(tmp_path, "title: " + "[" * depth + "]" * depth + "\n")
    # Column 39 when this loader counts the levels; PyYAML >= 6.0.4's libyaml
    # may stop the scan itself further on (at its own limit of 1,000).
    assert len(got) == 1
    assert re.fullmatch(r"t\.yaml:1:(39|\d{4}): error: nesting deeper than 32 levels", got[0])


def test_deep_unclosed_flow_nesting(tmp_path: Path) -> None:
    got = refused(tmp_path, "title: " + "{a: " * 100_000 + "\n")
    assert got == ["t.yaml:1:132: error: nesting deeper than 32 levels"]


def test_deep_block_mappings(tmp_path: Path) -> None:
    """As deep as an indented file can get within 4 MiB: about 2,000 levels."""
    depth = 2000
    source = "".join("  " * level + f"k{level}:\n" for level in range(depth)) + "  " * depth + "v\n"
    assert len(source) < 4 * 1024 * 1024
    got = refused(tmp_path, source)
    assert "t.yaml:33:65: error: nesting deeper than 32 levels" in got


def test_deep_block_sequences(tmp_path: Path) -> None:
    got = refused(tmp_path, "title:\n  " + "- " * 100_000 + "x\n")
    assert got == ["t.yaml:2:65: error: nesting deeper than 32 levels"]


def test_five_megabyte_file(tmp_path: Path) -> None:
    got = refused(tmp_path, MINIMAL + "# " + "x" * (5 * 1024 * 1024) + "\n")
    assert got == ["t.yaml:1:1: error: file is 4,194,305 bytes; the limit is 4,194,304 (4 MiB)"]


def test_four_mebibytes_of_prose(tmp_path: Path) -> None:
    """A legal file at the size limit, written the way briefings are, loads within the bound."""
    paragraph = "Dana Lee told the council that the harbour bridge is tired. " * 16
    ids = ["background"] + [f"part-{n}" for n in range(1, 1000)]
    sections = "".join(
        f"  - id: {section_id}\n    title: A part\n    body:\n"
        + f"      - {paragraph}\n" * 4
        + "      - points: [Dana Lee spoke., The council voted.]\n"
        for section_id in ids
    )
    head, tail = MINIMAL.split("sections:\n")
    source = head + "sections:\n" + sections + "glossary:" + tail.split("glossary:")[1]
    assert 3.5 * 1024 * 1024 < len(source) < 4 * 1024 * 1024
    result = probe(tmp_path, source.encode())
    assert result["loaded"], result["diagnostics"][:3]


def test_duplicate_keys(tmp_path: Path) -> None:
    source = MINIMAL.replace("title: The council meets", "title: A\ntitle: B")
    assert refused(tmp_path, source) == [
        "t.yaml:4:1: error: duplicate key 'title' (first at line 3)"
    ]


@pytest.mark.parametrize(
    ("value", "reads_as"),
    [
        ("no", "a yes/no value (no)"),
        ("on", "a yes/no value (on)"),
        ("3.10", "a number (3.10)"),
        ("010", "a number (010)"),
        ("12:30", "a number (12:30)"),
    ],
)
def test_yaml_1_1_surprises(tmp_path: Path, value: str, reads_as: str) -> None:
    source = MINIMAL.replace("title: The council meets", f"title: {value}")
    assert refused(tmp_path, source) == [
        f"t.yaml:3:8: error: title: expected text, but YAML reads this as {reads_as}; "
        f'put it in quotes ("{value}") to mean the text'
    ]


def test_yaml_1_1_float_lookalike_that_is_text(tmp_path: Path) -> None:
    """PyYAML's resolver reads `1e3` as a string, so it is legal text and loads as typed."""
    result = probe(tmp_path, MINIMAL.replace("title: The council meets", "title: 1e3").encode())
    assert result["loaded"]
    assert result["title"] == "1e3"


def test_latin_1_bytes(tmp_path: Path) -> None:
    source = MINIMAL.replace("The council meets", "Caf\u00e9 owners").encode("latin-1")
    assert refused(tmp_path, source) == [
        "t.yaml:3:11: error: not valid UTF-8 (byte 0xe9); save the file as UTF-8"
    ]


def test_utf16_with_bom(tmp_path: Path) -> None:
    assert refused(tmp_path, MINIMAL.encode("utf-16")) == [
        "t.yaml:1:1: error: not valid UTF-8 (byte 0xff); save the file as UTF-8"
    ]


def test_utf16_without_bom(tmp_path: Path) -> None:
    """Every other byte is NUL, which the YAML reader refuses with a position."""
    assert refused(tmp_path, MINIMAL.encode("utf-16-le")) == [
        "t.yaml:1:2: error: character U+0000 is not allowed in YAML; "
        "remove it or write it as an escape inside double quotes"
    ]


def test_nul_bytes(tmp_path: Path) -> None:
    source = MINIMAL.replace("The council meets", "The\x00council").encode()
    assert refused(tmp_path, source) == [
        "t.yaml:3:11: error: character U+0000 is not allowed in YAML; "
        "remove it or write it as an escape inside double quotes"
    ]


def test_raw_escape_byte(tmp_path: Path) -> None:
    source = MINIMAL.replace("Dana Lee opened", "Dana Lee \x1b]52;c;eA==\x07 opened").encode()
    assert refused(tmp_path, source) == [
        "t.yaml:12:18: error: character U+001B is not allowed in YAML; "
        "remove it or write it as an escape inside double quotes"
    ]


def test_escaped_controls_load_cleaned(tmp_path: Path) -> None:
    """The escaped forms are legal YAML: they load, replaced, with a warning."""
    source = MINIMAL.replace("title: The council meets", 'title: "\\e]52;c;eA==\\a \\x9b \\u0007"')
    result = probe(tmp_path, source.encode())
    assert result["loaded"]
    assert result["title"] == "\ufffd]52;c;eA==\ufffd \ufffd \ufffd"
    assert result["diagnostics"] == [
        "t.yaml:3:8: warning: title: replaced control character U+0007, control character "
        "U+001B, control character U+009B with U+FFFD"
    ]


def test_python_object_tag(tmp_path: Path) -> None:
    source = MINIMAL.replace(
        "title: The council meets", 'title: !!python/object/apply:os.system ["touch pwned"]'
    )
    got = refused(tmp_path, source)
    assert got[0] == "t.yaml:3:8: error: tags (!!python/object/apply:os.system) are not allowed"
    assert not (tmp_path / "pwned").exists()


def test_invalid_typed_scalars_do_not_escape(tmp_path: Path) -> None:
    """`2024-13-45` and `!!int abc` make PyYAML raise ValueError; here they are just refused."""
    source = MINIMAL.replace("date: 2025-03-14", "date: 2024-13-45", 1).replace(
        "title: The council meets", "title: !!int abc"
    )
    got = refused(tmp_path, source)
    assert got == [
        "t.yaml:3:8: error: tags (!!int) are not allowed",
        "t.yaml:5:7: error: date: 2024-13-45 is not a real calendar date",
    ]


@pytest.mark.parametrize("item", ["- a\n", "- [a]\n", "  - a\n"])
def test_four_mebibytes_of_tiny_list_items(tmp_path: Path, item: str) -> None:
    """FORMAT.md sets no count for topics, points or body blocks; size alone allows
    about two million values, which must still be refused within the bound."""
    head = MINIMAL.replace("topics:", "unused_topics:") if "topics:" in MINIMAL else MINIMAL
    body = item * ((4 * 1024 * 1024 - len(head) - 20) // len(item))
    got = refused(tmp_path, head + "topics:\n" + body)
    assert any("more than 300,000 values" in line for line in got), got[:3]
