"""The layers hold: import-linter's contracts pass, catch a wrong import, and no module
imports itself round a circle (imports under TYPE_CHECKING included)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(
            f"lint-imports is not installed beside {sys.executable} (pip install -e '.[test]')"
        )
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def test_the_import_contracts_are_kept() -> None:
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout, done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("format/model.py", "import textual.widget", "never import Textual"),
        ("tui/widgets/card.py", "import briefing.tui.screens.readerscreen", "Inside the reader"),
        ("store/state.py", "import briefing.feeds.store", "Layers"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    """The contracts are not vacuous: one bad import in a copy of the tree fails them."""
    shutil.copytree(
        REPO / "briefing", tmp_path / "briefing", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "briefing" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode != 0, done.stdout
    broken = [row for row in done.stdout.splitlines() if row.endswith("BROKEN")]
    assert len(broken) == 1 and contract in broken[0], done.stdout


def test_no_module_imports_itself_round_a_circle() -> None:
    graph = grimp.build_graph("briefing", exclude_type_checking_imports=False)
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if imported != module and graph.chain_exists(imported=module, importer=imported):
                circles.append(f"{module} -> {imported} -> ... -> {module}")
    assert not circles, "\n".join(circles)


def test_at_most_ten_modules_directly_under_the_package() -> None:
    top = [path.name for path in (REPO / "briefing").glob("*.py")]
    assert len(top) <= 10, top
