"""Time moving on in a test: the fake clock set forward, and what falls due fired and
sent, as the bot's own timers would."""

from __future__ import annotations

from datetime import datetime

from adapters.memory import MemoryBot
from bot.clock import FakeClock


async def at(bot: MemoryBot, clock: FakeClock, when: datetime) -> int:
    """Move the clock to `when`, fire what is due, and send what that stored; how many
    schedules fired."""
    clock.advance(when - clock.now())
    fired = await bot.app.scheduler.run_due()
    await bot.settle()
    return fired
