"""Loader bounds: the installed `briefing` under a time and an address-space limit.

Each adversarial file of benchmarks/adversarial.py (at the size first reported) must
be answered by `briefing check` within the time limit and without growing past the memory
limit: before the leftmost-longest automaton these took 256 s, hit MemoryError past 4 GB,
and took 30 s. The mention cap and the per-file diagnostics cap are tested here too.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.adversarial import CASES
from briefing.format.loader import MAX_DIAGNOSTICS, BriefingError, load_bytes
from briefing.format.mentions import MAX_MENTIONS

BRIEFING = shutil.which("briefing", path=str(Path(sys.executable).parent))
SECONDS = 20.0
"""Generous against a loaded 2-core machine; the cases take 0.5-3 s here, and minutes before."""
ADDRESS_SPACE = 1024 * 1024 * 1024
"""Virtual memory, not RSS (the worst case peaks near 120 MB RSS); it stops a runaway early."""


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def check(path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """`briefing check PATH` in its own process, bounded like `prlimit --as`."""
    assert BRIEFING, "the briefing console script is not installed next to this Python"
    start = time.monotonic()
    try:
        done = subprocess.run(
            [BRIEFING, "check", str(path)],
            capture_output=True,
            text=True,
            timeout=SECONDS,
            preexec_fn=_limited,
            cwd=path.parent,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"briefing check took more than {SECONDS} s")
    return done, time.monotonic() - start


@pytest.mark.parametrize("case", ["shared-first-word", "nested-names", "punctuation-names"])
def test_adversarial_mentions_load_in_bounded_time_and_memory(tmp_path: Path, case: str) -> None:
    path = tmp_path / f"{case}.yaml"
    path.write_text(CASES[case](1.0), encoding="utf-8")
    done, _ = check(path)
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr.strip().endswith("1 loaded, 0 refused")


def test_two_million_mentions_are_refused_naming_the_entry(tmp_path: Path) -> None:
    """A file with one entry "a", 2,000,000 mentions (the reader froze at 2.5 GB)."""
    path = tmp_path / "cap.yaml"
    path.write_text(CASES["cap"](1.0), encoding="utf-8")
    done, _ = check(path)
    assert done.returncode == 1, done.stderr[-2000:]
    errors = [line.split(":", 3) for line in done.stderr.splitlines() if ": error: " in line]
    assert [(path, column, message) for path, _, column, message in errors] == [
        (
            "cap.yaml",
            "5",
            " error: 2,000,000 mentions in all; the limit is 100,000 "
            "(glossary entry 'e0' has the most: 2,000,000)",
        )
    ]


def _one_entry(mentions: int) -> bytes:
    return CASES["cap"](mentions / 2_000_000).encode("utf-8")


def test_exactly_the_mention_limit_loads() -> None:
    """At the cap: one entry with 100,000 mentions loads, and all of them are kept."""
    briefing = load_bytes(_one_entry(MAX_MENTIONS), "cap.yaml").briefing
    assert len(briefing.mentions_of("e0")) == MAX_MENTIONS


def test_one_past_the_mention_limit_is_refused() -> None:
    with pytest.raises(BriefingError) as refused:
        load_bytes(_one_entry(MAX_MENTIONS + 1), "cap.yaml")
    errors = [d.message for d in refused.value.diagnostics if d.severity == "error"]
    assert errors == [
        "100,001 mentions in all; the limit is 100,000 (glossary entry 'e0' has the most: 100,001)"
    ]


def test_the_limit_counts_mentions_after_overlaps() -> None:
    """ "a a" wins over "a" twice per "a a a a": 2 mentions, not 4 + 3."""
    source = _one_entry(4).decode().replace('name: "a"', 'name: "a"\n    aliases: ["a a"]')
    briefing = load_bytes(source.encode(), "t.yaml").briefing
    assert len(briefing.mentions_of("e0")) == 2


def test_diagnostics_are_capped_per_file(tmp_path: Path) -> None:
    """Thousands of unknown keys: the first MAX_DIAGNOSTICS lines, then one "and N more"."""
    unknown = "".join(f"  key{n}: x\n" for n in range(5000))
    source = CASES["cap"](0.0).replace("source:\n  outlet: Benchmarks\n", "source:\n" + unknown)
    path = tmp_path / "keys.yaml"
    path.write_text(source, encoding="utf-8")
    done, _ = check(path)
    lines = done.stderr.splitlines()
    assert done.returncode == 1
    assert len(lines) == MAX_DIAGNOSTICS + 2  # the last: "0 loaded, 1 refused"
    assert lines[-2].startswith("keys.yaml:")
    assert re.fullmatch(
        r"keys\.yaml:\d+:\d+: error: and [\d,]+ more problems \([\d,]+ errors, 0 warnings\) "
        r"not shown",
        lines[-2],
    ), lines[-2]


def test_the_adversarial_benchmark_runs() -> None:
    """benchmarks/adversarial.py at a tiny scale: it runs and prints its table (no thresholds)."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "benchmarks/adversarial.py", "--scales", "0.01", "0.02"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("| loaded |") == 8  # the cap case is under the cap at this scale
