"""`briefing serve`: parse the flags, keep the host key, start the zygote, run the server.

Order matters: the zygote is forked first, from a process that has not
imported asyncssh or started an event loop, so every reader forked from it
is a clean, single-threaded copy of a process that only knows the reader.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import logging
import os
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from briefing.format.cleaning import plain_line
from briefing.serve.limits import Limits

DESCRIPTION = """\
An SSH server that puts everyone who connects straight into the reader.
Each SSH key keeps its own reading place; clients without a key read
anonymously. Only interactive terminal sessions are offered: commands,
file transfer and every kind of forwarding are refused.
"""

EPILOG = """\
examples:
  briefing serve                          listen on 127.0.0.1:2222
  briefing serve --host 0.0.0.0 news/     everyone, reading the briefings in news/
  ssh -p 2222 localhost                   read

signals: SIGTERM stops (readers save first), SIGHUP reloads the library.
"""


def _parser() -> argparse.ArgumentParser:
    defaults = Limits()
    parser = argparse.ArgumentParser(
        prog="briefing serve", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    add = parser.add_argument
    add("paths", nargs="*", metavar="PATH", help="briefing files or folders to serve")
    add("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    add("--port", type=int, default=2222, help="port to listen on (default: 2222)")
    add(
        "--host-key",
        type=Path,
        metavar="FILE",
        help="private host key (default: made on first start in the user data folder)",
    )
    add(
        "--authorized-keys",
        type=Path,
        metavar="FILE",
        help="admit only these keys (OpenSSH authorized_keys format); no anonymous readers",
    )
    add(
        "--max-sessions",
        type=int,
        default=defaults.max_sessions,
        metavar="N",
        help=f"connections at once (default: {defaults.max_sessions})",
    )
    add(
        "--max-per-address",
        type=int,
        default=defaults.max_per_address,
        metavar="N",
        help=f"connections at once from one address (default: {defaults.max_per_address})",
    )
    add(
        "--rate",
        type=float,
        default=defaults.rate_per_minute,
        metavar="N",
        help=f"new connections per address per minute (default: {defaults.rate_per_minute:g})",
    )
    add(
        "--burst",
        type=int,
        default=defaults.burst,
        metavar="N",
        help=f"new connections an address may open at once (default: {defaults.burst})",
    )
    add(
        "--max-startups",
        type=int,
        default=defaults.max_startups,
        metavar="N",
        help=f"connections still logging in (default: {defaults.max_startups})",
    )
    add(
        "--login-timeout",
        type=float,
        default=defaults.login_timeout,
        metavar="SECONDS",
        help=f"time to log in (default: {defaults.login_timeout:g})",
    )
    add(
        "--idle-timeout",
        type=float,
        default=defaults.idle_timeout,
        metavar="SECONDS",
        help=f"close a session with no keys for this long (default: {defaults.idle_timeout:g})",
    )
    add(
        "--max-session",
        type=float,
        default=defaults.max_session,
        metavar="SECONDS",
        help=f"longest session (default: {defaults.max_session:g})",
    )
    add(
        "--max-memory",
        type=int,
        default=defaults.max_memory_mb,
        metavar="MIB",
        help=f"address space of one reader (default: {defaults.max_memory_mb})",
    )
    add(
        "--max-backlog",
        type=int,
        default=defaults.max_backlog,
        metavar="BYTES",
        help=f"output a client may leave unread before it is dropped "
        f"(default: {defaults.max_backlog})",
    )
    add(
        "--watch",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="look for changed briefings this often; 0: only on SIGHUP (default: 5)",
    )
    add(
        "--state-url",
        default=os.environ.get("BRIEFING_STATE_URL") or None,
        metavar="postgresql://...",
        help="keep readers' places in this PostgreSQL database, shared by several hosts "
        "(needs briefing[postgres]; default: BRIEFING_STATE_URL, else SQLite per reader)",
    )
    add(
        "--grace",
        type=float,
        default=defaults.grace,
        metavar="SECONDS",
        help=f"time readers get to save when the server stops (default: {defaults.grace:g})",
    )
    return parser  # fmt: skip


def serve(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    if importlib.util.find_spec("asyncssh") is None:
        print("briefing serve: needs asyncssh: pip install 'briefing[serve]'", file=sys.stderr)
        return 2
    for path in args.paths:
        if not Path(path).exists():
            print(f"briefing serve: {plain_line(path)}: no such file or directory",
                  file=sys.stderr)  # fmt: skip
            return 2
    numbers = (args.max_sessions, args.max_per_address, args.burst, args.max_startups,
               args.max_memory, args.max_backlog)  # fmt: skip
    if args.watch < 0 or min(numbers) < 1 or min(args.rate, args.login_timeout, args.idle_timeout,
                               args.max_session, args.grace) <= 0:  # fmt: skip
        print("briefing serve: limits must be positive", file=sys.stderr)
        return 2
    limits = Limits(
        max_sessions=args.max_sessions, max_per_address=args.max_per_address,
        rate_per_minute=args.rate, burst=args.burst, max_startups=args.max_startups,
        login_timeout=args.login_timeout, idle_timeout=args.idle_timeout,
        max_session=args.max_session, max_memory_mb=args.max_memory,
        max_backlog=args.max_backlog, grace=args.grace,
    )  # fmt: skip
    if args.state_url is not None:
        problem = _state_url_problem(args.state_url)
        if problem:
            print(f"briefing serve: --state-url: {problem}", file=sys.stderr)
            return 2
        os.environ["BRIEFING_STATE_URL"] = args.state_url  # the zygote and readers inherit it
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s briefing serve: %(message)s")  # fmt: skip
    logging.getLogger("asyncssh").setLevel(logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_quiet_asyncssh)
    from briefing.serve import zygote

    pid, link = zygote.start(args.paths)  # before asyncssh and before any event loop
    _more_file_descriptors()
    try:
        return asyncio.run(_main(args, limits, pid, link))
    finally:
        link.close()
        _reap(pid)


def _state_url_problem(url: str) -> str | None:
    """Why the state database URL cannot be used, or None."""
    if not url.startswith(("postgresql://", "postgres://")):
        return "must be a postgresql:// URL"
    if (
        importlib.util.find_spec("psycopg") is None
        or importlib.util.find_spec("psycopg_pool") is None
    ):
        return "needs psycopg: pip install 'briefing[postgres]'"
    return None


def _quiet_asyncssh(record: logging.LogRecord) -> bool:
    """Of asyncssh's messages keep warnings and its refusals (agent, X11, PTY denied)."""
    if not record.name.startswith("asyncssh"):
        return True
    return record.levelno >= logging.WARNING or "request denied" in record.getMessage()


def _more_file_descriptors() -> None:
    """Two descriptors per session (socket and pty): raise the soft limit to the hard one."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


async def _main(args: argparse.Namespace, limits: Limits, pid: int, link: socket.socket) -> int:
    import asyncssh

    from briefing.serve.hostkey import authorized_keys, host_key, state_root
    from briefing.serve.hub import Hub, log

    try:
        key = host_key(args.host_key)
        allowed = authorized_keys(args.authorized_keys) if args.authorized_keys else None
    except (OSError, ValueError, asyncssh.KeyImportError) as error:
        print(f"briefing serve: {plain_line(str(error))}", file=sys.stderr)
        return 2
    options = asyncssh.SSHServerConnectionOptions(
        server_host_keys=[key], line_editor=False, allow_pty=True, encoding=None,
        agent_forwarding=False, x11_forwarding=False, login_timeout=limits.login_timeout,
        password_auth=False, gss_host=None, host_based_auth=False,
        keepalive_interval=60, keepalive_count_max=3, allow_scp=False,
    )  # fmt: skip
    link.setblocking(False)
    loop = asyncio.get_running_loop()
    hub = Hub(limits, link, pid, state_root(), allowed, options)
    loop.add_reader(link.fileno(), hub.on_zygote)
    briefings = await hub.ready
    if briefings <= 0:
        print("briefing serve: no briefings found to serve", file=sys.stderr)
        return 1
    try:
        listener = _listen(args.host, args.port)
    except OSError as error:
        print(f"briefing serve: cannot listen on {args.host}:{args.port}: {error.strerror}",
              file=sys.stderr)  # fmt: skip
        return 2
    signals = {signal.SIGTERM: hub.stopping.set, signal.SIGINT: hub.stopping.set,
               signal.SIGHUP: hub.reload}  # fmt: skip
    for signum, handler in signals.items():
        loop.add_signal_handler(signum, handler)
    host, port = listener.getsockname()[:2]
    log.info("listening on %s port %d, %d briefings, host key %s", host, port, briefings,
             key.get_fingerprint("sha256"))  # fmt: skip
    if args.state_url:
        log.info("readers' state in PostgreSQL at %s", _without_password(args.state_url))
    tasks = [loop.create_task(hub.accept(listener)), loop.create_task(hub.housekeeping())]
    if args.watch > 0:
        from briefing.serve.librarywatch import watch_library

        tasks.append(loop.create_task(watch_library(args.paths, args.watch, hub.library_changed)))
    await hub.stopping.wait()
    for task in tasks:
        task.cancel()
    listener.close()
    if hub.zygote_gone:
        return 1
    await hub.stop()
    log.info("stopped")
    return 0


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path}"


def _listen(host: str, port: int) -> socket.socket:
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _name, address = info[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    listener.listen(512)
    listener.setblocking(False)
    return listener
