"""A Linux driver that survives what SSH clients and odd terminals send.

Two fixes over Textual 8.2.8's LinuxDriver, each covered by a test that
fails if the workaround stops working:

- Window size is capped. An SSH client chooses the pty size, and a claimed
  15000x15000 window drove Textual to MemoryError at 2.3 GB here.
- Input is decoded forgivingly. Invalid UTF-8 typed by the user (a Latin-1
  terminal, a hostile client) becomes U+FFFD instead of killing the input
  thread (Textualize/textual#6456), and an escape sequence with thousands
  of parameter bytes is cut short: Textual's parser takes quadratic time on
  one and drops every key after it. The driver builds its decoder from the
  module's `getincrementaldecoder`, so that name is the only hook there is;
  nothing else is patched.
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


MAX_SEQUENCE = 64
"""Parameter bytes kept in one control sequence from the terminal."""


class InputFilter:
    """UTF-8 decoding that never fails, and bounded control sequences.

    Nothing is held back (the parser's Escape timeout must keep working):
    characters pass straight through, except the parameter bytes of a CSI
    sequence past MAX_SEQUENCE, which are dropped until its final byte.
    """

    def __init__(self, encoding: str = "utf-8") -> None:
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._state = 0  # 0 text, 1 after ESC, 2 inside CSI
        self._length = 0

    def decode(self, data: bytes, final: bool = False) -> str:
        text = self._decoder.decode(data, final)
        if "\x1b" not in text and self._state == 0:
            return text
        kept: list[str] = []
        for char in text:
            state = self._state
            if state == 0:
                if char == "\x1b":
                    self._state = 1
            elif state == 1:
                self._state = 2 if char == "[" else (1 if char == "\x1b" else 0)
                self._length = 0
            elif "\x20" <= char <= "\x3f":
                self._length += 1
                if self._length > MAX_SEQUENCE:
                    continue
            else:
                self._state = 1 if char == "\x1b" else 0
            kept.append(char)
        return "".join(kept)


def _lenient_decoder(encoding: str) -> Any:
    return functools.partial(_lenient_instance, encoding)


def _lenient_instance(encoding: str, *args: Any, **kwargs: Any) -> Any:
    return InputFilter(encoding)


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
