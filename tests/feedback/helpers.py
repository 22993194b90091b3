"""Shared steps for the feedback and poll tests."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.features.feedback import package as feedback
from bot.features.feedback.digests import FeedbackHost
from bot.features.feedback.store import Audience
from bot.features.polls.feature import Polls
from bot.messages import Message
from bot.messages import Reply
from scheduler import Firing

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


async def reviewed_since_yesterday(app: App) -> None:
    """Open every pending item for review as if that had happened a day ago (for tests
    on a real clock, where "tomorrow" cannot be waited for)."""
    later, since = datetime(2100, 1, 1, tzinfo=UTC), app.clock.now() - timedelta(days=1)
    for audience in Audience:
        for group_id in await app.storage.groups_with_waiting_feedback(audience):
            await app.storage.release_feedback(group_id, audience, later, 1, since)


async def close_the_poll(app: App) -> str:
    """Close the one open poll now, as its scheduled close would; its id."""
    polls = app._actions["poll.vote"].__self__  # type: ignore[attr-defined]
    assert isinstance(polls, Polls)
    (poll,) = await app.storage.open_polls()
    assert await polls.close(poll.poll_id, Firing(f"poll-close:{poll.poll_id}",
                                                  poll.closes_at))
    return poll.poll_id


def feedback_host(app: App) -> FeedbackHost:
    """The host the feedback feature is built from, for calling its jobs directly."""
    return app.host_for(feedback.PACKAGE)


def texts(messages: list[Message]) -> list[str]:
    """The text of each message."""
    return [m.text for m in messages]


__all__ = ["close_the_poll", "feedback_host", "reply_text", "reviewed_since_yesterday",
           "send", "start", "texts"]
