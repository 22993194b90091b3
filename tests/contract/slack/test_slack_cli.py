"""`coprod slack manifest` and `coprod run --http HOST:PORT`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG
from bot.cli import _with_http
from bot.cli import main
from bot.config import Config
from bot.config import ConfigError
from storage.crypto import generate_key
from tests.fakes.slack import payloads
from tests.fakes.slack.server import FakeSlack

ROOT = Path(__file__).resolve().parents[3]


def test_slack_manifest_prints_every_command_and_http_urls(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slack", "manifest"]) == 0
    out = capsys.readouterr().out
    assert '"/coprod"' in out and '"/setup"' in out and "socket_mode_enabled: true" in out
    assert main(["slack", "manifest", "--request-url", "https://bot.example/slack/events"]) == 0
    out = capsys.readouterr().out
    assert 'request_url: "https://bot.example/slack/events"' in out
    assert "socket_mode_enabled: false" in out


def test_http_option_overrides_the_slack_mode() -> None:
    config = _with_http(Config(), "127.0.0.1:8080", None)
    assert (config.slack.mode, config.slack.http_host, config.slack.http_port) == (
        "http", "127.0.0.1", 8080)
    assert _with_http(Config(), "[::1]:3000", "slack").slack.http_host == "::1"
    for bad in ("nonsense", ":80", "host:0", "host:99999", "host:x"):
        with pytest.raises(ConfigError):
            _with_http(Config(), bad, None)
    with pytest.raises(ConfigError):
        _with_http(Config(), "0.0.0.0:3000", "discord")


def test_a_bad_http_option_stops_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--http", "nowhere"]) == EXIT_CONFIG
    assert "HOST:PORT" in capsys.readouterr().err


async def test_coprod_run_reaches_slack_through_slack_api_base_and_stops_on_sigterm(
        tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.add_user("U0ALICE01", "Alice")
        env = dict(os.environ, PYTHONPATH=str(ROOT), SLACK_BOT_TOKEN="xoxb-1",
                   SLACK_APP_TOKEN="xapp-1", SLACK_API_BASE=slack.api_base.rstrip("/"),
                   COPROD_ENCRYPTION_KEY=generate_key())
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        try:
            await slack.connected(30)
            ack = await slack.send_and_ack("slash_commands", payloads.slash_command(
                slack, "/coprod", "help", user="U0ALICE01"))
            assert "/coprod help" in ack["text"]
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                assert proc.stderr is not None
                err = (await proc.stderr.read()).decode()
                assert await proc.wait() == 0, err
        assert "slack.connected" in err and "Zebra" not in err
