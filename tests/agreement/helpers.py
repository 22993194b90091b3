"""Shared steps for the welcome, agreement, resources and prompts tests."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.events import MemberJoined
from bot.features.agreement.feature import Agreement
from bot.messages import Message

POINTS = "We listen to each other\\nWe use plain words\\nWe start on time"


def agreement_of(bot: MemoryBot) -> Agreement:
    """The running agreement feature."""
    owner = getattr(bot.app._actions["agreement.vote"], "__self__", None)
    assert isinstance(owner, Agreement)
    return owner


async def start_agreement(bot: MemoryBot, points: str = POINTS) -> None:
    """Carol (a facilitator) writes version 1."""
    bot.adapter.member("carol", "Facilitator")
    reply = await bot.run("carol", f'/agreement start points="{points}"')
    assert "Saved as version 1" in reply_text(reply), reply_text(reply)


async def propose(bot: MemoryBot, options: str) -> str:
    """Carol proposes an amendment; returns its id from the vote post."""
    bot.adapter.member("carol", "Facilitator")
    reply = await bot.run("carol", f"/agreement propose {options}")
    assert "posted in #updates" in reply_text(reply), reply_text(reply)
    post = bot.adapter.sent_to_channel("updates")[-1]
    return post.buttons[0].value.split(":")[0]


async def vote(bot: MemoryBot, who: str, amendment_id: str, yes: bool) -> str:
    """A member presses yes or no."""
    reply = await bot.press(who, "agreement.vote", f"{amendment_id}:{0 if yes else 1}",
                            channel="updates")
    return reply_text(reply)


async def close_all(bot: MemoryBot, clock: FakeClock) -> None:
    """Move just past the last open amendment's closing time and run what is due."""
    closing = max(a.closes_at for a in await bot.app.storage.open_amendments())
    clock.advance(closing - clock.now() + timedelta(seconds=1))
    await bot.app.scheduler.run_due()
    await bot.settle()


async def join(bot: MemoryBot, who: str) -> None:
    """Someone joins the group."""
    await bot.app.handle(MemberJoined(bot.group_id, bot.adapter.member(who)))
    await bot.settle()


def last(messages: list[Message]) -> str:
    """The text of the latest message."""
    assert messages
    return messages[-1].text


def at_day(moment: datetime) -> str:
    """A date as the agreement shows it."""
    return f"{moment:%d %b %Y}"
