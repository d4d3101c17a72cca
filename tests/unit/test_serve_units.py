"""`briefing serve`'s pure parts: admission, the refusal packet, the reader's environment."""

from __future__ import annotations

import importlib.util
import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.serve.limits import Admission, Limits, Startups, TokenBucket

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
    admission = Admission(
        Limits(max_sessions=3, max_startups=Startups(2, 100, 2), burst=10), clock=Clock()
    )
    assert admission.admit("a") is None and admission.admit("b") is None
    assert admission.admit("c") == "too many connections are logging in"
    admission.authenticated("a")
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
def test_authorized_keys_honour_or_refuse_every_option(tmp_path: Path) -> None:
    import asyncssh

    from briefing.serve.authorized import read_authorized_keys

    key = asyncssh.generate_private_key("ssh-ed25519")
    public = key.export_public_key().decode().strip()
    data = key.public_data
    listed = tmp_path / "authorized_keys"
    listed.write_text(f"# comment\n\n{public}\n")
    assert read_authorized_keys(listed).admits(data, "192.0.2.1") is not None
    listed.write_text(f'from="10.0.0.0/8,!10.9.0.0/16",no-agent-forwarding {public}\n')
    keys = read_authorized_keys(listed)
    assert keys.admits(data, "10.1.2.3") is not None
    assert keys.admits(data, "10.9.1.1") is None, "a negated pattern refuses"
    assert keys.admits(data, "192.0.2.1") is None, "from= is honoured, not ignored"
    listed.write_text(f'expiry-time="20200101Z" {public}\n')
    assert read_authorized_keys(listed).admits(data, "10.0.0.1") is None, "expired"
    listed.write_text(f'expiry-time="29990101" {public}\n')
    assert read_authorized_keys(listed).admits(data, "10.0.0.1") is not None
    listed.write_text(f"restrict {public}\n")
    entry = read_authorized_keys(listed).admits(data, "10.0.0.1")
    assert entry is not None and not entry.pty
    listed.write_text(f"restrict,pty {public}\n")
    entry = read_authorized_keys(listed).admits(data, "10.0.0.1")
    assert entry is not None and entry.pty
    for option in ('command="echo hi there"', "cert-authority", 'environment="A=b"',
                   'principals="x"', "no-such-option"):  # fmt: skip
        listed.write_text(f"# readers\n{option} {public}\n")
        with pytest.raises(ValueError, match=r"authorized_keys:2: error: option "):
            read_authorized_keys(listed)
    listed.write_text("not a key\n")
    with pytest.raises(ValueError, match=":1: error: not a public key"):
        read_authorized_keys(listed)


def test_startups_drop_at_random_between_start_and_full() -> None:
    from briefing.serve.limits import Startups

    startups = Startups.parse("2:50:4")
    assert [startups.drop_chance(n) for n in range(6)] == [0.0, 0.0, 0.5, 0.75, 1.0, 1.0]
    assert Startups.parse("7") == Startups(7, 100, 7)
    for bad in ("0", "5:30:2", "1:101:3", "a", "1:2"):
        with pytest.raises(ValueError):
            Startups.parse(bad)
    rolls = iter([0.9, 0.1])
    admission = Admission(
        Limits(max_startups=startups, max_startups_per_address=10, burst=100),
        clock=Clock(), chance=lambda: next(rolls),
    )  # fmt: skip
    assert admission.admit("a") is None and admission.admit("b") is None
    assert admission.admit("c") is None, "a roll above the 50% chance gets in"
    assert admission.admit("d") == "too many connections are logging in"


def test_one_address_cannot_hold_every_login_slot() -> None:
    admission = Admission(Limits(max_startups_per_address=2, burst=100), clock=Clock())
    assert admission.admit("10.0.0.1") is None and admission.admit("10.0.0.1") is None
    assert admission.admit("10.0.0.1") == "too many connections from your address are logging in"
    assert admission.admit("10.0.0.2") is None
    admission.authenticated("10.0.0.1")
    assert admission.admit("10.0.0.1") is None, "a finished login frees its slot"


def test_state_expiry_keeps_the_most_recent_and_those_in_use() -> None:
    from briefing.serve.statefolders import Entry, choose_expired

    entries = [Entry(f"k{n}", last_used=float(n), size=10) for n in range(10)]
    chosen = choose_expired(entries, keep=3, max_age=1e9, now=10.0, in_use=frozenset({"k0"}))
    assert sorted(chosen) == [f"k{n}" for n in range(1, 7)], "k7-k9 newest, k0 busy"
    assert choose_expired(entries, keep=100, max_age=5.5, now=10.0) == ["k4", "k3", "k2", "k1",
                                                                         "k0"]  # fmt: skip
    assert len(choose_expired(entries, keep=100, max_age=1e9, now=10.0, max_bytes=25)) == 8


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 1000)), max_size=20),
       st.integers(1, 20), st.integers(0, 5000))  # fmt: skip
def test_state_expiry_always_fits_its_bounds(
    rows: list[tuple[int, int]], keep: int, max_bytes: int
) -> None:
    from briefing.serve.statefolders import Entry, choose_expired

    entries = [Entry(f"k{n}", float(used), size) for n, (used, size) in enumerate(rows)]
    chosen = set(choose_expired(entries, keep=keep, max_age=1e9, now=1e6, max_bytes=max_bytes))
    kept = [entry for entry in entries if entry.name not in chosen]
    assert len(kept) <= keep and sum(entry.size for entry in kept) <= max_bytes


def test_state_folders_expire_on_disk(tmp_path: Path) -> None:
    from briefing.serve.statefolders import expire_reader_folders, mark_used

    for n in range(5):
        folder = tmp_path / f"r{n}"
        folder.mkdir()
        assert mark_used(folder) is True
        os.utime(folder / ".last-used", (1000.0 + n, 1000.0 + n))
    assert mark_used(tmp_path / "r4") is False
    removed = expire_reader_folders(tmp_path, keep=2, max_age=1e12, in_use=[tmp_path / "r0"])
    assert sorted(path.name for path in removed) == ["r1", "r2"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["r0", "r3", "r4"]


@needs_asyncssh
def test_the_server_side_never_imports_the_ui(tmp_path: Path) -> None:
    from tests.importtools import UI, loaded_modules

    modules = loaded_modules(
        "import briefing.serve.servecommand, briefing.serve.hub, briefing.serve.session\n"
        "import briefing.serve.limits, briefing.serve.hostkey, briefing.serve.zygote\n"
        "import briefing.serve.channel, briefing.serve.authorized, briefing.serve.proxyheader\n"
        "import briefing.serve.statefolders",
        tmp_path,
    )
    assert "asyncssh" in modules  # the probe really ran
    assert not modules & set(UI), modules & set(UI)
