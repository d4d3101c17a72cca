"""`briefing serve`'s pure parts: admission, the refusal packet, the reader's environment."""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.serve.limits import Admission, Limits, TokenBucket

needs_asyncssh = pytest.mark.skipif(
    importlib.util.find_spec("asyncssh") is None, reason="asyncssh is not installed"
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_per_address_cap_and_release() -> None:
    admission = Admission(Limits(max_per_address=2, burst=10), clock=Clock())
    assert admission.admit("10.0.0.1") is None
    assert admission.admit("10.0.0.1") is None
    assert admission.admit("10.0.0.1") == "too many sessions from your address"
    assert admission.admit("10.0.0.2") is None, "another address is not affected"
    admission.release("10.0.0.1", authenticated=False)
    assert admission.admit("10.0.0.1") is None


def test_total_and_unauthenticated_caps() -> None:
    admission = Admission(Limits(max_sessions=3, max_startups=2, burst=10), clock=Clock())
    assert admission.admit("a") is None and admission.admit("b") is None
    assert admission.admit("c") == "too many connections are logging in"
    admission.authenticated()
    assert admission.admit("c") is None
    assert admission.admit("d") == "the server is full"
    admission.release("a", authenticated=True)
    assert admission.total == 2


def test_token_bucket_refills_at_the_rate() -> None:
    clock = Clock()
    admission = Admission(Limits(burst=2, rate_per_minute=6, max_per_address=100), clock=clock)
    assert admission.admit("a") is None and admission.admit("a") is None
    assert admission.admit("a") == "too many new connections from your address"
    clock.now = 9.9
    assert admission.admit("a") is not None
    clock.now = 10.1  # 6 per minute: one every 10 seconds
    assert admission.admit("a") is None


@given(st.lists(st.floats(min_value=0, max_value=1000), min_size=1, max_size=50))
def test_a_bucket_never_grants_more_than_burst_plus_refill(gaps: list[float]) -> None:
    bucket = TokenBucket(capacity=3, rate=0.5, tokens=3, stamp=0.0)
    now, granted = 0.0, 0
    for gap in gaps:
        now += gap
        granted += bucket.take(now)
    assert granted <= 3 + now * 0.5 + 1e-9


@needs_asyncssh
def test_the_refusal_is_a_well_formed_disconnect_packet() -> None:
    from briefing.serve.hub import disconnect_packet

    packet = disconnect_packet("briefing: the server is full")
    length = struct.unpack("!I", packet[:4])[0]
    assert len(packet) == 4 + length and len(packet) % 8 == 0
    padding = packet[4]
    assert padding >= 4
    payload = packet[5 : 4 + length - padding]
    assert payload[0] == 1  # SSH_MSG_DISCONNECT
    assert struct.unpack("!I", payload[1:5])[0] == 12
    size = struct.unpack("!I", payload[5:9])[0]
    assert payload[9 : 9 + size] == b"briefing: the server is full"


@needs_asyncssh
def test_only_term_lang_colorterm_and_no_color_reach_the_reader() -> None:
    from briefing.serve.session import allowed_environment, winsize

    sent = {"LANG": "de_DE.UTF-8", "COLORTERM": "truecolor", "NO_COLOR": "",
            "LD_PRELOAD": "/tmp/evil.so", "PATH": "/tmp", "BRIEFING_PATH": "/etc"}  # fmt: skip
    assert allowed_environment("xterm-256color", sent) == {
        "TERM": "xterm-256color", "LANG": "de_DE.UTF-8", "COLORTERM": "truecolor",
        "NO_COLOR": "1",
    }  # fmt: skip
    hostile = {"LANG": "C\x1b]0;pwned\x07", "COLORTERM": "x" * 500}
    assert allowed_environment("xterm\n$(id)", hostile) == {}
    assert struct.unpack("HHHH", winsize(15000, 15000))[:2] == (500, 1000)
    assert struct.unpack("HHHH", winsize(0, 0))[:2] == (24, 80)


def test_the_reader_environment_is_rebuilt_from_nothing(tmp_path: Path) -> None:
    code = (
        "import os, json\n"
        "from briefing.serve.zygote import _reader_environment\n"
        "_reader_environment({'env': {'TERM': 'xterm', 'LD_PRELOAD': 'x', 'LANG': 'C'},"
        f" 'home': {str(tmp_path)!r}}})\n"
        "print(json.dumps(dict(os.environ)))\n"
    )
    env = {**os.environ, "SECRET_TOKEN": "s3cret", "SSH_AUTH_SOCK": "/tmp/agent"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    import json

    result = json.loads(done.stdout)
    assert "SECRET_TOKEN" not in result and "SSH_AUTH_SOCK" not in result
    assert "LD_PRELOAD" not in result
    assert result["TERM"] == "xterm" and result["LANG"] == "C"
    assert result["XDG_STATE_HOME"] == str(tmp_path / "state")
    assert result["BRIEFING_SERVED"] == "1"


@needs_asyncssh
def test_host_key_is_made_once_with_mode_0600(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:  # fmt: skip
    from briefing.serve import hostkey

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    first = hostkey.host_key(None)
    path = tmp_path / "briefing" / "serve" / hostkey.KEY_NAME
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert hostkey.host_key(None).public_data == first.public_data


@needs_asyncssh
def test_authorized_keys_reads_openssh_lines(tmp_path: Path) -> None:
    import asyncssh

    from briefing.serve.hostkey import authorized_keys

    key = asyncssh.generate_private_key("ssh-ed25519")
    public = key.export_public_key().decode().strip()
    listed = tmp_path / "authorized_keys"
    listed.write_text(f'# comment\n\n{public}\nno-pty,command="echo hi there" {public}\n')
    assert authorized_keys(listed) == {key.public_data}
    listed.write_text("not a key\n")
    with pytest.raises(ValueError, match=":1: not a public key"):
        authorized_keys(listed)


@needs_asyncssh
def test_the_server_side_never_imports_the_ui(tmp_path: Path) -> None:
    from tests.importtools import UI, loaded_modules

    modules = loaded_modules(
        "import briefing.serve.servecommand, briefing.serve.hub, briefing.serve.session\n"
        "import briefing.serve.limits, briefing.serve.hostkey, briefing.serve.zygote\n"
        "import briefing.serve.channel",
        tmp_path,
    )
    assert "asyncssh" in modules  # the probe really ran
    assert not modules & set(UI), modules & set(UI)
