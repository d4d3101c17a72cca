"""The warm zygote: one single-threaded process that forks a reader per session.

Started by the server before it imports asyncssh or starts its event loop,
it imports Textual, the app and the loader once, loads the library once,
draws the newest briefing once, headless, at the common window sizes (so
each reader starts with the stylesheet parsed and the article laid out:
forkedreader.prepare), freezes the garbage collector's view of all that (so
children do not dirty the shared pages by scanning them), and then waits. For each session the
server sends the slave side of a fresh pty over a Unix socket (SCM_RIGHTS)
with the few settings the reader may have; the zygote forks a child that
makes the pty its controlling terminal and runs the reader on it. A crash,
a hang or a kill -9 in a child ends that session only. At most
STARTING_AT_ONCE readers draw their first frame at once; other requests wait
their turn in order (see Turns), and one whose client left is dropped.

Messages are JSON on a SOCK_SEQPACKET socket, so each is whole and an fd
travels with the message that names it:

    server -> zygote  {"op": "spawn", "id": N, "env": {...}, "home": PATH,
                       "anonymous": BOOL, "memory": BYTES, "cpu": SECONDS} + one fd
                      {"op": "cancel", "id": N}  (the client left while waiting)
                      {"op": "reload"}
    zygote -> server  {"op": "spawned", "id": N, "pid": PID}
                      {"op": "cancelled", "id": N}  (never started; its pty closed)
                      {"op": "exited", "pid": PID, "status": CODE}
                      {"op": "reloaded", "briefings": COUNT}
                      {"op": "ready", "briefings": COUNT}  (once, when warm)
"""

from __future__ import annotations

import array
import collections
import contextlib
import fcntl
import gc
import json
import os
import resource
import select
import signal
import socket
import sys
import termios
import time
from collections.abc import Sequence
from typing import Any, NoReturn

MAX_MESSAGE = 16384
READER_ENV = ("TERM", "LANG", "COLORTERM", "NO_COLOR")
"""The only client variables a reader ever sees."""


def send(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    data = json.dumps(message).encode("utf-8")
    ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    sock.sendmsg([data], ancillary)


def receive(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """One message and the fds that came with it; (None, []) when the peer is gone."""
    fds = array.array("i")
    data, ancillary, _flags, _address = sock.recvmsg(
        MAX_MESSAGE, socket.CMSG_SPACE(4 * fds.itemsize)
    )
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    if not data:
        for fd in fds:
            os.close(fd)
        return None, []
    message = json.loads(data.decode("utf-8"))
    return (message if isinstance(message, dict) else None), list(fds)


def start(paths: Sequence[str]) -> tuple[int, socket.socket]:
    """Fork the zygote; the server keeps the returned socket (pid, socket)."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:  # the zygote: never returns into the server's code
        code = 1
        try:
            ours.close()
            code = _serve(theirs, list(paths))
        except BaseException:  # noqa: BLE001 - report, then leave without unwinding
            import traceback

            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os._exit(code)
    theirs.close()
    return pid, ours


def _warm_up() -> None:
    """Import what every reader needs, so each fork starts warm."""
    from briefing.tui.terminal import configure

    configure()  # Textual reads its constants once, at import
    import textual.app  # noqa: F401

    from briefing.serve import forkedreader  # noqa: F401
    from briefing.tui import app, driver  # noqa: F401

    forkedreader.warm()


def _serve(sock: socket.socket, paths: list[str]) -> int:
    # The server decides when readers stop; a terminal's signals are not ours.
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGTSTP):
        signal.signal(signum, signal.SIG_IGN)
    _warm_up()
    from briefing.serve.forkedreader import prepare
    from briefing.store.library import Library, discover
    from briefing.store.modelcache import write_pending

    library: Library = discover(paths)
    prepare(library)
    # Kept here, once, in the server's cache folder: a reader forked with
    # models still pending would each pickle them again after its first frame.
    write_pending()
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda _signum, _frame: None)
    gc.collect()
    gc.freeze()
    send(sock, {"op": "ready", "briefings": len(library.found)})
    turns = Turns()
    while True:
        try:
            ready, _, _ = select.select(
                [sock.fileno(), wake_read, *turns.starting], [], [], turns.timeout()
            )
        except InterruptedError:
            continue
        turns.finished([fd for fd in ready if fd in turns.starting])
        if wake_read in ready:
            os.read(wake_read, 512)
            _reap(sock)
        while (turn := turns.next()) is not None:
            _spawn(sock, *turn, library, turns, (wake_read, wake_write))
        if sock.fileno() not in ready:
            continue
        message, fds = receive(sock)
        if message is None:
            return 0
        if message.get("op") == "spawn" and len(fds) == 1:
            turns.waiting.append((message, fds[0]))
            while (turn := turns.next()) is not None:
                _spawn(sock, *turn, library, turns, (wake_read, wake_write))
        elif message.get("op") == "cancel":
            if turns.cancel(message.get("id")):
                send(sock, {"op": "cancelled", "id": message.get("id")})
        elif message.get("op") == "reload":
            library = discover(paths)
            prepare(library)
            write_pending()
            gc.unfreeze()  # so the dropped library's cycles can be collected
            gc.collect()
            gc.freeze()
            send(sock, {"op": "reloaded", "briefings": len(library.found)})
        else:
            for fd in fds:
                os.close(fd)


STARTING_AT_ONCE = len(os.sched_getaffinity(0)) + 1
"""Readers drawing their first frame at once; later ones wait their turn, in order.

A first frame is CPU-bound (some 0.2 s of one core). Fifty sessions opened at
once, all forked at once, share the cores and all draw late, together; about
one reader per core at a time (one more, to fill the moments a reader waits on
its pty or its state file) draws each in about its own time, so half of them
are reading by about half the time."""
STARTING_TIMEOUT = 5.0
"""A reader that has not drawn its first frame by then gives up its turn (and goes on)."""


class Turns:
    """Who is drawing a first frame (a pipe each, closed by the reader when drawn), who waits.

    Each reader gets the write end of a pipe: it closes it after its first
    frame, or by exiting, so the read end says when the next may start,
    whatever happens to the reader; a reader that hangs is let go after
    STARTING_TIMEOUT.
    """

    def __init__(self, at_once: int = STARTING_AT_ONCE) -> None:
        self.at_once = at_once
        self.starting: dict[int, float] = {}
        """Read end of a starting reader's pipe -> when its turn ends anyway."""
        self.waiting: collections.deque[tuple[dict[str, Any], int]] = collections.deque()
        """Spawn requests (and their pty) in arrival order."""

    def timeout(self) -> float | None:
        if not self.starting:
            return None
        return max(0.0, min(self.starting.values()) - time.monotonic())

    def finished(self, ready: list[int]) -> None:
        now = time.monotonic()
        for fd in [*ready, *(fd for fd, end in self.starting.items() if end <= now)]:
            if self.starting.pop(fd, None) is not None:
                os.close(fd)

    def next(self) -> tuple[dict[str, Any], int] | None:
        if self.waiting and len(self.starting) < self.at_once:
            return self.waiting.popleft()
        return None

    def cancel(self, request_id: object) -> bool:
        """Drop a waiting request whose client left (True); False when it has started."""
        for item in self.waiting:
            if item[0].get("id") == request_id:
                self.waiting.remove(item)
                os.close(item[1])
                return True
        return False

    def close_all(self) -> None:
        """In a new reader: none of these descriptors are its own."""
        for fd in [*self.starting, *(slave for _request, slave in self.waiting)]:
            with contextlib.suppress(OSError):
                os.close(fd)


def _spawn(sock: socket.socket, message: dict[str, Any], slave: int, library: Any,
           turns: Turns, wake: tuple[int, int]) -> None:  # fmt: skip
    drawn_read, drawn_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        for fd in (*wake, drawn_read):
            os.close(fd)
        sock.close()
        turns.close_all()
        _become_reader(slave, message, library, drawn_write)
    os.close(slave)
    os.close(drawn_write)
    turns.starting[drawn_read] = time.monotonic() + STARTING_TIMEOUT
    send(sock, {"op": "spawned", "id": message.get("id"), "pid": pid})


def _reap(sock: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        send(sock, {"op": "exited", "pid": pid, "status": os.waitstatus_to_exitcode(status)})


def _become_reader(slave: int, request: dict[str, Any], library: Any, drawn: int) -> NoReturn:
    """In the forked child: take the pty as the controlling terminal and read."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        # The server's "look at your file" nudge (hub._nudge_readers) must never
        # kill a reader that has not yet installed its handler.
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for target in (0, 1, 2):
            os.dup2(slave, target)
        if slave > 2:
            os.close(slave)
        _fresh_standard_streams()
        _reader_environment(request)
        memory = request.get("memory")
        if isinstance(memory, int) and memory > 0:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = request.get("cpu")
        if isinstance(cpu, int) and cpu > 0:
            # SIGXCPU at the soft limit ends the reader (its default action);
            # the hard limit, a second later, is SIGKILL if it was caught.
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        from briefing.serve.forkedreader import run_session

        code = run_session(library, anonymous=request.get("anonymous") is not False, drawn=drawn)
    except BaseException as error:  # noqa: BLE001 - one line on the reader's terminal
        with contextlib.suppress(Exception):
            from briefing.format.cleaning import plain_line

            reason = plain_line(f"{type(error).__name__}: {error}")[:200]
            os.write(2, f"\r\nbriefing: the reader failed: {reason}\r\n".encode())
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _fresh_standard_streams() -> None:
    """Text streams on the pty: the inherited ones describe the zygote's files."""
    streams = ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w"))
    for fd, name, mode in streams:
        stream = open(fd, mode, encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _reader_environment(request: dict[str, Any]) -> None:
    """A clean environment: the server's basics, the client's few allowed names, own folders."""
    # BRIEFING_STATE_URL: the server's --state-url, so every reader saves to that database.
    kept = ("PATH", "TZ", "BRIEFING_STATE_URL")
    keep = {name: os.environ[name] for name in kept if name in os.environ}
    os.environ.clear()
    os.environ.update(keep)
    env = request.get("env")
    if isinstance(env, dict):
        for name in READER_ENV:
            value = env.get(name)
            if isinstance(value, str):
                os.environ[name] = value
    os.environ["BRIEFING_SERVED"] = "1"
    if request.get("anonymous") is not False:
        os.environ.pop("BRIEFING_STATE_URL", None)  # nothing of theirs goes to the shared store
    reader = request.get("reader")
    if isinstance(reader, str) and reader.isalnum():
        os.environ["BRIEFING_READER"] = f"ssh:{reader}"
    home = request.get("home")
    if not isinstance(home, str) or not os.path.isabs(home):
        raise ValueError("no home for the reader")
    os.environ["HOME"] = home
    for name, sub in (("XDG_STATE_HOME", "state"), ("XDG_CONFIG_HOME", "config"),
                      ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache")):  # fmt: skip
        os.environ[name] = os.path.join(home, sub)
