"""Load a briefing file (FORMAT.md, version 1) into the model, or say exactly why not.

The loader is the only place that trusts nothing: it reads at most 4 MiB,
decodes strict UTF-8, composes YAML without recursion, refuses what FORMAT.md
refuses, cleans what it cleans, and reports every problem as
`PATH:LINE:COLUMN: severity: message`. What comes out is a `Briefing` whose
every string is safe for a terminal and whose mentions are already computed.

The checker (PyYAML and the schema) is imported by the first load, not with
this module: a reader opening a kept model (`briefing.store.modelcache`)
never needs it, and PyYAML alone is ~15 ms and ~1.5 MiB of its start-up.
"""

from __future__ import annotations

import errno
import gc
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.format.bounds import MAX_BYTES
from briefing.format.cleaning import plain_line
from briefing.format.model import Briefing

if TYPE_CHECKING:
    from briefing.format.validate import SchemaReader
    from briefing.format.yamlsafe import Problem


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in a file, printable as `PATH:LINE:COLUMN: severity: message`."""

    path: str
    line: int
    column: int
    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


class BriefingError(Exception):
    """A file was refused; `diagnostics` holds every error (and warning) found."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        errors = [d for d in diagnostics if d.severity == "error"]
        super().__init__(str(errors[0]) if errors else "refused")


@dataclass(frozen=True, slots=True)
class Loaded:
    """A briefing that loaded, with the warnings about what was cleaned."""

    briefing: Briefing
    warnings: tuple[Diagnostic, ...]


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as error messages show it: relative when under the working directory."""
    text = os.fspath(path)
    try:
        relative = os.path.relpath(text)
        if not relative.startswith(".."):
            text = relative
    except (ValueError, OSError):  # OSError: the working directory was removed
        pass
    return plain_line(text)


def read_file(path: Path) -> bytes:
    """Read at most one byte past the limit, and only from a regular file.

    Opened non-blocking: a plain open() of a FIFO named `x.yaml` waits for a
    writer forever, which would hang `check`, `list` and the reader.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        # fstat before open(): open() of a folder's descriptor raises and leaks it.
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(mode):
            raise OSError("not a regular file")
        with open(descriptor, "rb", closefd=False) as handle:
            return handle.read(MAX_BYTES + 1)
    finally:
        os.close(descriptor)


def load_path(path: str | os.PathLike[str]) -> Loaded:
    """Load a briefing file; raise BriefingError with every problem when refused."""
    shown = display_path(path)
    try:
        data = read_file(Path(path))
    except OSError as error:
        reason = plain_line(error.strerror or str(error))
        raise BriefingError([Diagnostic(shown, 1, 1, "error", f"cannot read: {reason}")]) from None
    return load_bytes(data, shown, Path(path))


def load_bytes(data: bytes, shown: str = "<input>", path: Path | None = None) -> Loaded:
    """Load a briefing from the bytes of a file named `shown` in messages."""
    # Loading makes hundreds of thousands of small objects and no reference
    # cycles (the node tree and the model are trees), so the cycle collector
    # only costs time here: ~0.1 s of 0.55 s on a briefing at the limits.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(data, shown, path)
    finally:
        if collecting:
            gc.enable()


def _load(data: bytes, shown: str, path: Path | None) -> Loaded:
    from briefing.format.validate import SchemaReader
    from briefing.format.yamlsafe import YamlRefused, compose, decode

    try:
        root, problems = compose(decode(data))
    except YamlRefused as refused:
        raise BriefingError(_diagnostics(shown, refused.problems)) from None
    reader = SchemaReader()
    reader.problems.extend(problems)
    try:
        briefing = reader.briefing(root, path)
    except RecursionError:  # pragma: no cover - depth is capped at 32 levels
        reader.error(root, "the file is too deeply nested to read")
        briefing = None
    _mention_limit(reader)
    diagnostics = _diagnostics(shown, reader.problems)
    if briefing is None or any(d.severity == "error" for d in diagnostics):
        raise BriefingError(diagnostics)
    return Loaded(briefing, tuple(diagnostics))


def _mention_limit(reader: SchemaReader) -> None:
    """Refuse a file with more mentions than FORMAT.md allows, naming the entry with the most.

    The finder counted them all while storing at most the limit, so even a
    file of two million mentions is refused without holding them.
    """
    from briefing.format.mentions import MAX_MENTIONS
    from briefing.format.yamlsafe import Problem

    finder = reader.finder
    most = finder.most_mentioned()
    if finder.total <= MAX_MENTIONS or most is None:
        return
    entry_id, count = most
    node = reader.entry_nodes.get(entry_id)
    message = (
        f"{finder.total:,} mentions in all; the limit is {MAX_MENTIONS:,} "
        f"(glossary entry {entry_id!r} has the most: {count:,})"
    )
    if node is None:  # pragma: no cover - every counted entry has a node
        reader.problems.append(Problem(1, 1, message))
    else:
        reader.error(node, message)


MAX_DIAGNOSTICS = 100
"""Lines reported per file; the rest are counted in one closing line. A file
with 140,000 unknown keys printed 140,000 lines."""


def _diagnostics(shown: str, problems: Iterable[Problem]) -> list[Diagnostic]:
    # Messages quote the file (a tag's %1B escapes decode to a raw ESC), and they
    # go to a terminal: clean them here, once, whatever produced them.
    ordered = sorted(problems, key=lambda p: (p.line, p.column))
    if len(ordered) > MAX_DIAGNOSTICS:
        ordered = _first(ordered)
    return [Diagnostic(shown, p.line, p.column, p.severity, plain_line(p.message)) for p in ordered]


def _first(ordered: list[Problem]) -> list[Problem]:
    """The first MAX_DIAGNOSTICS problems, errors before warnings, and "and N more"."""
    from briefing.format.yamlsafe import Problem

    errors = [p for p in ordered if p.severity == "error"]
    keep = errors[:MAX_DIAGNOSTICS]
    room = MAX_DIAGNOSTICS - len(keep)
    if room:
        keep += [p for p in ordered if p.severity != "error"][:room]
    kept = set(map(id, keep))
    hidden = [p for p in ordered if id(p) not in kept]
    hidden_errors = sum(p.severity == "error" for p in hidden)
    first = hidden[0]
    words = f"{hidden_errors:,} errors, {len(hidden) - hidden_errors:,} warnings"
    more = Problem(
        first.line,
        first.column,
        f"and {len(hidden):,} more problems ({words}) not shown",
        "error" if hidden_errors else "warning",
    )
    return sorted(keep, key=lambda p: (p.line, p.column)) + [more]
