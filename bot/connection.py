"""What the adapter says about its link to the platform, for the readiness check
(`bot.health`): kept apart from it so the app can hold one without importing the check."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from collections.abc import Callable

from bot.logs import log_event

log = logging.getLogger(__name__)

ConnectionProbe = Callable[[], Awaitable[bool]]
"""The adapter's answer to "are you connected to the platform now?"."""


class Connection:
    """What the adapter says about its link to the platform: which platform, and a probe
    asked on each check (None until the adapter starts: not connected)."""

    def __init__(self) -> None:
        self.platform = ""
        self._probe: ConnectionProbe | None = None

    def use(self, platform: str, probe: ConnectionProbe | None) -> None:
        """The adapter's platform name and probe (None: it stopped)."""
        self.platform = platform
        self._probe = probe

    async def connected(self) -> bool:
        """Whether the platform is connected now (a failing probe says no)."""
        if self._probe is None:
            return False
        try:
            return bool(await self._probe())
        except Exception as exc:
            log_event(log, logging.WARNING, "health.probe_failed", error=type(exc).__name__)
            return False
