"""Shared steps for the check-in tests."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory import MemoryBot
from bot.clock import FakeClock
from bot.messages import DestinationKind
from bot.messages import Message


async def sweep(bot: MemoryBot, clock: FakeClock, delta: timedelta) -> int:
    """Move the clock on and run the hourly sweep (follow-ups, escalations)."""
    clock.advance(delta)
    feature = bot.app.features["checkins"]
    acted: int = await feature.actions["checkin.on"].__self__.sweep()  # type: ignore[attr-defined]
    await bot.settle()
    return acted


def channel_posts(bot: MemoryBot) -> list[Message]:
    """Everything posted in any channel (check-ins must never be)."""
    return [s.message for s in bot.adapter.sent
            if s.destination.kind is DestinationKind.CHANNEL]


def buttons(message: Message) -> dict[str, str]:
    """Label -> action:value of a message's buttons."""
    return {b.label: f"{b.action}|{b.value}" for b in message.buttons}


async def press(bot: MemoryBot, who: str, message: Message, label: str):  # type: ignore[no-untyped-def]
    """`who` presses the button with this label (in their DM with the bot)."""
    action, value = buttons(message)[label].split("|", 1)
    return await bot.press(who, action, value, channel=None)
