"""A briefing as one self-contained, accessible HTML page, and a folder of them.

The page needs nothing else: one inline stylesheet (light and dark), no
script, no remote resource, and a Content-Security-Policy that forbids both
in case anything ever slipped through. Sections are `<details>` so they fold
without JavaScript; every mention (from the loader's computed spans, never a
search here) links to its glossary entry, a definition list whose entries
link back to the places that mention them.

Every string from a briefing goes through `text` or `attr`: HTML-escaped,
and with any character HTML forbids replaced, even though the loader has
already cleaned controls. Nothing here imports Textual or Rich.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import quote, urlsplit

from briefing.format.model import Briefing, Kind, Paragraph, Passage, Points, Quote, Section
from briefing.render.exports import credit

INDEX_NAME = "index.html"

_NOT_IN_HTML = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)
"""What an HTML document may not contain, raw or as a reference: C0 and C1
controls other than HTML's whitespace (tab, newline, form feed; carriage
returns are dropped before), lone surrogates and noncharacters. The loader
has already replaced controls; this holds for text that did not pass it."""


def text(value: str) -> str:
    """Content as HTML text: escaped, quotes included, forbidden characters replaced.

    Text is put in Normalization Form C, as HTML asks (the same characters as
    far as a reader can see; the Nu checker flags any other form).
    """
    cleaned = _NOT_IN_HTML.sub("\ufffd", value.replace("\r", ""))
    return escape(unicodedata.normalize("NFC", cleaned), quote=True)


def attr(value: str) -> str:
    """A double-quoted attribute value (the same escaping: `"` and `'` too)."""
    return text(value)


def page_name(briefing: Briefing) -> str:
    """The file name of a briefing's page in an exported folder (ids are slugs)."""
    return page_file(briefing.id)


def page_file(briefing_id: str) -> str:
    """`ID.html`, except that the briefing `index` gets `index_.html`: `index.html`
    is the folder's index, and no slug has an underscore, so no two names meet."""
    name = f"{briefing_id}.html"
    return f"{briefing_id}_.html" if name == INDEX_NAME else name


def section_anchor(section_id: str) -> str:
    return f"s-{section_id}"


def entry_anchor(entry_id: str) -> str:
    return f"g-{entry_id}"


def safe_url(url: str | None) -> str | None:
    """An http(s) link target, percent-encoded so it is a valid URL; else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    host = parts.hostname or ""
    if "@" in parts.netloc or "\\" in parts.netloc:
        # Userinfo is dropped from the link, and browsers read a backslash as a
        # slash: "https://good.example\\@evil.example/" reads as one host and
        # leads to the other, so no link is made.
        return None
    if parts.scheme.lower() not in ("http", "https") or not re.fullmatch(r"[A-Za-z0-9.-]+", host):
        return None
    netloc = host + (f":{port}" if port is not None else "")
    keep = "/:@!$&'()*+,;=-._~%"
    link = f"{parts.scheme.lower()}://{netloc}{quote(parts.path, safe=keep)}"
    if parts.query:
        link += "?" + quote(parts.query, safe=keep + "?")
    if parts.fragment:
        link += "#" + quote(parts.fragment, safe=keep + "?")
    return link


def stylesheet() -> str:
    """The page's stylesheet (page.css beside this module), inlined into every page."""
    return _STYLE_FILE.read_text(encoding="utf-8")


_STYLE_FILE = resources.files("briefing.render").joinpath("page.css")

# Inline style only: no script, no fetch of any kind. (A style hash would be stricter, but the
# Nu checker cannot verify one and warns; content never reaches a style anyway.)
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'"


def _document(title: str, body: Iterable[str], language: str = "en") -> str:
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{attr(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{attr(_CSP)}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        '<meta name="generator" content="briefing">',
        f"<title>{text(title)}</title>",
        f"<style>{stylesheet()}</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


class _Page:
    """Writes one briefing; numbers mentions in reading order so entries can link back."""

    def __init__(self, briefing: Briefing, index_href: str | None) -> None:
        self.briefing = briefing
        self.index_href = index_href
        self.backlinks: dict[str, list[tuple[str, str]]] = {}
        """Per glossary id: (anchor, where) for each mention, in reading order."""
        self.count = 0

    def passage(self, passage: Passage, where: str) -> str:
        """A passage as HTML: text escaped, each mention a link to its entry."""
        out: list[str] = []
        position = 0
        for mention in passage.mentions:
            if mention.start < position or mention.entry_id not in self.briefing.entries:
                continue  # overlapping or dangling: keep the text, drop the link
            self.count += 1
            anchor = f"m-{self.count}"
            self.backlinks.setdefault(mention.entry_id, []).append((anchor, where))
            out.append(text(passage.text[position : mention.start]))
            out.append(
                f'<a class="mention" id="{anchor}" href="#{attr(entry_anchor(mention.entry_id))}">'
                f"{text(passage.text[mention.start : mention.end])}</a>"
            )
            position = mention.end
        out.append(text(passage.text[position:]))
        return "".join(out)

    def entry_link(self, entry_id: str) -> str:
        name = self.briefing.entries[entry_id].name
        return f'<a href="#{attr(entry_anchor(entry_id))}">{text(name)}</a>'

    def header(self) -> Iterator[str]:
        b = self.briefing
        yield "<header>"
        if self.index_href is not None:
            yield f'<p class="meta"><a href="{attr(self.index_href)}">All briefings</a></p>'
        yield f"<h1>{text(b.title)}</h1>"
        meta = [f'<time datetime="{b.date.isoformat()}">{b.date.isoformat()}</time>']
        meta.append(text(b.source.outlet))
        if b.topics:
            meta.append("Topics: " + ", ".join(text(topic) for topic in b.topics))
        yield f'<p class="meta">{" · ".join(meta)}</p>'
        yield f'<p class="summary">{self.passage(b.summary, "Summary")}</p>'
        yield "</header>"

    def contents(self) -> Iterator[str]:
        yield '<nav aria-label="Contents">'
        yield "<ol>"
        for section in self.briefing.sections:
            href = attr(section_anchor(section.id))
            yield f'<li><a href="#{href}">{text(section.title)}</a></li>'
        if self.briefing.glossary:
            yield '<li><a href="#glossary">Glossary</a></li>'
        if self.briefing.timeline:
            yield '<li><a href="#timeline">Timeline</a></li>'
        yield '<li><a href="#source">Source</a></li>'
        yield "</ol>"
        yield "</nav>"

    def section(self, number: int, section: Section) -> Iterator[str]:
        where = f"{number}. {section.title}"
        heading = f"s-{number}-title"
        yield f'<section id="{attr(section_anchor(section.id))}" aria-labelledby="{heading}">'
        yield "<details open>" if not section.collapsed else "<details>"
        lede = ""
        if section.summary:  # in the summary, so it shows while the section is folded
            lede = f'<span class="lede">{text(section.summary)}</span>'
        yield f'<summary><h2 id="{heading}">{text(where)}</h2>{lede}</summary>'
        for block in section.body:
            if isinstance(block, Paragraph):
                yield f"<p>{self.passage(block.text, where)}</p>"
            elif isinstance(block, Quote):
                yield f"<blockquote><p>{self.passage(block.text, where)}</p></blockquote>"
                speaker = (
                    self.entry_link(block.speaker_id)
                    if block.speaker_id is not None
                    else text(block.by)
                )
                yield f'<p class="speaker">\u2014 {speaker}</p>'
            elif isinstance(block, Points):
                items = "".join(f"<li>{self.passage(item, where)}</li>" for item in block.items)
                yield f"<ul>{items}</ul>"
        yield "</details>"
        yield "</section>"

    def timeline(self) -> Iterator[str]:
        b = self.briefing
        if not b.timeline:
            return
        yield '<section id="timeline" aria-labelledby="timeline-title">'
        yield '<h2 id="timeline-title">Timeline</h2>'
        yield '<ol class="timeline">'
        for event in b.timeline:
            when = str(event.date)
            line = self.passage(event.event, f"Timeline, {when}")
            if event.section is not None and event.section in b.section_index:
                section = b.sections[b.section_index[event.section]]
                href = attr(section_anchor(section.id))
                line += f' <a href="#{href}">(in \u201c{text(section.title)}\u201d)</a>'
            yield f'<li><time datetime="{attr(when)}">{text(when)}</time> <span>{line}</span></li>'
        yield "</ol>"
        yield "</section>"

    def glossary(self) -> Iterator[str]:
        b = self.briefing
        if not b.glossary:
            return
        yield '<section id="glossary" aria-labelledby="glossary-title">'
        yield '<h2 id="glossary-title">Glossary</h2>'
        for kind in Kind:
            entries = [entry for entry in b.glossary if entry.kind is kind]
            if not entries:
                continue
            yield f"<h3>{text(kind.plural)}</h3>"
            yield '<dl class="card">'
            for entry in entries:
                yield f'<dt id="{attr(entry_anchor(entry.id))}">{text(entry.name)}</dt>'
                yield f"<dd>{text(entry.role)}</dd>"
                if entry.aliases:
                    yield f"<dd>Also: {', '.join(text(alias) for alias in entry.aliases)}</dd>"
                if entry.about:
                    yield f"<dd>{text(entry.about)}</dd>"
                if entry.related:
                    related = ", ".join(self.entry_link(ref) for ref in entry.related)
                    yield f"<dd>Related: {related}</dd>"
                yield f"<dd>{self.mentioned(entry.id)}</dd>"
            yield "</dl>"
        yield "</section>"

    def mentioned(self, entry_id: str) -> str:
        """How often an entry is mentioned, and where: each place once, linked to its first."""
        links = self.backlinks.get(entry_id, [])
        places: dict[str, tuple[str, int]] = {}
        for anchor, where in links:
            first, count = places.get(where, (anchor, 0))
            places[where] = (first, count + 1)
        shown = [
            f'<a href="#{anchor}">{text(where)}</a>' + (f" (\u00d7{count})" if count > 1 else "")
            for where, (anchor, count) in places.items()
        ]
        total = f"Mentioned {len(links)} time{'s' * (len(links) != 1)}"
        return total + (": " + ", ".join(shown) if shown else "")

    def source(self) -> Iterator[str]:
        source = self.briefing.source
        yield '<footer id="source" aria-labelledby="source-title">'
        yield '<h2 id="source-title">Source</h2>'
        yield f"<p>{text(credit(self.briefing))}</p>"
        if source.note:
            yield f"<p>{text(source.note)}</p>"
        link = safe_url(source.url)
        if link is not None and source.url:
            yield (
                f'<p><a href="{attr(link)}" rel="external noopener noreferrer">{text(link)}</a></p>'
            )
        elif source.url:
            yield f"<p>{text(source.url)}</p>"
        yield "</footer>"

    def render(self) -> str:
        body = [*self.header(), *self.contents(), "<main>"]
        for number, section in enumerate(self.briefing.sections, 1):
            body += self.section(number, section)
        timeline = list(self.timeline())  # numbered first: the glossary links back to it
        body += [*self.glossary(), *timeline, "</main>", *self.source()]
        return _document(self.briefing.title, body)


def render_page(briefing: Briefing, *, index_href: str | None = None) -> str:
    """The whole briefing as one HTML5 document; `index_href` adds a link back to an index."""
    return _Page(briefing, index_href).render()


def render_index(briefings: Sequence[Briefing], title: str = "Briefings") -> str:
    """An index page linking to each briefing's page (`page_name`), newest first."""
    ordered = sorted(briefings, key=lambda b: b.date, reverse=True)
    body = ["<header>", f"<h1>{text(title)}</h1>"]
    count = len(ordered)
    body.append(f'<p class="meta">{count} briefing{"s" * (count != 1)}</p>')
    body += ["</header>", '<main class="index">', "<ol>"]
    for b in ordered:
        body.append(
            f'<li><h2><a href="{attr(page_name(b))}">{text(b.title)}</a></h2>'
            f'<p class="index-meta"><time datetime="{b.date.isoformat()}">'
            f"{b.date.isoformat()}</time> · {text(b.source.outlet)}</p>"
            f"<p>{text(b.summary.text)}</p></li>"
        )
    body += ["</ol>", "</main>"]
    return _document(title, body)


def write_text(path: Path, content: str) -> Path:
    """Write `content` to `path` atomically: a failed write keeps the old file; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_page(briefing: Briefing, path: Path, *, index_href: str | None = None) -> Path:
    """Write one briefing's page to `path` (atomically); return the path."""
    return write_text(path, render_page(briefing, index_href=index_href))


def write_site(
    briefings: Sequence[Briefing], folder: Path, *, title: str = "Briefings"
) -> list[Path]:
    """Write `ID.html` for each briefing and an `index.html` linking them; return the paths.

    Pages link back to the index. Files already in the folder that are not
    ours to write are left alone; a briefing's old page is replaced.
    """
    written = [
        write_page(briefing, folder / page_name(briefing), index_href=INDEX_NAME)
        for briefing in briefings
    ]
    return [*written, write_text(folder / INDEX_NAME, render_index(briefings, title))]
