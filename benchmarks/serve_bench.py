"""`briefing serve` under load: an asyncssh load client on loopback, against a local start.

    python benchmarks/serve_bench.py              # 10 to 200 concurrent sessions, one backend
    python benchmarks/serve_bench.py --quick      # 2 and 4 sessions, one repetition (CI)
    python benchmarks/serve_bench.py --topology both --sessions 20
    python benchmarks/serve_bench.py --sessions 100 --key j --pace 2 --presses 10 \
        --repeats 1 --baseline /tmp/main     # against another checkout, interleaved

Topologies (`--topology`, default `single`; `both` measures them side by
side in one run, level by level, interleaved):
- single: one `briefing serve` with the default SQLite store;
- haproxy: a real HAProxy (`mode tcp`, `send-proxy-v2`, round robin, health
  checks; tests/haproxytools.py) in front of two `briefing serve
  --proxy-protocol --state-url postgresql://...` backends sharing one host
  key and one real PostgreSQL cluster (tests/pgtools.py: initdb and pg_ctl as
  an unprivileged user, on a free loopback port). Needs haproxy, PostgreSQL
  and the `postgres` extra; without them the run stops with one line saying
  what is missing.

`--baseline DIR` serves another checkout of briefing (say `git archive main`
unpacked in DIR) as one more backend on SQLite, run with this interpreter
from DIR, and measures it in turns with this one, level by level, so both see
the same machine load. Combine it with `--topology single` or `both`.

Measured from the client side of the SSH connection, in one run:
- first frame: connect until the reader's first frame has arrived (the
  glossary heading is in the output and nothing more came for QUIET s,
  which is subtracted), for one session on an idle server, interleaved
  with a local `briefing` started in a pty and timed the same way;
- with N sessions opened at once: connect-to-first-frame median and p95,
  then every session presses `--presses` keys (by default c/e: collapse and
  expand every section, a full relayout; `--key j` moves a line) every
  `--pace` seconds on average, at random moments; key-to-frame is
  key until the first byte of the answer, median, p95 and the slowest;
  then all sit idle for a few seconds: bytes sent and CPU used meanwhile;
- memory: PSS of every reader (from /proc/PID/smaps_rollup, so pages shared
  copy-on-write with the zygote count once), the zygote's and the server's
  (behind HAProxy: both backends', HAProxy's and PostgreSQL's), against the
  RSS of a separate local `briefing` after its first frame.

Every session logs in with the same key, so in both topologies they share one
reader record (one SQLite file; one PostgreSQL row per briefing).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncssh  # noqa: E402

from tests.haproxytools import HAPROXY, HAProxy  # noqa: E402
from tests.pgtools import PostgresCluster, missing  # noqa: E402
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
class Keys:
    """What each session presses, and how often (seconds between presses, on average)."""

    presses: int
    sequence: tuple[bytes, ...] = (b"c", b"e")
    pace: float = 1.0


@dataclass
class Session:
    first: float | None = None
    keys: list[float] = field(default_factory=list)
    error: str | None = None
    capture: Capture | None = None


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


class Setup:
    """What the load client connects to, and the processes whose memory and CPU count."""

    def __init__(self, name: str, port: int, backends: list[Served],
                 others: Callable[[], list[int]] = list) -> None:  # fmt: skip
        self.name = name
        self.port = port
        self.backends = backends
        self.others = others
        """Pids serving besides the backends (HAProxy, PostgreSQL), looked up when counted."""

    def readers(self) -> list[int]:
        return sorted(pid for backend in self.backends for pid in backend.readers())

    def zygotes(self) -> list[int]:
        return [pid for backend in self.backends for pid in children(backend.process.pid)]

    def servers(self) -> list[int]:
        return [*(backend.process.pid for backend in self.backends), *self.others()]


def postgres_pids(cluster: PostgresCluster) -> list[int]:
    """The postmaster (first line of its pid file) and every process it forked."""
    try:
        postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    return [postmaster, *children(postmaster)]


async def level(setup: Setup, key: Any, count: int, keys: Keys) -> dict[str, Any]:
    all_ready, release = asyncio.Event(), asyncio.Event()
    results = [Session() for _ in range(count)]
    tasks = [asyncio.create_task(one_session(setup.port, key, keys, all_ready, release, r))
             for r in results]  # fmt: skip
    deadline = time.perf_counter() + 180
    while time.perf_counter() < deadline:
        if all(r.first is not None or r.error for r in results):
            break
        await asyncio.sleep(0.05)
    all_ready.set()
    while time.perf_counter() < deadline and not all(
        len(r.keys) >= keys.presses or r.error for r in results
    ):
        await asyncio.sleep(0.05)
    readers, zygote, servers = setup.readers(), setup.zygotes(), setup.servers()
    everyone = [*readers, *zygote, *servers]
    await asyncio.sleep(1.0)  # the last answers finish drawing
    received, ticks = _received(results), sum(cpu_ticks(pid) for pid in everyone)
    await asyncio.sleep(IDLE_SECONDS)
    idle_bytes = _received(results) - received
    idle_cpu = (sum(cpu_ticks(pid) for pid in everyone) - ticks) / os.sysconf("SC_CLK_TCK")
    memory = {"readers": [pss_kib(pid) for pid in readers],
              "zygote": sum(pss_kib(pid) for pid in zygote),
              "server": sum(pss_kib(pid) for pid in servers)}  # fmt: skip
    release.set()
    await asyncio.gather(*tasks)
    firsts = [r.first for r in results if r.first is not None]
    answers = [k for r in results for k in r.keys]
    return {"setup": setup.name, "count": count, "firsts": firsts, "keys": answers,
            "memory": memory, "errors": [r.error for r in results if r.error], "held": len(readers),
            "idle_bytes": idle_bytes, "idle_cpu": idle_cpu / IDLE_SECONDS}  # fmt: skip


TOPOLOGIES = ("single", "haproxy", "both")
SINGLE = "one backend, SQLite"
BALANCED = "HAProxy, 2 backends, PostgreSQL"
BASELINE = "baseline, one backend, SQLite"


def limits(most: int, *, newer: bool = True) -> list[str]:
    """Flags that lift every per-server and per-address cap above the load (one address).

    `newer=False` leaves out the options a baseline checkout may predate (the
    per-address startup cap and the login timeout): it is served with the rest.
    """
    big = str(most + 50)
    flags = ["--max-sessions", big, "--max-per-address", big, "--burst", big,
             "--rate", "100000", "--max-startups", big]  # fmt: skip
    if newer:
        flags += ["--max-startups-per-address", big, "--login-timeout", "120"]
    return flags


def start_single(home: Path, name: str, most: int, stack: list[Callable[[], Any]],
                 baseline: Path | None = None) -> Setup:  # fmt: skip
    """One backend on SQLite in its own folder: this checkout's, or `baseline`'s run from there."""
    folder = home / ("baseline" if baseline else "single")
    folder.mkdir(mode=0o700)
    if baseline is None:
        server = Served(folder, *limits(most))
    else:
        command = [sys.executable, "-m", "briefing"]
        server = Served(folder, *limits(most, newer=False), command=command, cwd=baseline)
    stack.append(server.close)
    return Setup(name, server.port, [server])


def missing_for_haproxy() -> str | None:
    reasons = [] if HAPROXY else ["haproxy (apt-get install haproxy)"]
    postgres = missing()
    if postgres:
        reasons.append(postgres.removeprefix("not installed: "))
    return f"not installed: {', '.join(reasons)}" if reasons else None


def start_balanced(home: Path, most: int, stack: list[Callable[[], Any]]) -> Setup:
    """PostgreSQL, two backends sharing its database and one host key, HAProxy before them.

    Each part is pushed on `stack` (how to stop it) as soon as it runs, so a
    failure half-way still stops what was started.
    """
    cluster = PostgresCluster(max_connections=2 * most + 20)
    stack.append(cluster.close)
    url = cluster.new_database()
    host_key = make_key(home, "host_key")
    flags = [*limits(most), "--host-key", str(host_key), "--state-url", url, "--proxy-protocol"]
    backends = []
    for name in ("one", "two"):
        (home / name).mkdir(mode=0o700)
        backend = Served(home / name, *flags)
        stack.append(backend.close)
        backends.append(backend)
    front = HAProxy(home, [b.port for b in backends], proxy_protocol=True, maxconn=most + 50)
    stack.append(front.close)
    return Setup(BALANCED, front.port, backends,
                 lambda: [front.process.pid, *postgres_pids(cluster)])  # fmt: skip


def stopped(backend: Served) -> int:
    """Its exit status after SIGTERM; -9 when it had to be killed after 60 s."""
    try:
        return backend.stop(timeout=60)
    except subprocess.TimeoutExpired:
        return -9


def wrong_arguments(args: argparse.Namespace, levels: list[int],
                    baseline: Path | None) -> str | None:  # fmt: skip
    """One line saying what is wrong with the command line, or None."""
    if min(levels) < 1 or args.repeats is not None and args.repeats < 1:
        return "--sessions and --repeats take counts of 1 or more"
    if args.presses is not None and args.presses < 0 or args.pace < 0:
        return "--presses and --pace cannot be negative"
    if args.key == "":
        return "--key needs a key"
    if baseline is not None:
        if args.topology == "haproxy":
            return "--baseline is served as one backend: use --topology single or both"
        if not (baseline / "briefing" / "__main__.py").is_file():
            return f"--baseline {baseline}: no briefing checkout there (briefing/__main__.py)"
    if args.topology != "single" and (reason := missing_for_haproxy()):
        return f"--topology {args.topology}: {reason}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny setting for CI")
    parser.add_argument(
        "--topology",
        choices=TOPOLOGIES,
        default="single",
        help="one backend on SQLite, HAProxy to two on PostgreSQL, or both",
    )
    parser.add_argument(
        "--sessions",
        "--levels",
        type=int,
        nargs="+",
        metavar="N",
        help="concurrent sessions per level (default 10 20 30 50 100 200)",
    )
    parser.add_argument("--repeats", type=int, help="one-session runs per side (default 5)")
    parser.add_argument("--presses", type=int, help="keys each session presses (default 5)")
    parser.add_argument("--key", help="press this key every time instead of c and e in turn")
    parser.add_argument(
        "--pace", type=float, default=1.0, help="mean seconds between keys (default 1)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="DIR",
        help="another checkout (e.g. `git archive main`) served and measured in the same run",
    )
    args = parser.parse_args()
    levels = args.sessions or ([2, 4] if args.quick else [10, 20, 30, 50, 100, 200])
    repeats = args.repeats or (1 if args.quick else 5)
    presses = args.presses if args.presses is not None else (2 if args.quick else 5)
    keys = Keys(presses, pace=args.pace)
    if args.key:
        keys.sequence = (args.key.encode(),)
    baseline = args.baseline.resolve() if args.baseline is not None else None
    if problem := wrong_arguments(args, levels, baseline):
        print(f"serve_bench: error: {problem}", file=sys.stderr)
        raise SystemExit(2)
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as folder:
        home = Path(folder)
        os.chmod(home, 0o700)
        most = max(levels)
        stack: list[Callable[[], Any]] = []
        setups: list[Setup] = []
        codes: dict[str, list[int]] = {}
        key = asyncssh.read_private_key(make_key(home, "bench"))
        try:
            if args.topology in ("single", "both"):
                setups.append(start_single(home, SINGLE, most, stack))
            if baseline is not None:
                setups.append(start_single(home, BASELINE, most, stack, baseline))
            if args.topology in ("haproxy", "both"):
                setups.append(start_balanced(home, most, stack))
            local_start(home)  # warm the disk cache for every side
            for setup in setups:
                asyncio.run(level(setup, key, 1, Keys(0)))
            local_runs: list[tuple[float, int, int]] = []
            served_runs: dict[str, list[float]] = {setup.name: [] for setup in setups}
            for _ in range(repeats):
                local_runs.append(local_start(home))
                for setup in setups:
                    served_runs[setup.name].append(
                        asyncio.run(level(setup, key, 1, Keys(0)))["firsts"][0]
                    )
            results = [asyncio.run(level(setup, key, count, keys))
                       for count in levels for setup in setups]  # fmt: skip
        finally:
            for setup in setups:  # backends first: they save to the database as they stop
                codes[setup.name] = [stopped(backend) for backend in setup.backends]
            for stop in reversed(stack):
                stop()
    report(local_runs, served_runs, results, codes)


def report(local_runs: list[tuple[float, int, int]], served_runs: dict[str, list[float]],
           results: list[dict[str, Any]], codes: dict[str, list[int]]) -> None:  # fmt: skip
    local_first = statistics.median(run[0] for run in local_runs)
    local_rss = statistics.median(run[1] for run in local_runs)
    local_pss = statistics.median(run[2] for run in local_runs)
    print("# briefing serve benchmark (loopback, 2 cores shared: figures are noisy)\n")
    print("| one session, idle server | value |\n|---|---|")
    print(f"| local `briefing` first frame (s), median | {local_first:.3f} |")
    for name, runs in served_runs.items():
        served_first = statistics.median(runs)
        label = "served session" if name == SINGLE else f"{name}: session"
        print(f"| {label} first frame (s), median | {served_first:.3f} |")
        print(f"| {label} ratio served / local (target <= 1.2) | "
              f"{served_first / local_first:.2f} |")  # fmt: skip
    print(f"| local `briefing` RSS (MiB) | {local_rss / 1024:.1f} |")
    print(f"| local `briefing` PSS (MiB) | {local_pss / 1024:.1f} |\n")
    print("| setup | sessions | held | first frame median (s) | p95 (s) | key median (ms) "
          "| key p95 (ms) | slowest key (ms) | PSS/session (MiB) | servers PSS (MiB) "
          f"| idle bytes ({IDLE_SECONDS:g} s) | idle CPU (cores) | errors |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    most = dict.fromkeys(served_runs, 0)
    for result in results:
        firsts, keys, memory = result["firsts"], result["keys"], result["memory"]
        per = statistics.mean(memory["readers"]) / 1024 if memory["readers"] else 0.0
        fixed = (memory["zygote"] + memory["server"]) / 1024
        slowest = max(keys) if keys else float("nan")
        if not result["errors"] and keys and slowest <= KEY_BUDGET:
            most[result["setup"]] = max(most[result["setup"]], result["count"])
        print(
            f"| {result['setup']} | {result['count']} | {result['held']} | "
            f"{statistics.median(firsts) if firsts else float('nan'):.3f} | "
            f"{percentile(firsts, 0.95) if firsts else float('nan'):.3f} | "
            f"{statistics.median(keys) * 1000 if keys else float('nan'):.0f} | "
            f"{percentile(keys, 0.95) * 1000 if keys else float('nan'):.0f} | "
            f"{slowest * 1000:.0f} | {per:.1f} | {fixed:.1f} | {result['idle_bytes']} | "
            f"{result['idle_cpu']:.2f} | {len(result['errors'])} |"
        )
        for error in sorted(set(result["errors"]))[:3]:
            print(f"|  |  | error: {error} |")
    print()
    for name, count in most.items():
        print(f"{name}: most concurrent sessions with every key answered within "
              f"{KEY_BUDGET * 1000:.0f} ms: {count or 'none of the levels'}")  # fmt: skip
    print(f"PSS per session target: <= {local_rss / 2048:.1f} MiB (half the local RSS)")
    for name, statuses in codes.items():
        if name == SINGLE:
            print(f"server exit status after SIGTERM: {statuses[0]}")
        elif len(statuses) == 1:
            print(f"{name}: server exit status after SIGTERM: {statuses[0]}")
        else:
            print(f"{name}: backend exit statuses after SIGTERM: "
                  f"{', '.join(str(code) for code in statuses)}")  # fmt: skip


if __name__ == "__main__":
    main()
