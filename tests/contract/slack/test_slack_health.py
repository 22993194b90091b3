"""The health server with the real Slack adapter against the fake Slack: in Socket Mode
/readyz turns 200 once connected and 503 when Slack goes away or the database is
closed; in HTTP mode it is ready while listening, and the adapter's own /healthz on
Slack's port keeps answering."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.slack import SlackRunner
from bot.clock import FakeClock
from storage.interface import Storage
from tests.contract.slack.conftest import start_http_runner
from tests.fakes.slack.server import FakeSlack
from tests.health.helpers import get
from tests.health.helpers import not_ready_without_the_database
from tests.health.helpers import ready_follows_the_platform
from tests.health.helpers import serving_health
from tests.health.helpers import wait_ready


@pytest.fixture
async def health(runner: SlackRunner) -> AsyncIterator[int]:
    """The Socket Mode adapter's app scheduling and serving its health; the port."""
    async with serving_health(runner.core) as port:
        yield port


async def test_socket_mode_ready_once_connected_and_not_when_slack_goes_away(
        health: int, slack: FakeSlack) -> None:
    async def slack_gone() -> None:
        """The fake stops: the socket closes for good."""
        await slack.__aexit__(None, None, None)

    await ready_follows_the_platform(health, "slack", slack_gone)


async def test_socket_mode_not_ready_when_the_database_is_closed(
        health: int, storage: Storage) -> None:
    await not_ready_without_the_database(health, storage.close)


async def test_http_mode_ready_while_listening_beside_its_own_healthz(
        slack: FakeSlack, storage: Storage, clock: FakeClock) -> None:
    runner = await start_http_runner(slack, storage, clock)
    async with serving_health(runner.core) as port:
        await wait_ready(port, 200)
        assert runner.http_port is not None
        assert await get(runner.http_port, "/healthz") == (200, "ok")
        await runner.stop()  # stops listening and the app
        body = await wait_ready(port, 503)
        assert body["failed"] == ["platform", "scheduler", "dispatcher"]
