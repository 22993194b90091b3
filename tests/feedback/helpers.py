"""Shared steps for the feedback and poll tests."""

from __future__ import annotations

from datetime import datetime

from adapters.memory import MemoryBot, reply_text
from bot.clock import FakeClock
from bot.messages import Message, Reply

SEND = "feedback.send"


async def send(bot: MemoryBot, who: str, text: str, audience: str = "group",
               topic: str = "") -> Reply:
    """`who` sends feedback through the form."""
    return await bot.submit(who, SEND, {"message": text, "topic": topic, "audience": audience})


async def start(bot: MemoryBot) -> None:
    """Let the feedback and poll features add their schedules (timers stay off)."""
    for name in ("feedback", "polls"):
        feature = bot.app.features[name]
        assert feature.start is not None
        await feature.start()


async def at(bot: MemoryBot, clock: FakeClock, when: datetime) -> int:
    """Move the clock to `when`, fire what is due, and send what that stored."""
    clock.advance(when - clock.now())
    fired = await bot.app.scheduler.run_due()
    await bot.settle()
    return fired


def texts(messages: list[Message]) -> list[str]:
    """The text of each message."""
    return [m.text for m in messages]


__all__ = ["at", "reply_text", "send", "start", "texts"]
