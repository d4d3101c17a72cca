"""The reader's preferences (theme, sidebar), kept per reader in the state store.

Stored as the small TOML text the preferences file held:

    theme = "nord"
    sidebar = true

A `preferences.toml` in the user config folder (XDG_CONFIG_HOME and
platformdirs rules), whether left from before the store or written by hand
later, is taken in at the next start when it is newer than what is stored,
then set aside (`preferences.toml.imported-TIME`). A value that is wrong is
ignored with a warning and the rest is kept; a file that is not TOML at all
is moved aside (`preferences.toml.bad-DATE`) with a warning, never a crash.
Other per-user configuration (subscriptions) lives in `config_dir()`. No
Textual here.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from briefing.format.cleaning import plain_line
from briefing.store.imports import take_in
from briefing.store.statestore import PREFERENCES, StoreUnavailable, store_for

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


def _read_file(path: Path) -> bytes:
    data = _read_regular(path)
    if data is None:
        raise ValueError("gone")
    return data


def _parse(data: bytes) -> dict[str, object]:
    # Imported here: only a preferences.toml to take in needs it, and the
    # reader's start-up otherwise paid ~2 ms for it.
    import tomllib

    return tomllib.loads(data.decode("utf-8"))  # TOMLDecodeError is a ValueError


def _state_folder(directory: Path | None, state_directory: Path | None) -> Path:
    if state_directory is not None:
        return state_directory
    if directory is not None:
        return directory  # one folder given (tests, a throwaway run): the store beside it
    from briefing.store.state import state_dir

    return state_dir()


def load_preferences(
    directory: Path | None = None, state_directory: Path | None = None
) -> tuple[Preferences, list[str]]:
    """The saved preferences (defaults for anything missing or wrong) and warnings.

    `directory` is where a preferences.toml to take in may be (the config
    folder); `state_directory` holds the store (default: beside `directory`
    when only that is given, else the user state folder).
    """
    path = preferences_path(directory)
    store = store_for(_state_folder(directory, state_directory))
    warnings: list[str] = []
    try:
        record = store.load(PREFERENCES, "")
    except StoreUnavailable:
        record = None
        notice = store.take_notice()
        if notice:
            warnings.append(notice)
    warnings += store.take_warnings()
    try:
        record, warning = take_in(
            store, PREFERENCES, "", path, record, read=_read_file, check=_parse,
            what=FILE_NAME, bad_word="bad",
        )  # fmt: skip
    except OSError as error:
        return Preferences(), [f"could not read {FILE_NAME} ({plain_line(str(error.strerror))})"]
    if warning:
        warnings.append(warning)
    if record is None:
        return Preferences(), warnings
    try:
        raw = _parse(record[0])
    except (ValueError, UnicodeDecodeError):
        return Preferences(), [*warnings, "saved preferences were unreadable; defaults used"]
    preferences = Preferences()
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


def encode_preferences(preferences: Preferences) -> bytes:
    lines = ["# briefing's preferences; see the README (Preferences).\n"]
    if preferences.theme is not None:
        lines.append(f"theme = {json.dumps(preferences.theme)}\n")
    lines.append(f"sidebar = {'true' if preferences.sidebar else 'false'}\n")
    return "".join(lines).encode("utf-8")


def save_preferences(
    preferences: Preferences, directory: Path | None = None,
    state_directory: Path | None = None, *, wait: bool = True,
) -> None:  # fmt: skip
    """One transaction in the store (`wait=False`: queued for the writer thread)."""
    store = store_for(_state_folder(directory, state_directory))
    store.save(PREFERENCES, "", encode_preferences(preferences), wait=wait)
