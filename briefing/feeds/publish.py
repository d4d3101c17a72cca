"""`briefing publish SRC OUT`: a folder of briefings as a static Atom feed any web server can host.

Every briefing must pass `check` first. An entry's `updated` is the briefing's
own `updated`, or else when its bytes last changed: an entry whose SHA-256 is
the same as in OUT/feed.atom of the last run keeps that run's `updated`, so
subscribers re-fetch only what changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from briefing.commandline import command_parser
from briefing.feeds import FEED_FILE
from briefing.feeds.atom import Entry, build_feed, read_previous
from briefing.feeds.files import atomic_write
from briefing.format.cleaning import plain_line
from briefing.format.loader import BriefingError, Diagnostic, display_path, load_bytes, read_file
from briefing.format.model import Briefing
from briefing.render.html import page_file, page_name, write_site
from briefing.store.library import briefing_files


def _parser() -> argparse.ArgumentParser:
    parser = command_parser(
        "publish",
        "Check every briefing in SRC, then write them and an Atom feed "
        f"({FEED_FILE}) to OUT, ready for any static web server.",
        "example:\n"
        '  briefing publish content/ public/ --base-url https://news.example/ --title "Ours"\n'
        "exit status: 0 published, 1 a briefing fails check (nothing is written), 2 usage error.",
    )
    parser.add_argument("src", metavar="SRC", help="a folder of briefings (or one file)")
    parser.add_argument("out", metavar="OUT", help="the folder to write (created if missing)")
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="where OUT will be served (http or https); without it links are relative",
    )
    parser.add_argument(
        "--title", default="Briefings", help='the feed\'s title (default "Briefings")'
    )
    parser.add_argument("--author", help="the feed's author (default: the title)")
    return parser


def _base_url(value: str | None) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"--base-url must be an http or https URL, not {plain_line(value)!r}")
    return value if value.endswith("/") else value + "/"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def load_sources(src: Path) -> tuple[list[tuple[Briefing, bytes]], list[Diagnostic]]:
    """Every briefing in SRC with its exact bytes; every problem (refusals and duplicate ids)."""
    loaded: list[tuple[Briefing, bytes]] = []
    problems: list[Diagnostic] = []
    seen: dict[str, Path] = {}
    for file in briefing_files(src):
        try:
            data = read_file(file)
            result = load_bytes(data, display_path(file), file)
        except BriefingError as error:
            problems.extend(error.diagnostics)
            continue
        briefing = result.briefing
        if briefing.id in seen:
            message = f"id {briefing.id!r} is also used by {display_path(seen[briefing.id])}"
            problems.append(Diagnostic(display_path(file), 1, 1, "error", message))
            continue
        seen[briefing.id] = file
        loaded.append((briefing, data))
    return loaded, problems


def publish(argv: Sequence[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    src, out = Path(args.src), Path(args.out)
    try:
        base = _base_url(args.base_url)
    except ValueError as error:
        parser.error(str(error))
    if not src.exists():
        print(
            f"briefing publish: {plain_line(args.src)}: no such file or directory", file=sys.stderr
        )
        return 2
    overlap = _overlap(src, out)
    if overlap:
        print(
            f"briefing publish: {plain_line(args.out)}: {overlap}; choose a folder outside it",
            file=sys.stderr,
        )
        return 2
    loaded, problems = load_sources(src)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        refused = len({problem.path for problem in problems if problem.severity == "error"})
        print(
            f"briefing publish: {refused} file(s) fail check; nothing was published",
            file=sys.stderr,
        )
        return 1
    if not loaded:
        print(f"briefing publish: no briefings in {plain_line(args.src)}", file=sys.stderr)
        return 1
    feed_path = out / FEED_FILE
    previous, warning = read_previous(feed_path)
    if warning:
        print(f"briefing publish: warning: {display_path(feed_path)}: {warning}", file=sys.stderr)
    now = _now()
    entries: list[Entry] = []
    changed = 0
    for briefing, data in loaded:
        digest = hashlib.sha256(data).hexdigest()
        before = previous.get(briefing.id)
        if before is None or before.sha256 != digest:
            changed += 1
        if briefing.updated is not None:
            updated = briefing.updated
        elif before is not None and before.sha256 == digest:
            updated = before.updated
        else:
            updated = now
        target = out / f"{briefing.id}.yaml"  # the id is a slug: no path can come from it
        if not (target.is_file() and target.read_bytes() == data):
            atomic_write(target, data)
        href = f"{briefing.id}.yaml"
        page = page_name(briefing)  # written below with write_site, linked as the alternate
        entries.append(
            Entry(
                briefing_id=briefing.id,
                title=briefing.title,
                summary=briefing.summary.text,
                updated=updated,
                href=(base or "") + href,
                length=len(data),
                sha256=digest,
                content=content_html(briefing),
                entry_id=f"{base}{href}" if base else f"urn:briefing:{briefing.id}",
                alternate=(base or "") + page,
            )
        )
    # Ordinary feed readers (newsboat, a browser) open each entry as a readable page.
    write_site([briefing for briefing, _ in loaded], out, title=args.title)
    published = {entry.briefing_id for entry in entries}
    for gone in sorted(set(previous) - published):
        for stale in (out / f"{gone}.yaml", out / page_file(gone)):
            if stale.is_file():
                stale.unlink()
    feed = build_feed(
        entries,
        title=args.title,
        feed_id=f"{base}{FEED_FILE}" if base else f"urn:briefing:feed:{_slug_of(args.title)}",
        author=args.author or args.title,
        self_href=f"{base}{FEED_FILE}" if base else None,
    )
    atomic_write(feed_path, feed)
    print(
        f"published {len(entries)} briefing(s) to {display_path(feed_path)} "
        f"({changed} new or changed)"
    )
    return 0


def content_html(briefing: Briefing) -> str:
    """The briefing as an HTML fragment for the Atom `content`: headings and paragraphs.

    Feed readers that show the content (newsboat, most web readers) then keep
    the paragraphs apart. Every piece of text goes through `render.html.text`
    (escaped, forbidden characters replaced), and the Atom writer escapes the
    whole fragment once more as the element's text (`type="html"`).
    """
    from briefing.format.model import Paragraph, Points, Quote
    from briefing.render.exports import credit
    from briefing.render.html import text

    parts = [f"<p>{text(briefing.summary.text)}</p>"]
    for section in briefing.sections:
        parts.append(f"<h2>{text(section.title)}</h2>")
        for block in section.body:
            if isinstance(block, Paragraph):
                parts.append(f"<p>{text(block.text.text)}</p>")
            elif isinstance(block, Quote):
                quote = text(block.text.text)
                parts.append(
                    f"<blockquote><p>{quote}</p><p>\u2014 {text(block.by)}</p></blockquote>"
                )
            elif isinstance(block, Points):
                items = "".join(f"<li>{text(item.text)}</li>" for item in block.items)
                parts.append(f"<ul>{items}</ul>")
    parts.append(f"<p><small>{text(credit(briefing))}</small></p>")
    return "\n".join(parts)


def _overlap(src: Path, out: Path) -> str | None:
    """Why OUT cannot hold the published copy of SRC, if it cannot.

    The copies written to OUT (ID.yaml) would be read back as sources on the
    next run, clash by id with their originals and fail every later publish;
    an OUT holding SRC would be read the same way.
    """
    source, target = src.resolve(), out.resolve()
    if target == source:
        return "is the source"
    if source.is_dir() and target.is_relative_to(source):
        return "is inside the source folder"
    if source.is_relative_to(target):
        return "contains the source"
    return None


def _slug_of(text: str) -> str:
    from briefing.feeds.store import slugify

    return slugify(text)
