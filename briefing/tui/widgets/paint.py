"""Overlay styled spans (mentions, matches, the cursor) on one row of text."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

Span = tuple[int, int, Style]


def paint(text: str, start: int, end: int, base: Style, spans: list[Span]) -> list[Segment]:
    """Segments of `text[start:end]`; each span's style is added where it covers.

    Later spans win where styles conflict, so the cursor (added last) shows
    over a search match, which shows over a mention.
    """
    if not spans:
        return [Segment(text[start:end], base)]
    cuts = sorted({start, end, *(max(start, min(end, p)) for s, e, _ in spans for p in (s, e))})
    segments = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        if left >= right:
            continue
        piece = base
        for span_start, span_end, extra in spans:
            if span_start <= left and right <= span_end:
                piece = piece + extra
        segments.append(Segment(text[left:right], piece))
    return segments
