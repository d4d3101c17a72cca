"""What the server knows about one client connection, apart from its sessions' code.

Its own module so that the session (which reports on its connection) and the
hub (which keeps the connections) both import it, and neither imports the
other's module back.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

import asyncssh

log = logging.getLogger("briefing.serve")


class LiveSession(Protocol):
    """What a connection asks of its sessions: whether a reader still runs."""

    @property
    def pid(self) -> int | None: ...

    @property
    def master(self) -> int: ...


@dataclass(eq=False)
class Connection:
    """What the server knows about one client connection."""

    address: str
    port: int
    fingerprint: str | None = None
    authenticated: bool = False
    has_reader: bool = False
    may_open_terminal: bool = True
    refused_channels: int = 0
    closing: bool = False
    """False when the key's authorized_keys line says no-pty (or restrict without pty)."""
    sessions: list[LiveSession] = field(default_factory=list)
    """The session channels open now (closed ones leave the list)."""
    ssh: asyncssh.SSHServerConnection | None = None
    started: float = field(default_factory=time.monotonic)
    last_active: float = field(default_factory=time.monotonic)
    """When a channel last opened or closed; with no reader, idle time counts from here."""

    def has_live_reader(self) -> bool:
        """A reader runs, or is still saying goodbye (its own timers and notice cover it)."""
        return any(session.pid is not None or session.master >= 0 for session in self.sessions)

    def close(self, reason: str) -> None:
        """Close a connection that holds no reader (one with a reader ends through it)."""
        if self.closing:
            return
        self.closing = True
        log.info("connection %s:%d %s closed: %s", self.address, self.port,
                 self.fingerprint or "anonymous", reason)  # fmt: skip
        if self.ssh is not None:
            with contextlib.suppress(Exception):
                self.ssh.disconnect(asyncssh.DISC_BY_APPLICATION, f"briefing: {reason}")
