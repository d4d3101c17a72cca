"""`briefing update` over many feeds served by a real nginx on loopback: cold and unchanged.

    python benchmarks/update_bench.py            # 200 feeds x 5 briefings
    python benchmarks/update_bench.py --quick    # 5 feeds x 2 (CI: it still runs)

Each feed is published with `briefing publish`, served by nginx (started here
on 127.0.0.1 at a free port), and subscribed in a throw-away config folder.
Then `briefing update` runs in a fresh process: once cold (every feed and
briefing downloaded), then several times with nothing changed (every feed
must answer 304). Reports wall time and peak RSS (from wait4) of each run;
the baseline is `briefing feeds` (the same interpreter start-up and imports,
no network), measured in the same run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.feeds.publish import publish  # noqa: E402
from briefing.feeds.store import Feed, save_feeds  # noqa: E402
from tests.feedtools import PROXY_VARIABLES, briefing_yaml, nginx_serving  # noqa: E402

UNCHANGED_LIMIT = 2.0


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, int, int, float]:
    """(wall seconds, peak RSS in KiB, exit status, CPU seconds) of one process.

    CPU time (user + system) is reported beside wall time because on a shared,
    loaded machine the wall time mostly measures the other tenants.
    """
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return wall, int(usage.ru_maxrss), os.waitstatus_to_exitcode(status), cpu


def build(root: Path, feeds: int, per_feed: int) -> None:
    for number in range(feeds):
        src = root / "src" / f"f{number}"
        src.mkdir(parents=True)
        for item in range(per_feed):
            briefing_id = f"f{number}-s{item}"
            (src / f"{briefing_id}.yaml").write_text(briefing_yaml(briefing_id, f"Story {item}"))
        with contextlib.redirect_stdout(io.StringIO()):
            publish([str(src), str(root / "www" / f"f{number}"), "--title", f"Feed {number}"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="5 feeds x 2 briefings, 1 repeat")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--per-feed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=4, help="passed to briefing update")
    parser.add_argument(
        "--profile", metavar="FILE", help="also write a cProfile of one unchanged run"
    )
    args = parser.parse_args()
    feeds, per_feed, repeat = (5, 2, 1) if args.quick else (args.feeds, args.per_feed, args.repeat)
    with tempfile.TemporaryDirectory(prefix="briefing-update-bench-") as tmp:
        root = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
        env.pop("BRIEFING_PATH", None)
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = os.environ[name] = str(root / name.lower())
        build(root, feeds, per_feed)
        with nginx_serving(root / "www", root / "nginx") as server:
            save_feeds([Feed(f"f{n}", f"{server.url}f{n}/feed.atom") for n in range(feeds)])
            update = [sys.executable, "-m", "briefing", "update", "--jobs", str(args.jobs)]
            baseline = [sys.executable, "-m", "briefing", "feeds"]
            cold = timed(update, env)
            got = server.requests()
            assert cold[2] == 0, "cold update failed"
            assert len(got) == feeds * (1 + per_feed) and all(s == 200 for _, s in got), got[:5]
            runs, bases = [], []
            for _ in range(repeat):
                mark = len(server.requests())
                runs.append(timed(update, env))
                bases.append(timed(baseline, env))
                statuses = [status for _, status in server.requests()[mark:]]
                assert runs[-1][2] == 0 and statuses == [304] * feeds, statuses[:5]
            if args.profile:
                timed([sys.executable, "-m", "cProfile", "-o", args.profile, *update[1:]], env)
    unchanged = statistics.median(run[0] for run in runs)
    base = statistics.median(run[0] for run in bases)
    print(f"update benchmark: {feeds} feeds x {per_feed} briefings, nginx on loopback")
    print(
        f"  cold:      {cold[0]:.2f} s wall, {cold[3]:.2f} s CPU, peak RSS {cold[1] / 1024:.0f} MiB"
    )
    print(
        f"  unchanged: {unchanged:.2f} s wall, "
        f"{statistics.median(run[3] for run in runs):.2f} s CPU "
        f"(median of {repeat}, all {feeds} answered 304), "
        f"peak RSS {max(run[1] for run in runs) / 1024:.0f} MiB"
    )
    base_cpu = statistics.median(run[3] for run in bases)
    print(
        f"  baseline `briefing feeds` (start-up, no network): "
        f"{base:.2f} s wall, {base_cpu:.2f} s CPU"
    )
    print(f"  load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if not args.quick and unchanged >= UNCHANGED_LIMIT:
        print(f"  FAIL: unchanged update took {unchanged:.2f} s (limit {UNCHANGED_LIMIT} s)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
