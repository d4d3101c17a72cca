"""`briefing serve` under load: an asyncssh load client on loopback, against a local start.

    python benchmarks/serve_bench.py              # 10, 50 and 200 concurrent sessions
    python benchmarks/serve_bench.py --quick      # 2 and 4 sessions, one repetition (CI)
    python benchmarks/serve_bench.py --levels 100 --key j --pace 2 --presses 10 \
        --repeats 1 --baseline /tmp/main     # against another checkout, interleaved

Measured from the client side of the SSH connection, in one run:
- first frame: connect until the reader's first frame has arrived (the
  glossary heading is in the output and nothing more came for QUIET s,
  which is subtracted), for one session on an idle server, interleaved
  with a local `briefing` started in a pty and timed the same way;
- with N sessions opened at once: connect-to-first-frame median and p95,
  then every session presses keys (by default c/e: collapse and expand
  every section, a full relayout; `--key j` moves a line) every `--pace`
  seconds on average, at random moments; key-to-frame is
  key until the first byte of the answer, median, p95 and the slowest;
  then all sit idle for a few seconds: bytes sent and CPU used meanwhile;
- memory: PSS of every reader (from /proc/PID/smaps_rollup, so pages shared
  copy-on-write with the zygote count once), the zygote's and the server's,
  against the RSS of a separate local `briefing` after its first frame.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import select
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncssh  # noqa: E402

from tests.ptyterm import Terminal  # noqa: E402
from tests.servetools import BRIEFING, Served, children, make_key  # noqa: E402

MARKER = b"Glossary"
QUIET = 0.08
PACE = random.Random(15)
IDLE_SECONDS = 3.0
KEY_BUDGET = 0.200
"""Every session must answer a key within this for a level to count as held."""


def pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _received(results: list[Session]) -> int:
    return sum(len(r.capture.output) for r in results if r.capture is not None)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def local_start(home: Path) -> tuple[float, int, int]:
    """A local `briefing` in a pty: (first frame seconds, RSS KiB, PSS KiB)."""
    assert BRIEFING
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
           "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "XDG_STATE_HOME": str(home / "local-state"), "XDG_DATA_HOME": str(home / "ld"),
           "XDG_CONFIG_HOME": str(home / "lc")}  # fmt: skip
    start = time.perf_counter()
    terminal = Terminal([BRIEFING, "--fresh"], columns=100, lines=30, env=env, cwd=str(home))
    output = bytearray()
    last = start
    try:
        while time.perf_counter() - start < 60:
            ready, _, _ = select.select([terminal.fd], [], [], QUIET)
            if ready:
                chunk = os.read(terminal.fd, 65536)
                if not chunk:
                    break
                output += chunk
                last = time.perf_counter()
            elif MARKER in output:
                break
        rss, pss = rss_kib(terminal.pid), pss_kib(terminal.pid)
        terminal.write(b"q")
        terminal.wait_exit(10)
    finally:
        terminal.close()
    return last - start, rss, pss


class Capture(asyncssh.SSHClientSession[bytes]):
    """Client side of one session: collects output, times first frame and answers."""

    def __init__(self) -> None:
        self.output = bytearray()
        self.last = 0.0
        self.changed = asyncio.Event()
        self.closed = asyncio.Event()

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self.output += data
        self.last = time.perf_counter()
        self.changed.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()
        self.changed.set()

    async def first_frame(self, timeout: float) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.changed.clear()
            if MARKER in self.output and time.perf_counter() - self.last >= QUIET:
                return self.last
            if self.closed.is_set():
                break
            try:
                await asyncio.wait_for(self.changed.wait(), QUIET)
            except TimeoutError:
                continue
        raise TimeoutError("no first frame")


@dataclass
class Session:
    first: float | None = None
    keys: list[float] = field(default_factory=list)
    error: str | None = None
    capture: Capture | None = None


@dataclass
class Keys:
    """What each session presses, and how often (seconds between presses, on average)."""

    presses: int
    sequence: tuple[bytes, ...] = (b"c", b"e")
    pace: float = 1.0


async def one_session(port: int, key: Any, keys: Keys, all_ready: asyncio.Event,
                      release: asyncio.Event, result: Session) -> None:  # fmt: skip
    start = time.perf_counter()
    try:
        async with asyncssh.connect(
            "127.0.0.1", port, username="bench", client_keys=[key], known_hosts=None,
            kbdint_auth=False, password_auth=False, gss_auth=False, agent_path=None,
        ) as conn:  # fmt: skip
            capture = Capture()
            result.capture = capture
            chan, _ = await conn.create_session(
                lambda: capture, term_type="xterm-256color", term_size=(100, 30), encoding=None
            )
            result.first = await capture.first_frame(120) - start
            await all_ready.wait()
            for press in range(keys.presses):
                await asyncio.sleep(PACE.uniform(0.5, 1.5) * keys.pace)
                capture.changed.clear()
                sent = time.perf_counter()
                size = len(capture.output)
                chan.write(keys.sequence[press % len(keys.sequence)])
                while len(capture.output) == size and not capture.closed.is_set():
                    capture.changed.clear()
                    await asyncio.wait_for(capture.changed.wait(), 10)
                result.keys.append(capture.last - sent)
                await asyncio.sleep(0.05)
            await release.wait()
            chan.write(b"q")
            await asyncio.wait_for(capture.closed.wait(), 30)
    except (OSError, asyncssh.Error, TimeoutError) as error:
        result.error = f"{type(error).__name__}: {error}"


async def level(server: Served, key: Any, count: int, keys: Keys) -> dict[str, Any]:
    all_ready, release = asyncio.Event(), asyncio.Event()
    results = [Session() for _ in range(count)]
    tasks = [asyncio.create_task(one_session(server.port, key, keys, all_ready, release, r))
             for r in results]  # fmt: skip
    presses = keys.presses
    deadline = time.perf_counter() + 180
    while time.perf_counter() < deadline:
        if all(r.first is not None or r.error for r in results):
            break
        await asyncio.sleep(0.05)
    all_ready.set()
    while time.perf_counter() < deadline and not all(
        len(r.keys) >= presses or r.error for r in results
    ):
        await asyncio.sleep(0.05)
    readers = server.readers()
    zygote = children(server.process.pid)
    everyone = [*readers, *zygote, server.process.pid]
    await asyncio.sleep(1.0)  # the last answers finish drawing
    received, ticks = _received(results), sum(cpu_ticks(pid) for pid in everyone)
    await asyncio.sleep(IDLE_SECONDS)
    idle_bytes = _received(results) - received
    idle_cpu = (sum(cpu_ticks(pid) for pid in everyone) - ticks) / os.sysconf("SC_CLK_TCK")
    memory = {"readers": [pss_kib(pid) for pid in readers],
              "zygote": sum(pss_kib(pid) for pid in zygote),
              "server": pss_kib(server.process.pid)}  # fmt: skip
    release.set()
    await asyncio.gather(*tasks)
    firsts = [r.first for r in results if r.first is not None]
    answers = [k for r in results for k in r.keys]
    return {"count": count, "firsts": firsts, "keys": answers, "memory": memory,
            "errors": [r.error for r in results if r.error], "held": len(readers),
            "idle_bytes": idle_bytes, "idle_cpu": idle_cpu / IDLE_SECONDS}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny setting for CI")
    parser.add_argument("--levels", type=int, nargs="+", help="session counts to measure")
    parser.add_argument("--repeats", type=int, help="one-session first frames per side")
    parser.add_argument("--presses", type=int, help="keys each session presses")
    parser.add_argument("--key", help="press this key every time instead of c and e")
    parser.add_argument("--pace", type=float, default=1.0, help="mean seconds between keys")
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout (e.g. `git archive main`) served and measured in the same run",
    )
    args = parser.parse_args()
    levels = args.levels or ([2, 4] if args.quick else [10, 20, 30, 50, 100, 200])
    repeats = args.repeats or (1 if args.quick else 5)
    presses = args.presses if args.presses is not None else (2 if args.quick else 5)
    keys = Keys(presses, pace=args.pace)
    if args.key:
        keys.sequence = (args.key.encode(),)
    sides: list[tuple[str, list[str] | None, Path | None]] = [("this checkout", None, None)]
    if args.baseline is not None:
        base = args.baseline.resolve()
        sides.append(("baseline", [sys.executable, "-m", "briefing"], base))
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as folder:
        home = Path(folder)
        big = str(max(levels) + 50)
        flags = ("--max-sessions", big, "--max-per-address", big, "--burst", big,
                 "--rate", "100000", "--max-startups", big)  # fmt: skip
        # 200 logins at once, on one address; a baseline older than these options
        # is served with the common ones only.
        newer = ("--max-startups-per-address", big, "--login-timeout", "120")
        key = asyncssh.read_private_key(make_key(home, "bench"))
        runs: dict[str, tuple[list[tuple[float, int, int]], list[float], list[Any]]] = {}
        for name, _command, _cwd in sides:
            runs[name] = ([], [], [])
        local_start(home)  # warm the disk cache for both sides
        codes = {}
        for count in [0, *levels]:  # 0: the one-session first frames; sides take turns
            for name, command, cwd in sides:
                extra = newer if command is None else ()
                server = Served(home, *flags, *extra, command=command, cwd=cwd)
                local_runs, served_runs, results = runs[name]
                try:
                    asyncio.run(level(server, key, 1, Keys(0)))  # warm-up
                    if count == 0:
                        for _ in range(repeats):
                            local_runs.append(local_start(home))
                            one = asyncio.run(level(server, key, 1, Keys(0)))
                            served_runs.append(one["firsts"][0])
                    else:
                        results.append(asyncio.run(level(server, key, count, keys)))
                finally:
                    codes[name] = server.stop(timeout=60)
    for name, (local_runs, served_runs, results) in runs.items():
        if len(sides) > 1:
            print(f"\n## {name}\n")
        report(local_runs, served_runs, results, codes[name])


def report(local_runs: list[tuple[float, int, int]], served_runs: list[float],
           results: list[dict[str, Any]], code: int) -> None:  # fmt: skip
    local_first = statistics.median(run[0] for run in local_runs)
    local_rss = statistics.median(run[1] for run in local_runs)
    local_pss = statistics.median(run[2] for run in local_runs)
    served_first = statistics.median(served_runs)
    print("# briefing serve benchmark (loopback, 2 cores shared: figures are noisy)\n")
    print("| one session, idle server | value |\n|---|---|")
    print(f"| local `briefing` first frame (s), median | {local_first:.3f} |")
    print(f"| served session first frame (s), median | {served_first:.3f} |")
    print(f"| ratio served / local (target <= 1.2) | {served_first / local_first:.2f} |")
    print(f"| local `briefing` RSS (MiB) | {local_rss / 1024:.1f} |")
    print(f"| local `briefing` PSS (MiB) | {local_pss / 1024:.1f} |\n")
    print("| sessions | held | first frame median (s) | p95 (s) | key median (ms) "
          "| key p95 (ms) | slowest key (ms) | PSS/session (MiB) | zygote+server PSS (MiB) "
          f"| idle bytes ({IDLE_SECONDS:g} s) | idle CPU (cores) | errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    most = 0
    for result in results:
        firsts, keys, memory = result["firsts"], result["keys"], result["memory"]
        per = statistics.mean(memory["readers"]) / 1024 if memory["readers"] else 0.0
        fixed = (memory["zygote"] + memory["server"]) / 1024
        slowest = max(keys) if keys else float("nan")
        if not result["errors"] and keys and slowest <= KEY_BUDGET:
            most = max(most, result["count"])
        print(
            f"| {result['count']} | {result['held']} | "
            f"{statistics.median(firsts) if firsts else float('nan'):.3f} | "
            f"{percentile(firsts, 0.95) if firsts else float('nan'):.3f} | "
            f"{statistics.median(keys) * 1000 if keys else float('nan'):.0f} | "
            f"{percentile(keys, 0.95) * 1000 if keys else float('nan'):.0f} | "
            f"{slowest * 1000:.0f} | {per:.1f} | {fixed:.1f} | {result['idle_bytes']} | "
            f"{result['idle_cpu']:.2f} | {len(result['errors'])} |"
        )
        for error in sorted(set(result["errors"]))[:3]:
            print(f"|  | error: {error} |")
    print(
        f"\nmost concurrent sessions with every key answered within "
        f"{KEY_BUDGET * 1000:.0f} ms: {most or 'none of the levels'}"
    )
    print(f"PSS per session target: <= {local_rss / 2048:.1f} MiB (half the local RSS)")
    print(f"server exit status after SIGTERM: {code}")


if __name__ == "__main__":
    main()
