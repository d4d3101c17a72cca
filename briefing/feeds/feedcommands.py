"""`briefing subscribe`, `unsubscribe`, `feeds` and `update`: the subscriber's commands.

Exit status, as everywhere: 0 success, 1 some feed failed (each one listed),
2 usage error. A terminal gets a Rich progress display while updating;
anything else gets one plain line per feed, in the order they finish.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
from collections.abc import Sequence

from briefing.commandline import command_parser
from briefing.feeds.fetch import FetchError, check_url
from briefing.feeds.store import (
    MAX_URL,
    Feed,
    find,
    load_feeds,
    save_feeds,
    slugify,
    subscriptions_path,
)
from briefing.feeds.update import (
    DEADLINE_TIMEOUTS,
    DEFAULT_JOBS,
    DEFAULT_TIMEOUT,
    Outcome,
    probe,
    update_all,
)
from briefing.format.cleaning import plain_line
from briefing.store.library import feeds_dir


def _load() -> list[Feed]:
    feeds, warning = load_feeds()
    if warning:
        print(f"briefing: warning: {plain_line(warning)}", file=sys.stderr)
    return feeds


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("takes a number of seconds from 0 to 3600")
    return value


def _timeout(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout",
        type=_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up on one download after this long (default {DEFAULT_TIMEOUT:g})",
    )


def subscribe(argv: Sequence[str]) -> int:
    parser = command_parser(
        "subscribe",
        "Subscribe to a briefing feed: it is fetched once to check that it is one.",
        f"subscriptions are kept in {subscriptions_path()}",
    )
    parser.add_argument("url", metavar="URL", help="the feed's http or https URL")
    parser.add_argument("--name", help="a short name for the feed (default: from its title)")
    _timeout(parser)
    args = parser.parse_args(argv)
    try:
        url = check_url(args.url.strip())
    except FetchError as error:
        parser.error(error.message)
    if len(url) > MAX_URL:
        parser.error(f"the URL is longer than {MAX_URL} characters")
    if args.name is not None and slugify(args.name, "") != args.name:
        parser.error("--name takes lowercase letters, digits and hyphens")
    feeds = _load()
    known = find(feeds, url)
    if known is not None:
        print(f"already subscribed to {plain_line(url)} as {known.name}")
        return 0
    try:
        parsed, got = asyncio.run(probe(url, timeout=args.timeout))
    except FetchError as error:
        print(f"briefing subscribe: {error.message}", file=sys.stderr)
        return 1
    if not parsed.offered:
        why = f": {parsed.problems[0]}" if parsed.problems else ""
        print(f"briefing subscribe: the feed offers no briefings{why}", file=sys.stderr)
        return 1
    from urllib.parse import urlsplit

    wanted = args.name or slugify(parsed.title, slugify(urlsplit(url).hostname or "", "feed"))
    if find(feeds, wanted) is not None and args.name is not None:
        print(f"briefing subscribe: a feed is already named {wanted}", file=sys.stderr)
        return 1
    from briefing.feeds.store import unique_name

    feed = Feed(name=unique_name(feeds, wanted), url=url, title=parsed.title)
    if got.url == url:  # the first update then asks with these and reads the kept copy
        from briefing.feeds.update import keep_feed, remember

        keep_feed(feed, got.body)
        remember(feed, url, got.etag, got.last_modified)
    feeds.append(feed)
    save_feeds(feeds)
    print(
        f"subscribed to {parsed.title or url} as {feed.name} ({_count(len(parsed.offered))}); "
        "run `briefing update` to download them"
    )
    return 0


def unsubscribe(argv: Sequence[str]) -> int:
    parser = command_parser(
        "unsubscribe", "Stop following a feed and delete the briefings downloaded from it."
    )
    parser.add_argument("key", metavar="URL|NAME")
    args = parser.parse_args(argv)
    feeds = _load()
    feed = find(feeds, args.key)
    if feed is None:
        names = ", ".join(f.name for f in feeds) or "none"
        print(
            f"briefing unsubscribe: no feed {plain_line(args.key)!r} (subscribed: {names})",
            file=sys.stderr,
        )
        return 2
    feeds.remove(feed)
    save_feeds(feeds)
    folder = feeds_dir() / feed.name  # a validated slug: never outside our folder
    if folder.is_dir():
        shutil.rmtree(folder)
    print(f"unsubscribed from {feed.name} ({plain_line(feed.url)}); its downloads were removed")
    return 0


def feeds_(argv: Sequence[str]) -> int:
    parser = command_parser(
        "feeds",
        "List subscriptions: name, last update, status, briefings held, URL.",
        f"subscriptions: {subscriptions_path()}\ndownloads: {feeds_dir()}/NAME/",
    )
    parser.parse_args(argv)
    feeds = _load()
    if not feeds:
        print("no subscriptions (add one with `briefing subscribe URL`)", file=sys.stderr)
        return 0
    rows = [("NAME", "LAST UPDATE", "COUNT", "STATUS", "URL")]
    for feed in feeds:
        rows.append(
            (
                feed.name,
                feed.last_update or "never",
                str(feed.count),
                plain_line(feed.status)[:80],
                plain_line(feed.url),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[4]
        )
    return 0


def update(argv: Sequence[str]) -> int:
    parser = command_parser(
        "update",
        "Download what is new or changed in every feed (or the NAMEs given).",
        "exit status: 0 every feed updated or unchanged, 1 some failed (listed), 2 usage error.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="feeds to update (default: all)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"feeds fetched at once (default {DEFAULT_JOBS}, at most 16)",
    )
    _timeout(parser)
    parser.add_argument(
        "--deadline",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help=f"stop the whole update after this long (default {DEADLINE_TIMEOUTS} times "
        "--timeout); what finished is kept",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.jobs <= 16:
        parser.error("--jobs takes 1 to 16")
    from briefing.feeds.store import Busy, exclusive

    try:
        with exclusive():
            return _update(parser, args)
    except Busy as busy:
        print(f"briefing update: {busy}", file=sys.stderr)
        return 1


def _update(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    feeds = _load()
    chosen = feeds
    if args.names:
        unknown = [name for name in args.names if find(feeds, name) is None]
        if unknown:
            parser.error(f"no such feed: {', '.join(plain_line(n) for n in unknown)}")
        chosen = [feed for feed in feeds if feed.name in args.names or feed.url in args.names]
    if not chosen:
        print("no subscriptions (add one with `briefing subscribe URL`)", file=sys.stderr)
        return 0
    outcomes = _run(chosen, feeds, args.jobs, args.timeout, args.deadline)
    save_feeds(feeds)
    failed = [outcome for outcome in outcomes if not outcome.ok]
    for outcome in outcomes:
        for warning in outcome.warnings:
            print(f"briefing update: {outcome.name}: {plain_line(warning)}", file=sys.stderr)
    if failed:
        print(f"briefing update: {len(failed)} of {len(outcomes)} feed(s) failed:", file=sys.stderr)
        for outcome in failed:
            print(f"  {outcome.name}: {plain_line(outcome.line)}", file=sys.stderr)
        return 1
    return 0


def _run(
    chosen: list[Feed], feeds: list[Feed], jobs: int, timeout: float, deadline: float | None
) -> list[Outcome]:
    if not sys.stderr.isatty():

        def line(outcome: Outcome) -> None:
            print(f"{outcome.name}: {plain_line(outcome.line)}", flush=True)

        return asyncio.run(
            update_all(chosen, feeds, jobs=jobs, timeout=timeout, deadline=deadline, done=line)
        )
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    console = Console(stderr=True)
    with Progress(
        TextColumn("updating"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("feeds", total=len(chosen))

        def tick(outcome: Outcome) -> None:
            style = "green" if outcome.ok else "red"
            progress.console.print(
                Text.assemble((outcome.name, "bold"), ": ", (outcome.line, style))
            )
            progress.advance(task)

        work = update_all(chosen, feeds, jobs=jobs, timeout=timeout, deadline=deadline, done=tick)
        return asyncio.run(work)


def _count(number: int) -> str:
    return f"{number} briefing{'s' * (number != 1)}"
