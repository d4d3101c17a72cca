"""Property tests: for any input the loader answers with a Briefing or a BriefingError.

Nothing else may escape (no ValueError, RecursionError, UnicodeError), no control character
may survive into the model, and the mention finder must agree with a slow, obvious reference.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing.cli.main import main
from briefing.format.cleaning import MAX_COMBINING, clean_text, is_clean
from briefing.format.loader import BriefingError, load_bytes
from briefing.format.mentions import MentionFinder

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MINIMAL = (FIXTURES / "valid" / "minimal.yaml").read_text(encoding="utf-8")
BUNDLED = (
    Path(__file__).resolve().parents[2] / "content" / "iran-pakistan-2024-01.yaml"
).read_bytes()

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What must never reach the model: C0 but newline, DEL, C1, bidi overrides, surrogates, tab."""

SCALE = int(os.environ.get("BRIEFING_FUZZ_SCALE", "1"))
"""benchmarks/fuzz.py raises this for long runs; the suite runs at 1."""
FAST = settings(
    max_examples=200 * SCALE, deadline=2000, suppress_health_check=[HealthCheck.too_slow]
)


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding exactly `text`, whatever it contains.

    Escapes everything YAML would not keep verbatim: controls, NEL and the Unicode line
    separators (which YAML folds), surrogates, and the quote and backslash.
    """
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code <= 0xA0 or code in (0x2028, 0x2029, 0xFEFF):
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def with_value(field: str, scalar: str) -> bytes:
    """The minimal briefing with one text value replaced by a YAML scalar."""
    if field == "title":
        source = MINIMAL.replace("title: The council meets", f"title: {scalar}")
    else:
        source = MINIMAL.replace("      - Dana Lee opened the meeting.", f"      - {scalar}")
    return source.encode("utf-8", errors="surrogatepass")


def loaded_value(field: str, data: bytes) -> str | None:
    try:
        briefing = load_bytes(data, "t.yaml").briefing
    except BriefingError:
        return None
    if field == "title":
        return briefing.title
    return briefing.sections[0].body[0].text.text  # type: ignore[union-attr]


@FAST
@given(text=st.text(), field=st.sampled_from(["title", "paragraph"]))
def test_any_text_round_trips_cleaned(text: str, field: str) -> None:
    """Whatever text an author writes, the model holds exactly its cleaned form, or refuses."""
    value = loaded_value(field, with_value(field, yaml_quoted(text)))
    expected = clean_text(text, single_line=field == "title")[0]
    if value is None:
        # Refused only for a reason the format gives: empty after cleaning, or a surrogate.
        assert not expected or re.search("[\ud800-\udfff]", text), repr(text)
        return
    assert value == expected
    assert not UNSAFE.search(value)
    if field == "title":
        assert "\n" not in value


@FAST
@given(text=st.text(), ascii_only=st.booleans(), field=st.sampled_from(["title", "paragraph"]))
def test_any_text_as_json_string(text: str, ascii_only: bool, field: str) -> None:
    """A JSON string is a YAML double-quoted scalar; escaped or raw, nothing unsafe gets in."""
    scalar = json.dumps(text, ensure_ascii=ascii_only)
    value = loaded_value(field, with_value(field, scalar))
    if value is not None:
        assert not UNSAFE.search(value)
        assert clean_text(value, single_line=field == "title")[0] == value


VALUE_LINES = [n for n, line in enumerate(MINIMAL.splitlines()) if re.search(r": \S", line)]


@FAST
@given(
    line=st.sampled_from(VALUE_LINES),
    value=st.text(st.characters(exclude_characters="\n\r"), max_size=30)
    | st.sampled_from(["\u00b2", "\u0661", "9" * 5000, "0x1", "1_0", "~", "2024-02-30", "2023"])
    | st.from_regex(r"[0-9:.\-+eE_xob]{1,12}", fullmatch=True),
)
def test_any_plain_value_in_any_field(line: int, value: str) -> None:
    """Unquoted, so YAML's resolver and every typed reader (version, dates, kinds) see it."""
    lines = MINIMAL.splitlines()
    key = lines[line].split(": ", 1)[0]
    lines[line] = f"{key}: {value}"
    source = "\n".join(lines) + "\n"
    try:
        loaded = load_bytes(source.encode("utf-8", errors="surrogatepass"), "t.yaml")
    except BriefingError as error:
        assert not any(UNSAFE.search(str(d)) for d in error.diagnostics)
    else:
        assert not any(UNSAFE.search(p.text) for p in loaded.briefing.passages())


@FAST
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_load_or_are_refused(data: bytes) -> None:
    try:
        load_bytes(data, "t.yaml")
    except BriefingError as error:
        assert error.diagnostics
        assert all(d.line >= 1 and d.column >= 1 for d in error.diagnostics)
        assert not any(UNSAFE.search(str(d)) for d in error.diagnostics)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """The bundled briefing with a few bytes flipped, inserted or deleted."""
    data = bytearray(BUNDLED)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at : at + draw(st.integers(1, 16))]
    return bytes(data)


@FAST
@given(data=mutated())
def test_mutated_bundled_file_loads_or_is_refused(data: bytes) -> None:
    try:
        loaded = load_bytes(data, "t.yaml")
    except BriefingError as error:
        assert any(d.severity == "error" for d in error.diagnostics)
        assert not any(UNSAFE.search(str(d)) for d in error.diagnostics)
        assert [(d.line, d.column) for d in error.diagnostics] == sorted(
            (d.line, d.column) for d in error.diagnostics
        )
    else:
        for passage in loaded.briefing.passages():
            assert not UNSAFE.search(passage.text)


@settings(max_examples=60 * SCALE, deadline=2000)
@given(data=mutated())
def test_a_loaded_model_comes_back_from_its_pickle_the_same(data: bytes) -> None:
    """What `store.modelcache` keeps is what the loader made, field for field."""
    try:
        loaded = load_bytes(data, "t.yaml", Path("/x/t.yaml"))
    except BriefingError:
        return
    back = pickle.loads(pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == loaded
    assert back.briefing.path == loaded.briefing.path
    assert [type(p) for p in back.briefing.passages()] == [
        type(p) for p in loaded.briefing.passages()
    ]


@settings(max_examples=60 * SCALE, deadline=2000)
@given(data=mutated())
def test_check_command_never_raises(data: bytes) -> None:
    """The CLI turns any file into an exit status and messages, never an exception."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_bytes(data)
        assert main(["check", "-q", str(path)]) in (0, 1)


@settings(max_examples=300 * SCALE, deadline=None)
@given(text=st.text(), single_line=st.booleans())
def test_clean_text_is_idempotent(text: str, single_line: bool) -> None:
    once, _notes = clean_text(text, single_line=single_line)
    twice, notes = clean_text(once, single_line=single_line)
    assert twice == once
    assert notes == []
    assert is_clean(once)
    assert not UNSAFE.search(once)
    if single_line:
        assert "\n" not in once


@settings(max_examples=200 * SCALE, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("a\u0301\u0300\u20d0 ")))
def test_combining_runs_are_cut(text: str) -> None:
    cleaned = clean_text(text)[0]
    assert not re.search(f"[\u0301\u0300\u20d0]{{{MAX_COMBINING + 1}}}", cleaned)


# The mention finder against a brute-force reference.

WORD = re.compile(r"\w")


def reference_mentions(forms: list[tuple[str, str]], text: str) -> list[tuple[int, int, str]]:
    """FORMAT.md's rule, literally: leftmost-longest whole-word matches, left to right."""
    owner: dict[str, str] = {}
    for form, entry in forms:
        if form:
            owner.setdefault(form, entry)
    found = []
    start = 0
    while start < len(text):
        best = None
        if start == 0 or not WORD.match(text[start - 1]):
            for form in owner:
                end = start + len(form)
                if not text.startswith(form, start) or (end < len(text) and WORD.match(text[end])):
                    continue
                if best is None or end > best:
                    best = end
        if best is None:
            start += 1
        else:
            found.append((start, best, owner[text[start:best]]))
            start = best
    return found


names = st.text(alphabet="ab -'", min_size=1, max_size=5).map(str.strip).filter(bool)


@st.composite
def phrases(draw: st.DrawFn) -> tuple[list[tuple[str, str]], str]:
    """A text of short words, and names that are runs of its words, so they nest and overlap."""
    words = draw(st.lists(st.sampled_from(["a", "b", "ab", "Ab"]), min_size=1, max_size=8))
    gaps = draw(
        st.lists(
            st.sampled_from([" ", " ", "-", ", ", "'s "]), min_size=len(words), max_size=len(words)
        )
    )
    pieces = [word + gap for word, gap in zip(words, gaps, strict=True)]
    forms = []
    for _ in range(draw(st.integers(1, 8))):
        start = draw(st.integers(0, len(words) - 1))
        run = draw(st.integers(1, 4))
        form = "".join(pieces[start : start + run]).strip(" ,-'s") or words[start]
        forms.append((form, draw(st.sampled_from(["x", "y", "z"]))))
    return forms, "".join(pieces).rstrip()


@st.composite
def substrings(draw: st.DrawFn) -> tuple[list[tuple[str, str]], str]:
    """Any text of a few characters, and names cut from it at any point."""
    text = draw(st.text(alphabet="ab -'.(_\u00e9\u0301", max_size=24))
    forms = []
    for _ in range(draw(st.integers(0, 6))):
        if text and draw(st.booleans()):
            start = draw(st.integers(0, len(text) - 1))
            form = text[start : start + draw(st.integers(1, 8))].strip()
        else:
            form = draw(names)
        if form:
            forms.append((form, draw(st.sampled_from(["x", "y", "z"]))))
    return forms, text


@settings(max_examples=500 * SCALE, deadline=None)
@given(case=st.one_of(phrases(), substrings()))
@example(case=([("a b", "x"), ("b ab", "y"), ("a", "z")], "a b ab"))
def test_mentions_match_brute_force(case: tuple[list[tuple[str, str]], str]) -> None:
    """The example: "a b" starts first, so it wins over the longer "b ab" it overlaps."""
    forms, text = case
    found = MentionFinder(forms).find(text)
    spans = [(m.start, m.end, m.entry_id) for m in found]
    assert spans == reference_mentions(forms, text)
    # And the properties the reference implies, checked directly.
    surfaces = {form for form, _ in forms}
    for previous, current in zip(found, found[1:], strict=False):
        assert previous.end <= current.start
    for mention in found:
        assert text[mention.start : mention.end] in surfaces
        assert mention.start == 0 or not WORD.match(text[mention.start - 1])
        assert mention.end == len(text) or not WORD.match(text[mention.end])


@settings(max_examples=200 * SCALE, deadline=None)
@given(
    forms=st.lists(st.tuples(names, st.sampled_from(["x", "y"])), min_size=1, max_size=4),
    words=st.lists(st.sampled_from(["a", "b", "ab", "ba", "a-b", "é", "1", "_"]), max_size=12),
    separators=st.lists(st.sampled_from([" ", ", ", "'s ", ". ", "-"]), max_size=12),
)
def test_mentions_with_unicode_word_boundaries(
    forms: list[tuple[str, str]], words: list[str], separators: list[str]
) -> None:
    """Letters outside ASCII, digits and underscores are word characters too."""
    text = "".join(w + s for w, s in zip(words, separators, strict=False))
    found = [(m.start, m.end, m.entry_id) for m in MentionFinder(forms).find(text)]
    assert found == reference_mentions(forms, text)
