"""A Linux driver that survives what SSH clients and odd terminals send.

Two fixes over Textual 8.2.8's LinuxDriver, each covered by a test that
fails if the workaround stops working:

- Window size is capped. An SSH client chooses the pty size, and a claimed
  15000x15000 window drove Textual to MemoryError at 2.3 GB here.
- Invalid UTF-8 typed by the user (a Latin-1 terminal, a hostile client)
  becomes U+FFFD instead of killing the input thread (Textualize/textual#6456).
  The driver builds its decoder from the module's `getincrementaldecoder`,
  so that name is the only hook there is; nothing else is patched.
"""

from __future__ import annotations

import codecs
import functools
from typing import Any

import textual.drivers.linux_driver as linux_driver
from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Size
from textual.message import Message

MAX_COLUMNS = 1000
MAX_LINES = 500


def _lenient_decoder(encoding: str) -> Any:
    return functools.partial(codecs.getincrementaldecoder(encoding), errors="replace")


linux_driver.getincrementaldecoder = _lenient_decoder  # type: ignore[attr-defined]


def clamp(size: Size) -> Size:
    return Size(max(1, min(size.width, MAX_COLUMNS)), max(1, min(size.height, MAX_LINES)))


class ReaderDriver(LinuxDriver):
    """LinuxDriver with a capped window size and a forgiving input decoder."""

    def _get_terminal_size(self) -> tuple[int, int]:
        width, height = super()._get_terminal_size()
        size = clamp(Size(width, height))
        return size.width, size.height

    def process_message(self, message: Message) -> None:
        if isinstance(message, events.Resize):
            size = clamp(message.size)
            if size != message.size:
                message = events.Resize(size, clamp(message.virtual_size))
        super().process_message(message)
