"""The PROXY protocol header (v2 binary, v1 text) a TCP balancer puts before SSH.

Behind HAProxy (`send-proxy-v2`) every connection comes from the balancer;
the header it sends first carries the client's real address, which the
server then uses for every per-address limit, the log and refusals.

The reader never takes a byte past the header: `needed` says how many more
bytes the header needs at least, given what has arrived, so each `recv`
asks for no more than that and the SSH stream after it stays in the socket
for asyncssh. Anything that cannot begin a valid header is refused at the
first byte that shows it (a garbage prefix costs one short read), and a v1
line is at most 107 bytes, as the specification says.

A small parser rather than a dependency: PyPI's `proxy-protocol` is built
around its own asyncio server, checks only 8 of the 12 signature bytes,
and has had no release since 2024.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
from dataclasses import dataclass

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
V1_PREFIX = b"PROXY "
V1_MAX = 107
V1_SHORTEST = len(b"PROXY UNKNOWN\r\n")
V2_FIXED = 16


class ProxyHeaderError(ValueError):
    """The bytes cannot be (the start of) a PROXY protocol header."""


@dataclass(frozen=True, slots=True)
class ProxyHeader:
    """What a header says: the client's address, or None (a health check, or unknown)."""

    source: str | None
    port: int | None
    length: int
    """Bytes the header took."""


def needed(data: bytes) -> int:
    """Bytes the header still needs at least (0: complete); ProxyHeaderError if it cannot be."""
    if not data:
        return V1_SHORTEST  # no header of either kind is shorter
    if data[0:1] == V2_SIGNATURE[0:1]:
        return _v2_needed(data)
    if data[0:1] == V1_PREFIX[0:1]:
        return _v1_needed(data)
    raise ProxyHeaderError("not a PROXY protocol header")


def _v2_needed(data: bytes) -> int:
    head = data[: len(V2_SIGNATURE)]
    if V2_SIGNATURE[: len(head)] != head:
        raise ProxyHeaderError("not a PROXY protocol header")
    if len(data) < V2_FIXED:
        return V2_FIXED - len(data)
    version, command = data[12] >> 4, data[12] & 0x0F
    if version != 2:
        raise ProxyHeaderError(f"PROXY protocol version {version} (expected 2)")
    if command not in (0, 1):
        raise ProxyHeaderError(f"unknown PROXY v2 command {command}")
    total: int = V2_FIXED + struct.unpack("!H", data[14:16])[0]
    return max(0, total - len(data))


def _v1_needed(data: bytes) -> int:
    head = data[: len(V1_PREFIX)]
    if V1_PREFIX[: len(head)] != head:
        raise ProxyHeaderError("not a PROXY protocol header")
    end = data.find(b"\r\n")
    if end >= 0:
        if end + 2 != len(data):
            raise ProxyHeaderError("bytes after the PROXY v1 line")  # never read past it
        return 0
    if len(data) >= V1_MAX:
        raise ProxyHeaderError(f"a PROXY v1 line longer than {V1_MAX} bytes")
    if len(data) < V1_SHORTEST:
        return V1_SHORTEST - len(data)
    if b"\n" in data or (b"\r" in data[:-1]):
        raise ProxyHeaderError("a stray line break in the PROXY v1 line")
    # The line still needs its "\r\n": one byte if the "\r" came, else two.
    return 1 if data.endswith(b"\r") else 2


def parse(data: bytes) -> ProxyHeader:
    """A complete header (exactly, as `needed` returned 0 for); ProxyHeaderError if bad."""
    if needed(data) != 0:
        raise ProxyHeaderError("a truncated PROXY protocol header")
    if data.startswith(V2_SIGNATURE):
        return _parse_v2(data)
    return _parse_v1(data)


def _parse_v2(data: bytes) -> ProxyHeader:
    command, family, protocol = data[12] & 0x0F, data[13] >> 4, data[13] & 0x0F
    body = data[V2_FIXED:]
    if command == 0:  # LOCAL: the balancer's own connection (a health check)
        return ProxyHeader(None, None, len(data))
    if family == 1:
        size = 12
    elif family == 2:
        size = 36
    elif family in (0, 3):  # UNSPEC or a Unix socket: no address to use
        return ProxyHeader(None, None, len(data))
    else:
        raise ProxyHeaderError(f"unknown PROXY v2 address family {family}")
    if protocol not in (1, 2):
        raise ProxyHeaderError(f"unknown PROXY v2 transport {protocol}")
    if len(body) < size:
        raise ProxyHeaderError("a PROXY v2 header too short for its addresses")
    half = (size - 4) // 2
    # ipaddress's spelling, as the v1 path and the per-address limits use it:
    # inet_ntop writes an IPv4-mapped address another way ("::ffff:0.0.0.0").
    source = str(ipaddress.ip_address(body[:half]))
    port: int = struct.unpack("!H", body[2 * half : 2 * half + 2])[0]
    return ProxyHeader(source, port, len(data))


def _parse_v1(data: bytes) -> ProxyHeader:
    try:
        words = data[:-2].decode("ascii").split(" ")
    except UnicodeDecodeError:
        raise ProxyHeaderError("a PROXY v1 line that is not ASCII") from None
    if len(words) >= 2 and words[1] == "UNKNOWN":
        return ProxyHeader(None, None, len(data))
    if len(words) != 6 or words[1] not in ("TCP4", "TCP6"):
        raise ProxyHeaderError("a PROXY v1 line is PROXY TCP4|TCP6 SRC DST SPORT DPORT")
    try:
        source = ipaddress.ip_address(words[2])
        ipaddress.ip_address(words[3])
        ports = [int(words[4]), int(words[5])]
    except ValueError:
        raise ProxyHeaderError("a PROXY v1 line with a bad address or port") from None
    if source.version != (4 if words[1] == "TCP4" else 6):
        raise ProxyHeaderError(f"a {words[1]} line with an IPv{source.version} address")
    if not all(0 <= port <= 65535 and str(port) == text for port, text in
               zip(ports, words[4:], strict=True)):  # fmt: skip
        raise ProxyHeaderError("a PROXY v1 line with a bad port")
    return ProxyHeader(str(source), ports[0], len(data))


async def read_header(sock: socket.socket) -> ProxyHeader:
    """Read exactly one header from a non-blocking socket; ProxyHeaderError if bad or closed."""
    loop = asyncio.get_running_loop()
    data = b""
    while (want := needed(data)) > 0:
        chunk = await loop.sock_recv(sock, want)
        if not chunk:
            raise ProxyHeaderError(
                "the connection closed inside the PROXY header"
                if data
                else "the connection closed before a PROXY header"
            )
        data += chunk
    return parse(data)


def v2_header(source: str, port: int, dest: str, dest_port: int) -> bytes:
    """A PROXY v2 header for a TCP connection (what HAProxy's send-proxy-v2 sends)."""
    src, dst = ipaddress.ip_address(source), ipaddress.ip_address(dest)
    family = 0x11 if src.version == 4 else 0x21
    body = src.packed + dst.packed + struct.pack("!HH", port, dest_port)
    return V2_SIGNATURE + bytes([0x21, family]) + struct.pack("!H", len(body)) + body


def v1_header(source: str, port: int, dest: str, dest_port: int) -> bytes:
    """A PROXY v1 line for a TCP connection."""
    kind = "TCP4" if ipaddress.ip_address(source).version == 4 else "TCP6"
    return f"PROXY {kind} {source} {dest} {port} {dest_port}\r\n".encode("ascii")
