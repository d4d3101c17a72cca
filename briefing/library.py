"""Find briefings: command-line paths, BRIEFING_PATH, the user's folder, the bundled ones.

A library is forgiving where a single file is strict: a refused file is
reported and the rest still load, and the first file to claim an id wins.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .loader import BriefingError, Diagnostic, display_path, load_path
from .model import Briefing

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Found:
    """A briefing in the library and where it came from."""

    briefing: Briefing
    origin: str
    """"command line", "BRIEFING_PATH", "user data" or "bundled"."""


@dataclass(slots=True)
class Library:
    """The briefings found, in discovery order, and every problem met on the way."""

    found: list[Found] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    refused: int = 0
    """How many files could not be loaded."""

    def newest(self) -> Found | None:
        """The briefing with the latest date; earlier discovery wins a tie."""
        if not self.found:
            return None
        return max(self.found, key=lambda item: item.briefing.date)  # max keeps the first

    def by_id(self, briefing_id: str) -> Found | None:
        return next((item for item in self.found if item.briefing.id == briefing_id), None)

    def newest_first(self) -> list[Found]:
        return sorted(self.found, key=lambda item: item.briefing.date, reverse=True)


def bundled_dir() -> Path:
    """The briefings shipped with the package (in a checkout: the repo's content/)."""
    packaged = Path(__file__).with_name("content")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "content"


def user_dir() -> Path:
    """Where a user keeps their own briefings (not created until they do)."""
    from platformdirs import user_data_path

    return user_data_path("briefing", appauthor=False) / "briefings"


def briefing_files(path: Path) -> list[Path]:
    """A file as given, or the YAML files directly inside a directory, sorted by name."""
    if path.is_dir():
        return sorted(
            child
            for child in path.iterdir()
            if child.suffix.lower() in SUFFIXES and not child.name.startswith(".")
        )
    return [path]


def sources(
    paths: Iterable[str | os.PathLike[str]], environ: Mapping[str, str] | None = None
) -> Iterator[tuple[Path, str]]:
    """Every place to look, in order of precedence, with its origin label."""
    environ = os.environ if environ is None else environ
    for path in paths:
        yield Path(path), "command line"
    for part in environ.get("BRIEFING_PATH", "").split(os.pathsep):
        if part.strip():
            yield Path(part).expanduser(), "BRIEFING_PATH"
    yield user_dir(), "user data"
    yield from feed_dirs()
    yield bundled_dir(), "bundled"


def feed_dirs() -> list[tuple[Path, str]]:
    """Each subscribed feed's download folder, origin "feed NAME" (see briefing.feeds)."""
    from .feeds import feeds_dir

    root = feeds_dir()
    if not root.is_dir():
        return []
    return [(d, f"feed {d.name}") for d in sorted(root.iterdir()) if d.is_dir()]


def discover(
    paths: Iterable[str | os.PathLike[str]] = (),
    environ: Mapping[str, str] | None = None,
    *,
    missing_ok: bool = True,
) -> Library:
    """Load every briefing reachable from `paths` and the standard places.

    Directories that do not exist are skipped quietly unless they were named
    on the command line (`missing_ok=False` makes those an error too).
    """
    library = Library()
    seen: dict[str, Found] = {}
    for place, origin in sources(paths, environ):
        if not place.exists():
            if origin == "command line" or not missing_ok and origin == "BRIEFING_PATH":
                shown = display_path(place)
                library.diagnostics.append(
                    Diagnostic(shown, 1, 1, "error", "no such file or directory")
                )
                library.refused += 1
            continue
        for file in briefing_files(place):
            add_file(library, seen, file, origin)
    return library


def add_file(library: Library, seen: dict[str, Found], file: Path, origin: str) -> None:
    try:
        loaded = load_path(file)
    except BriefingError as error:
        library.diagnostics.extend(error.diagnostics)
        library.refused += 1
        return
    library.diagnostics.extend(loaded.warnings)
    briefing = loaded.briefing
    first = seen.get(briefing.id)
    if first is not None:
        where = display_path(first.briefing.path) if first.briefing.path else first.origin
        library.diagnostics.append(
            Diagnostic(
                display_path(file),
                1,
                1,
                "warning",
                f"id {briefing.id!r} is already loaded from {where}; this copy is ignored",
            )
        )
        return
    found = Found(briefing, origin)
    seen[briefing.id] = found
    library.found.append(found)
