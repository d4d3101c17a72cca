"""State-file hazards: anything that is not a small, shallow, regular JSON file is
set aside, and the reader starts fresh. Before: '[' * 1100 raised RecursionError on every
start and was never set aside; a FIFO blocked forever (a subprocess here, so a regression
fails instead of hanging the suite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.store.safefile import MAX_JSON_DEPTH, Unusable, check_json_nesting, read_json_bytes
from briefing.store.state import MAX_STATE_BYTES, ReadingState, load_state


def set_aside(folder: Path) -> list[Path]:
    return sorted(folder.glob("story.json.corrupt-*"))


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 1100,
        b'{"open_sections": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        b"{" * 200_000,
        b" " * (MAX_STATE_BYTES + 1),
    ],
    ids=["deep-list", "deep-inside-an-object", "deep-objects", "too-large"],
)
def test_damaged_state_is_set_aside_not_raised(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "story.json").write_bytes(content)
    state, warning = load_state("story", tmp_path)
    assert state == ReadingState()
    assert warning is not None and "moved aside" in warning
    assert len(set_aside(tmp_path)) == 1
    assert not (tmp_path / "story.json").exists()


def test_a_folder_in_place_of_the_state_file_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "story.json").mkdir()
    state, warning = load_state("story", tmp_path)
    assert state == ReadingState() and warning and "not a regular file" in warning
    assert len(set_aside(tmp_path)) == 1


def test_a_symlink_loop_in_place_of_the_state_file_is_set_aside(tmp_path: Path) -> None:
    (tmp_path / "story.json").symlink_to("story.json")
    state, warning = load_state("story", tmp_path)
    assert state == ReadingState() and warning and "moved aside" in warning


def test_a_fifo_never_blocks(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "story.json")
    probe = (
        "import sys; from pathlib import Path; from briefing.store.state import load_state; "
        "print(load_state('story', Path(sys.argv[1]))[1])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=20
    )
    assert "not a regular file" in done.stdout, done.stderr
    assert len(set_aside(tmp_path)) == 1


def test_good_state_still_loads(tmp_path: Path) -> None:
    payload = {"open_sections": ["a", "b"], "scroll_y": 3, "selected_entry": None}
    (tmp_path / "story.json").write_text(json.dumps(payload))
    state, warning = load_state("story", tmp_path)
    assert warning is None
    assert state.open_sections == ["a", "b"] and state.scroll_y == 3


def test_the_nesting_check_ignores_brackets_in_strings(tmp_path: Path) -> None:
    text = json.dumps({"note": "[" * 1000 + "{" * 1000 + '\\"[', "list": [[1]]}).encode()
    check_json_nesting(text)
    path = tmp_path / "x.json"
    path.write_bytes(text)
    assert json.loads(read_json_bytes(path, 1_000_000))["list"] == [[1]]


@given(depth=st.integers(0, 80), key=st.text(alphabet='[]{}"\\ab', max_size=8))
def test_the_nesting_check_agrees_with_the_parser(depth: int, key: str) -> None:
    """Exactly the documents nested deeper than the limit are refused."""
    value: object = key
    for level in range(depth):
        value = [value] if level % 2 else {key: value}
    text = json.dumps(value).encode()
    if depth > MAX_JSON_DEPTH:
        with pytest.raises(Unusable):
            check_json_nesting(text)
    else:
        check_json_nesting(text)
