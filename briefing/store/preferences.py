"""The reader's preferences (theme, sidebar) in a small file in the user config folder.

    ~/.config/briefing/preferences.toml    (XDG_CONFIG_HOME and platformdirs rules)

    theme = "nord"
    sidebar = true

A person may edit it by hand. A value that is wrong is ignored with a
warning and the rest is kept; a file that is not TOML at all is moved aside
(`preferences.toml.bad-DATE`) with a warning, never a crash. Written
atomically (temporary file, fsync, rename). Other per-user configuration
(subscriptions) lives beside it in `config_dir()`. No Textual here.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from briefing.format.cleaning import plain_line
from briefing.store.atomic import write_atomic

MAX_PREFERENCES_BYTES = 64_000
FILE_NAME = "preferences.toml"


@dataclass(slots=True)
class Preferences:
    theme: str | None = None
    """A Textual theme name; None: the default."""
    sidebar: bool = True
    """Show the sidebar beside the article (in windows wide enough for it)."""


def config_dir() -> Path:
    """The user's configuration folder for briefing (preferences, subscriptions)."""
    from platformdirs import user_config_path

    return user_config_path("briefing", appauthor=False)


def preferences_path(directory: Path | None = None) -> Path:
    return (directory or config_dir()) / FILE_NAME


def _read_regular(path: Path) -> bytes | None:
    """The file's bytes; None when absent. Refuses FIFOs, devices and huge files."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_PREFERENCES_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_PREFERENCES_BYTES:
        raise ValueError("file too large")
    return data


def load_preferences(directory: Path | None = None) -> tuple[Preferences, list[str]]:
    """The saved preferences (defaults for anything missing or wrong) and warnings."""
    path = preferences_path(directory)
    try:
        data = _read_regular(path)
        if data is None:
            return Preferences(), []
        raw = tomllib.loads(data.decode("utf-8"))
    except OSError as error:
        return Preferences(), [f"could not read {FILE_NAME} ({plain_line(str(error.strerror))})"]
    except (ValueError, UnicodeDecodeError) as error:  # TOMLDecodeError is a ValueError
        aside = path.with_name(f"{FILE_NAME}.bad-{time.strftime('%Y%m%d-%H%M%S')}")
        with contextlib.suppress(OSError):
            os.replace(path, aside)
        reason = plain_line(str(error))[:80]
        return Preferences(), [
            f"{FILE_NAME} was unreadable ({reason}); moved aside to {aside.name}"
        ]
    preferences = Preferences()
    warnings: list[str] = []
    theme = raw.get("theme")
    if isinstance(theme, str) and 0 < len(theme) <= 64 and theme.isprintable():
        preferences.theme = theme
    elif theme is not None:
        warnings.append(f"{FILE_NAME}: theme should be a theme's name; ignored")
    sidebar = raw.get("sidebar", True)
    if isinstance(sidebar, bool):
        preferences.sidebar = sidebar
    else:
        warnings.append(f"{FILE_NAME}: sidebar should be true or false; ignored")
    return preferences, warnings


def save_preferences(preferences: Preferences, directory: Path | None = None) -> None:
    """Write atomically: temp file in the same folder, fsync, rename."""
    path = preferences_path(directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# briefing's preferences; see the README (Preferences).\n"]
    if preferences.theme is not None:
        lines.append(f"theme = {json.dumps(preferences.theme)}\n")
    lines.append(f"sidebar = {'true' if preferences.sidebar else 'false'}\n")
    write_atomic(path, "".join(lines).encode("utf-8"))
