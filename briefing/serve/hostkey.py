"""The server's host key, made once and kept, and where readers' state lives.

A host key that changed on restart would make every client refuse to
connect (or teach people to ignore the warning), so the first start writes
an Ed25519 key into the user data folder, created with mode 0600 before a
byte of the key is written, and every later start reads that file.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import asyncssh

KEY_NAME = "ssh_host_ed25519_key"


def data_root() -> Path:
    from platformdirs import user_data_path

    return user_data_path("briefing", appauthor=False) / "serve"


def state_root() -> Path:
    """Where each reader's folders live: readers/<sha256 of key fingerprint>, anonymous/."""
    from platformdirs import user_state_path

    root = user_state_path("briefing", appauthor=False) / "serve"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def host_key(path: Path | None) -> asyncssh.SSHKey:
    """The key at `path`, or the kept default key, made on first use."""
    if path is not None:
        return asyncssh.read_private_key(path)
    default = data_root() / KEY_NAME
    if default.exists():
        return asyncssh.read_private_key(default)
    default.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = asyncssh.generate_private_key("ssh-ed25519", comment="briefing serve")
    temp = default.with_name(f".{KEY_NAME}.{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.export_private_key())
            handle.flush()
            os.fsync(handle.fileno())
        # Never replace a key another start made meanwhile: link fails if it exists.
        try:
            os.link(temp, default)
        except FileExistsError:
            return asyncssh.read_private_key(default)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    default.with_name(f"{KEY_NAME}.pub").write_bytes(key.export_public_key())
    return key
