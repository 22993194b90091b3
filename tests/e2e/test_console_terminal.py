"""`coprod run` at a real (pseudo-)terminal: prompts instead of echoes, Ctrl-D, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import CLI_SECONDS
from .conftest import cli_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")

WAIT_SECONDS = 30.0


@dataclass
class Terminal:
    """The parent's side of a pseudo-terminal the bot runs in."""

    master: int
    process: subprocess.Popen[bytes]
    seen: bytes = b""

    def type(self, data: bytes) -> None:
        """Type into the terminal."""
        os.write(self.master, data)

    def wait_for(self, text: str) -> str:
        """Read until `text` has appeared (bounded); return everything read so far."""
        import select

        deadline = time.monotonic() + WAIT_SECONDS
        while text not in self.text:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out waiting for {text!r}:\n{self.text}"
            ready, _, _ = select.select([self.master], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # the bot closed the terminal
                chunk = b""
            assert chunk, f"the terminal closed before {text!r}:\n{self.text}"
            self.seen += chunk
        return self.text

    @property
    def text(self) -> str:
        """Everything the terminal showed, with plain newlines."""
        return self.seen.decode(errors="replace").replace("\r\n", "\n")


@contextmanager
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """`coprod run` with its stdin and stdout on a new pseudo-terminal."""
    import pty

    master, slave = pty.openpty()
    with (tmp_path / "stderr.txt").open("wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], stdin=slave,
                                   stdout=slave, stderr=err, cwd=tmp_path, env=cli_env())
    os.close(slave)
    try:
        yield Terminal(master, process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=CLI_SECONDS)
        os.close(master)


def test_prompt_and_ctrl_d(tmp_path: Path) -> None:
    with terminal(tmp_path) as term:
        term.wait_for("alice in #general> ")
        term.type(b"/help\n")
        shown = term.wait_for("Only you can see this list.\nalice in #general> ")
        assert "[only Alice can see this] coprod: Here is what you can do." in shown
        term.type(b":dm\n")
        term.wait_for("alice in DM with coprod> ")
        term.type(b"\x04")  # Ctrl-D on an empty line: the end of input
        term.wait_for("Goodbye")
        assert term.process.wait(timeout=CLI_SECONDS) == 0
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()


def test_ctrl_c_leaves_cleanly(tmp_path: Path) -> None:
    with terminal(tmp_path) as term:
        term.wait_for("alice in #general> ")
        term.process.send_signal(signal.SIGINT)
        term.wait_for("Goodbye")
        assert term.process.wait(timeout=CLI_SECONDS) == 0
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
