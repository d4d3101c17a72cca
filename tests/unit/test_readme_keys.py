"""The README's key table is the one the bindings generate (see briefing.tui.keytable)."""

from __future__ import annotations

from briefing.tui.keytable import key_table, markdown_table
from tests.apptools import ROOT

BEGIN = "<!-- keys:begin -->"
END = "<!-- keys:end -->"


def test_readme_key_table_matches_the_bindings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert BEGIN in readme and END in readme, "README lost its key-table markers"
    table = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert table == markdown_table(), (
        "README key table is stale: regenerate it with `python -m briefing.tui.keytable --update`"
    )


def test_every_fixed_key_of_the_reader_is_documented() -> None:
    """The keys the product promises are all bound and all in the table."""
    documented = " ".join(keys for _, rows in key_table() for keys, _ in rows).split()
    for key in ("j", "k", "g", "G", "Home", "End", "Space", "b", "PgDn", "PgUp", "Ctrl+D",
                "Ctrl+U", "Tab", "Shift+Tab", "Enter", "e", "c", "]", "[", "1–9", "/", "n",
                "N", "?", "q", "Ctrl+P", "f", "d", "u", "Ctrl+F", "Ctrl+B", "Ctrl+E", "Ctrl+Y",
                "J", "K", "Ctrl+C", "Ctrl+Q", "Ctrl+O", "Ctrl+N", "m", "M", "s", "t", "o",
                "Esc"):  # fmt: skip
        assert key in documented, key
