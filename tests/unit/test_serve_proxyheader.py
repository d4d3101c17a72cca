"""The PROXY protocol header parser: round trips, truncation, split reads, garbage."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.serve.proxyheader import (
    V1_MAX,
    ProxyHeaderError,
    needed,
    parse,
    read_header,
    v1_header,
    v2_header,
)

ipv4 = st.ip_addresses(v=4).map(str)
ipv6 = st.ip_addresses(v=6).map(lambda ip: str(ipaddress.IPv6Address(ip)))
ports = st.integers(0, 65535)


def _feed(data: bytes) -> int:
    """Take bytes as a reader would, never more than `needed`; how many were taken."""
    taken = b""
    while (want := needed(taken)) > 0:
        if len(taken) >= len(data):
            return -1  # the header is incomplete
        taken += data[len(taken) : len(taken) + want]
    return len(taken)


@given(st.one_of(st.tuples(ipv4, ipv4), st.tuples(ipv6, ipv6)), ports, ports,
       st.sampled_from([v1_header, v2_header]), st.binary(max_size=64))  # fmt: skip
def test_a_header_round_trips_and_nothing_after_it_is_read(
    addresses: tuple[str, str], port: int, dest_port: int, make: object, after: bytes
) -> None:
    source, dest = addresses
    header = make(source, port, dest, dest_port)  # type: ignore[operator]
    assert _feed(header + after) == len(header), "the reader stops exactly at the header"
    parsed = parse(header)
    assert (parsed.source, parsed.port, parsed.length) == (source, port, len(header))


@given(st.one_of(st.tuples(ipv4, ipv4), st.tuples(ipv6, ipv6)), ports,
       st.sampled_from([v1_header, v2_header]), st.data())  # fmt: skip
def test_a_truncated_header_is_never_complete(
    addresses: tuple[str, str], port: int, make: object, data: st.DataObject
) -> None:
    header = make(addresses[0], port, addresses[1], 22)  # type: ignore[operator]
    cut = data.draw(st.integers(0, len(header) - 1))
    assert _feed(header[:cut]) == -1
    with pytest.raises(ProxyHeaderError):
        parse(header[:cut])


@given(st.binary(min_size=1, max_size=300))
def test_garbage_is_refused_or_read_boundedly(garbage: bytes) -> None:
    try:
        taken = _feed(garbage)
    except ProxyHeaderError:
        return
    assert taken <= max(V1_MAX, 16 + 65535)
    if taken > 0:
        with contextlib.suppress(ProxyHeaderError):
            parse(garbage[:taken])


def test_a_garbage_prefix_is_refused_at_its_first_bytes() -> None:
    with pytest.raises(ProxyHeaderError):
        needed(b"SSH-2.0-OpenSSH_9.2\r\n")
    with pytest.raises(ProxyHeaderError):
        _feed(b"PROXY " + b"x" * 10_000_000)
    with pytest.raises(ProxyHeaderError):
        _feed(b"\r\n\r\n\x00\r\nQUIT\n\x31\x11\x00\x0c" + bytes(12))  # version 3


def test_local_and_unknown_say_no_address() -> None:
    local = b"\r\n\r\n\x00\r\nQUIT\n\x20\x00\x00\x00"
    assert parse(local).source is None
    assert parse(b"PROXY UNKNOWN\r\n").source is None


@pytest.mark.parametrize("split", [1, 5, 13, 16, 20])
def test_a_header_split_across_reads_is_read_whole(split: int) -> None:
    header = v2_header("203.0.113.9", 4242, "127.0.0.1", 22)

    async def run() -> tuple[str | None, bytes]:
        ours, theirs = socket.socketpair()
        ours.setblocking(False)
        with ours, theirs:
            reading = asyncio.ensure_future(read_header(ours))
            theirs.sendall(header[:split])
            await asyncio.sleep(0.05)
            assert not reading.done()
            theirs.sendall(header[split:] + b"SSH-2.0-x\r\n")
            result = await asyncio.wait_for(reading, 5)
            return result.source, ours.recv(100)

    source, rest = asyncio.run(run())
    assert source == "203.0.113.9" and rest == b"SSH-2.0-x\r\n"
