"""Lay a briefing out as rows and write it as text, Markdown, JSON or HTML. No Textual."""
