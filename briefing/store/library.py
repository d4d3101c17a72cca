"""Find briefings: command-line paths, BRIEFING_PATH, the user's folder, the bundled ones.

A library is forgiving where a single file is strict: a refused file is
reported and the rest still load, and the first file to claim an id wins.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from briefing.format.cleaning import plain_line
from briefing.format.loader import BriefingError, Diagnostic, display_path
from briefing.format.model import Briefing
from briefing.store.modelcache import load_kept

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
    package = Path(__file__).resolve().parent.parent
    packaged = package / "content"
    if packaged.is_dir():
        return packaged
    return package.parent / "content"


def user_dir() -> Path:
    """Where a user keeps their own briefings (not created until they do).

    Raises RuntimeError when there is no home directory to put it in (HOME
    unset and no passwd entry for the uid); `sources` then leaves it out.
    """
    from platformdirs import user_data_path

    return user_data_path("briefing", appauthor=False) / "briefings"


def user_dir_shown() -> str:
    """The user folder for help texts, or why there is none."""
    try:
        return str(user_dir())
    except (RuntimeError, OSError):
        return "(no user folder: HOME is unset and the user has no home directory)"


@dataclass(frozen=True, slots=True)
class Reached:
    """What one user-supplied path led to: files to load, or the one line saying why not."""

    files: list[Path] = field(default_factory=list)
    problem: Diagnostic | None = None
    missing: bool = False


Identity = tuple[int, int]
"""(st_dev, st_ino): one real file or folder, however many paths lead to it."""


def reach(place: Path, seen: set[Identity] | None = None) -> Reached:
    """Every filesystem call on a user-supplied path goes through here.

    Expands `~`, follows the path, lists a folder's YAML files (by name,
    sorted) and identifies each by device and inode. Any OSError or
    RuntimeError (permission denied, a symlink loop, a name too long,
    `~nosuchuser`) becomes one error line naming the path, and the caller
    carries on with the next one; a bad file inside a folder costs that file
    only. Files and folders already in `seen` are skipped, so each real file
    is read once however many paths reach it.
    """
    seen = set() if seen is None else seen
    try:
        place = place.expanduser()
    except RuntimeError:
        user = place.parts[0] if place.parts else "~"
        return Reached(problem=_unreachable(place, RuntimeError(f"no home directory for {user}")))
    try:
        info = place.stat()
    except FileNotFoundError:
        return Reached(missing=True)
    except (OSError, RuntimeError) as error:
        return Reached(problem=_unreachable(place, error))
    identity = (info.st_dev, info.st_ino)
    if identity in seen:
        return Reached()
    seen.add(identity)
    if not stat.S_ISDIR(info.st_mode):
        return Reached([place])
    files: list[Path] = []
    try:
        with os.scandir(place) as entries:
            names = sorted(
                entry.name
                for entry in entries
                if entry.name.lower().endswith(SUFFIXES) and not entry.name.startswith(".")
            )
    except (OSError, RuntimeError) as error:
        return Reached(problem=_unreachable(place, error))
    for name in names:
        child = place / name
        try:
            info = child.stat()
        except (OSError, RuntimeError):
            files.append(child)  # the loader says why it cannot be read, in its own words
            continue
        identity = (info.st_dev, info.st_ino)
        if identity not in seen:
            seen.add(identity)
            files.append(child)
    return Reached(files)


def _unreachable(place: Path, error: OSError | RuntimeError) -> Diagnostic:
    # pathlib's RuntimeErrors: "Symlink loop from ...", "Could not determine home directory."
    reason = (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
    return Diagnostic(display_path(place), 1, 1, "error", f"cannot read: {plain_line(reason)}")


def identity(path: Path) -> Identity | None:
    """The real file behind `path`, or None when it cannot be reached."""
    try:
        info = path.expanduser().stat()
    except (OSError, RuntimeError):
        return None
    return info.st_dev, info.st_ino


def briefing_files(path: Path) -> list[Path]:
    """A file as given, or the YAML files directly inside a directory, sorted by name.

    Unreachable paths give no files; `reach` says why.
    """
    return reach(path).files


def sources(
    paths: Iterable[str | os.PathLike[str]], environ: Mapping[str, str] | None = None
) -> Iterator[tuple[Path, str]]:
    """Every place to look, in order of precedence, with its origin label.

    Paths are as given (`~` is expanded when they are reached); the user
    folder is left out when there is no home directory to hold it.
    """
    environ = os.environ if environ is None else environ
    for path in paths:
        yield Path(path), "command line"
    for part in environ.get("BRIEFING_PATH", "").split(os.pathsep):
        if part.strip():
            yield Path(part), "BRIEFING_PATH"
    try:
        user = user_dir()
    except (RuntimeError, OSError):
        pass
    else:
        yield user, "user data"
    yield from feed_dirs()
    yield bundled_dir(), "bundled"


def feeds_dir() -> Path:
    """Where feed downloads go: one folder per feed, named after it.

    The library's, not the feeds package's: the library finds feed folders
    without importing any feed code before the reader's first frame.
    """
    from platformdirs import user_data_path

    return user_data_path("briefing", appauthor=False) / "feeds"


def feed_dirs() -> list[tuple[Path, str]]:
    """Each subscribed feed's download folder, origin "feed NAME" (see briefing.feeds)."""

    try:  # no home (platformdirs raises), an unreadable folder: no feeds, like no user folder
        root = feeds_dir()
        if not root.is_dir():
            return []
        return [(d, f"feed {d.name}") for d in sorted(root.iterdir()) if d.is_dir()]
    except (OSError, RuntimeError):
        return []


def discover(
    paths: Iterable[str | os.PathLike[str]] = (),
    environ: Mapping[str, str] | None = None,
    *,
    missing_ok: bool = True,
    named_only: bool = False,
) -> Library:
    """Load every briefing reachable from `paths` and the standard places.

    Directories that do not exist are skipped quietly unless they were named
    on the command line (`missing_ok=False` makes those an error too). A path
    that cannot be read is one error line, and the others still load.
    `named_only` loads the paths alone: the reader opening a file it was
    given need not wait for every other briefing to load.
    """
    library = Library()
    seen: dict[str, Found] = {}
    identities: set[Identity] = set()
    places = [(Path(path), "command line") for path in paths] if named_only else None
    for place, origin in places if places is not None else sources(paths, environ):
        reached = reach(place, identities)
        problem = reached.problem
        if reached.missing and (
            origin == "command line" or not missing_ok and origin == "BRIEFING_PATH"
        ):
            problem = Diagnostic(display_path(place), 1, 1, "error", "no such file or directory")
        if problem is not None:
            library.diagnostics.append(problem)
            library.refused += 1
        for file in reached.files:
            add_file(library, seen, file, origin)
    return library


def add_file(library: Library, seen: dict[str, Found], file: Path, origin: str) -> None:
    try:
        loaded = load_kept(file)
    except BriefingError as error:
        library.diagnostics.extend(error.diagnostics)
        library.refused += 1
        return
    library.diagnostics.extend(loaded.warnings)
    briefing = loaded.briefing
    first = seen.get(briefing.id)
    if first is not None and first.origin == "command line":
        # A file named on the command line is the one asked for: the copies it hides
        # (the bundled one, the user's own) are not worth a warning on every run.
        return
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
