"""Write a briefing at FORMAT.md's limits, for benchmarks and stress tests.

    python benchmarks/generate.py OUT.yaml [--sections 1000] [--glossary 5000]
        [--timeline 2000] [--words 150] [--seed 1]

Deterministic for a seed. Every glossary entry is mentioned at least once,
so mention finding and the cards have real work to do.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = [
    "the",
    "council",
    "said",
    "officials",
    "reported",
    "a",
    "ministry",
    "statement",
    "border",
    "region",
    "talks",
    "analysts",
    "warned",
    "security",
    "forces",
    "late",
    "on",
    "tuesday",
    "according",
    "to",
    "sources",
    "familiar",
    "with",
    "the",
    "matter",
    "diplomatic",
    "pressure",
    "rose",
    "as",
    "both",
    "sides",
    "signalled",
    "restraint",
    "while",
    "observers",
    "noted",
    "that",
    "tensions",
    "remained",
    "high",
    "across",
    "the",
    "frontier",
]

SYLLABLES = ["ka", "lo", "mi", "ra", "sen", "tor", "vu", "zan", "bel", "dor", "eth", "fin"]
KINDS = ["person", "group", "organisation", "place"]


def _name(rng: random.Random, index: int) -> str:
    first = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
    last = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return f"{first} {last} {_roman(index)}"


def _roman(number: int) -> str:
    """A unique suffix made of letters only, so names stay whole words."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def generate(
    sections: int = 1000,
    glossary: int = 5000,
    timeline: int = 2000,
    words: int = 150,
    seed: int = 1,
) -> str:
    rng = random.Random(seed)
    names = [_name(rng, i) for i in range(glossary)]
    lines = [
        "briefing: 1",
        "id: generated-limits",
        'title: "A generated briefing at the format\'s limits"',
        "summary: >-",
        f"  A synthetic briefing with {sections} sections, {glossary} glossary entries",
        f"  and {timeline} timeline events, mentioning {names[0] if names else 'no one'}.",
        "date: 2025-01-01",
        "topics: [benchmark, generated]",
        "source:",
        "  outlet: Benchmark Wire",
        "  authors: [A. Generator]",
        "  note: Generated text; not news.",
        "sections:",
    ]
    per_section = max(1, -(-glossary // max(sections, 1)))
    for s in range(sections):
        lines += [
            f"  - id: s{s}",
            f"    title: {json.dumps(f'Section {s + 1}')}",
            f"    summary: {json.dumps(f'What happened in part {s + 1}.')}",
            "    body:",
        ]
        mentioned = names[s * per_section : (s + 1) * per_section]
        paragraphs = 3
        for p in range(paragraphs):
            chunk = [rng.choice(WORDS) for _ in range(words // paragraphs)]
            for n, name in enumerate(mentioned):
                if n % paragraphs == p:
                    chunk.insert(rng.randrange(len(chunk) + 1), name)
            joined = " ".join(chunk)
            text = joined[0].upper() + joined[1:] + "."
            if p == 1:
                lines.append(f"      - quote: {json.dumps(text)}")
                lines.append(f"        by: e{s * per_section if mentioned else 0}")
            else:
                lines.append(f"      - {json.dumps(text)}")
    if glossary:
        lines.append("glossary:")
    for g, name in enumerate(names):
        lines += [
            f"  - id: e{g}",
            f"    name: {json.dumps(name)}",
            f"    kind: {KINDS[g % 4]}",
            f"    role: {json.dumps(f'Entry number {g}.')}",
        ]
        if g % 7 == 0 and g + 1 < glossary:
            lines.append(f"    related: [e{g + 1}]")
    if timeline:
        lines.append("timeline:")
    for t in range(timeline):
        year = 2000 + t * 25 // max(timeline, 1)
        words_of_event = " ".join(rng.choice(WORDS) for _ in range(8))
        lines += [
            f"  - date: '{year}-{1 + t % 12:02d}-{1 + t % 28:02d}'",
            f"    event: {json.dumps(f'Event {t}: {words_of_event}')}",
            f"    section: s{t % max(sections, 1)}",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sections", type=int, default=1000)
    parser.add_argument("--glossary", type=int, default=5000)
    parser.add_argument("--timeline", type=int, default=2000)
    parser.add_argument("--words", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    text = generate(args.sections, args.glossary, args.timeline, args.words, args.seed)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()):,} bytes)")


if __name__ == "__main__":
    main()
