"""The health server for monitoring: `/healthz`, `/readyz` and Prometheus `/metrics`
(aiohttp and prometheus-client; the core names neither). `coprod run` starts it through
`serving` when `[health]` says so (`bot.listening.health_wanted`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from adapters.health.prometheus import PrometheusMetrics
from adapters.health.server import HealthServer
from bot.app import App

__all__ = ["HealthServer", "PrometheusMetrics", "serving"]


@asynccontextmanager
async def serving(app: App, host: str, port: int) -> AsyncIterator[HealthServer]:
    """The health server for this app on `host:port`, listening until the block ends."""
    server = HealthServer(app, host, port)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
