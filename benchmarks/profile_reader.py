"""Where the reader's time goes: start-up phases and one `j`, profiled in a real pty.

    python benchmarks/profile_reader.py                 # bundled and 1,000-section briefings
    python benchmarks/profile_reader.py --top 40        # longer function lists
    python benchmarks/profile_reader.py --keys 50       # more `j` presses to profile
    python benchmarks/profile_reader.py --key toggle    # another of bench.py's key measures

The reader runs exactly as in bench.py (`python -m briefing --fresh PATH` in
a pseudo-terminal at 100x30), but with cProfile switched on from the first
bytecode: the child is this file with `--child`, which starts the profiler,
then runs briefing's `main`. The parent watches the screen and signals the
child: SIGUSR1 when the first frame is on screen (the child writes the
start-up profile), SIGUSR2 once output settled (a fresh profile starts),
then it presses `j` (or `--key`, set up as bench.py sets it up) and sends
SIGUSR2 again (the child writes it).
Phases are the cumulative time of the functions that do them (PHASES
below), so they overlap where one calls the other; imports are the time in
`importlib`'s `_find_and_load`. For each key the parent also
counts bytes written, and the profile counts layout passes (Screen's
`_refresh_layout`), compositor renders and widget line renders.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHASES: list[tuple[str, str, str]] = [
    ("imports", "<frozen importlib._bootstrap>", "_find_and_load"),
    ("app construction", "briefing/tui/app.py", "__init__"),
    ("CSS parse", "textual/css/stylesheet.py", "parse"),
    ("CSS apply", "textual/css/stylesheet.py", "apply"),
    ("compose / mount", "textual/widget.py", "_compose"),
    ("layout passes", "textual/screen.py", "_refresh_layout"),
    ("compositor reflow", "textual/_compositor.py", "reflow"),
    ("compositor render", "textual/_compositor.py", "render_update"),
    ("widget line renders", "textual/widget.py", "render_line"),
    ("strip rendering", "textual/scroll_view.py", "render_line"),
    ("driver write", "textual/drivers/_writer_thread.py", "write"),
    ("glossary fill", "briefing/tui/widgets/glossary.py", "*"),
    ("sidebar", "briefing/tui/widgets/sidebar.py", "*"),
    ("article", "briefing/tui/widgets/article.py", "*"),
    ("article lines", "briefing/tui/widgets/articlelines.py", "*"),
    ("layout (briefing)", "briefing/render/layout.py", "*"),
    ("loader", "briefing/format/loader.py", "load_path"),
    ("gc", "~", "<method 'collect' of 'gc' objects>"),
]
"""(label, file suffix, function name or * for the module's heaviest entry point)."""


def child(startup_out: Path, key_out: Path, argv: list[str]) -> int:
    """Profile from here on; dump at SIGUSR1 (start-up) and SIGUSR2 (keys)."""
    profiler = cProfile.Profile()

    keys_profiled: list[bool] = []

    def dump_startup(_signum: int, _frame: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(startup_out)

    def keys(_signum: int, _frame: FrameType | None) -> None:
        """First signal: start a fresh profile for the keys; second: write it."""
        nonlocal profiler
        if not keys_profiled:
            keys_profiled.append(True)
            profiler = cProfile.Profile()
            profiler.enable()
            return
        profiler.disable()
        profiler.dump_stats(key_out)

    signal.signal(signal.SIGUSR1, dump_startup)
    signal.signal(signal.SIGUSR2, keys)
    sys.argv = ["briefing", *argv]
    profiler.enable()
    from briefing.cli.main import main

    return main()


def _matches(key: tuple[str, int, str], suffix: str, name: str) -> bool:
    filename, _line, function = key
    return filename.endswith(suffix) and (name == "*" or function == name)


def phase_table(stats: pstats.Stats) -> list[tuple[str, float, int]]:
    """(label, seconds, calls) per phase: the widest-reaching match's cumulative time."""
    raw = stats.stats  # type: ignore[attr-defined]
    rows = []
    for label, suffix, name in PHASES:
        found = [(value[3], value[1]) for key, value in raw.items() if _matches(key, suffix, name)]
        if not found:
            rows.append((label, 0.0, 0))
            continue
        cumulative = max(found)[0] if name == "*" else sum(c for c, _ in found)
        calls = max(found)[1] if name == "*" else sum(n for _, n in found)
        rows.append((label, cumulative, calls))
    return rows


def total_time(stats: pstats.Stats) -> float:
    return float(stats.total_tt)  # type: ignore[attr-defined]


def report(title: str, path: Path, top: int) -> None:
    stats = pstats.Stats(str(path))
    print(f"\n## {title}: {total_time(stats) * 1000:.0f} ms of profiled CPU\n")
    print("| phase | cumulative ms | calls |\n|---|---|---|")
    for label, seconds, calls in phase_table(stats):
        print(f"| {label} | {seconds * 1000:.0f} | {calls:,} |")
    print(f"\nheaviest {top} by own time:\n```")
    stats.sort_stats("tottime").print_stats(top)
    print("```")


def run(name: str, target: Path, keys: int, key: str, top: int, work: Path) -> None:
    from benchmarks.bench import COLUMNS, LINES, READER_KEYS, read_until_quiet, wait_for_marker
    from tests.ptyterm import Terminal

    startup_out, key_out = work / f"{name}-startup.prof", work / f"{name}-keys.prof"
    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(work), "TERM": "xterm-256color",
        "LANG": "C.UTF-8", "XDG_STATE_HOME": str(work / "state"),
        "XDG_DATA_HOME": str(work / "data"), "BRIEFING_PATH": "", "PYTHONPATH": str(ROOT),
    }  # fmt: skip
    argv = [sys.executable, __file__, "--child", str(startup_out), str(key_out)]
    argv += ["--fresh", str(target)]
    started = time.perf_counter()
    terminal = Terminal(argv, columns=COLUMNS, lines=LINES, env=env, cwd=str(ROOT))
    try:
        marked = wait_for_marker(terminal, "Commands")
        if marked is None:
            raise RuntimeError(f"{name}: no first frame:\n{terminal.text()}")
        first = marked - started
        os.kill(terminal.pid, signal.SIGUSR1)
        last, _ = read_until_quiet(terminal, since=marked)
        settled = last - started
        *setup, pressed = READER_KEYS[key]
        for data in setup:
            terminal.write(data)
            read_until_quiet(terminal)
        os.kill(terminal.pid, signal.SIGUSR2)
        read_until_quiet(terminal)
        sizes = []
        for _ in range(keys):
            before = len(terminal.output)
            terminal.write(pressed)
            read_until_quiet(terminal)
            sizes.append(len(terminal.output) - before)
        os.kill(terminal.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 10
        while not key_out.exists() and time.monotonic() < deadline:
            terminal.read(0.05)
        terminal.write(b"q")
        terminal.wait_exit(timeout=10)
    finally:
        terminal.close()
    print(f"\n# {name}: first frame {first:.3f} s, settled {settled:.3f} s (under cProfile)")
    report(f"{name}, start-up to first frame", startup_out, top)
    sizes.sort()
    print(f"\n{keys} `{key}` presses: bytes median {sizes[len(sizes) // 2]:,}, max {sizes[-1]:,}")
    stats = pstats.Stats(str(key_out))
    raw = stats.stats  # type: ignore[attr-defined]
    for label, suffix, function in [
        ("layout passes", "textual/screen.py", "_refresh_layout"),
        ("compositor renders", "textual/_compositor.py", "render_update"),
        ("widget render_line calls", "textual/widget.py", "render_line"),
        ("gc collections", "~", "<method 'collect' of 'gc' objects>"),
    ]:
        calls = sum(v[1] for k, v in raw.items() if _matches(k, suffix, function))
        print(f"- {label} per `{key}`: {calls / keys:.1f}")
    report(f"{name}, {keys} `{key}` presses", key_out, top)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.exit(child(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--keys", type=int, default=30)
    parser.add_argument("--sections", type=int, default=1000)
    from benchmarks.bench import READER_KEYS

    parser.add_argument("--key", choices=list(READER_KEYS), default="j")
    args = parser.parse_args()
    from benchmarks.generate import generate

    work = Path(tempfile.mkdtemp(prefix="briefing-profile-"))
    big = work / "limits.yaml"
    big.write_text(generate(args.sections, 5000, 2000, 150), encoding="utf-8")
    run("bundled", ROOT / "content", args.keys, args.key, args.top, work)
    run(f"{args.sections:,}-section", big, args.keys, args.key, args.top, work)


if __name__ == "__main__":
    main()
