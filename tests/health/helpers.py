"""Asking a health server over HTTP, as Prometheus or a load balancer would, and reading
its answers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from contextlib import closing
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from adapters.health import HealthServer
from bot.app import App

# Every metric issue 21 names (as exposed, without the _total/_bucket suffixes).
NAMED_METRICS = (
    "coprod_deliveries_waiting",
    "coprod_deliveries_waiting_oldest_age_seconds",
    "coprod_deliveries_sent",
    "coprod_delivery_failures",
    "coprod_delivery_retries",
    "coprod_delivery_rate_limit_wait_seconds",
    "coprod_scheduler_lateness_seconds",
    "coprod_command_handling_seconds",
    "coprod_concerns_unacknowledged",
    "coprod_concerns_unacknowledged_oldest_age_seconds",
    "coprod_concerns_escalation_after_seconds",
    "coprod_platform_connected",
    "coprod_ready",
)


async def get(port: int, path: str, limit: float = 10.0) -> tuple[int, str]:
    """GET http://127.0.0.1:PORT/PATH: the status and the body."""
    async with asyncio.timeout(limit), aiohttp.ClientSession() as session, \
            session.get(f"http://127.0.0.1:{port}{path}") as answer:
        return answer.status, await answer.text()


async def readyz(port: int) -> tuple[int, dict[str, Any]]:
    """/readyz: the status and the JSON body."""
    status, body = await get(port, "/readyz")
    return status, json.loads(body)


async def wait_ready(port: int, want: int, limit: float = 15.0) -> dict[str, Any]:
    """Ask /readyz until it answers `want` (bounded); the last body."""
    body: dict[str, Any] = {}
    try:
        async with asyncio.timeout(limit):
            while True:
                status, body = await readyz(port)
                if status == want:
                    return body
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise AssertionError(f"/readyz never answered {want}; last: {body}") from None


async def samples(port: int) -> tuple[dict[str, list[Sample]], str]:
    """/metrics parsed: the samples of each metric family by name, and the raw text."""
    status, text = await get(port, "/metrics")
    assert status == 200, text
    return {family.name: list(family.samples)
            for family in text_string_to_metric_families(text)}, text


def value(families: dict[str, list[Sample]], name: str, **labels: str) -> float:
    """The one sample of `name` with these labels (0 if there is none)."""
    found = [s.value for fam in families.values() for s in fam
             if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) <= 1, (name, labels, found)
    return found[0] if found else 0.0


def free_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def serving_health(app: App) -> AsyncIterator[int]:
    """`app` scheduling, as `coprod run` has it, and serving its health on a free port
    until the block ends; the port."""
    await app.scheduler.start()
    server = HealthServer(app, "127.0.0.1", 0)
    try:
        yield await server.start()
    finally:
        await server.stop()


async def ready_follows_the_platform(port: int, platform: str,
                                     go_away: Callable[[], Awaitable[object]]) -> None:
    """A platform contract: /readyz answers 200 with the platform counted connected, and
    503 naming the platform, counted disconnected, once `go_away` has taken it away."""
    await wait_ready(port, 200)
    families, _ = await samples(port)
    assert value(families, "coprod_platform_connected", platform=platform) == 1
    await go_away()
    body = await wait_ready(port, 503)
    assert body == {"ready": False, "failed": ["platform"]}
    families, _ = await samples(port)
    assert value(families, "coprod_platform_connected", platform=platform) == 0


async def not_ready_without_the_database(port: int, close: Callable[[], Awaitable[object]]
                                         ) -> None:
    """A platform contract: /readyz answers 200, then 503 naming the database once
    `close` has closed it."""
    await wait_ready(port, 200)
    await close()
    assert await wait_ready(port, 503) == {"ready": False, "failed": ["database"]}
