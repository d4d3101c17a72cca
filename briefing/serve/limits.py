"""Admission control for the SSH server: pure bookkeeping, no I/O.

Every limit is decided here, before the SSH handshake costs anything, so a
flood from one address is turned away with a few bytes instead of a key
exchange. Behind a TCP load balancer every client has the balancer's
address: the per-address limits then apply to everyone together (see the
README), so raise them there or set them per balancer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


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
    max_startups: int = 20
    """Connections that have not finished logging in yet (OpenSSH's MaxStartups)."""
    login_timeout: float = 30.0
    idle_timeout: float = 1800.0
    max_session: float = 8 * 3600.0
    max_memory_mb: int = 1024
    max_backlog: int = 1 << 20
    """Bytes of reader output waiting for a slow client before it is dropped."""
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
    open_by_address: dict[str, int] = field(default_factory=dict)
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    total: int = 0
    unauthenticated: int = 0

    def admit(self, address: str) -> str | None:
        limits = self.limits
        now = self.clock()
        if self.total >= limits.max_sessions:
            return "the server is full"
        if self.unauthenticated >= limits.max_startups:
            return "too many connections are logging in"
        if self.open_by_address.get(address, 0) >= limits.max_per_address:
            return "too many sessions from your address"
        bucket = self.buckets.get(address)
        if bucket is None:
            bucket = TokenBucket(limits.burst, limits.rate_per_minute / 60.0, limits.burst, now)
            self.buckets[address] = bucket
        if not bucket.take(now):
            return "too many new connections from your address"
        self.total += 1
        self.unauthenticated += 1
        self.open_by_address[address] = self.open_by_address.get(address, 0) + 1
        self._forget_full_buckets(now)
        return None

    def authenticated(self) -> None:
        self.unauthenticated = max(0, self.unauthenticated - 1)

    def release(self, address: str, *, authenticated: bool) -> None:
        self.total = max(0, self.total - 1)
        if not authenticated:
            self.unauthenticated = max(0, self.unauthenticated - 1)
        left = self.open_by_address.get(address, 0) - 1
        if left > 0:
            self.open_by_address[address] = left
        else:
            self.open_by_address.pop(address, None)

    def _forget_full_buckets(self, now: float) -> None:
        """A full bucket is the same as none: drop it so the table stays bounded."""
        if len(self.buckets) < 1024:
            return
        for address in [a for a, b in self.buckets.items() if b.full(now)]:
            if address not in self.open_by_address:
                del self.buckets[address]
