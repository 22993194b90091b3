"""`coprod check-config`, `run` and `migrate` on good and bad config files, as real processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import __version__

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = REPO_ROOT / "config.example.toml"
TIMEOUT = 60

BAD_CONFIG = """\
[bot]
database = "data/bad.db"
log_format = "xml"

[group]
timezon = "UTC"

[delivery]
concurrency = 0
"""
BAD_KEYS = ["log_format", "timezon", "concurrency"]


def _clean_env() -> dict[str, str]:
    """This process's environment without any secrets, with the repo importable."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COPROD_", "SLACK_")) and k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.pop("PYTHONSTARTUP", None)
    return env


def coprod(cwd: Path, *args: str, env: dict[str, str] | None = None,
           ) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot.cli ARGS` in `cwd`, with nothing on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd, env={**_clean_env(), **(env or {})}, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("  - ")]


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout, result.stdout


def the_one_problem(result: subprocess.CompletedProcess[str]) -> str:
    """The one problem line of a run refused for its configuration (exit 2, no
    traceback)."""
    assert result.returncode == 2
    assert_no_traceback(result)
    (line,) = problem_lines(result.stderr)
    return line


# ---- check-config --------------------------------------------------------------------------

def test_check_config_accepts_the_example(tmp_path: Path) -> None:
    shutil.copyfile(EXAMPLE, tmp_path / "config.toml")
    result = coprod(tmp_path, "check-config", "--config", str(tmp_path / "config.toml"))
    assert result.returncode == 0, result.stderr
    assert "Config is fine" in result.stdout
    assert "config.toml" in result.stdout
    # No platform connection here: the leads declared, and when the live count comes.
    assert "Safeguarding leads declared: whoever holds the role “Safeguarding lead”" \
        in result.stdout
    assert "checked when it connects" in result.stdout
    assert result.stderr == ""
    assert files_in(tmp_path) == {"config.toml"}


def test_check_config_finds_config_toml_in_the_working_folder(tmp_path: Path) -> None:
    shutil.copyfile(EXAMPLE, tmp_path / "config.toml")
    result = coprod(tmp_path, "check-config")
    assert result.returncode == 0, result.stderr
    assert "config.toml" in result.stdout


def test_check_config_with_no_file_uses_the_defaults(tmp_path: Path) -> None:
    result = coprod(tmp_path, "check-config")
    assert result.returncode == 0, result.stderr
    assert "no config file (defaults)" in result.stdout
    assert files_in(tmp_path) == set()


def test_check_config_lists_every_problem_one_line_each(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(BAD_CONFIG, encoding="utf-8")
    result = coprod(tmp_path, "check-config", "--config", "bad.toml")
    assert result.returncode == 2
    assert_no_traceback(result)
    assert result.stdout == ""
    lines = problem_lines(result.stderr)
    assert len(lines) == len(BAD_KEYS), result.stderr
    for key in BAD_KEYS:
        assert sum(f" {key}: " in line for line in lines) == 1, (key, result.stderr)
    assert "did you mean timezone?" in result.stderr
    other = [line for line in result.stderr.splitlines() if not line.startswith("  - ")]
    assert len(other) == 1 and "configuration" in other[0], result.stderr


def test_check_config_reports_a_toml_syntax_error(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("[group\ntimezone = UTC\n", encoding="utf-8")
    result = coprod(tmp_path, "check-config", "--config", "broken.toml")
    line = the_one_problem(result)
    assert "broken.toml" in line and "not valid TOML" in line


def test_check_config_reports_a_missing_file(tmp_path: Path) -> None:
    result = coprod(tmp_path, "check-config", "--config", "nowhere.toml")
    line = the_one_problem(result)
    assert "nowhere.toml" in line and "no such file" in line


def test_check_config_checks_the_environment(tmp_path: Path) -> None:
    result = coprod(tmp_path, "check-config", env={"COPROD_LOG_LEVEL": "loud"})
    line = the_one_problem(result)
    assert line.startswith("  - COPROD_LOG_LEVEL: ")


def test_check_config_checks_the_dotenv_beside_the_config(tmp_path: Path) -> None:
    folder = tmp_path / "deploy"
    folder.mkdir()
    (folder / "config.toml").write_text("", encoding="utf-8")
    (folder / ".env").write_text("COPROD_ENCRYPTION_KEY=not-a-key\n", encoding="utf-8")
    result = coprod(tmp_path, "check-config", "--config", "deploy/config.toml")
    line = the_one_problem(result)
    assert line.startswith("  - COPROD_ENCRYPTION_KEY: ")
    assert "not-a-key" not in result.stderr


# ---- nothing is written on a config error --------------------------------------------------

@pytest.mark.parametrize("command", ["run", "migrate"])
def test_a_bad_config_stops_before_anything_is_written(tmp_path: Path, command: str) -> None:
    (tmp_path / "bad.toml").write_text(BAD_CONFIG, encoding="utf-8")
    result = coprod(tmp_path, command, "--config", "bad.toml")
    assert result.returncode == 2
    assert_no_traceback(result)
    assert len(problem_lines(result.stderr)) == len(BAD_KEYS), result.stderr
    assert files_in(tmp_path) == {"bad.toml"}, "no database, key file or folder is made"


def test_run_with_a_bad_config_in_the_working_folder(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[group]\nleads_channel = ""\n', encoding="utf-8")
    result = coprod(tmp_path, "run")
    line = the_one_problem(result)
    assert "leads_channel" in line and "concerns" in line
    assert files_in(tmp_path) == {"config.toml"}


# ---- help and version ----------------------------------------------------------------------

def test_version(tmp_path: Path) -> None:
    result = coprod(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"coprod-bot {__version__}"


def test_help(tmp_path: Path) -> None:
    result = coprod(tmp_path, "--help")
    assert result.returncode == 0, result.stderr
    for command in ("run", "check-config", "migrate", "generate-key"):
        assert command in result.stdout


def test_no_command_prints_help(tmp_path: Path) -> None:
    result = coprod(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "check-config" in result.stdout


@pytest.mark.parametrize("command", ["run", "check-config", "migrate"])
def test_subcommand_help(tmp_path: Path, command: str) -> None:
    result = coprod(tmp_path, command, "--help")
    assert result.returncode == 0, result.stderr
    assert f"coprod {command}" in result.stdout
    assert "--config" in result.stdout
    assert files_in(tmp_path) == set()


def test_run_one_slack_app_for_many_workspaces_without_http_mode(tmp_path: Path) -> None:
    result = coprod(tmp_path, "run", "--platform", "slack",
                    env={"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "s",
                         "SLACK_SIGNING_SECRET": "t"})
    line = the_one_problem(result)
    assert "SLACK_CLIENT_ID is set" in line and "HTTP mode" in line
    assert files_in(tmp_path) == set(), "no database, key file or folder is made"


def test_run_one_slack_app_for_many_workspaces_without_its_secret(tmp_path: Path) -> None:
    result = coprod(tmp_path, "run", "--http", "127.0.0.1:3999",
                    env={"SLACK_CLIENT_ID": "1111.2222", "SLACK_SIGNING_SECRET": "t",
                         "COPROD_ENCRYPTION_KEY": "x" * 43 + "="})
    line = the_one_problem(result)
    assert line.lstrip(" -").startswith("SLACK_CLIENT_SECRET: not set")
