"""`--authorized-keys`: OpenSSH's authorized_keys format, its options honoured or refused.

An option that narrows who may log in must never be dropped silently: a
line `from="10.0.0.0/8" ssh-ed25519 ...` read as a bare key would admit
that key from anywhere. So each option is either honoured here or the file
is refused at start with one `PATH:LINE: error:` line naming it:

- honoured: `from=` (address patterns, CIDR and `!` negation, against the
  client's address: the PROXY protocol's one when that is on; host names
  are not looked up, as OpenSSH's default UseDNS=no), `expiry-time=`,
  `restrict` and `no-pty`/`pty` (a key without a terminal cannot read here:
  its sessions are refused with a line saying why);
- accepted, as they limit only what this server never offers anyway:
  `no-port-forwarding`, `no-agent-forwarding`, `no-X11-forwarding`,
  `no-user-rc`, their positive forms, `permitopen=`, `permitlisten=`,
  `no-touch-required`;
- refused: `command=` (the key was meant to run one thing, not a reader),
  `environment=`, `tunnel=`, `principals=`, `cert-authority` (certificates
  are not supported), `verify-required`, and any option not named here.

asyncssh has its own parser, but it skips a line it cannot read and keeps
unknown options without a word, so the checks are made here.
"""

from __future__ import annotations

import calendar
import fnmatch
import ipaddress
import time
from dataclasses import dataclass
from pathlib import Path

import asyncssh

KEY_TYPES = ("ssh-", "ecdsa-", "sk-")
HARMLESS = frozenset({
    "no-port-forwarding", "port-forwarding", "no-agent-forwarding", "agent-forwarding",
    "no-x11-forwarding", "x11-forwarding", "no-user-rc", "user-rc", "permitopen",
    "permitlisten", "no-touch-required",
})  # fmt: skip
REFUSED = {
    "command": "forces a command, and this server runs only the reader",
    "environment": "sets variables, and readers get only TERM, LANG, COLORTERM, NO_COLOR",
    "tunnel": "asks for a tunnel device, never offered here",
    "principals": "applies to certificates, which this server does not accept",
    "cert-authority": "trusts a certificate authority; certificates are not supported",
    "verify-required": "needs FIDO user verification, which this server cannot check",
}


@dataclass(frozen=True, slots=True)
class AuthorizedKey:
    """One line: the key and what its options allow."""

    public_data: bytes
    from_patterns: tuple[str, ...] | None = None
    expires: float | None = None
    """Seconds since the epoch after which the key is no longer admitted."""
    pty: bool = True

    def admits(self, address: str, now: float) -> bool:
        if self.expires is not None and now >= self.expires:
            return False
        return self.from_patterns is None or address_matches(address, self.from_patterns)


class AuthorizedKeys:
    """The keys of one authorized_keys file."""

    def __init__(self, entries: list[AuthorizedKey]) -> None:
        self.entries = entries

    def admits(self, public_data: bytes, address: str,
               now: float | None = None) -> AuthorizedKey | None:  # fmt: skip
        """The first line for this key that lets it in from `address` now, or None."""
        moment = time.time() if now is None else now
        for entry in self.entries:
            if entry.public_data == public_data and entry.admits(address, moment):
                return entry
        return None


def address_matches(address: str, patterns: tuple[str, ...]) -> bool:
    """OpenSSH's rule: a matching negated pattern refuses; else any positive match admits."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    admitted = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        body = pattern[1:] if negated else pattern
        if "/" in body:
            try:
                hit = ip in ipaddress.ip_network(body, strict=False)
            except ValueError:
                hit = False
        else:
            hit = fnmatch.fnmatchcase(str(ip), body)
        if hit and negated:
            return False
        admitted = admitted or hit
    return admitted


def split_options(text: str) -> list[tuple[str, str | None]]:
    """`a,b="x,y",c` -> [("a", None), ("b", "x,y"), ("c", None)]; ValueError if unbalanced."""
    options: list[tuple[str, str | None]] = []
    current, quoted, escaped = "", False, False
    for char in text + ",":
        if escaped:
            current += char
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            name, sep, value = current.partition("=")
            if not name:
                raise ValueError("an empty option")
            options.append((name.lower(), value if sep else None))
            current = ""
        else:
            current += char
    if quoted:
        raise ValueError("an unbalanced quote in the options")
    return options


def parse_expiry(value: str) -> float:
    """YYYYMMDD[HHMM[SS]], local time, or UTC with a trailing Z (as OpenSSH)."""
    utc = value.endswith(("Z", "z"))
    digits = value[:-1] if utc else value
    if not digits.isdigit() or len(digits) not in (8, 12, 14):
        raise ValueError(f"expiry-time {value!r} is not YYYYMMDD[HHMM[SS]][Z]")
    padded = digits.ljust(14, "0")
    fields = time.strptime(padded, "%Y%m%d%H%M%S")
    return float(calendar.timegm(fields)) if utc else time.mktime(fields)


def parse_line(line: str) -> AuthorizedKey:
    """One non-comment line; ValueError with the reason when it cannot be honoured."""
    fields = line.split()
    # The key starts at its type name, after any options (which may hold spaces in quotes).
    for index, word in enumerate(fields):
        if not word.startswith(KEY_TYPES):
            continue
        try:
            key = asyncssh.import_public_key(" ".join(fields[index:]))
        except (asyncssh.KeyImportError, ValueError):
            continue
        options_text = " ".join(fields[:index])
        return _with_options(key.public_data, options_text)
    raise ValueError("not a public key")


def _with_options(public_data: bytes, text: str) -> AuthorizedKey:
    from_patterns: list[str] | None = None
    expires: float | None = None
    pty = True
    for name, value in split_options(text) if text else []:
        if name in REFUSED:
            raise ValueError(f"option {name}: {REFUSED[name]}")
        if name == "from":
            if not value:
                raise ValueError('option from needs a pattern list: from="10.0.0.0/8"')
            from_patterns = (from_patterns or []) + value.split(",")
        elif name == "expiry-time":
            if not value:
                raise ValueError('option expiry-time needs a time: expiry-time="20270101"')
            moment = parse_expiry(value)
            expires = moment if expires is None else min(expires, moment)
        elif name in ("restrict", "no-pty"):
            pty = False
        elif name == "pty":
            pty = True
        elif name not in HARMLESS:
            raise ValueError(f"option {name} is not supported here")
    patterns = tuple(from_patterns) if from_patterns is not None else None
    return AuthorizedKey(public_data, patterns, expires, pty)


def read_authorized_keys(path: Path) -> AuthorizedKeys:
    """Every line of the file, or ValueError('PATH:LINE: error: ...') for the first bad one."""
    entries: list[AuthorizedKey] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            entries.append(parse_line(line))
        except ValueError as error:
            raise ValueError(f"{path}:{number}: error: {error}") from None
    if not entries:
        raise ValueError(f"{path}: error: no keys")
    return AuthorizedKeys(entries)
