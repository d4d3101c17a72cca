"""Read untrusted YAML into a small tree of positioned nodes, and nothing more.

Why not `yaml.safe_load`: it accepts anchors, aliases, merge keys and
duplicate keys, its YAML 1.1 resolver turns `no` into False, libyaml's C
composer recurses and crashes the interpreter on deeply nested input, and the
pure-Python loader is ~30x slower. Here libyaml (when present) only *parses*
into a flat event stream, which does not recurse, and this module builds the
tree itself with an explicit stack, refusing what FORMAT.md refuses as it
goes. Scalars stay strings; `resolve_scalar` says what YAML would have made
of them, so the validator can ask for quotes instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import yaml
from yaml import events

from briefing.format.bounds import MAX_BYTES

_Parser: Any
try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = None

MAX_DEPTH = 32
MAX_NODES = 300_000
"""Values in one file. FORMAT.md caps sections, entries and events but not
topics, authors, points or body blocks; 4 MiB of one-character list items
is two million values and took ~10 s and 255 MB to read. A briefing at all
of FORMAT.md's limits has fewer than 100,000."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or cleaned) in a file, at a 1-based line and column."""

    line: int
    column: int
    message: str
    severity: str = "error"


@dataclass(slots=True)
class Scalar:
    value: str
    plain: bool
    line: int
    column: int


@dataclass(slots=True)
class Sequence:
    items: list[Node]
    line: int
    column: int


@dataclass(slots=True)
class Mapping:
    pairs: dict[str, tuple[Scalar, Node]] = field(default_factory=dict)
    line: int = 1
    column: int = 1

    def get(self, key: str) -> Node | None:
        """The value node under `key`, if the key is there."""
        pair = self.pairs.get(key)
        return pair[1] if pair is not None else None


@dataclass(slots=True)
class Refused:
    """Stands where the file had something refused (an alias, a too-deep subtree)."""

    line: int
    column: int


Node: TypeAlias = Scalar | Sequence | Mapping | Refused


class YamlRefused(Exception):
    """The file cannot be read as a briefing at all; `problems` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message if problems else "refused")
        self.problems = problems


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def decode(data: bytes) -> str:
    """Strict UTF-8 with an optional byte-order mark."""
    if len(data) > MAX_BYTES:
        raise YamlRefused(
            [Problem(1, 1, f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,} (4 MiB)")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        head = data[: error.start].decode("utf-8-sig", errors="replace")
        line, column = _position(head, len(head))
        byte = data[error.start]
        raise YamlRefused(
            [Problem(line, column, f"not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8")]
        ) from None


def _events(text: str) -> Any:
    """The parser's events, one by one (libyaml's when PyYAML was built with it)."""
    if _Parser is not None:
        parser: Any = _Parser(text)
        return iter(parser.get_event, None)
    return _python_events(text)


def _python_events(text: str) -> Any:
    loader: Any = yaml.SafeLoader(text)
    try:
        while (event := loader.get_event()) is not None:
            yield event
            if isinstance(event, events.StreamEndEvent):
                return
    finally:
        loader.dispose()


def _tag_or_anchor(event: Any, line: int, column: int, problems: list[Problem]) -> None:
    if event.anchor is not None:
        problems.append(Problem(line, column, f"anchors (&{event.anchor}) are not allowed"))
    tag = event.tag
    if tag is not None and tag != "!":
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        problems.append(Problem(line, column, f"tags ({shown}) are not allowed"))


def _yaml_error(text: str, error: Exception) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or getattr(error, "context", None)
    if isinstance(error, yaml.reader.ReaderError):
        line, column = _position(text, min(error.position, len(text)))
        character = error.character
        code = character if isinstance(character, int) else ord(str(character)[:1] or "\0")
        return Problem(
            line,
            column,
            f"character U+{code:04X} is not allowed in YAML; "
            "remove it or write it as an escape inside double quotes",
        )
    if mark is not None and "nesting depth" in str(problem):
        # Newer libyaml (PyYAML >= 6.0.4) stops deep flow nesting itself, scanning
        # ahead of the events this module counts: same refusal, same words.
        return Problem(mark.line + 1, mark.column + 1, f"nesting deeper than {MAX_DEPTH} levels")
    if mark is not None:
        explained = _explain(text, error)
        if explained is not None:
            return explained
        return Problem(mark.line + 1, mark.column + 1, f"not valid YAML: {problem or error}")
    return Problem(1, 1, f"not valid YAML: {str(error).splitlines()[0] if str(error) else error}")


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based line and column of `text` ('' past the end)."""
    lines = text.split("\n")
    if line >= len(lines):
        return ""
    return lines[line][column : column + 1]


def _explain(text: str, error: Exception) -> Problem | None:
    """Say in an author's words what the parser's most common complaints mean.

    libyaml reports an unclosed quote where the file ends and a tab as a
    character that "cannot start any token"; an author needs to hear where
    the quote or bracket opened, and that the character is a tab.
    """
    context = getattr(error, "context", None) or ""
    problem = str(getattr(error, "problem", None) or "")
    start = getattr(error, "context_mark", None)
    stop = getattr(error, "problem_mark", None)
    if stop is None:
        return None
    stop_at = f"line {stop.line + 1}, column {stop.column + 1}"
    ended = (
        "end of stream" in problem
        or stop.index >= len(text.rstrip("\n"))
        or (_char_at(text, stop.line, stop.column) == "")
    )
    if "tab" in problem or _char_at(text, stop.line, stop.column) == "\t":
        return Problem(
            stop.line + 1,
            stop.column + 1,
            "not valid YAML: a tab in the indentation (YAML indents with spaces only); "
            "replace the tab with spaces",
        )
    if start is None:
        return None
    opened = f"line {start.line + 1}, column {start.column + 1}"
    if "quoted scalar" in context:
        quote = _char_at(text, start.line, start.column) or '"'
        where = f"the file ended at {stop_at}" if ended else f"YAML gave up at {stop_at}"
        return Problem(
            start.line + 1,
            start.column + 1,
            f"not valid YAML: the quoted text opened with {quote} at {opened} is never closed "
            f"({where}); add the closing {quote}",
        )
    if "flow sequence" in context or "flow mapping" in context:
        bracket, closer = ("[", "]") if "sequence" in context else ("{", "}")
        where = f"the file ended at {stop_at}" if ended else f"at {stop_at}: {problem}"
        return Problem(
            start.line + 1,
            start.column + 1,
            f"not valid YAML: the {bracket} opened at {opened} is not closed where YAML "
            f"expected ({where}); is a {closer} or a comma missing?",
        )
    return None


def compose(text: str) -> tuple[Mapping, list[Problem]]:
    """Build the node tree of a one-document YAML file whose top level is a mapping.

    Problems that leave the rest readable (an alias, a tag, a duplicate key)
    are collected and composing goes on, so a file gets every complaint at
    once; problems that stop the parser raise YamlRefused. Nesting too deep
    stops it too: libyaml's scanner slows quadratically with flow depth
    (100,000 `[` take half a minute), so nothing past that point is read.
    """
    problems: list[Problem] = []
    stack: list[Sequence | Mapping] = []
    pending_keys: list[Scalar | None] = []
    root: Node | None = None
    documents = 0
    nodes = 0

    def attach(node: Node, line: int, column: int) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if isinstance(parent, Sequence):
            parent.items.append(node)
            return
        key = pending_keys[-1]
        if key is None:
            if not isinstance(node, Scalar):
                problems.append(Problem(line, column, "keys must be plain text, not lists or maps"))
                pending_keys[-1] = Scalar("", False, line, column)
                return
            if node.plain and node.value == "<<":
                problems.append(Problem(line, column, "merge keys (<<) are not allowed"))
            elif node.value in parent.pairs:
                first = parent.pairs[node.value][0]
                problems.append(
                    Problem(
                        line,
                        column,
                        f"duplicate key {node.value!r} (first at line {first.line})",
                    )
                )
            pending_keys[-1] = node
            return
        pending_keys[-1] = None
        if key.value == "<<" and key.plain or key.value in parent.pairs:
            return
        parent.pairs[key.value] = (key, node)

    # The hot loop of loading: dispatch on the exact event class, no isinstance chains.
    scalar_event, alias_event = events.ScalarEvent, events.AliasEvent
    openers = (events.SequenceStartEvent, events.MappingStartEvent)
    closers = (events.SequenceEndEvent, events.MappingEndEvent)
    try:
        for event in _events(text):
            kind = event.__class__
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            nodes += 1
            if nodes > MAX_NODES:
                problems.append(
                    Problem(line, column, f"more than {MAX_NODES:,} values; this reader stops here")
                )
                raise YamlRefused(problems)
            if kind is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    _tag_or_anchor(event, line, column, problems)
                attach(Scalar(event.value, event.implicit[0], line, column), line, column)
            elif kind in closers:
                stack.pop()
                pending_keys.pop()
            elif kind in openers:
                if event.anchor is not None or event.tag is not None:
                    _tag_or_anchor(event, line, column, problems)
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        Problem(line, column, f"nesting deeper than {MAX_DEPTH} levels")
                    )
                    raise YamlRefused(problems)
                container: Sequence | Mapping
                if kind is events.SequenceStartEvent:
                    container = Sequence([], line, column)
                else:
                    container = Mapping({}, line, column)
                attach(container, line, column)
                stack.append(container)
                pending_keys.append(None)
            elif kind is alias_event:
                problems.append(Problem(line, column, f"aliases (*{event.anchor}) are not allowed"))
                attach(Refused(line, column), line, column)
            elif kind is events.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        Problem(line, column, "more than one YAML document; a briefing is one")
                    )
                    break
    except (yaml.YAMLError, ValueError) as error:
        problems.append(_yaml_error(text, error))
        raise YamlRefused(problems) from None

    if not isinstance(root, Mapping):
        kind = "empty" if root is None else type(root).__name__.lower()
        if isinstance(root, Scalar):
            kind = "a single value" if root.value.strip() else "empty"
        elif isinstance(root, Sequence):
            kind = "a list"
        line, column = (root.line, root.column) if root is not None else (1, 1)
        problems.append(
            Problem(
                line, column, f"the top level must be a mapping of keys, but the file is {kind}"
            )
        )
        raise YamlRefused(problems)
    return root, problems


_RESOLVER = yaml.resolver.Resolver()
_TYPES = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "timestamp",
}


def resolve_scalar(node: Scalar) -> str:
    """What YAML 1.1 (PyYAML's safe loader) would make of a scalar.

    One of "str", "int", "float", "bool", "null", "timestamp". Only plain
    (unquoted) scalars are ever anything but text.
    """
    if not node.plain:
        return "str"
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
    return _TYPES.get(tag, "str")
