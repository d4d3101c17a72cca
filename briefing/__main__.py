"""`python -m briefing` and the `briefing` console script."""

from __future__ import annotations

import sys

from briefing.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
