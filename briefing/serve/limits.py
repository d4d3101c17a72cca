"""Admission control for the SSH server: pure bookkeeping, no I/O.

Every limit is decided here, before the SSH handshake costs anything, so a
flood from one address is turned away with a few bytes instead of a key
exchange. Behind a TCP load balancer every client has the balancer's
address: the per-address limits then apply to everyone together (see the
README), so raise them there or set them per balancer.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Startups:
    """OpenSSH's MaxStartups start:rate:full for connections still logging in.

    Below `start` every one is let in; from `start` on, a new one is dropped
    at random with a chance that grows from `rate` percent to 100 at `full`,
    so a crowd of silent sockets cannot fill every slot for the whole login
    timeout: honest clients keep a chance to get in and finish quickly.
    """

    start: int = 10
    rate: int = 30
    full: int = 20

    @classmethod
    def parse(cls, text: str) -> Startups:
        """`N` (a hard cap, as before) or `start:rate:full`; ValueError otherwise."""
        parts = text.split(":")
        if len(parts) == 1:
            full = int(parts[0])
            value = cls(full, 100, full)
        elif len(parts) == 3:
            value = cls(int(parts[0]), int(parts[1]), int(parts[2]))
        else:
            raise ValueError("expected N or start:rate:full")
        if not (1 <= value.start <= value.full and 0 <= value.rate <= 100):
            raise ValueError("needs 1 <= start <= full and 0 <= rate <= 100")
        return value

    def drop_chance(self, logging_in: int) -> float:
        """The probability that one more connection is dropped, 0.0 to 1.0."""
        if logging_in < self.start:
            return 0.0
        if logging_in >= self.full:
            return 1.0
        span = self.full - self.start
        return (self.rate + (100 - self.rate) * (logging_in - self.start) / span) / 100.0

    def __str__(self) -> str:
        return f"{self.start}:{self.rate}:{self.full}"


@dataclass(frozen=True, slots=True)
class Limits:
    """The server's bounds; every one is a `briefing serve` flag."""

    max_sessions: int = 100
    """Connections open at once, authenticated or not."""
    max_per_address: int = 10
    """Connections open at once from one client address."""
    rate_per_minute: float = 30.0
    """New connections per address per minute, refilled continuously."""
    burst: int = 10
    """New connections one address may open at once before the rate applies."""
    max_startups: Startups = field(default_factory=Startups)
    """Connections that have not finished logging in yet (OpenSSH's MaxStartups)."""
    max_startups_per_address: int = 5
    """Connections from one address still logging in: one address cannot fill the rest."""
    login_timeout: float = 10.0
    """Seconds from accepting a socket to a finished login (a PROXY header included)."""
    max_channels: int = 10
    """Session channels open at once on one connection (OpenSSH's MaxSessions)."""
    max_cpu: int = 600
    """CPU seconds one reader may use (RLIMIT_CPU); a reader costs well under one a minute."""
    idle_timeout: float = 1800.0
    max_session: float = 8 * 3600.0
    max_memory_mb: int = 1024
    max_backlog: int = 1 << 20
    """Bytes of output held for a slow client (channel and transport) before it is dropped."""
    max_readers_kept: int = 1000
    """Reader state folders kept; past it the least recently used go first."""
    keep_days: float = 90.0
    """A reader's state folder unused for this many days is removed."""
    max_state_mb: int = 1024
    """Disk all readers' state folders may use together; the least recently used go first."""
    grace: float = 10.0
    """Seconds readers get to save and exit when the server stops."""


@dataclass(slots=True)
class TokenBucket:
    """`capacity` tokens, refilled at `rate` per second; one token per connection."""

    capacity: float
    rate: float
    tokens: float
    stamp: float

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def full(self, now: float) -> bool:
        return self.tokens + (now - self.stamp) * self.rate >= self.capacity


@dataclass
class Admission:
    """Counts connections by address and state, and says who may come in.

    `admit` returns None to let a connection in (and counts it), or the reason
    to refuse it. Every admitted connection must later be `released`.
    """

    limits: Limits
    clock: Callable[[], float] = time.monotonic
    chance: Callable[[], float] = random.random
    open_by_address: dict[str, int] = field(default_factory=dict)
    logging_in_by_address: dict[str, int] = field(default_factory=dict)
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    total: int = 0
    unauthenticated: int = 0

    def admit(self, address: str) -> str | None:
        limits = self.limits
        now = self.clock()
        if self.total >= limits.max_sessions:
            return "the server is full"
        if self.open_by_address.get(address, 0) >= limits.max_per_address:
            return "too many sessions from your address"
        if self.logging_in_by_address.get(address, 0) >= limits.max_startups_per_address:
            return "too many connections from your address are logging in"
        drop = limits.max_startups.drop_chance(self.unauthenticated)
        if drop >= 1.0 or (drop > 0.0 and self.chance() < drop):
            return "too many connections are logging in"
        bucket = self.buckets.get(address)
        if bucket is None:
            bucket = TokenBucket(limits.burst, limits.rate_per_minute / 60.0, limits.burst, now)
            self.buckets[address] = bucket
        if not bucket.take(now):
            return "too many new connections from your address"
        self.total += 1
        self.unauthenticated += 1
        _count(self.open_by_address, address, +1)
        _count(self.logging_in_by_address, address, +1)
        self._forget_full_buckets(now)
        return None

    def authenticated(self, address: str) -> None:
        self.unauthenticated = max(0, self.unauthenticated - 1)
        _count(self.logging_in_by_address, address, -1)

    def release(self, address: str, *, authenticated: bool) -> None:
        self.total = max(0, self.total - 1)
        if not authenticated:
            self.unauthenticated = max(0, self.unauthenticated - 1)
            _count(self.logging_in_by_address, address, -1)
        _count(self.open_by_address, address, -1)

    def _forget_full_buckets(self, now: float) -> None:
        """A full bucket is the same as none: drop it so the table stays bounded."""
        if len(self.buckets) < 1024:
            return
        for address in [a for a, b in self.buckets.items() if b.full(now)]:
            if address not in self.open_by_address:
                del self.buckets[address]


def _count(table: dict[str, int], address: str, step: int) -> None:
    """Add `step` to an address's count; a count of zero leaves the table."""
    value = table.get(address, 0) + step
    if value > 0:
        table[address] = value
    else:
        table.pop(address, None)
