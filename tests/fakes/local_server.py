"""Where a fake platform listens: its aiohttp app on 127.0.0.1, at a free port."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any
from typing import ClassVar

from aiohttp import web


class LocalServer:
    """What every fake platform does to be reached: serve its routes on 127.0.0.1 at a
    free port (`port`, `url`, and `api_base` for the adapter's API base setting), and
    stop, closing its open websockets first."""

    port: int = 0
    _runner: web.AppRunner | None = None
    # Where the platform's Web API lives below `url`.
    API_PATH: ClassVar[str]

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What the adapter's API base setting (DISCORD_API_BASE, `[slack] api_base`)
        should be to reach this fake."""
        return f"{self.url}{self.API_PATH}"

    async def _listen(self, routes: Iterable[web.AbstractRouteDef],
                      **runner_options: Any) -> None:
        """Serve these routes until `_close` (runner options as aiohttp's AppRunner takes
        them)."""
        app = web.Application()
        app.add_routes(routes)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, **runner_options)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def _close(self, sockets: Sequence[web.WebSocketResponse]) -> None:
        """Close these websockets, then stop listening."""
        for ws in sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
