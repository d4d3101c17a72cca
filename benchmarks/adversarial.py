"""Adversarial briefings for the mention finder: load time and peak RSS against file size.

    python benchmarks/adversarial.py [--scales 0.25 0.5 1] [--case NAME ...]

Each case is a legal file (within every FORMAT.md limit but the mention cap,
which `cap` crosses on purpose) built to defeat a naive finder: at scale 1 the
first three are the files first reported against the reader (256 s; MemoryError past 4 GB;
30 s before leftmost-longest). Each size loads in a fresh interpreter (the
same way `briefing check` does) and prints time and peak RSS, so linear
growth shows as time and RSS over bytes staying flat across scales.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HEAD = """briefing: 1
id: adversarial
title: Adversarial mentions
summary: A file built to stress the mention finder.
date: 2024-01-01
source:
  outlet: Benchmarks
"""


def _entry(index: int, name: str, aliases: list[str]) -> str:
    lines = [
        f"  - id: e{index}",
        f"    name: {json.dumps(name)}",
        "    kind: person",
        "    role: A name that shares its words with every other.",
    ]
    if aliases:
        lines.append(f"    aliases: {json.dumps(aliases)}")
    return "\n".join(lines)


def _document(paragraphs: list[str], entries: list[str]) -> str:
    body = "\n".join(f"      - {json.dumps(text)}" for text in paragraphs)
    sections = f"sections:\n  - id: s\n    title: Text\n    body:\n{body}\n"
    return HEAD + sections + "glossary:\n" + "\n".join(entries) + "\n"


def _runs(word: str, count: int, per_paragraph: int = 40_000) -> list[str]:
    """`count` copies of `word`, space-separated, in paragraphs under the 100,000-character cap."""
    paragraphs = []
    while count > 0:
        take = min(count, per_paragraph)
        paragraphs.append(" ".join([word] * take))
        count -= take
    return paragraphs


def shared_first_word(scale: float) -> str:
    """1,000 entries x 200 aliases "a ..." over 10,000 x "a" (was 256 s)."""
    entries = max(1, int(1000 * scale))
    built = [_entry(n, f"a {n}", [f"a {n} {k}" for k in range(199)]) for n in range(entries)]
    return _document(_runs("a", int(10_000 * scale)), built)


def nested_names(scale: float) -> str:
    """Names "a", "a a", "a a a", ... over a long run of "a" (was MemoryError past 4 GB)."""
    names = max(1, int(1000 * scale))
    forms = [" ".join(["a"] * length) for length in range(1, names + 1)]
    built = [
        _entry(n, forms[n * 200], forms[n * 200 + 1 : n * 200 + 200])
        for n in range((names + 199) // 200)
    ]
    return _document(_runs("a", int(100_000 * scale)), built)


def punctuation_names(scale: float) -> str:
    """5,000 names starting with "(" over "( ( ( ..." (was 30 s)."""
    entries = max(1, int(5000 * scale))
    built = [_entry(n, "(" + " (" * (n % 20) + f" n{n}", []) for n in range(entries)]
    return _document(_runs("(", int(200_000 * scale)), built)


def cap(scale: float) -> str:
    """One entry "a" mentioned 2,000,000 times at scale 1: refused, naming it."""
    return _document(_runs("a", int(2_000_000 * scale)), [_entry(0, "a", [])])


CASES: dict[str, Callable[[float], str]] = {
    "shared-first-word": shared_first_word,
    "nested-names": nested_names,
    "punctuation-names": punctuation_names,
    "cap": cap,
}

PROBE = """
import json, resource, sys, time
from briefing.format.loader import BriefingError, load_path
start = time.perf_counter()
try:
    load_path(sys.argv[1])
    verdict = "loaded"
except BriefingError as error:
    verdict = "refused: " + str(error)[:100]
print(json.dumps({"seconds": time.perf_counter() - start, "verdict": verdict,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(source: str) -> dict[str, object]:
    """Load `source` in a fresh interpreter: seconds, peak RSS (MiB), verdict."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "case.yaml")
        Path(path).write_text(source, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-c", PROBE, path], capture_output=True, text=True, check=True
        )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.25, 0.5, 1.0])
    parser.add_argument("--case", choices=sorted(CASES), nargs="+", default=list(CASES))
    args = parser.parse_args()
    print("| case | scale | bytes | seconds | peak RSS (MiB) | us per KB | verdict |")
    print("|---|---|---|---|---|---|---|")
    for name in args.case:
        for scale in args.scales:
            source = CASES[name](scale)
            size = len(source.encode("utf-8"))
            result = measure(source)
            seconds = float(str(result["seconds"]))
            print(
                f"| {name} | {scale:g} | {size:,} | {seconds:.3f} | "
                f"{float(str(result['rss_mib'])):.0f} | {seconds * 1e6 / (size / 1024):.0f} | "
                f"{result['verdict']} |"
            )


if __name__ == "__main__":
    main()
