"""`briefing serve`: an SSH server that puts everyone who connects into the reader.

Nothing here imports Textual at module level: the server process never loads
the UI. Only the warm zygote (zygote.py) imports it, on purpose, before it
forks one reader per session, so every session starts from a warm, shared,
copy-on-write image instead of a cold Python start.
"""
