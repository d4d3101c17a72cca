"""First frame with change tracking: fresh, reopened unchanged, reopened changed.

    python benchmarks/changes_bench.py [--reps N] [--quick]

The claim: opening an unchanged briefing is not slower, because the
small state file keeps a hash of what was read and the remembered text is only
read when the hash differs. Measured from outside in a pty (benchmarks/bench.py's
`run_once`), interleaved, against a bare Textual app in the same run, for the
bundled briefing and one at the format's limits:

- fresh: `--fresh`, no state read at all (what every open cost before tracking);
- unchanged: state and remembered version on disk, the hash matches;
- changed: the file changed since it was read, so the remembered version is
  read, compared and marked (a fresh copy of the state for every run).

Also times in-process `briefing_hash` (computed on every open, before the first
frame) and `version_of` (only when something changed, or when leaving).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import Subject, run_once  # noqa: E402
from benchmarks.generate import generate  # noqa: E402
from briefing.format.loader import load_path  # noqa: E402
from briefing.tracking.changes import briefing_hash, version_of  # noqa: E402
from tests.ptyterm import Terminal  # noqa: E402


def changed(text: str) -> str:
    """The same briefing with words changed in its sections."""
    at = text.index("sections:")
    return text[:at] + text[at:].replace(" the ", " a ", 5)


def read_once(python: str, path: Path, env: dict[str, str]) -> None:
    """Open the reader on `path` and quit, so its state and version are remembered."""
    terminal = Terminal([python, "-m", "briefing", str(path)], env=env, cwd=str(ROOT))
    try:
        if not terminal.wait_for("Commands", timeout=60):
            raise RuntimeError(terminal.text())
        terminal.settle()
        terminal.write(b"q")
        terminal.wait_exit(timeout=20)
    finally:
        terminal.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small inputs, one repetition")
    args = parser.parse_args()
    reps = 1 if args.quick else args.reps
    sizes = (20, 100, 40, 60) if args.quick else (1000, 5000, 2000, 150)
    python = sys.executable
    work = Path(tempfile.mkdtemp(prefix="briefing-changes-bench-"))
    base = {
        "PATH": os.environ.get("PATH", ""), "HOME": str(work), "TERM": "xterm-256color",
        "LANG": "C.UTF-8", "XDG_DATA_HOME": str(work / "data"), "BRIEFING_PATH": "",
    }  # fmt: skip

    inputs = {
        "bundled": (ROOT / "content" / "iran-pakistan-2024-01.yaml").read_text(encoding="utf-8"),
        "limits": generate(*sizes),
    }
    subjects: list[tuple[Subject, Path | None]] = [
        (Subject("bare Textual", [python, str(ROOT / "benchmarks" / "bare_app.py")],
                 "BARE-READY"), None),
    ]  # fmt: skip
    for name, text in inputs.items():
        same, new = work / f"{name}.yaml", work / f"{name}-changed.yaml"
        same.write_text(text, encoding="utf-8")
        seed = work / f"seed-{name}"
        read_once(python, same, {**base, "XDG_STATE_HOME": str(seed)})
        new.write_text(changed(text), encoding="utf-8")
        kept = work / f"kept-{name}"
        shutil.copytree(seed, kept)
        subjects += [
            (Subject(f"{name} fresh", [python, "-m", "briefing", "--fresh", str(same)],
                     "Commands"), work / "nostate"),
            (Subject(f"{name} unchanged", [python, "-m", "briefing", str(same)],
                     "Commands"), kept),
            (Subject(f"{name} changed", [python, "-m", "briefing", str(new)],
                     "Commands"), seed),
        ]  # fmt: skip

    def env_for(state: Path | None, number: int) -> dict[str, str]:
        if state is None or not state.name.startswith("seed-"):
            return {**base, "XDG_STATE_HOME": str(state or work / "nostate")}
        copy = work / f"{state.name}-run{number}"  # every changed run starts from the old read
        shutil.copytree(state, copy)
        return {**base, "XDG_STATE_HOME": str(copy)}

    results: dict[str, list[float]] = {s.name: [] for s, _ in subjects}
    runs = 0
    for rep in range(reps + 1):  # the first round warms caches and is not counted
        for subject, state in subjects:
            runs += 1
            run = run_once(subject, env_for(state, runs), 1, 0.05)
            if rep:
                results[subject.name].append(run.first_frame)

    print(f"\n{reps} repetitions, first frame in s (median; min-max), 100x30, "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}\n")  # fmt: skip
    print("| subject | first frame (s) | range |")
    print("|---|---|---|")
    for name, times in results.items():
        print(f"| {name} | {statistics.median(times):.3f} | {min(times):.3f}-{max(times):.3f} |")
    print()
    for name in inputs:
        briefing = load_path(work / f"{name}.yaml").briefing
        for function in (briefing_hash, version_of):
            started = time.perf_counter()
            for _ in range(5):
                function(briefing)
            each = (time.perf_counter() - started) / 5
            print(f"{function.__name__} ({name}, {len(briefing.sections)} sections): "
                  f"{each * 1000:.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
