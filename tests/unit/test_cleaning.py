"""clean_text: nothing that can steer a terminal survives, and every change is reported."""

from __future__ import annotations

import pytest

from briefing.format.cleaning import REPLACEMENT, clean_text, is_clean, plain_line


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9b"]
    + ["\x9d", "\x9f"],
)
def test_controls_become_replacement_characters(char: str) -> None:
    cleaned, notes = clean_text(f"a{char}b")
    assert cleaned == f"a{REPLACEMENT}b"
    assert notes == [f"replaced control character U+{ord(char):04X} with U+FFFD"]


@pytest.mark.parametrize("code", [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
def test_bidi_overrides_become_replacement_characters(code: int) -> None:
    cleaned, notes = clean_text(f"gnp{chr(code)}exe")
    assert cleaned == f"gnp{REPLACEMENT}exe"
    assert notes == [f"replaced bidirectional control U+{code:04X} with U+FFFD"]


def test_lone_surrogate_becomes_replacement_character() -> None:
    cleaned, notes = clean_text("a\ud800b")
    assert cleaned == f"a{REPLACEMENT}b"
    assert notes == ["replaced lone surrogate U+D800 with U+FFFD"]


def test_many_kinds_are_summarised_in_one_note() -> None:
    _cleaned, notes = clean_text("\x1b\x07\x9b\u202e\x00")
    assert notes == [
        "replaced bidirectional control U+202E, control character U+0000, "
        "control character U+0007 ... with U+FFFD"
    ]


def test_osc_52_clipboard_write_is_inert() -> None:
    cleaned, _notes = clean_text("\x1b]52;c;Y3VybCBldmlsLnNofHNo\x1b\\")
    assert "\x1b" not in cleaned
    assert cleaned == f"{REPLACEMENT}]52;c;Y3VybCBldmlsLnNofHNo{REPLACEMENT}\\"


def test_tabs_become_spaces_silently() -> None:
    assert clean_text("a\tb\t\tc") == ("a b  c", [])


def test_newlines_stay_unless_single_line() -> None:
    assert clean_text("one\ntwo") == ("one\ntwo", [])
    assert clean_text("one \n  two\n", single_line=True) == ("one two", [])


def test_ordinary_unicode_is_untouched() -> None:
    text = "Caf\u00e9 \u2014 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u4e2d\u6587"
    text += " \U0001f600 \u00a0x \u200d \u0301"
    assert clean_text(text) == (text, [])
    assert is_clean(text)


def test_result_is_trimmed() -> None:
    assert clean_text("  \n  padded \n ")[0] == "padded"


def test_zalgo_is_cut_to_four_marks() -> None:
    cleaned, notes = clean_text("a" + "\u0301" * 50 + "b\u0300")
    assert cleaned == "a" + "\u0301" * 4 + "b\u0300"
    assert notes == ["cut runs of more than 4 combining marks"]


def test_is_clean() -> None:
    assert is_clean("plain\ntext")
    assert not is_clean("tab\there")
    assert not is_clean("esc\x1b")
    assert not is_clean("bidi\u202e")


def test_plain_line_makes_outside_strings_safe() -> None:
    """File names and OS errors reach the terminal too."""
    assert plain_line("evil\x1b[2J\nname.yaml") == f"evil{REPLACEMENT}[2J name.yaml"


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\r"])
@pytest.mark.parametrize("text", ["a{c}b", "line one\na{c}b"])
def test_single_line_reports_controls_whatever_else_the_value_holds(char: str, text: str) -> None:
    """A control is replaced and reported the same way with or without a newline elsewhere."""
    cleaned, notes = clean_text(text.format(c=char), single_line=True)
    assert cleaned.endswith(f"a{REPLACEMENT}b")
    assert notes == [f"replaced control character U+{ord(char):04X} with U+FFFD"]
