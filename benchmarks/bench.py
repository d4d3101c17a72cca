"""Measure briefing as a terminal sees it, against a bare Textual app in the same run.

    python benchmarks/bench.py              # the full run (a few minutes)
    python benchmarks/bench.py --quick      # one repetition, small inputs (CI)

Everything is measured from outside the process, in a pseudo-terminal at
100x30: time to the first complete frame (spawn until the read that puts
the marker on screen: the marker is in the footer, the last row a full
frame draws), time until output settles (no byte for QUIET: a big glossary
keeps filling the sidebar after the first frame), key to settled frame,
bytes written, idle bytes and peak RSS (VmHWM). Times are taken when a read
returns, before the emulator is fed. Subjects run interleaved, after a warm-up run;
figures are medians (and p95 and the slowest press for keys). Also times the loader
on (c).
"""

from __future__ import annotations

import argparse
import os
import re
import select
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402
from tests.ptyterm import Terminal  # noqa: E402

QUIET = 0.08
"""A frame has settled when no byte arrives for this long (subtracted from timings)."""
COLUMNS, LINES = 100, 30
READER_KEYS = {
    "j": [b"j"],
    "page down": [b"\x1b[6~"],
    "toggle": [b"2", b"\r"],
    "next mention": [b"m"],
    "search step": [b"/", b"the\r", b"n"],
    "Tab": [b"\t"],
}
"""What each key measure presses: the keys before the last set it up, the last is timed."""


@dataclass
class Subject:
    name: str
    argv: list[str]
    marker: str
    keys: dict[str, list[bytes]] = field(default_factory=dict)
    cwd: Path = ROOT
    """Where it runs: `python -m briefing` imports the briefing found there."""
    first_open: bool = False
    """Each run with an empty cache folder: the file as if never opened before
    (no kept model, `briefing.store.modelcache`)."""


@dataclass
class Run:
    first_frame: float
    settled: float
    first_bytes: int
    peak_kib: int
    idle_bytes: int
    keys: dict[str, list[tuple[float, int]]]


def read_until_quiet(
    terminal: Terminal, timeout: float = 10.0, quiet: float = QUIET, since: float | None = None
) -> tuple[float, int]:
    """Read until `quiet` seconds pass with no output; (time of the last byte, bytes read).

    With no byte, the time is `since` (default: now).
    """
    total = 0
    last = time.perf_counter() if since is None else since
    deadline = last + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([terminal.fd], [], [], quiet)
        if not ready:
            break
        try:
            chunk = os.read(terminal.fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        last = time.perf_counter()
        total += len(chunk)
        terminal.output += chunk
        terminal.stream.feed(chunk)
    return last, total


def wait_for_marker(terminal: Terminal, marker: str, timeout: float = 60.0) -> float | None:
    """Read until `marker` is on screen; the time of the read that put it there."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([terminal.fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(terminal.fd, 65536)
        except OSError:
            return None
        if not chunk:
            return None
        arrived = time.perf_counter()
        terminal.output += chunk
        terminal.stream.feed(chunk)
        if marker in terminal.text():
            return arrived
    return None


def run_once(subject: Subject, env: dict[str, str], presses: int, idle: float) -> Run:
    if subject.first_open:
        env = {**env, "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="briefing-bench-cache-")}
    started = time.perf_counter()
    terminal = Terminal(subject.argv, columns=COLUMNS, lines=LINES, env=env, cwd=str(subject.cwd))
    try:
        marked = wait_for_marker(terminal, subject.marker)
        if marked is None:
            raise RuntimeError(f"{subject.name}: marker never appeared:\n{terminal.text()}")
        first_frame = marked - started
        first_bytes = len(terminal.output)
        last, _ = read_until_quiet(terminal, since=marked)
        settled = last - started
        keys: dict[str, list[tuple[float, int]]] = {}
        for label, sequence in subject.keys.items():
            *setup, key = sequence
            for data in setup:
                terminal.write(data)
                read_until_quiet(terminal)
            samples = []
            for _ in range(presses):
                before = len(terminal.output)
                sent = time.perf_counter()
                terminal.write(key)
                last, count = read_until_quiet(terminal)
                elapsed = max(0.0, last - sent) if count else 0.0
                samples.append((elapsed, len(terminal.output) - before))
            keys[label] = samples
            # Leave whatever the key opened. Textual polls input every 100 ms and
            # only then gives up waiting for the rest of an escape sequence, so
            # wait longer than that before the next key (or it reads as Alt+key).
            terminal.write(b"\x1b")
            time.sleep(0.25)
            read_until_quiet(terminal)
        before = len(terminal.output)
        time.sleep(idle)
        terminal.read(0.05)
        idle_bytes = len(terminal.output) - before
        status = Path(f"/proc/{terminal.pid}/status").read_text()
        match = re.search(r"VmHWM:\s+(\d+)", status)
        peak = int(match.group(1)) if match else 0
        terminal.write(b"q")
        terminal.wait_exit(timeout=10)
        return Run(first_frame, settled, first_bytes, peak, idle_bytes, keys)
    finally:
        terminal.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description="briefing's speed, measured from outside")
    parser.add_argument("--quick", action="store_true", help="tiny setting: proves it runs")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--idle", type=float, default=5.0)
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout (e.g. `git archive main`) to measure in the same run",
    )
    args = parser.parse_args()
    reps, presses, idle = (1, 3, 0.5) if args.quick else (args.reps, args.presses, args.idle)
    sizes = (20, 100, 40, 60) if args.quick else (1000, 5000, 2000, 150)

    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    big = work / "limits.yaml"
    big.write_text(generate(*sizes), encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(work), "TERM": "xterm-256color",
        "LANG": "C.UTF-8", "XDG_STATE_HOME": str(work / "state"),
        "XDG_DATA_HOME": str(work / "data"), "BRIEFING_PATH": "",
    }  # fmt: skip
    python = sys.executable
    briefing = [python, "-m", "briefing", "--fresh"]
    subjects = [
        Subject("(a) bare Textual", [python, str(ROOT / "benchmarks" / "bare_app.py")],
                "BARE-READY", {"j": [b"j"]}),
        Subject("(b) bundled", [*briefing, str(ROOT / "content")], "Commands", READER_KEYS),
        Subject("(c) limits", [*briefing, str(big)], "Commands", READER_KEYS),
    ]  # fmt: skip
    if args.baseline is not None:
        base = args.baseline.resolve()
        subjects += [
            Subject("(b0) bundled, baseline", [*briefing, str(base / "content")], "Commands",
                    READER_KEYS, cwd=base),
            Subject("(c0) limits, baseline", [*briefing, str(big)], "Commands", READER_KEYS,
                    cwd=base),
        ]  # fmt: skip
    subjects.append(
        Subject("(c1) limits, first open", [*briefing, str(big)], "Commands", {"j": [b"j"]},
                first_open=True)
    )  # fmt: skip

    results: dict[str, list[Run]] = {s.name: [] for s in subjects}
    for subject in subjects:  # warm-up: page cache, .pyc files
        run_once(subject, env, 1, 0.1)
    for _ in range(reps):
        for subject in subjects:
            results[subject.name].append(run_once(subject, env, presses, idle))

    def median(name: str, pick: str) -> float:
        return float(statistics.median(getattr(run, pick) for run in results[name]))

    names = [s.name for s in subjects]
    print(f"\n{reps} repetitions, {presses} presses per key, {COLUMNS}x{LINES}, "
          f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")  # fmt: skip
    print("| measure | " + " | ".join(names) + " | (b)/(a) | (c)/(b) |")
    print("|---|" + "---|" * (len(names) + 2))
    rows = [
        ("first frame (s)", "first_frame", "{:.3f}"),
        ("settled (s)", "settled", "{:.3f}"),
        ("first frame bytes", "first_bytes", "{:,.0f}"),
        ("peak RSS (MiB)", "peak_kib", "{:.1f}"),
        (f"idle bytes ({idle:g} s)", "idle_bytes", "{:,.0f}"),
    ]
    for label, pick, fmt in rows:
        values = [median(name, pick) / (1024 if pick == "peak_kib" else 1) for name in names]
        ratio_b = f"{values[1] / values[0]:.2f}" if values[0] else "–"
        ratio_c = f"{values[2] / values[1]:.2f}" if values[1] else "–"
        print(f"| {label} | " + " | ".join(fmt.format(v) for v in values)
              + f" | {ratio_b} | {ratio_c} |")  # fmt: skip
    for key in READER_KEYS:
        cells = []
        for name in names:
            samples = [s for run in results[name] for s in run.keys.get(key, [])]
            if not samples:
                cells.append("–")
                continue
            times = [t * 1000 for t, _ in samples]
            sizes_ = [b for _, b in samples]
            cells.append(f"{statistics.median(times):.0f} / {p95(times):.0f} / "
                         f"{max(times):.0f} ms, {statistics.median(sizes_):,.0f} B")  # fmt: skip
        print(f"| `{key}` median / p95 / max, bytes | " + " | ".join(cells) + " | | |")

    import re as regex_module

    from briefing.format.loader import load_path

    timings = []
    for _ in range(max(1, reps)):
        regex_module.purge()  # what a fresh process pays, not a warm regex cache
        started = time.perf_counter()
        load_path(big)
        timings.append(time.perf_counter() - started)
    print(f"\nloader on (c): median {statistics.median(timings):.3f} s over {len(timings)} runs "
          f"({big.stat().st_size:,} bytes)")  # fmt: skip


if __name__ == "__main__":
    main()
