"""The server process: accept, admit, authenticate, hand sessions to the zygote, log.

Connections are accepted here, outside asyncssh, so that limits are checked
before any key exchange: a refused client gets an SSH version line and a
DISCONNECT packet with the reason (OpenSSH prints it) for a few bytes of
work. Admitted sockets are handed to asyncssh's `run_server`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import shutil
import signal
import socket
import struct
import time
import uuid
from ipaddress import IPv4Network, IPv6Network, ip_address
from pathlib import Path
from typing import Any

import asyncssh

from briefing.format.cleaning import plain_line
from briefing.serve import zygote
from briefing.serve.authorized import AuthorizedKeys
from briefing.serve.channel import bounded_channel
from briefing.serve.connection import Connection
from briefing.serve.limits import Admission, Limits
from briefing.serve.proxyheader import ProxyHeaderError, read_header
from briefing.serve.session import ReaderSession
from briefing.serve.statefolders import expire_reader_folders, mark_used

log = logging.getLogger("briefing.serve")

DISCONNECT_TOO_MANY_CONNECTIONS = 12
MAX_REASON = 200
"""Characters of a client's disconnect reason that reach the log."""
MAX_REFUSING = 256
"""Refusals being answered at once; past it a refused socket is just closed."""


def disconnect_packet(reason: str, code: int = DISCONNECT_TOO_MANY_CONNECTIONS) -> bytes:
    """An unencrypted SSH_MSG_DISCONNECT, valid before key exchange (RFC 4253 6, 11.1)."""
    text = reason.encode("utf-8")
    payload = bytes([1]) + struct.pack("!I", code) + struct.pack("!I", len(text)) + text
    payload += struct.pack("!I", 0)  # language tag
    padding = 8 - (5 + len(payload)) % 8
    if padding < 4:
        padding += 8
    body = bytes([padding]) + payload + bytes(padding)
    return struct.pack("!I", len(body)) + body


def _in_networks(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:  # ::ffff:127.0.0.1 on a dual socket
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)


class ReaderServer(asyncssh.SSHServer):
    """Authentication and channel policy for one connection."""

    def __init__(self, hub: Hub, connection: Connection) -> None:
        self.hub = hub
        self.connection = connection
        self._key: asyncssh.SSHKey | None = None

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate: never the "none" method

    def password_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # asyncssh checks the signature after this returns True; the key
        # recorded last is the one a successful public-key login proved.
        allowed = self.hub.authorized
        if allowed is not None:
            entry = allowed.admits(key.public_data, self.connection.address)
            if entry is None:
                return False
            self.connection.may_open_terminal = entry.pty
        self._key = key
        return True

    def kbdint_auth_supported(self) -> bool:
        return self.hub.authorized is None

    def get_kbdint_challenge(self, username: str, lang: str, submethods: str) -> bool:
        self._key = None  # a key only offered, never proven, must not name this reader
        return True  # no prompts: keyless clients read anonymously

    def auth_completed(self) -> None:
        self.connection.authenticated = True
        if self._key is not None:
            self.connection.fingerprint = self._key.get_fingerprint("sha256")
        self.connection.last_active = time.monotonic()
        self.hub.admission.authenticated(self.connection.address)
        log.info("login %s:%d %s", self.connection.address, self.connection.port,
                 self.connection.fingerprint or "anonymous")  # fmt: skip

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self.connection.ssh = conn

    def session_requested(
        self,
    ) -> tuple[asyncssh.SSHServerChannel[bytes], ReaderSession] | bool:
        connection = self.connection
        if len(connection.sessions) >= self.hub.limits.max_channels:
            # Each channel costs memory until it closes: past the cap the open is refused.
            if not connection.refused_channels:
                self.hub.log_refusal(connection, "too many channels on one connection")
            connection.refused_channels += 1
            return False
        connection.last_active = time.monotonic()
        session = ReaderSession(self.hub, connection)
        connection.sessions.append(session)
        return bounded_channel(self._conn), session

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str,
                             orig_port: int) -> bool:  # fmt: skip
        self.hub.log_refusal(self.connection, "port forwarding (-L)")
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        self.hub.log_refusal(self.connection, "remote port forwarding (-R)")
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        self.hub.log_refusal(self.connection, "socket forwarding")
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        self.hub.log_refusal(self.connection, "remote socket forwarding")
        return False


class Hub:
    """Everything the server process holds: limits, the zygote link, the sessions."""

    def __init__(self, limits: Limits, zygote_socket: socket.socket, zygote_pid: int,
                 state_root: Path, authorized: AuthorizedKeys | None,
                 options: asyncssh.SSHServerConnectionOptions) -> None:  # fmt: skip
        self.limits = limits
        self.admission = Admission(limits)
        self.zygote = zygote_socket
        self.zygote_pid = zygote_pid
        self.state_root = state_root
        self.authorized = authorized
        self.options = options
        self.sessions: dict[int, ReaderSession] = {}
        self.connections: set[Connection] = set()
        self.proxy_from: tuple[IPv4Network | IPv6Network, ...] | None = None
        """With --proxy-protocol: the balancers' networks; None reads no header."""
        self._awaiting_header = 0
        self._by_id: dict[int, ReaderSession] = {}
        self._next_id = 0
        self._refusing = 0
        self.stopping = asyncio.Event()
        self.zygote_gone = False
        self.ready = asyncio.get_running_loop().create_future()

    # --- the zygote ---------------------------------------------------------------

    def spawn(self, session: ReaderSession, slave: int, env: dict[str, str]) -> str:
        """Ask the zygote for a reader on `slave`; its home folder (state lives there)."""
        self._next_id += 1
        self._by_id[self._next_id] = session
        fingerprint = session.connection.fingerprint
        digest = None
        if fingerprint is None:
            home = self.state_root / "anonymous" / uuid.uuid4().hex
        else:
            digest = hashlib.sha256(fingerprint.encode("ascii")).hexdigest()
            home = self.state_root / "readers" / digest
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        if fingerprint is not None and mark_used(home):
            self.expire_state(home)  # a new reader folder: the one moment the total grows
        # `reader` names the key's records in a shared state database (the same
        # hash as the folder, so no backend needs to know the others' folders).
        request = {"op": "spawn", "id": self._next_id, "env": env, "home": str(home),
                   "anonymous": fingerprint is None, "reader": digest,
                   "memory": self.limits.max_memory_mb * 1024 * 1024,
                   "cpu": self.limits.max_cpu}  # fmt: skip
        zygote.send(self.zygote, request, [slave])
        return str(home)

    def cancel(self, session: ReaderSession) -> None:
        """The client left before its reader started: the zygote drops the request if it waits."""
        for request_id, waiting in self._by_id.items():
            if waiting is session:
                zygote.send(self.zygote, {"op": "cancel", "id": request_id})
                return

    def expire_state(self, starting: Path | None = None) -> None:
        """Keep at most --max-readers-kept reader folders, none unused past --keep-days."""
        in_use = {Path(s.home) for s in self.sessions.values() if s.home is not None}
        if starting is not None:
            in_use.add(starting)
        in_use |= {Path(s.home) for s in self._by_id.values() if s.home is not None}
        removed = expire_reader_folders(
            self.state_root / "readers", keep=self.limits.max_readers_kept,
            max_age=self.limits.keep_days * 86400.0, in_use=in_use,
            max_bytes=self.limits.max_state_mb * 1024 * 1024,
        )  # fmt: skip
        if removed:
            log.info("removed %d reader state folders (least recently used)", len(removed))

    def reload(self) -> None:
        log.info("SIGHUP: reloading the library")
        zygote.send(self.zygote, {"op": "reload"})
        self._nudge_readers()

    def library_changed(self) -> None:
        log.info("the library changed: reloading it")
        zygote.send(self.zygote, {"op": "reload"})
        self._nudge_readers()

    def _nudge_readers(self) -> None:
        """Tell every open reader to look at its briefing's file once (SIGUSR1).

        Readers do not watch files themselves (see watch.py); this is how an
        open session sees a changed briefing, marked, with its place kept.
        """
        for pid in list(self.sessions):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGUSR1)

    def on_zygote(self) -> None:
        while True:
            try:
                message, fds = zygote.receive(self.zygote)
            except BlockingIOError:
                return
            except OSError:
                message, fds = None, []
            for fd in fds:
                os.close(fd)
            if message is None:
                asyncio.get_running_loop().remove_reader(self.zygote.fileno())
                self.zygote_gone = True
                if not self.ready.done():
                    self.ready.set_result(-1)
                log.error("the reader zygote exited; stopping")
                self.stopping.set()
                return
            self._zygote_said(message)

    def _zygote_said(self, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == "ready" and not self.ready.done():
            self.ready.set_result(int(message.get("briefings", 0)))
        elif op == "spawned":
            session = self._by_id.pop(int(message.get("id", -1)), None)
            pid = int(message.get("pid", 0))
            if session is not None and pid > 0:
                self.sessions[pid] = session
                session.spawned(pid)
        elif op == "cancelled":
            session = self._by_id.pop(int(message.get("id", -1)), None)
            if session is not None:
                connection = session.connection
                who = connection.fingerprint or "anonymous"
                log.info("session %s:%d %s ended before its reader started: %s",
                         connection.address, connection.port, who, session.ended)  # fmt: skip
                if connection.fingerprint is None and session.home:
                    shutil.rmtree(session.home, ignore_errors=True)
        elif op == "exited":
            session = self.sessions.get(int(message.get("pid", 0)))
            if session is not None:
                session.exited(int(message.get("status", 1)))
        elif op == "reloaded":
            log.info("library reloaded: %s briefings", message.get("briefings"))

    # --- connections --------------------------------------------------------------

    async def accept(self, listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                sock, peer = await loop.sock_accept(listener)
            except OSError as error:  # out of file descriptors, say: keep serving the rest
                log.error("accept failed: %s", error.strerror or error)
                await asyncio.sleep(0.5)
                continue
            address, port = str(peer[0]), int(peer[1])
            if self.proxy_from is not None:
                self._from_balancer(sock, address, port)
                continue
            self._admit(sock, address, port)

    def _admit(self, sock: socket.socket, address: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        reason = self.admission.admit(address)
        if reason is not None:
            log.warning("refused %s:%d: %s", address, port, reason)
            loop.create_task(self._refuse(sock, reason))
            return
        loop.create_task(self._serve(sock, Connection(address, port)))

    def _from_balancer(self, sock: socket.socket, address: str, port: int) -> None:
        """Only a listed balancer may say who the client is, and only with a header."""
        if not _in_networks(address, self.proxy_from or ()):
            log.warning("dropped %s:%d: not a --proxy-from address, so no PROXY header is "
                        "taken from it", address, port)  # fmt: skip
            sock.close()
            return
        if self._awaiting_header >= self.limits.max_startups.full:
            log.warning("dropped %s:%d: too many connections waiting for a PROXY header",
                        address, port)  # fmt: skip
            sock.close()
            return
        asyncio.get_running_loop().create_task(self._read_proxy_header(sock, address, port))

    async def _read_proxy_header(self, sock: socket.socket, address: str, port: int) -> None:
        self._awaiting_header += 1
        try:
            header = await asyncio.wait_for(read_header(sock), self.limits.login_timeout)
        except (TimeoutError, ProxyHeaderError, OSError) as error:
            why = ("no PROXY header within the login timeout" if isinstance(error, TimeoutError)
                   else f"bad PROXY header: {error}")  # fmt: skip
            log.warning("dropped %s:%d: %s", address, port, why)
            sock.close()
            return
        finally:
            self._awaiting_header -= 1
        if header.source is None:  # the balancer's own check (LOCAL), or no address given
            self._admit(sock, address, port)
        else:
            self._admit(sock, header.source, header.port or 0)

    async def _refuse(self, sock: socket.socket, reason: str) -> None:
        if self._refusing >= MAX_REFUSING:
            sock.close()
            return
        self._refusing += 1
        loop = asyncio.get_running_loop()
        try:
            sock.setblocking(False)
            message = f"briefing: {reason}; try again later"
            await loop.sock_sendall(sock, b"SSH-2.0-briefing\r\n" + disconnect_packet(message))
            sock.shutdown(socket.SHUT_WR)
            # Read what the client sent, so closing does not reset the connection
            # before it has read the reason.
            deadline = time.monotonic() + 2.0
            while time.monotonic() < deadline:
                data = await asyncio.wait_for(loop.sock_recv(sock, 4096), 2.0)
                if not data:
                    break
        except (TimeoutError, OSError):
            pass
        finally:
            self._refusing -= 1
            sock.close()

    async def _serve(self, sock: socket.socket, connection: Connection) -> None:
        conn: asyncssh.SSHServerConnection | None = None
        self.connections.add(connection)
        try:
            conn = await asyncssh.run_server(
                sock, options=self.options,
                server_factory=lambda: ReaderServer(self, connection),
            )  # fmt: skip
            await conn.wait_closed()
        except (TimeoutError, OSError, asyncssh.Error) as error:
            # A DISCONNECT's reason is the client's own text: one clean, short line.
            reason = plain_line(str(error) or type(error).__name__)[:MAX_REASON]
            log.info("connection %s:%d closed before a session: %s", connection.address,
                     connection.port, reason)  # fmt: skip
        finally:
            if conn is not None:
                conn.abort()
            sock.close()
            self.connections.discard(connection)
            self.admission.release(connection.address, authenticated=connection.authenticated)

    # --- sessions -----------------------------------------------------------------

    def log_refusal(self, connection: Connection, what: str) -> None:
        who = connection.fingerprint or "anonymous"
        log.warning("refused %s:%d (%s): %s", connection.address, connection.port, who, what)

    def session_closed(self, session: ReaderSession) -> None:
        """Called when a reader's session is over; logs it once."""
        connection = session.connection
        if session in connection.sessions:
            connection.sessions.remove(session)
            connection.last_active = time.monotonic()
        if session.pid is not None and self.sessions.get(session.pid) is session:
            del self.sessions[session.pid]
        if session.logged or session.pid is None:
            return
        session.logged = True
        log.info(
            "session %s:%d %s %.1fs in=%dB out=%dB resizes=%d/%d ended: %s", connection.address,
            connection.port, connection.fingerprint or "anonymous",
            time.monotonic() - session.started, session.bytes_in, session.bytes_out,
            session.resizes_received, session.resizes_applied,
            session.ended or "unknown",
        )  # fmt: skip
        if connection.fingerprint is None and session.home:
            shutil.rmtree(session.home, ignore_errors=True)

    async def housekeeping(self) -> None:
        """Idle and length limits, checked once a second; state folders once an hour."""
        last_expiry = time.monotonic()
        while True:
            await asyncio.sleep(1.0)
            now = time.monotonic()
            self.check_timers(now)
            if now - last_expiry > 3600.0:
                last_expiry = now
                self.expire_state()

    def check_timers(self, now: float) -> None:
        """Every connection is bounded in time: by its reader's input, or by its own."""
        limits = self.limits
        for session in list(self.sessions.values()):
            if session.ended is not None:
                continue
            if now - session.last_input > limits.idle_timeout:
                session.end("idle timeout")
            elif now - session.started > limits.max_session:
                session.end("maximum session length")
        for connection in list(self.connections):
            if not connection.authenticated or connection.has_live_reader():
                continue  # the login timeout, or the reader's own timers, cover these
            if now - connection.started > limits.max_session:
                connection.close("maximum session length")
            elif now - connection.last_active > limits.idle_timeout:
                connection.close("idle timeout, no reader open")

    async def stop(self) -> None:
        """Tell every reader to save and exit; wait for them, boundedly."""
        log.info("stopping: %d sessions to close", len(self.sessions))
        for session in list(self.sessions.values()):
            session.end("server stopping")
        deadline = time.monotonic() + self.limits.grace + 2.0
        while self.sessions and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.4)  # let the last exit statuses reach their clients
        with contextlib.suppress(OSError):
            self.zygote.close()
