"""Helpers for the end-to-end tests: run the console in-process, or as `coprod run`.

Both return a `Transcript`: the printed output, with ways to find what answered a line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path

import pytest

from bot.config import Config
from bot.features import FeatureFactory
from storage.crypto import generate_key
from tests.console_helpers import Transcript
from tests.console_helpers import run_script

REPO_ROOT = Path(__file__).resolve().parents[2]
CLI_SECONDS = 60.0


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
        return await run_script(config, script, key, features=features,
                                interactive=interactive)

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
