"""The `briefing` command as a user runs it: a real subprocess, exit codes, exact output.

The `cli` fixture (conftest.py) fails any run whose output holds a Python traceback.
"""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest

from briefing.format.loader import load_path
from briefing.render.exports import to_data

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
"""The `cli` fixture from conftest.py."""

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BUNDLED = REPO / "content" / "iran-pakistan-2024-01.yaml"
BUNDLED_ID = "iran-pakistan-2024-01"

UNSAFE_OUTPUT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""No ESC, C1 or bidi control may reach a terminal through any output of ours."""


def expected_lines(path: Path, prefix: str = "") -> list[str]:
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    return [
        prefix + line.removeprefix(b"# expect: ").decode()
        for line in data.split(b"\n")
        if line.startswith(b"# expect: ")
    ]


# check


def test_check_valid_file(cli: CliRunner) -> None:
    result = cli("check", str(FIXTURES / "valid" / "minimal.yaml"))
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr == "1 loaded, 0 refused\n"


def test_check_warnings_still_exit_0(cli: CliRunner) -> None:
    result = cli("check", "control-chars.yaml", cwd=FIXTURES / "valid")
    assert result.returncode == 0
    wanted = expected_lines(FIXTURES / "valid" / "control-chars.yaml")
    assert result.stderr.splitlines() == [*wanted, "1 loaded, 0 refused"]


def test_check_refused_file_prints_every_problem(cli: CliRunner) -> None:
    result = cli("check", "many-errors.yaml", cwd=FIXTURES / "refused")
    assert result.returncode == 1
    wanted = expected_lines(FIXTURES / "refused" / "many-errors.yaml")
    assert result.stderr.splitlines() == [*wanted, "0 loaded, 1 refused"]


def test_check_folder_reports_each_file(cli: CliRunner) -> None:
    """Paths are shown relative to the working directory, as the user typed them."""
    result = cli("check", "refused", cwd=FIXTURES)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    refused = sorted((FIXTURES / "refused").glob("*.yaml"))
    assert lines[-1] == f"0 loaded, {len(refused)} refused"
    wanted = [line for path in refused for line in expected_lines(path, "refused/")]
    assert lines[:-1] == wanted


def test_check_mixed_files(cli: CliRunner) -> None:
    result = cli("check", "valid/minimal.yaml", "refused/unsupported-version.yaml", cwd=FIXTURES)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "refused/unsupported-version.yaml:2:11: error: unsupported format version 2; "
        "this reader reads 1",
        "1 loaded, 1 refused",
    ]


def test_check_quiet_prints_errors_only(cli: CliRunner) -> None:
    result = cli("check", "-q", "valid/control-chars.yaml", "refused/alias.yaml", cwd=FIXTURES)
    assert result.returncode == 1
    assert result.stderr.splitlines() == expected_lines(
        FIXTURES / "refused" / "alias.yaml", "refused/"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--bogus", "x.yaml"],
        ["show", "--format", "pdf"],
        ["list", "--nope"],
        ["new"],
        ["schema", "--nope"],
    ],
)
def test_usage_errors_exit_2(cli: CliRunner, argv: list[str]) -> None:
    result = cli(*argv)
    assert result.returncode == 2
    assert "usage: briefing" in result.stderr


def test_check_missing_path_exits_2(cli: CliRunner) -> None:
    result = cli("check", "nope.yaml", str(BUNDLED))
    assert result.returncode == 2
    assert result.stderr == "briefing check: nope.yaml: no such file or directory\n"


def test_check_bundled_folder(cli: CliRunner) -> None:
    result = cli("check", "content/", cwd=REPO)
    assert (result.returncode, result.stderr) == (0, "1 loaded, 0 refused\n")


def test_check_special_files_do_not_hang(cli: CliRunner, tmp_path: Path) -> None:
    """A FIFO named like a briefing used to block open() forever."""
    folder = tmp_path / "lib"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    (folder / "dir.yaml").mkdir()
    shutil.copy(FIXTURES / "valid" / "minimal.yaml", folder / "good.yaml")
    result = cli("check", "lib", "/dev/null", timeout=20)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "lib/dir.yaml:1:1: error: cannot read: Is a directory",
        "lib/pipe.yaml:1:1: error: cannot read: not a regular file",
        "/dev/null:1:1: error: cannot read: not a regular file",
        "1 loaded, 3 refused",
    ]


def test_hostile_file_names_are_cleaned(cli: CliRunner, tmp_path: Path) -> None:
    name = "evil\x1b]0;PWNED\x07.yaml"
    (tmp_path / name).write_text("briefing: 2\n", encoding="utf-8")
    for argv in (["check", name], ["check", "gone\x1b[2J.yaml"], ["show", name], ["list", name]):
        result = cli(*argv)
        assert result.returncode in (1, 2)
        assert "\ufffd" in result.stderr
        assert not UNSAFE_OUTPUT.search(result.stderr + result.stdout), argv


def test_error_messages_quoting_the_file_are_cleaned(cli: CliRunner, tmp_path: Path) -> None:
    """A tag's %-escapes decode to raw bytes: `%1B%5B2J` in a tag would clear the screen."""
    (tmp_path / "tag.yaml").write_text("%TAG !e! tag:e%1B%5B2J,2000:\n---\ntitle: !e!x y\n")
    result = cli("check", "tag.yaml")
    assert result.returncode == 1
    assert "tag.yaml:3:8: error: tags (tag:e\ufffd[2J,2000:x) are not allowed" in result.stderr
    assert not UNSAFE_OUTPUT.search(result.stderr)


# list


def test_list_table(cli: CliRunner) -> None:
    result = cli("list", env={"COLUMNS": ""})  # piped and no width given: nothing is cut
    assert result.returncode == 0
    header, row = result.stdout.splitlines()
    assert header.split() == ["DATE", "ID", "TITLE", "SECTIONS", "GLOSSARY", "ORIGIN"]
    assert row.split()[:2] == ["2024-01-19", BUNDLED_ID]
    assert row.split()[-3:] == ["4", "35", "bundled"]
    assert "  Iran and Pakistan trade strikes across a restive border  " in row


def test_list_json(cli: CliRunner) -> None:
    result = cli("list", "--json")
    assert result.returncode == 0
    (row,) = json.loads(result.stdout)
    assert row == {
        "id": BUNDLED_ID,
        "date": "2024-01-19",
        "title": "Iran and Pakistan trade strikes across a restive border",
        "sections": 4,
        "glossary": 35,
        "origin": "bundled",
        "path": str(BUNDLED),
    }


def test_list_newest_first_with_every_origin(cli: CliRunner, tmp_path: Path) -> None:
    minimal = (FIXTURES / "valid" / "minimal.yaml").read_text()
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    (env_dir / "a.yaml").write_text(minimal.replace("id: minimal", "id: from-env"))
    user = Path(os.environ["XDG_DATA_HOME"]) / "briefing" / "briefings"
    user.mkdir(parents=True)
    (user / "u.yaml").write_text(
        minimal.replace("id: minimal", "id: from-user").replace("2025-03-14", "2023-01-01", 1)
    )
    (tmp_path / "cmd.yaml").write_text(
        minimal.replace("id: minimal", "id: from-cmd").replace("2025-03-14", "2026-01-01", 1)
    )
    result = cli(
        "list", "--json", "cmd.yaml", env={"BRIEFING_PATH": f"{tmp_path / 'missing'}:{env_dir}"}
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["id"], r["origin"]) for r in rows] == [
        ("from-cmd", "command line"),
        ("from-env", "BRIEFING_PATH"),
        (BUNDLED_ID, "bundled"),
        ("from-user", "user data"),
    ]
    assert result.stderr == (
        f"briefing: warning: BRIEFING_PATH folder {tmp_path / 'missing'} does not exist\n"
    )


def test_list_reports_bad_files_and_lists_the_rest(cli: CliRunner, tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "refused" / "alias.yaml", tmp_path / "bad.yaml")
    result = cli("list", "--json", ".")
    assert result.returncode == 1
    assert [r["id"] for r in json.loads(result.stdout)] == [BUNDLED_ID]
    assert result.stderr == "bad.yaml:5:10: error: aliases (*summary) are not allowed\n"


# show


def test_show_json_round_trips(cli: CliRunner) -> None:
    result = cli("show", BUNDLED_ID, "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == to_data(load_path(BUNDLED).briefing)


def test_show_markdown(cli: CliRunner) -> None:
    result = cli("show", BUNDLED_ID, "--format", "markdown")
    assert result.returncode == 0
    assert result.stdout.startswith(
        "# Iran and Pakistan trade strikes across a restive border\n*2024-01-19 · Reuters"
    )
    assert "\n## 1\\. Background\n" in result.stdout


def test_show_text_is_plain_when_piped(cli: CliRunner) -> None:
    result = cli("show", env={"TERM": "xterm-256color", "COLORTERM": "truecolor"})
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "Iran and Pakistan trade strikes across a restive border"
    assert lines[1] == "=" * len(lines[0])
    assert max(map(len, lines)) <= 80


def test_show_width(cli: CliRunner) -> None:
    result = cli("show", str(BUNDLED), "--width", "30")
    assert result.returncode == 0
    assert max(map(len, result.stdout.splitlines())) <= 30


def test_show_folder_picks_newest_and_first_on_a_tie(cli: CliRunner, tmp_path: Path) -> None:
    minimal = (FIXTURES / "valid" / "minimal.yaml").read_text()
    folder = tmp_path / "lib"
    folder.mkdir()
    for name, briefing_id, date in [("a", "old", "2020-01-01"), ("b", "first", "2030-01-01")]:
        text = minimal.replace("id: minimal", f"id: {briefing_id}")
        (folder / f"{name}.yaml").write_text(text.replace("2025-03-14", date, 1))
    (folder / "c.yaml").write_text(
        minimal.replace("id: minimal", "id: second").replace("2025-03-14", "2030-01-01", 1)
    )
    result = cli("show", "lib", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "first"


def test_show_unknown_id_exits_as_the_reader_does(cli: CliRunner) -> None:
    """`briefing show nosuch` and `briefing nosuch`: the same exit and the same line."""
    shown = cli("show", "no-such-briefing")
    read = cli("no-such-briefing")
    assert shown.returncode == read.returncode == 2
    assert shown.stdout == read.stdout == ""
    assert shown.stderr == (
        "briefing show: 'no-such-briefing' is not a file or a briefing id;"
        " `briefing list` shows the ids\n"
    )
    assert read.stderr.startswith("briefing: 'no-such-briefing' is not a command, a file or")


def test_list_and_check_report_a_missing_path_alike(cli: CliRunner) -> None:
    listed, checked = cli("list", "nosuchdir"), cli("check", "nosuchdir")
    assert listed.returncode == checked.returncode == 2
    assert listed.stderr == "briefing list: nosuchdir: no such file or directory\n"
    assert checked.stderr == "briefing check: nosuchdir: no such file or directory\n"


def test_subscribe_says_what_a_feed_url_looks_like(cli: CliRunner) -> None:
    result = cli("subscribe", "notaurl")
    assert result.returncode == 2
    assert "https://news.example/feed.atom" in result.stderr


def test_show_refused_file(cli: CliRunner) -> None:
    result = cli("show", "refused/tag-python.yaml", cwd=FIXTURES)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected_lines(
        FIXTURES / "refused" / "tag-python.yaml", "refused/"
    )


def test_show_every_refused_fixture_without_traceback(cli: CliRunner) -> None:
    result = cli("show", "refused", cwd=FIXTURES)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count(": error: ") >= len(list((FIXTURES / "refused").glob("*.yaml")))


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_hostile_briefing_is_inert_in_every_format(cli: CliRunner, fmt: str) -> None:
    result = cli("show", str(FIXTURES / "hostile.yaml"), "--format", fmt)
    assert result.returncode == 0
    assert not UNSAFE_OUTPUT.search(result.stdout)
    assert not UNSAFE_OUTPUT.search(result.stderr)
    assert result.stderr.count(": warning: ") == 20
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["title"] == (
            "[bold]Breaking[/bold] \ufffd]0;PWNED\ufffd *stars* [@click=app.quit]x[/]"
        )
    elif fmt == "text":
        assert "[@click=app.quit]Read more[/] $accent [/ " in result.stdout


def run_on_pty(argv: list[str]) -> bytes:
    """Run the CLI with stdout on a pseudo-terminal, so `show` takes the styled path."""
    main_fd, child_fd = pty.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", COLUMNS="100")
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "briefing", *argv],
        stdin=subprocess.DEVNULL,
        stdout=child_fd,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            chunk = os.read(main_fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main_fd)
    assert process.stderr is not None
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=30) == 0, stderr
    assert "Traceback" not in stderr
    return b"".join(chunks)


def test_styled_show_on_a_terminal_stays_inert() -> None:
    """On a TTY Rich styles the output; content escapes must still not get through."""
    output = run_on_pty(["show", str(FIXTURES / "hostile.yaml")])
    assert b"\x1b[" in output  # styled: Rich's own SGR codes are there
    for forbidden in (b"\x1b]", b"\x1bP", b"\x1b_", b"\x1b[2J", b"\x1b[?1049", b"\x07"):
        assert forbidden not in output, forbidden
    assert not re.search(rb"\xc2[\x80-\x9f]", output)
    text = re.sub(r"\x1b\[[0-9;]*m", "", output.decode())
    assert "[@click=app.quit]Read more[/] $accent [/" in text


# reader entry point, version and help


def test_plain_reader_prints_the_briefing(cli: CliRunner) -> None:
    result = cli("--plain", str(BUNDLED))
    assert result.returncode == 0
    assert result.stdout.startswith("Iran and Pakistan trade strikes across a restive border\n")


def test_reader_missing_path_exits_2(cli: CliRunner) -> None:
    result = cli("missing.yaml")
    assert result.returncode == 2
    assert result.stderr == "briefing: missing.yaml: no such file or directory\n"


def test_version(cli: CliRunner) -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"briefing {version('briefing')}\n"


def test_help_lists_commands_and_examples(cli: CliRunner) -> None:
    result = cli("--help")
    assert result.returncode == 0
    text = result.stdout
    for command in ("check", "list", "show", "new", "schema"):
        assert f"briefing {command} " in text
    assert "examples:" in text
    assert "briefing check content/" in text
    assert "briefing list --format json" in text
    assert "--format markdown" in text
    assert "exit status: 0" in text
    assert "BRIEFING_PATH" in text


@pytest.mark.parametrize("command", ["check", "list", "show", "new", "schema"])
def test_command_help(cli: CliRunner, command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: briefing {command}")


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    """`briefing show | head -1` must not print a BrokenPipeError traceback."""
    minimal = (FIXTURES / "valid" / "minimal.yaml").read_text()
    paragraph = "A long paragraph of text for the pipe to fill. " * 40
    big = minimal.replace("      - Dana Lee opened the meeting.", f"      - {paragraph}\n" * 2000)
    (tmp_path / "big.yaml").write_text(big)
    done = subprocess.run(
        f'"{sys.executable}" -m briefing show big.yaml --format markdown | head -c 10',
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == "# The coun"
    assert done.stderr == ""


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}, {"LC_ALL": "C", "LANG": "C"}],
    ids=["ascii", "latin-1", "C"],
)
def test_narrow_output_encodings(cli: CliRunner, env: dict[str, str]) -> None:
    """A terminal that cannot show U+FFFD or curly quotes gets '?', not a UnicodeEncodeError."""
    shown = cli("show", str(FIXTURES / "hostile.yaml"), env=env)
    assert shown.returncode == 0
    assert shown.stdout.startswith("[bold]Breaking[/bold] ")
    checked = cli("check", str(FIXTURES / "valid" / "control-chars.yaml"), env=env)
    assert checked.returncode == 0
    assert checked.stderr.endswith("1 loaded, 0 refused\n")


@pytest.mark.parametrize("port", ["99999", "-1", "ssh"])
def test_serve_refuses_a_port_that_is_not_one(cli: CliRunner, port: str) -> None:
    result = cli("serve", "--port", port)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: briefing serve")
    assert "argument --port:" in result.stderr
