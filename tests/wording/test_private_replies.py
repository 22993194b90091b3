"""“Only you can see this”: the replies that say so reach only the person who asked.

Each is run through the memory adapter on a real database; the reply must be private
(not public), and the action must post nothing to any channel or anyone else."""

from __future__ import annotations

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.messages import Reply

ONLY_YOU = ("only you can see", "only you can see this")


async def _private(bot: MemoryBot, reply: Reply, before: int) -> str:
    text = reply_text(reply)
    assert any(p in text.lower() for p in ONLY_YOU), text
    assert not reply.public, text
    assert bot.adapter.sent[before:] == [], "the private reply also sent something"
    return text


async def test_replies_that_say_only_you_can_see_them_are_private(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    for who, line in (("alice", "/help"), ("alice", "/checkin"),
                      ("carol", "/checkin summary")):
        before = len(bot.adapter.sent)
        await _private(bot, await bot.run(who, line), before)


async def test_a_poll_vote_is_answered_only_to_the_voter(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", '/poll question="Which day?" options="Monday|Tuesday" closes=2d')
    post = bot.adapter.sent_to_channel("updates")[-1]
    poll_id = post.buttons[0].value.split(":")[0]
    before = len(bot.adapter.sent)
    counted = await bot.press("alice", "poll.vote", f"{poll_id}:0")
    await _private(bot, counted, before)
    changed = await bot.press("alice", "poll.vote", f"{poll_id}:1")
    await _private(bot, changed, len(bot.adapter.sent))
