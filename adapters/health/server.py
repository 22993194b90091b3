"""The health server: `/healthz`, `/readyz` and `/metrics` over HTTP (aiohttp), for
Prometheus, a container's health check or a load balancer.

- `/healthz`: 200 "ok" whenever the event loop answers (the process is alive);
- `/readyz`: 200 when every readiness check passes, else 503, with a short JSON body
  naming the checks that failed (`bot.health.readiness`);
- `/metrics`: the app's metrics in Prometheus' text format, the gauges read from the
  database worked out for each scrape.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from adapters.health.prometheus import PrometheusMetrics
from bot.app import App
from bot.health import CHECKS
from bot.health import readiness
from bot.health import readings
from bot.listening import PortUnavailable
from bot.listening import health_listener
from bot.listening import reason_of
from bot.logs import log_event

log = logging.getLogger(__name__)


class HealthServer:
    """Serves one app's health and metrics on `host:port` (port 0: any free port, for
    tests; `port` holds the one bound once started)."""

    def __init__(self, app: App, host: str, port: int) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.metrics = PrometheusMetrics()
        app.use_metrics(self.metrics)
        self._runner: web.AppRunner | None = None
        self._scrape = asyncio.Lock()  # one scrape at a time fills the collector

    async def start(self) -> int:
        """Listen; raises `PortUnavailable` if the address cannot be had."""
        web_app = web.Application()
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/readyz", self._readyz)
        web_app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise PortUnavailable(health_listener(self.host, self.port),
                                  reason_of(exc)) from None
        self.port = int(self._runner.addresses[0][1])
        log_event(log, logging.INFO, "health.listening", port=self.port)
        return self.port

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @staticmethod
    async def _healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        checks = await readiness(self.app)
        failed = [name for name in CHECKS if not checks.get(name)]
        body = {"ready": not failed, "failed": failed}
        return web.json_response(body, status=503 if failed else 200)

    async def _metrics(self, request: web.Request) -> web.Response:
        async with self._scrape:
            checks = await readiness(self.app)
            self.metrics.scraped.update(checks, self.app.connection.platform,
                                        await readings(self.app))
            body = self.metrics.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
