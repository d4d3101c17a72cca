"""An author's warnings (`briefing check --strict`): legal files that read worse than they could.

The loader accepts these; a reader would still notice them. Each warning is
placed at the key or value to change, like the loader's own messages. The
positions come from the node tree (the model keeps no line numbers), so this
composes the file once more: cheap, and only `check --strict` pays for it.
"""

from __future__ import annotations

from briefing.format.model import Briefing, Quote
from briefing.format.yamlsafe import Mapping, Node, Problem, Sequence, compose, decode


def _items(node: Node | None) -> list[Node]:
    return node.items if isinstance(node, Sequence) else []


def _get(node: Node | None, key: str) -> Node | None:
    return node.get(key) if isinstance(node, Mapping) else None


def advice(data: bytes, briefing: Briefing) -> list[Problem]:
    """Warnings for a file that loaded as `briefing` from `data`."""
    root, _ = compose(decode(data))
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for entry in briefing.glossary:
        for form in (entry.name, *entry.aliases):
            owners.setdefault(form, entry.id)
    section_nodes = _items(root.get("sections"))
    for section, node in zip(briefing.sections, section_nodes, strict=False):
        if section.collapsed and section.summary is None:
            where = node if isinstance(node, Mapping) else root
            problems.append(
                Problem(
                    where.line,
                    where.column,
                    f"section {section.id!r} starts collapsed without a summary: readers see "
                    "only its title; add `summary:` (one line)",
                    "warning",
                )
            )
        blocks = _items(_get(node, "body"))
        for block, block_node in zip(section.body, blocks, strict=False):
            if not isinstance(block, Quote) or block.speaker_id is not None:
                continue
            owner = owners.get(block.by)
            by_node = _get(block_node, "by")
            if owner is not None and by_node is not None:
                problems.append(
                    Problem(
                        by_node.line,
                        by_node.column,
                        f"quote by {block.by!r} is free text, but it is the name of glossary "
                        f"entry {owner!r}; write `by: {owner}` to credit and link the entry",
                        "warning",
                    )
                )
    if briefing.sections:
        for event, node in zip(briefing.timeline, _items(root.get("timeline")), strict=False):
            if event.section is None:
                problems.append(
                    Problem(
                        node.line,
                        node.column,
                        f"timeline event {event.date} has no section; add `section: ID` so "
                        "readers can jump to where the briefing tells it",
                        "warning",
                    )
                )
    return problems
