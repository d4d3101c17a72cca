"""One careful HTTP GET: http(s) only, our own redirect handling, caps while streaming.

httpx is imported by the caller (update) and only there. Redirects are
followed here rather than by httpx so that every hop is checked: its scheme,
a loop, the count. Bodies are read raw and gunzipped here with a bound on the
output, so a gzip bomb stops at the cap instead of filling memory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from briefing.format.cleaning import plain_line

if TYPE_CHECKING:
    import httpx

MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 24 * 3600.0
DEFAULT_RETRY_AFTER = 600.0
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A download failed; the message is one clean line for the user."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    """The final URL, after redirects: relative links resolve against it."""
    status: int
    """200, or 304 when the validators matched."""
    body: bytes
    etag: str | None
    last_modified: str | None


def shown(url: str) -> str:
    return plain_line(url)[:200]


def check_url(url: str) -> str:
    """The URL if it is http or https with a host; FetchError otherwise."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        if not parts.scheme:
            raise FetchError(
                f"refused {shown(url)}: a feed URL starts with http:// or https://, "
                "like https://news.example/feed.atom"
            )
        raise FetchError(
            f"refused {shown(url)}: only http and https are allowed, not {parts.scheme}"
        )
    if not parts.hostname:
        raise FetchError(f"refused {shown(url)}: no host")
    return url


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float:
    """Retry-After as seconds (a number or an HTTP date), within [1 s, 24 h]."""
    if not value:
        return DEFAULT_RETRY_AFTER
    value = value.strip()
    seconds: float
    if value.isascii() and value.isdigit():
        seconds = float(value[:9])
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return DEFAULT_RETRY_AFTER
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - (now or dt.datetime.now(dt.UTC))).total_seconds()
    return min(max(seconds, 1.0), MAX_RETRY_AFTER)


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    cap: int,
    what: str,
    total_timeout: float,
    validators: dict[str, str] | None = None,
) -> Fetched:
    """GET `url`, or raise FetchError with one line saying why not."""
    import httpx

    try:
        async with asyncio.timeout(total_timeout):
            return await _fetch(client, url, cap=cap, what=what, validators=validators)
    except TimeoutError:
        raise FetchError(f"{what}: no complete answer within {total_timeout:g} s") from None
    except httpx.TimeoutException:
        raise FetchError(f"{what}: timed out") from None
    except httpx.HTTPError as error:
        reason = plain_line(str(error) or type(error).__name__)[:200]
        raise FetchError(f"{what}: {reason}") from None


async def _fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    cap: int,
    what: str,
    validators: dict[str, str] | None,
) -> Fetched:
    seen: set[str] = set()
    current = check_url(url)
    for _hop in range(MAX_REDIRECTS + 1):
        if current in seen:
            raise FetchError(f"{what}: redirect loop at {shown(current)}")
        seen.add(current)
        headers = {"Accept-Encoding": "gzip"}
        if validators and current == url:
            if "etag" in validators:
                headers["If-None-Match"] = validators["etag"]
            if "last_modified" in validators:
                headers["If-Modified-Since"] = validators["last_modified"]
        response = await client.send(
            client.build_request("GET", current, headers=headers), stream=True
        )
        try:
            status = response.status_code
            if status in _REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"{what}: HTTP {status} redirect without a Location")
                current = check_url(urljoin(current, location.strip()))
                await _drain(response)
                continue
            etag = response.headers.get("etag")
            modified = response.headers.get("last-modified")
            if status == 304 and validators:
                await _drain(response)
                return Fetched(current, 304, b"", etag, modified)
            if status in (429, 503):
                wait = retry_after_seconds(response.headers.get("retry-after"))
                raise FetchError(
                    f"{what}: server busy (HTTP {status}); asked again after {wait:.0f} s",
                    retry_after=wait,
                )
            if status != 200:
                phrase = plain_line(response.reason_phrase)[:60]
                raise FetchError(f"{what}: HTTP {status} {phrase}".rstrip())
            body = await read_capped(response, cap, what)
            return Fetched(current, 200, body, etag, modified)
        finally:
            await response.aclose()
    raise FetchError(f"{what}: more than {MAX_REDIRECTS} redirects")


async def _drain(response: httpx.Response, limit: int = 65536) -> None:
    """Read a small unwanted body (304, redirect) so the connection can be reused."""
    seen = 0
    async for raw in response.aiter_raw():
        seen += len(raw)
        if seen > limit:
            break  # too much to be polite about: the connection is closed instead


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:g} MiB"


async def read_capped(response: httpx.Response, cap: int, what: str) -> bytes:
    """The body, decompressed, refusing it as soon as it passes `cap` bytes."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "", "gzip", "x-gzip"):
        raise FetchError(f"{what}: unsupported content encoding {plain_line(encoding)[:40]!r}")
    gunzip = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip") else None
    declared = response.headers.get("content-length", "")
    if gunzip is None and declared.isascii() and declared.isdigit() and int(declared) > cap:
        raise FetchError(f"{what}: larger than the {_mib(cap)} limit ({int(declared):,} bytes)")
    chunks: list[bytes] = []
    total = raw_total = 0
    too_big = FetchError(f"{what}: larger than the {_mib(cap)} limit")
    async for raw in response.aiter_raw():
        raw_total += len(raw)
        if raw_total > cap + 65536:
            raise too_big
        if gunzip is None:
            data = raw
        else:
            try:
                data = gunzip.decompress(raw, cap + 1 - total)
            except zlib.error:
                raise FetchError(f"{what}: damaged gzip data") from None
        total += len(data)
        if total > cap:
            raise too_big
        chunks.append(data)
    if gunzip is not None:
        if not gunzip.eof:
            raise FetchError(f"{what}: gzip data ends early (truncated)")
        chunks.append(gunzip.flush())
    return b"".join(chunks)
