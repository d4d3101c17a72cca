"""The key reference, generated from the bindings themselves.

The help screen and the README's key table are both made from `key_table`,
so neither can drift from what the keys really do (a test checks the README).
It reads the bindings as data (`briefing.tui.bindings`), never the widgets.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from briefing.tui.bindings import APP_KEYS, ARTICLE_KEYS, CARD_KEYS, LIST_KEYS, READER_KEYS

KEY_NAMES = {
    "down": "\u2193", "up": "\u2191", "left": "\u2190", "right": "\u2192",
    "home": "Home", "end": "End", "pagedown": "PgDn", "pageup": "PgUp",
    "space": "Space", "enter": "Enter", "escape": "Esc", "tab": "Tab",
    "shift+tab": "Shift+Tab", "slash": "/", "question_mark": "?",
    "right_square_bracket": "]", "left_square_bracket": "[", "backspace": "Backspace",
    "right_curly_bracket": "}", "left_curly_bracket": "{",
}  # fmt: skip


def key_label(keys: str) -> str:
    """`"j,down"` as a person reads it: `j ↓`."""
    shown = []
    for key in keys.split(","):
        key = key.strip()
        if key in KEY_NAMES:
            shown.append(KEY_NAMES[key])
        elif key.startswith("ctrl+"):
            shown.append("Ctrl+" + key[5:].upper())
        else:
            shown.append(key)
    return " ".join(shown)


def _rows(bindings: list[BindingType]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    digits: list[str] = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        if binding.key.isdigit():
            digits.append(binding.key)
            continue
        rows.append((key_label(binding.key), binding.tooltip or binding.description))
    if digits:
        rows.append((f"{digits[0]}\u2013{digits[-1]}", "Go to section 1 to 9"))
    return rows


def _merged(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One row per description, its keys joined (`j` and `j ↓` are one row)."""
    keys: dict[str, list[str]] = {}
    for shown, what in rows:
        known = keys.setdefault(what, [])
        known += [key for key in shown.split(" ") if key not in known]
    return [(" ".join(shown), what) for what, shown in keys.items()]


def key_table() -> list[tuple[str, list[tuple[str, str]]]]:
    """Groups of (keys, what they do), in the order the help screen shows them."""
    groups = [
        ("Reading", _rows(ARTICLE_KEYS)),
        ("Moving around", _rows(READER_KEYS)),
        ("Lists and cards", _merged(_rows(LIST_KEYS) + _rows(CARD_KEYS))),
    ]
    listed = {keys for _, rows in groups for keys, _ in rows}
    anywhere = [row for row in _rows(APP_KEYS) if row[0] not in listed]
    return [*groups, ("Anywhere", anywhere)]


def markdown_table() -> str:
    """The key table as Markdown, as the README shows it."""
    lines = ["| Keys | What they do |", "|---|---|"]
    for group, rows in key_table():
        lines.append(f"| **{group}** | |")
        for keys, what in rows:
            lines.append(f"| `{keys}` | {what} |")
    return "\n".join(lines)


def update_readme(path: str) -> None:
    """Rewrite the table between the README's key-table markers."""
    from pathlib import Path

    readme = Path(path)
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split("<!-- keys:begin -->", 1)
    _, tail = rest.split("<!-- keys:end -->", 1)
    table = f"<!-- keys:begin -->\n{markdown_table()}\n<!-- keys:end -->"
    readme.write_text(head + table + tail, encoding="utf-8")


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--update"]:
        update_readme(sys.argv[2] if len(sys.argv) > 2 else "README.md")
    else:
        print(markdown_table())
