"""Pacing under Discord's global rate limit (50 requests per second per bot, by default).

discord.py keeps to each route's own bucket and, after a 429, waits as long as Discord
says, but it does not pace requests under the global limit: a reminder sent by direct
message to a thousand members (two requests each: open the DM, send) would run into a
429 every second. Each 429 is a wasted request that counts toward Discord's
invalid-request limit (10,000 in 10 minutes, then a temporary ban of the IP address).
So every REST request first takes its turn from a leaky bucket (aiolimiter), at a
steady pace a little under the limit (`[discord] requests_per_second`, 50 by default,
this process's share), so network jitter cannot push any one second over it.
Interaction responses are exempt, as they are on Discord (discord.py sends them through
its webhook adapter anyway), so a member's button press is answered at once even while
a large fan-out is going out.
"""

from __future__ import annotations

from typing import Any

from aiolimiter import AsyncLimiter

EXEMPT_PREFIXES = ("/interactions/", "/webhooks/")


def pace(per_second: float) -> tuple[float, float]:
    """The burst and steady rate that keep within `per_second` in any one second.

    A burst of two after a quiet spell lets the pace recover from the event loop's timer
    lateness; the steady rate leaves one request to spare (47 a second, 49 at most in
    any one second, for Discord's 50), for requests arriving a few milliseconds earlier
    or later than they were sent. A process's share of the limit (25 each for two) has
    a burst of one and a half: as much recovery, and still one to spare in any second
    (23 a second, 24 at most), so two processes together keep the pace of one (46 a
    second; with the burst of two, 22 each, they lost 7% to the spare they each kept).
    """
    if per_second >= 40:
        return 2, per_second - 3
    if per_second >= 20:
        return 1.5, per_second - 2
    return 1, max(per_second - 2, per_second / 2)


def pace_requests(http: Any, per_second: float) -> AsyncLimiter:
    """Make every REST request of this discord.py `HTTPClient` wait its turn, so at most
    `per_second` leave in any one second. Returns the limiter in use."""
    burst, steady = pace(per_second)
    limiter = AsyncLimiter(burst, burst / steady)
    original = http.request

    async def request(route: Any, **kwargs: Any) -> Any:
        if not str(getattr(route, "path", "")).startswith(EXEMPT_PREFIXES):
            await limiter.acquire()
        return await original(route, **kwargs)

    http.request = request
    return limiter
