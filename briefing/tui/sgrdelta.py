"""Fewer bytes for the same frame: style changes as differences, no dead cursor moves.

Textual writes every segment as a full reset and a full style
(`ESC[0m ESC[3;4;38;5;67;48;5;233m`), and ends every row with a move to its
end and a newline right before the absolute move to the next row. Over SSH
or a slow link those are most of a frame: 3.5 of the 6 KB a one-line scroll
writes at 100x30. `compact` rewrites one chunk of output so that the
terminal ends in exactly the same state, cell for cell:

- a style is sent as the difference from the style the terminal has
  (attributes turned off, colours that changed), or as a reset and the full
  style when that is shorter; a style the next text does not use is never
  sent (resets before a cursor move wait for the text after it);
- `ESC[r;cH LF` straight before another absolute move is dropped when
  row r is above the last row (so the newline could not scroll).

It only parses what the app wrote (content never reaches here unescaped: it
was cleaned before Textual drew it). Anything it does not understand in a
style leaves the whole chunk as it was. No Textual import: this is plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

TOKEN = re.compile(
    r"(?P<sgr>\x1b\[(?P<params>[0-9;]*)m)"
    r"|(?P<cup>\x1b\[(?P<row>\d+);\d+H)"
    r"|(?P<newline>\r?\n)"
    r"|(?P<escape>\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[^\[\]]))"
    r"|(?P<text>[^\x1b\r]+|\r|\x1b)"
)

ON = {1, 2, 3, 4, 5, 7, 8, 9, 21, 51, 52, 53}
OFF = {22: (1, 2), 23: (3,), 24: (4, 21), 25: (5,), 27: (7,), 28: (8,), 29: (9,),
       54: (51, 52), 55: (53,)}  # fmt: skip
OFF_CODE = {attr: code for code, attrs in OFF.items() for attr in attrs}
RESETS_EVERYTHING = ("\x1bc", "\x1b[!p")


class Unparsed(Exception):
    """A style this module does not model: leave the chunk alone."""


@dataclass(frozen=True)
class Style:
    attrs: frozenset[int] = frozenset()
    fg: str | None = None
    bg: str | None = None

    def params(self) -> list[str]:
        found = [str(a) for a in sorted(self.attrs)]
        return found + [c for c in (self.fg, self.bg) if c is not None]


PLAIN = Style()


@lru_cache(maxsize=4096)  # a frame uses a few dozen styles, over and over
def apply(style: Style, params: str) -> Style:
    """The style after `ESC[<params>m` on `style`."""
    codes = params.split(";") if params else ["0"]
    attrs, fg, bg = set(style.attrs), style.fg, style.bg
    index = 0
    while index < len(codes):
        if not codes[index].isdigit():
            raise Unparsed(params)
        code = int(codes[index])
        if code == 0:
            attrs, fg, bg = set(), None, None
        elif code in ON:
            attrs.add(code)
        elif code in OFF:
            attrs.difference_update(OFF[code])
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = str(code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = str(code)
        elif code == 39:
            fg = None
        elif code == 49:
            bg = None
        elif code in (38, 48):
            kind = codes[index + 1] if index + 1 < len(codes) else ""
            width = {"5": 2, "2": 4}.get(kind)
            parts = codes[index : index + 1 + width] if width else []
            if not width or len(parts) != width + 1 or not all(p.isdigit() for p in parts):
                raise Unparsed(params)
            colour = ";".join(parts)
            if code == 38:
                fg = colour
            else:
                bg = colour
            index += width
        else:
            raise Unparsed(params)
        index += 1
    return Style(frozenset(attrs), fg, bg)


@lru_cache(maxsize=4096)
def difference(have: Style | None, want: Style) -> str:
    """The shortest SGR taking the terminal from `have` (None: unknown) to `want`."""
    params = want.params()
    full = "\x1b[" + ";".join(["0", *params]) + "m" if params else "\x1b[m"
    if have is None:
        return full
    if have == want:
        return ""
    codes: list[str] = []
    dropped = have.attrs - want.attrs
    off = sorted({OFF_CODE[a] for a in dropped})
    codes += [str(c) for c in off]
    cleared = {a for c in off for a in OFF[c]}
    codes += [str(a) for a in sorted(want.attrs) if a not in have.attrs or a in cleared]
    if have.fg != want.fg:
        codes.append(want.fg or "39")
    if have.bg != want.bg:
        codes.append(want.bg or "49")
    delta = "\x1b[" + ";".join(codes) + "m"
    return delta if len(delta) < len(full) else full


def compact(
    data: str, height: int | None = None, start: Style | None = None
) -> tuple[str, Style | None]:
    """`data` rewritten to leave the terminal exactly as `data` would, in fewer bytes.

    `height` is the screen's number of rows (None: never drop a newline);
    `start` the terminal's style before `data` (None: not known). Returns
    the text to write and the style the terminal has after it (pass it as
    the next chunk's `start`).
    """
    try:
        return _compact(data, height, start)
    except Unparsed:
        return data, None


def _compact(data: str, height: int | None, start: Style | None) -> tuple[str, Style | None]:
    out: list[str] = []
    have: Style | None = start  # what the terminal has (None: not known here)
    want: Style | None = start  # what the next text must be drawn in
    known = start is not None  # `want` is known (from `start` or a reset in this chunk)
    moves: list[str] = []  # pending cursor moves, and newlines that cannot scroll

    def flush_moves() -> None:
        out.extend(moves)
        moves.clear()

    def flush_style() -> None:
        nonlocal have
        if known and want is not None:
            out.append(difference(have, want))
            have = want

    row = 0
    for match in TOKEN.finditer(data):
        token, kind = match.group(0), match.lastgroup
        if kind == "text" and not moves and have == want:  # the common case: just text
            out.append(token)
            continue
        if kind == "sgr":
            params = match.group("params")
            if known and want is not None:
                want = apply(want, params)
            elif params in ("", "0") or params.startswith("0;"):
                known, want = True, apply(PLAIN, params)
            else:  # a change to a style not known here: pass it through as it is
                apply(PLAIN, params)  # still refuse what is not modelled
                flush_moves()
                out.append(token)
        elif kind == "cup":
            moves[:] = [token]  # an absolute move makes the moves before it dead
            row = int(match.group("row"))
        elif kind == "newline":
            if moves and height is not None and row < height:
                moves.append(token)  # dead if another absolute move follows
                row += 1
            else:
                flush_moves()
                flush_style()  # a newline on the last row scrolls in the current colours
                out.append(token)
        else:
            flush_moves()
            flush_style()
            out.append(token)
            if kind == "escape" and token in RESETS_EVERYTHING:
                have, want, known = PLAIN, PLAIN, True
    flush_moves()
    flush_style()
    return "".join(out), have if known else None
