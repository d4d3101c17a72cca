"""The few bounds of FORMAT.md that code besides the checker needs: a file's size, an id's shape.

They live apart from the checker (`fields`, `validate`, `yamlsafe`) so that
what only reads briefings already checked (a kept model, the state database,
saved versions) never imports the YAML parser: PyYAML loads every one of its
modules at once, ~15 ms and ~1.5 MiB before a reader's first frame.
"""

from __future__ import annotations

import re

MAX_BYTES = 4 * 1024 * 1024
"""The largest briefing file read (FORMAT.md: 4 MiB)."""
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""An id: lowercase letters and digits in words joined by single hyphens."""
MAX_SLUG = 64
"""An id's length at most."""
