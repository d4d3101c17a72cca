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
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from briefing.commandline import command_parser
from briefing.format.cleaning import plain_line
from briefing.serve.limits import Limits, Startups

LOOPBACK = (ip_network("127.0.0.0/8"), ip_network("::1/128"))

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


def _port(value: str) -> int:
    """A TCP port, 0-65535: past it the system would bind a different, random one."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 0-65535")
    return port


def _parser() -> argparse.ArgumentParser:
    defaults = Limits()
    parser = command_parser('serve', DESCRIPTION, EPILOG)  # fmt: skip
    add = parser.add_argument
    add("paths", nargs="*", metavar="PATH", help="briefing files or folders to serve")
    add("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    add("--port", type=_port, default=2222, help="port to listen on (default: 2222)")
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
        type=_startups,
        default=defaults.max_startups,
        metavar="START:RATE:FULL",
        help="connections still logging in: from START on, drop new ones at random, RATE "
        f"percent rising to all at FULL; or N, a hard cap (default: {defaults.max_startups})",
    )
    add(
        "--max-startups-per-address",
        type=int,
        default=defaults.max_startups_per_address,
        metavar="N",
        help="connections from one address still logging in "
        f"(default: {defaults.max_startups_per_address})",
    )
    add(
        "--max-channels",
        type=int,
        default=defaults.max_channels,
        metavar="N",
        help=f"session channels open at once on one connection (default: {defaults.max_channels})",
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
        "--max-cpu",
        type=int,
        default=defaults.max_cpu,
        metavar="SECONDS",
        help=f"CPU time of one reader (default: {defaults.max_cpu})",
    )
    add(
        "--max-readers-kept",
        type=int,
        default=defaults.max_readers_kept,
        metavar="N",
        help="reader state folders (one per key) kept; the least recently used go first "
        f"(default: {defaults.max_readers_kept})",
    )
    add(
        "--max-state",
        type=int,
        default=defaults.max_state_mb,
        metavar="MIB",
        help=f"disk all readers' state may use (default: {defaults.max_state_mb})",
    )
    add(
        "--keep-days",
        type=float,
        default=defaults.keep_days,
        metavar="DAYS",
        help=f"remove a reader's state unused this long (default: {defaults.keep_days:g})",
    )
    add(
        "--proxy-protocol",
        action="store_true",
        help="every connection starts with a PROXY protocol header (v2 or v1, as HAProxy's "
        "send-proxy-v2 sends); the address in it is the client's",
    )
    add(
        "--proxy-from",
        type=_network,
        nargs="+",
        default=None,
        metavar="CIDR",
        help="with --proxy-protocol: the balancers' addresses; others are dropped "
        "(default: 127.0.0.0/8 ::1)",
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
        "--grace",
        type=float,
        default=defaults.grace,
        metavar="SECONDS",
        help=f"time readers get to save when the server stops (default: {defaults.grace:g})",
    )
    return parser  # fmt: skip


def _startups(text: str) -> Startups:
    try:
        return Startups.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None


def _network(text: str) -> IPv4Network | IPv6Network:
    try:
        return ip_network(text, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an address or CIDR network") from None


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
    numbers = (args.max_sessions, args.max_per_address, args.burst, args.max_memory,
               args.max_backlog, args.max_startups_per_address, args.max_channels, args.max_cpu,
               args.max_readers_kept, args.max_state)  # fmt: skip
    if args.watch < 0 or min(numbers) < 1 or min(args.rate, args.login_timeout, args.idle_timeout,
                               args.max_session, args.grace, args.keep_days) <= 0:  # fmt: skip
        print("briefing serve: limits must be positive", file=sys.stderr)
        return 2
    limits = Limits(
        max_sessions=args.max_sessions, max_per_address=args.max_per_address,
        rate_per_minute=args.rate, burst=args.burst, max_startups=args.max_startups,
        login_timeout=args.login_timeout, idle_timeout=args.idle_timeout,
        max_session=args.max_session, max_memory_mb=args.max_memory,
        max_backlog=args.max_backlog, grace=args.grace,
        max_startups_per_address=args.max_startups_per_address, max_channels=args.max_channels,
        max_cpu=args.max_cpu, max_readers_kept=args.max_readers_kept, keep_days=args.keep_days,
        max_state_mb=args.max_state,
    )  # fmt: skip
    if args.proxy_from is not None and not args.proxy_protocol:
        print("briefing serve: --proxy-from needs --proxy-protocol", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    logging.getLogger("asyncssh").setLevel(logging.INFO)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_quiet_asyncssh)
        handler.setFormatter(CleanFormatter("%(asctime)s briefing serve: %(message)s"))
    from briefing.serve import zygote

    pid, link = zygote.start(args.paths)  # before asyncssh and before any event loop
    _more_file_descriptors()
    try:
        return asyncio.run(_main(args, limits, pid, link))
    finally:
        link.close()
        _reap(pid)


class CleanFormatter(logging.Formatter):
    """Every log line is one line of plain text, whatever a client put in it.

    Messages carry text clients chose (a disconnect reason, a user name in
    asyncssh's own lines): an escape sequence would reach whoever reads the
    log in a terminal, and a newline would forge a line of its own.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = plain_line(record.message)
        return super().formatMessage(record)


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

    from briefing.serve.authorized import read_authorized_keys
    from briefing.serve.hostkey import host_key, state_root
    from briefing.serve.hub import Hub, log

    try:
        key = host_key(args.host_key)
        allowed = read_authorized_keys(args.authorized_keys) if args.authorized_keys else None
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
    if args.proxy_protocol:
        hub.proxy_from = tuple(args.proxy_from or LOOPBACK)
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
    if hub.proxy_from is not None:
        log.info("PROXY protocol on, accepted from %s", " ".join(map(str, hub.proxy_from)))
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


def _listen(host: str, port: int) -> socket.socket:
    info = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    family, kind, proto, _name, address = info[0]
    listener = socket.socket(family, kind, proto)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(address)
    listener.listen(512)
    listener.setblocking(False)
    return listener
