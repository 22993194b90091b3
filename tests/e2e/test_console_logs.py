"""Log lines never print inside the console chat.

A concern raised in a group with no safeguarding lead logs at critical level. Piped, the
chat is on stdout and the log line on stderr. On a terminal (a real pseudo-terminal
here, stdin, stdout and stderr all on it, as when someone runs `make run`), stderr would
print in the middle of the chat, so the log lines go to `coprod.log` beside the database
and the chat says nothing of them; a note after the goodbye says where they are.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from bot import catalog

from .conftest import CLI_SECONDS
from .conftest import cli_env

NO_LEADS = """\
[console]
members = [{ name = "alice" }, { name = "carol", roles = ["Facilitator"] }]
"""
CONCERN = ("/concern\nSomething worrying happened after the session\n\n\nno\nyes\nno\n"
           ":as carol\n/setup timezone=Europe/Paris\n:quit\n")
CRITICAL = "level=critical logger=bot.features.concerns.routing event=concern.no_lead_reachable"


def test_piped_the_log_line_goes_to_stderr_not_the_chat(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(NO_LEADS)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"], input=CONCERN, capture_output=True,
        text=True, encoding="utf-8", cwd=tmp_path, env=cli_env(), timeout=CLI_SECONDS,
        check=False)
    assert done.returncode == 0, done.stderr
    assert "Your concern is saved as case" in done.stdout
    assert "level=" not in done.stdout
    assert CRITICAL in done.stderr
    assert not (tmp_path / "coprod.log").exists()


def _on_a_terminal(folder: Path, script: str, env: dict[str, str]) -> tuple[str, int]:
    """Run `coprod run` with a pseudo-terminal as stdin, stdout and stderr; type the
    script; return everything the terminal showed, and the exit code."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"], stdin=child, stdout=child, stderr=child,
        cwd=folder, env=env, start_new_session=True)
    os.close(child)
    shown = bytearray()
    deadline = time.monotonic() + CLI_SECONDS
    try:
        os.write(main, script.encode())
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal closed: the process has ended
                break
            if not chunk:
                break
            shown += chunk
        code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)
    return shown.decode("utf-8", errors="replace"), code


def test_on_a_terminal_log_lines_go_to_a_file_not_the_chat(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(NO_LEADS)
    env = {**cli_env(), "COPROD_LOG_LEVEL": "debug", "TERM": "dumb"}
    shown, code = _on_a_terminal(tmp_path, CONCERN, env)
    assert code == 0, shown
    assert "Your concern is saved as case" in shown
    assert "Saved: timezone." in shown
    assert "level=" not in shown  # not the critical line, nor any other
    log = (tmp_path / "coprod.log").read_text()
    assert CRITICAL in log
    assert "level=info" in log  # the other lines of the session too
    assert "Something worrying" not in log  # logs hold ids, never words
    assert (tmp_path / "coprod.log").stat().st_mode & 0o077 == 0
    goodbye = shown.index("Goodbye!")
    assert catalog.console_log_written(str(tmp_path / "coprod.log")) in shown[goodbye:]
