"""What a state-store engine is (SQLite, PostgreSQL), apart from the store that uses one.

Its own module so the engines and the store (`statestore`, which opens an
engine only when a record is needed) never import each other in a circle.
"""

from __future__ import annotations

from abc import ABC, abstractmethod


class StoreUnavailable(OSError):
    """The database cannot be reached now; the record was not read or not yet written."""


class Engine(ABC):
    """Where records live. Thread-safe: the writer thread and the reader both call it."""

    warnings: list[str]
    """Lines to tell the reader once (a damaged database set aside), taken by the store."""

    @abstractmethod
    def get(self, kind: str, key: str) -> tuple[bytes, float] | None:
        """The payload and when it was saved (seconds since the epoch), or None."""

    @abstractmethod
    def put(self, kind: str, key: str, payload: bytes, saved: float, cap: int) -> None:
        """Insert or replace one record, then forget the oldest past `cap` of its kind."""

    @abstractmethod
    def keys(self, kind: str) -> list[str]:
        """The keys of one kind, for this reader."""

    @abstractmethod
    def newest(self, kind: str, limit: int) -> list[str]:
        """Up to `limit` keys of one kind, the most recently saved first."""

    @abstractmethod
    def delete(self, kind: str, key: str) -> None: ...

    @abstractmethod
    def close(self) -> None: ...
