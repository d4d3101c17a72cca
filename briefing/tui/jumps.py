"""A jump list, as in vim: Ctrl+O goes back to where a jump started, Ctrl+N forward.

Six kinds of move count as jumps (a mention step, a section key, a search
match, a timeline event, a palette command, a card's mention); scrolling does
not. Plain data, no Textual: the reader stores article `Spot`s in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

JumpKind = Literal["mention", "section", "search", "timeline", "palette", "card"]
JUMP_KINDS: tuple[JumpKind, ...] = ("mention", "section", "search", "timeline", "palette", "card")
MAX_JUMPS = 100

T = TypeVar("T")


@dataclass
class JumpList(Generic[T]):
    """Places before each jump; `index` is where Ctrl+O would go next (from the end)."""

    places: list[tuple[JumpKind, T]] = field(default_factory=list)
    index: int = 0

    def record(self, kind: JumpKind, here: T) -> None:
        """A jump is about to leave `here`: forget anything forward of it, keep it."""
        del self.places[self.index :]
        if not self.places or self.places[-1][1] != here:
            self.places.append((kind, here))
        del self.places[:-MAX_JUMPS]
        self.index = len(self.places)

    def back(self, here: T) -> T | None:
        """The place before the last jump (None at the start); `here` is kept for forward."""
        if self.index == 0:
            return None
        if self.index == len(self.places):
            kind = self.places[-1][0]
            self.places.append((kind, here))
        self.index -= 1
        return self.places[self.index][1]

    def forward(self) -> T | None:
        """Undo a `back`; None when there is nothing forward."""
        if self.index + 1 >= len(self.places):
            return None
        self.index += 1
        return self.places[self.index][1]
