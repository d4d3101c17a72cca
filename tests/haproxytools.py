"""A real HAProxy in TCP mode in front of `briefing serve` backends, for tests.

It runs in the foreground (`-db`) from a config written into a temporary
folder, listens on a free loopback port, round-robins to the backends and
checks their health every 200 ms. Its stats socket (in the same folder)
says when every backend is up or down, so tests wait on that, not on time.
With `proxy_protocol` it sends a PROXY v2 header to each backend (and with
each health check), as `deploy/haproxy.cfg` does.

CI sets BRIEFING_REQUIRE_HAPROXY=1, which turns a missing haproxy into a
failure; elsewhere the tests that need it skip with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.servetools import free_port

HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists()
                                      else None)  # fmt: skip
REQUIRED = os.environ.get("BRIEFING_REQUIRE_HAPROXY") == "1"


def require_haproxy() -> None:
    if HAPROXY is not None:
        return
    reason = "not installed: haproxy (apt-get install haproxy)"
    if REQUIRED:
        pytest.fail(f"BRIEFING_REQUIRE_HAPROXY=1 but {reason}")
    pytest.skip(reason)


CONFIG = """\
global
    maxconn {maxconn}
    stats socket {stats} mode 600 level admin

defaults
    mode tcp
    timeout connect 2s
    timeout client 10m
    timeout server 10m
    retries 3
    option redispatch

frontend ssh
    bind 127.0.0.1:{port}
    default_backend readers

backend readers
    balance roundrobin
{servers}
"""


class HAProxy:
    def __init__(self, folder: Path, backends: list[int], *, proxy_protocol: bool,
                 maxconn: int = 200) -> None:  # fmt: skip
        assert HAPROXY
        self.folder = folder
        self.port = free_port()
        self.stats = folder / "haproxy.stats"
        extra = " send-proxy-v2 check-send-proxy" if proxy_protocol else ""
        servers = "\n".join(
            f"    server backend{n} 127.0.0.1:{port} check inter 200ms fall 1 rise 1{extra}"
            for n, port in enumerate(backends, start=1)
        )
        self.config = folder / "haproxy.cfg"
        self.config.write_text(
            CONFIG.format(stats=self.stats, port=self.port, servers=servers, maxconn=maxconn)
        )
        self.log_path = folder / "haproxy.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(self.config)], stdin=subprocess.DEVNULL,
                stdout=log, stderr=log,
            )  # fmt: skip
        self.wait_status({f"backend{n}": "UP" for n in range(1, len(backends) + 1)})

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def status(self) -> dict[str, str]:
        """Each server's state (UP, DOWN, ...) as HAProxy's stats socket reports it."""
        if not self.stats.exists():
            return {}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stats:
            stats.settimeout(5)
            try:
                stats.connect(str(self.stats))
            except OSError:
                return {}
            stats.sendall(b"show stat\n")
            data = b""
            while chunk := stats.recv(65536):
                data += chunk
        lines = data.decode(errors="replace").splitlines()
        if not lines or not lines[0].startswith("# "):
            return {}
        header = lines[0][2:].split(",")
        found = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "readers" and row.get("svname", "").startswith("backend"):
                found[row["svname"]] = row.get("status", "").split(" ")[0]
        return found

    def wait_status(self, wanted: dict[str, str], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"haproxy exited:\n{self.log()}")
            status = self.status()
            if all(status.get(name) == state for name, state in wanted.items()):
                return
            time.sleep(0.05)
        raise RuntimeError(f"haproxy never saw {wanted}: {self.status()}\n{self.log()}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
