"""The built wheel works on its own: installed into a fresh venv, it finds its bundled briefing.

A checkout finds `content/` next to the package; an installed wheel must carry it inside the
package (hatch force-include). Only the wheel's own files are installed into the new venv; its
dependencies (textual, rich, PyYAML, platformdirs) come from this test venv through a .pth file,
so the test needs no package index beyond what the isolated build itself fetches (hatchling).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(
    argv: list[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command that must succeed; its output."""
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{argv}: {done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
    return done


@pytest.mark.slow
def test_wheel_installs_and_lists_its_bundled_briefing(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build: list[str | Path] = [sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO]
    if importlib.util.find_spec("hatchling") is not None:
        build.insert(4, "--no-isolation")
    run(build)
    (wheel,) = dist.glob("briefing-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "briefing/content/iran-pakistan-2024-01.yaml" in names
    assert "briefing/format/loader.py" in names
    assert "briefing/format/data/format-v1.schema.json" in names
    assert "briefing/tui/briefing.tcss" in names
    assert "briefing/render/page.css" in names, "the web page's stylesheet ships with the package"
    assert not any(name.startswith(("tests/", "content/")) for name in names)

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run([python, "-c", purelib]).stdout.strip())
    (site / "test-venv-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip: list[str | Path] = [
        sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check"
    ]  # fmt: skip
    run([*pip, "install", "--no-deps", "--no-index", wheel])

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    located = run(
        [python, "-c", "import briefing; print(briefing.__file__)"], cwd=elsewhere, env=env
    )
    assert Path(located.stdout.strip()).is_relative_to(site), "not the installed wheel"

    listed = run([venv / "bin" / "briefing", "list", "--json"], cwd=elsewhere, env=env)
    (row,) = json.loads(listed.stdout)
    assert row["id"] == "iran-pakistan-2024-01"
    assert row["origin"] == "bundled"
    assert Path(row["path"]) == site / "briefing" / "content" / "iran-pakistan-2024-01.yaml"

    content = Path(row["path"]).parent
    checked = run([venv / "bin" / "briefing", "check", content], cwd=elsewhere, env=env)
    assert checked.stderr == "1 loaded, 0 refused\n"
    page = run([venv / "bin" / "briefing", "show", "--format", "html"], cwd=elsewhere, env=env)
    assert "<style>/* The briefing web page" in page.stdout and "--accent:" in page.stdout
    version = run([venv / "bin" / "briefing", "--version"], cwd=elsewhere, env=env)
    assert version.stdout.startswith("briefing 0.")
    shipped = run([venv / "bin" / "briefing", "schema"], cwd=elsewhere, env=env)
    repo_schema = (
        Path(__file__).parents[2] / "briefing" / "format" / "data" / "format-v1.schema.json"
    )
    assert shipped.stdout == repo_schema.read_text(encoding="utf-8")
