"""Helpers for the end-to-end tests: run the console in-process, or as `coprod run`.

Both return a `Transcript`: the printed output, with ways to find what answered a line.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from adapters.console.adapter import GOODBYE
from bot.app import App
from bot.config import Config
from bot.features import FeatureFactory
from bot.features.registry import DEFAULT_FEATURES
from bot.runtime import opened_storage
from storage.crypto import FieldCipher, generate_key

REPO_ROOT = Path(__file__).resolve().parents[2]
RUN_SECONDS = 30.0
CLI_SECONDS = 60.0


@dataclass
class Transcript:
    """What the console printed (stdout), and for the CLI also stderr and the exit code."""

    out: str
    code: int
    err: str = ""

    @property
    def lines(self) -> list[str]:
        """The output, line by line."""
        return self.out.splitlines()

    def after(self, typed: str, *, nth: int = 1) -> list[str]:
        """The lines printed in answer to the `nth` echo of a typed line, up to the next
        echoed line (echoes look like `alice in #general> /help`)."""
        lines = self.lines
        hits = [i for i, line in enumerate(lines) if _echoed(line) == typed]
        assert len(hits) >= nth, f"{typed!r} was not echoed {nth} time(s):\n{self.out}"
        start = hits[nth - 1] + 1
        end = next((i for i in range(start, len(lines))
                    if _echoed(lines[i]) is not None or lines[i].startswith(GOODBYE)),
                   len(lines))
        return lines[start:end]

    def answer(self, typed: str, *, nth: int = 1) -> str:
        """`after`, joined into one text."""
        return "\n".join(self.after(typed, nth=nth))


_ECHO = re.compile(r"^[\w-]+ in (?:#\S+|DM with coprod)>(?: (.*))?$")


def _echoed(line: str) -> str | None:
    """The typed text if this line is an echo of typed input, else None."""
    match = _ECHO.match(line)
    return None if match is None else (match.group(1) or "")


ConsoleRunner = Callable[..., Awaitable[Transcript]]


@pytest.fixture
def console(tmp_path: Path) -> ConsoleRunner:
    """Run a script through a `ConsoleAdapter` on a real SQLite file in `tmp_path`.

    `await console(script, features=None, interactive=False)`; the same database (and
    key) is reused by every call in one test, like running `coprod` again.
    """
    key = generate_key()

    async def run(script: str, *, features: Iterable[FeatureFactory] | None = None,
                  interactive: bool = False, config: Config | None = None) -> Transcript:
        config = config or Config(database=str(tmp_path / "coprod.db"))
        out = io.StringIO()
        async with opened_storage(config, FieldCipher(key)) as storage:
            app = App(config, storage, features=list(features or DEFAULT_FEATURES))
            await app.load()
            adapter = ConsoleAdapter(config, io.StringIO(script), out,
                                     interactive=interactive)
            app.start_delivery(adapter)
            try:
                async with asyncio.timeout(RUN_SECONDS):
                    code = await adapter.run(app)
            finally:
                await app.stop()
        return Transcript(out.getvalue(), code)

    return run


def cli_env() -> dict[str, str]:
    """The environment for `coprod run`: no platform tokens, no COPROD_ settings."""
    env = {k: v for k, v in os.environ.items()
           if k != "DISCORD_TOKEN" and not k.startswith(("SLACK_", "COPROD_"))}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env["PYTHONUTF8"] = "1"
    return env


CliRunner = Callable[[str], Transcript]


@pytest.fixture
def coprod_run(tmp_path: Path) -> CliRunner:
    """Pipe a script into the real `coprod run` (as `python -m bot.cli run`) in tmp_path."""

    def run(script: str) -> Transcript:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "run"], input=script, capture_output=True,
            text=True, encoding="utf-8", cwd=tmp_path, env=cli_env(),
            timeout=CLI_SECONDS, check=False)
        return Transcript(done.stdout, done.returncode, done.stderr)

    return run
