"""The health server with the real Discord adapter against the fake Discord: /readyz
turns 200 once the gateway is connected, and 503 naming what failed when Discord goes
away or the database is closed; `coprod run` serves it and `coprod healthcheck` reads
it, as a container's HEALTHCHECK would."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.discord.client import ShardedCoprodClient
from storage.interface import Storage
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import coprod_process
from tests.contract.discord.conftest import process_env
from tests.fakes.discord import FakeDiscord
from tests.health.helpers import free_port
from tests.health.helpers import not_ready_without_the_database
from tests.health.helpers import ready_follows_the_platform
from tests.health.helpers import samples
from tests.health.helpers import serving_health
from tests.health.helpers import value
from tests.health.helpers import wait_ready

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
async def health(harness: Harness) -> AsyncIterator[int]:
    """The harness's app scheduling (as `coprod run` does) and serving its health on a
    free port; the port."""
    assert harness.app is not None
    async with serving_health(harness.app) as port:
        yield port


async def test_ready_once_connected_and_not_when_discord_goes_away(
        health: int, fake: FakeDiscord) -> None:
    # Discord gone: the gateway closes, reconnecting fails.
    await ready_follows_the_platform(health, "discord", fake.stop)


async def test_not_ready_when_the_database_is_closed(health: int, storage: Storage) -> None:
    await not_ready_without_the_database(health, storage.close)


async def test_sharded_ready_only_while_every_shard_is_connected(
        fake: FakeDiscord, storage: Storage, started: list[Harness],
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def at_once(self: object, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s between one process's IDENTIFYs (Discord's limit)."""

    monkeypatch.setattr(ShardedCoprodClient, "before_identify_hook", at_once)
    harness = Harness(fake, storage, shard_count=2)
    started.append(harness)
    bot = await harness.start()
    await fake.wait_for(lambda: len(fake.identifies) == 2, what="both shards")
    assert await _eventually(bot.connected, True)
    await fake.stop()
    assert await _eventually(bot.connected, False)


async def _eventually(probe: Callable[[], Awaitable[bool]], want: bool) -> bool:
    """Whether the probe gives `want` within 15 s (asked every 50 ms)."""
    for _ in range(300):
        if await probe() is want:
            return True
        await asyncio.sleep(0.05)
    return False


async def _healthcheck(env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "healthcheck", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(30):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_coprod_run_serves_health_that_coprod_healthcheck_reads(
        fake: FakeDiscord, tmp_path: Path) -> None:
    port = free_port()
    env = process_env(fake, tmp_path, COPROD_HEALTH_PORT=str(port))
    env.pop("COPROD_HEALTH", None)  # "auto": on for Discord
    env.pop("COPROD_HEALTH_HOST", None)
    async with coprod_process(env, tmp_path, stop_within=30) as running:
        await fake.wait_for(lambda: fake.identifies, limit=20, what="the bot to connect")
        await wait_ready(port, 200, limit=20)
        code, out, err = await _healthcheck(env, tmp_path)
        assert (code, err) == (0, ""), err
        assert out.startswith("Ready")
        families, _ = await samples(port)
        assert value(families, "coprod_ready", check="scheduler") == 1
        await fake.stop()
        await wait_ready(port, 503, limit=20)
        code, out, err = await _healthcheck(env, tmp_path)
        assert code == 1
        assert err.strip().splitlines() == [
            f"Not ready: failing check: platform (http://127.0.0.1:{port}/readyz; the "
            "bot's log says more)."]
    err_bytes = running.err
    assert running.process.returncode == 0, err_bytes.decode()
    assert b"event=health.listening" in err_bytes
    # No database was there: the operator is told one was started (a mistyped path
    # would otherwise begin an empty group without a word).
    assert f"Started a new, empty database: {tmp_path / 'coprod.db'}." in err_bytes.decode()
    code, _, err = await _healthcheck(env, tmp_path)  # the bot has stopped
    assert code == 1 and "no answer from the health server" in err, err
    assert "Traceback" not in err
