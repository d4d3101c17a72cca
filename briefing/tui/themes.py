"""Which themes the reader offers and starts with: those whose text stays readable at this depth.

A theme is offered when every pair of text and background the reader draws
has a contrast ratio of at least 4.5:1 (WCAG AA) after the colours are
reduced to what the terminal shows: 256 colours (tmux-256color) or the 16
ANSI colours. A theme that passes in truecolor can fail there (solarized-light's
footer became grey on blue): it is then not offered at that depth.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.console import Console
from textual import constants
from textual.color import Color
from textual.theme import Theme

MIN_CONTRAST = 4.5

DEPTHS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT,
          "standard": ColorSystem.STANDARD, "windows": ColorSystem.WINDOWS}  # fmt: skip

PAIRS = (
    ("foreground", "background"),  # the article
    ("foreground", "surface"),  # the sidebar
    ("foreground", "panel"),  # the top bar, the key hints, the search bar
)
"""(text, background) variables the reader draws text with."""


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(first: Color, second: Color) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def downgrade(color: Color, depth: ColorSystem) -> Color:
    """The colour a terminal of this depth shows for `color`."""
    if depth == ColorSystem.TRUECOLOR:
        return color
    rich = RichColor.from_rgb(color.r, color.g, color.b).downgrade(depth)
    triplet = rich.get_truecolor()
    return Color(triplet.red, triplet.green, triplet.blue)


_worst: dict[tuple[str, ColorSystem], float] = {}


def worst_contrast(theme: Theme, depth: ColorSystem) -> float:
    """The lowest contrast of the reader's text pairs in this theme at this depth."""
    key = (theme.name, depth)
    if key not in _worst:
        _worst[key] = _worst_contrast(theme, depth)
    return _worst[key]


def _worst_contrast(theme: Theme, depth: ColorSystem) -> float:
    variables = theme.to_color_system().generate()
    colors = {name: Color.parse(variables[name]) for name in ("foreground", "background",
              "surface", "panel")}  # fmt: skip
    # The cursor is drawn in reverse (background on foreground): the same pair.
    pairs = [(colors[text], colors[back]) for text, back in PAIRS]
    return min(contrast(downgrade(text, depth), downgrade(back, depth)) for text, back in pairs)


def readable(theme: Theme, color_system: str | None) -> bool:
    """Whether to offer `theme` on a terminal with this colour system.

    The ANSI themes draw in the terminal's own colours, which the user chose:
    always offered.
    """
    if theme.name.startswith("ansi-"):
        return True
    depth = DEPTHS.get(color_system or "truecolor", ColorSystem.TRUECOLOR)
    return worst_contrast(theme, depth) >= MIN_CONTRAST


def offered(themes: Mapping[str, Theme], color_system: str | None) -> list[str]:
    """The names of the themes to offer at this colour depth (each one measured)."""
    return [name for name, theme in themes.items() if readable(theme, color_system)]


def theme_to_use(
    preferred: str | None, themes: Mapping[str, Theme], color_system: str | None
) -> tuple[str, str | None]:
    """The theme to draw with at this colour depth, and a warning when the
    preferred one cannot be used there.

    Only the themes that may be used are measured here: the whole list (each
    theme's colours generated and measured, ~40 ms) is for the palette.
    """

    def usable(name: str) -> bool:
        theme = themes.get(name)
        return theme is not None and readable(theme, color_system)

    if preferred is not None and usable(preferred):
        return preferred, None
    warning = None
    if preferred is not None:
        warning = f"theme {preferred!r} is not available here; using another"
    fallbacks = (constants.DEFAULT_THEME, "textual-dark", "ansi-dark")
    return next(filter(usable, fallbacks), constants.DEFAULT_THEME), warning


def starting_color_system() -> str | None:
    """The colour depth Textual's console will have, found before it exists.

    Built from the same `COLOR_SYSTEM` Textual gives its own console, so a
    theme can be chosen while Textual is still setting up (`BriefingApp.theme`).
    """
    system: Any = constants.COLOR_SYSTEM  # given to Rich as Textual gives it
    return Console(color_system=system, file=io.StringIO(), force_terminal=True).color_system
