"""The model, loader and CLI stay usable without the UI stack.

Textual takes a while to import and Rich is only needed for styled output, so `check`, `list`
and piped `show` must not load them; a stray import would also make the model depend on the UI.
Each check runs in a fresh interpreter, where sys.modules starts empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importtools import REPO, UI, loaded_modules


def test_foundation_modules_do_not_import_the_ui(tmp_path: Path) -> None:
    modules = loaded_modules(
        "import briefing.format.model, briefing.format.loader, briefing.store.library\n"
        "import briefing.render.exports, briefing.cli.main\n"
        "import briefing.format.cleaning, briefing.format.mentions\n"
        "import briefing.format.yamlsafe, briefing.format.fields\n"
        "import briefing.render.html, briefing.cli.exportdir",
        tmp_path,
    )
    assert "briefing" in modules and "yaml" in modules  # the probe really ran
    assert not modules & set(UI), modules & set(UI)


@pytest.mark.parametrize(
    "argv",
    [
        ["check", str(REPO / "content")],
        ["list"],
        ["list", "--json"],
        ["show"],
        ["show", "--format", "markdown"],
        ["show", "--format", "json"],
        ["show", "--format", "html"],
    ],
    ids=lambda argv: " ".join(a for a in argv if "/" not in a),
)
def test_commands_without_a_terminal_do_not_import_the_ui(argv: list[str], tmp_path: Path) -> None:
    """Run the real command (output captured, so not a TTY) and look at what it imported."""
    modules = loaded_modules(
        "from briefing.cli.main import main\n"
        "out, err = io.StringIO(), io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
        f"    status = main({argv!r})\n"
        "assert status == 0, status",
        tmp_path,
    )
    assert "briefing" in modules
    assert not modules & set(UI), modules & set(UI)


def test_reader_and_cli_do_not_load_the_feed_stack(tmp_path: Path) -> None:
    """httpx and feedparser load only when a feed command runs, never at the reader's start-up."""
    modules = loaded_modules(
        "import briefing.cli.main, briefing.tui.app, briefing.store.library, briefing.feeds\n"
        "briefing.store.library.discover()",
        tmp_path,
    )
    assert "textual" in modules  # the probe really imported the reader
    assert not modules & {"httpx", "httpcore", "feedparser"}, modules & {"httpx", "feedparser"}


def test_the_feed_package_never_imports_the_ui(tmp_path: Path) -> None:
    modules = loaded_modules(
        "import briefing.feeds.publish, briefing.feeds.feedcommands, briefing.feeds.update\n"
        "import briefing.feeds.parse, briefing.feeds.fetch, briefing.feeds.atom, httpx, feedparser",
        tmp_path,
    )
    assert "httpx" in modules and "feedparser" in modules
    assert not modules & {"textual"}, modules & {"textual"}


def test_the_library_finds_feed_folders_without_the_subscriptions_code(tmp_path: Path) -> None:
    """Discovery runs before the reader's first frame: it must not load feed machinery."""
    modules = loaded_modules(
        "import briefing.store.library, sys\nbriefing.store.library.discover()\n"
        "ours = sorted(m for m in sys.modules if m.startswith('briefing.'))\n"
        "print('MODULES=' + json.dumps(ours))\n"
        "raise SystemExit(0)",
        tmp_path,
    )
    assert "briefing.store.library" in modules
    assert not {m for m in modules if m.startswith("briefing.feeds")}
