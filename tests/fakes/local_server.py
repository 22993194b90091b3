"""Where a fake platform listens: its aiohttp app on 127.0.0.1, at a free port."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web


class LocalServer:
    """What every fake platform does to be reached: serve its aiohttp app on 127.0.0.1 at
    a free port (`port`, `url`), and stop, closing its open websockets first."""

    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    async def _listen(self, app: web.Application, **runner_options: Any) -> None:
        """Serve `app` until `_close` (runner options as aiohttp's AppRunner takes them)."""
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
