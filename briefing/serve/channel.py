"""The one place that touches asyncssh internals: a client's environment, held output.

asyncssh stores every `env` request a client sends, without a limit, before
the session starts; a client could send thousands of large variables and
grow the server's memory at will. Only LANG, COLORTERM and NO_COLOR are
ever used (TERM comes with the PTY request), so each channel keeps those
and drops every other name as it arrives. asyncssh has no public hook for
this: the wrapper replaces the channel's `env` request handler on the
instance. tests/test_serve_limits.py sends a flood of variables and fails
if the server's memory grows with it, so the test notices when this stops
working after an asyncssh upgrade.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import asyncssh

KEPT = frozenset({b"LANG", b"COLORTERM", b"NO_COLOR"})


def bounded_channel(conn: asyncssh.SSHServerConnection) -> asyncssh.SSHServerChannel[bytes]:
    """A server channel (bytes, no encoding) that keeps only the variables the reader uses."""
    chan: asyncssh.SSHServerChannel[bytes] = conn.create_server_channel(encoding=None)
    handler: Callable[[Any], bool] | None = getattr(chan, "_process_env_request", None)
    if handler is None:
        return chan

    def keep_only_known(packet: Any) -> bool:
        result = handler(packet)
        env = getattr(chan, "_env", None)
        if isinstance(env, dict):
            for name in [name for name in env if name not in KEPT]:
                del env[name]
        return result

    setattr(chan, "_process_env_request", keep_only_known)  # noqa: B010
    return chan


def held_output(chan: Any) -> int:
    """Bytes written to `chan` that the client has not taken yet.

    The channel's own buffer holds what waits for the client's window; past
    that, asyncssh hands packets to the asyncio transport, which buffers
    without a limit when the socket does not drain (asyncssh ignores the
    transport's pause_writing). A client that opens a 4 GiB window and then
    stops reading fills only the transport, so both are counted. The
    transport is asyncssh's private `_transport`; tests/test_serve_limits.py
    fails if this stops seeing it.
    """
    held: int = chan.get_write_buffer_size()
    transport = getattr(chan.get_connection(), "_transport", None)
    if transport is not None:
        with contextlib.suppress(Exception):
            held += int(transport.get_write_buffer_size())
    return held
