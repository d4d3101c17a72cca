"""Path errors: every unusable path is one line, and everything else still loads.

These run the installed `briefing`. Permission cases run as a non-root user through
`setpriv` (root ignores mode 000); they skip where setpriv is missing or the tests do
not run as root. Before: tracebacks (PermissionError, RuntimeError "Symlink loop",
OSError "File name too long", RuntimeError "Could not determine home directory").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.format.loader import load_path
from briefing.store.library import discover

BRIEFING = shutil.which("briefing", path=str(Path(sys.executable).parent))
SETPRIV = shutil.which("setpriv")
MINIMAL = (Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "minimal.yaml").read_text(
    encoding="utf-8"
)
NOBODY = 65534
NO_PASSWD_ENTRY = 54321


def run(
    args: list[str], env: dict[str, str], cwd: Path, user: int | None = None
) -> subprocess.CompletedProcess[str]:
    assert BRIEFING, "the briefing console script is not installed next to this Python"
    command = [BRIEFING, *args]
    if user is not None:
        assert SETPRIV
        command = [SETPRIV, f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=30)


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    env["XDG_DATA_HOME"] = str(home / "data")
    env["XDG_STATE_HOME"] = str(home / "state")
    env.update(extra)
    return env


@pytest.fixture
def world() -> Iterator[Path]:
    """A folder any user can enter (pytest's tmp_path is root's alone), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="briefing-paths-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


def briefing_file(folder: Path, name: str, briefing_id: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(MINIMAL.replace("id: minimal", f"id: {briefing_id}"), encoding="utf-8")
    path.chmod(0o644)
    return path


def errors(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if ": error: " in line]


def _other_users_can_run_briefing() -> bool:
    """The venv must be reachable by another user (not so under a private /root checkout)."""
    if SETPRIV is None or os.geteuid() != 0 or BRIEFING is None:
        return False
    probe = [SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    done = subprocess.run([*probe, BRIEFING, "--version"], capture_output=True, timeout=30)
    return done.returncode == 0


needs_non_root = pytest.mark.skipif(
    not _other_users_can_run_briefing(),
    reason="needs root, setpriv, and a checkout other users can read, to run as another user",
)


@needs_non_root
def test_unreadable_folders_are_one_line_each_and_the_rest_loads(world: Path) -> None:
    locked = world / "locked"
    briefing_file(locked, "a.yaml", "locked-story")
    locked.chmod(0o000)
    closed_parent = world / "closed"
    briefing_file(closed_parent / "inner", "b.yaml", "inner-story")
    closed_parent.chmod(0o700)  # root's own: no search permission for the reader
    good = world / "good"
    briefing_file(good, "c.yaml", "good-story")
    user_folder = world / "home" / "data" / "briefing" / "briefings"
    briefing_file(user_folder, "d.yaml", "user-story")
    user_folder.chmod(0o000)
    (world / "home").chmod(0o755)
    path = os.pathsep.join([str(locked), str(closed_parent / "inner"), str(good)])
    env = environment(world / "home", BRIEFING_PATH=path)
    done = run(["list"], env, world, user=NOBODY)
    assert errors(done.stderr) == [
        "locked:1:1: error: cannot read: Permission denied",
        "closed/inner:1:1: error: cannot read: Permission denied",
        "home/data/briefing/briefings:1:1: error: cannot read: Permission denied",
    ]
    assert "good-story" in done.stdout and "iran-pakistan-2024-01" in done.stdout
    assert done.returncode == 1


def test_symlink_loop_in_a_folder_is_one_line_and_the_good_file_shows(world: Path) -> None:
    folder = world / "stories"
    briefing_file(folder, "good.yaml", "good-story")
    (folder / "loop.yaml").symlink_to("loop.yaml")
    (world / "looped").symlink_to("looped")
    env = environment(world / "home")
    for args in (["show", "stories"], ["--plain", "stories"]):
        done = run(args, env, world)
        assert errors(done.stderr) == [
            "stories/loop.yaml:1:1: error: cannot read: Too many levels of symbolic links"
        ]
        assert "The council meets" in done.stdout
    done = run(["list", "looped", "stories"], env, world)
    assert errors(done.stderr) == [
        "looped:1:1: error: cannot read: Too many levels of symbolic links",
        "stories/loop.yaml:1:1: error: cannot read: Too many levels of symbolic links",
    ]
    assert "good-story" in done.stdout


def test_a_name_too_long_is_one_line(world: Path) -> None:
    long_name = "x" * 256 + ".yaml"
    env = environment(world / "home", BRIEFING_PATH=str(world / long_name))
    for args in (["check", long_name], ["list"], [long_name]):
        done = run(args, env, world)
        assert errors(done.stderr)[0].endswith(":1:1: error: cannot read: File name too long")
        assert done.returncode == 1


def test_unknown_user_in_briefing_path(world: Path) -> None:
    env = environment(world / "home", BRIEFING_PATH="~nosuchuser/news")
    done = run(["list"], env, world)
    assert errors(done.stderr) == [
        "~nosuchuser/news:1:1: error: cannot read: no home directory for ~nosuchuser"
    ]
    assert "iran-pakistan-2024-01" in done.stdout


@needs_non_root
def test_no_home_at_all(world: Path) -> None:
    """HOME unset and a uid with no passwd entry: help, list and show still work."""
    env = environment(world / "home")
    del env["HOME"], env["XDG_DATA_HOME"], env["XDG_STATE_HOME"]
    for args in (["--help"], ["list"], ["show", "--width", "60"]):
        done = run(args, env, world, user=NO_PASSWD_ENTRY)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 0, done.stderr
    assert "no user folder" in run(["--help"], env, world, user=NO_PASSWD_ENTRY).stdout


def test_width_zero_is_refused(world: Path) -> None:
    done = run(["show", "--width", "0"], environment(world / "home"), world)
    assert done.returncode == 2
    assert "--width: must be a whole number from 20 to 1000, not '0'" in done.stderr


def test_each_real_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same folder by five paths (a symlink, a trailing slash, `..`): read once, no warning."""
    folder = tmp_path / "news"
    for number in range(30):
        briefing_file(folder, f"s{number}.yaml", f"story-{number}")
    (tmp_path / "alias").symlink_to(folder)
    loads: list[Path] = []

    def counting(path: Path) -> object:
        loads.append(path)
        return load_path(path)

    monkeypatch.setattr("briefing.store.library.load_kept", counting)
    also = [str(tmp_path / "alias"), f"{folder}/", str(folder / ".." / "news")]
    environ = {"BRIEFING_PATH": os.pathsep.join([*also, str(folder / "s3.yaml")])}
    found = discover([str(folder)], environ)
    assert found.diagnostics == []
    assert len(loads) == 30 + 1  # the thirty, and the bundled briefing
    assert {item.origin for item in found.found} == {"command line", "bundled"}


@needs_non_root
def test_no_home_at_all_the_reader_opens_and_quits(world: Path) -> None:
    """No home to keep state in: the reader still opens, says so once, and quits cleanly."""
    from tests.ptyterm import Terminal

    assert SETPRIV and BRIEFING
    env = environment(world / "home", TERM="xterm-256color")
    del env["HOME"], env["XDG_DATA_HOME"], env["XDG_STATE_HOME"]
    user = [f"--reuid={NO_PASSWD_ENTRY}", f"--regid={NO_PASSWD_ENTRY}", "--clear-groups"]
    terminal = Terminal([SETPRIV, *user, BRIEFING], env=env, cwd=str(world))
    try:
        assert terminal.wait_for("Glossary"), terminal.text()
        terminal.press("q")
        assert terminal.wait_exit() == 0
        output = terminal.output.decode(errors="replace")
        assert "Traceback" not in output
        assert "your place will not be kept" in output
    finally:
        terminal.close()
