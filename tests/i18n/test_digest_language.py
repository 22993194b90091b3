"""Digests are channel posts, so they are in the group's language whoever reads them:
the facilitators' feedback digest goes to the facilitators' channel in the group's
language even when a facilitator reads another language herself, and no digest goes to
one person (if one ever did, it would be in that person's language)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.features.feedback import wording
from bot.i18n import speaking
from tests.feedback.helpers import send
from tests.feedback.helpers import start
from tests.scheduled import at

MONDAY_5PM = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)


async def test_the_facilitators_digest_is_in_the_groups_language(
        bot: MemoryBot, clock: FakeClock) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/setup language=cy")
    await bot.run("carol", "/language en")  # carol reads English herself
    await bot.run("alice", "/language en")
    await start(bot)
    sent = await send(bot, "alice", "Please slow down in meetings.", audience="facilitators")
    assert reply_text(sent) == wording.FEEDBACK_SENT_FOR_FACILITATORS  # alice's English
    await at(bot, clock, MONDAY_5PM + timedelta(days=1))
    (post,) = bot.adapter.sent_to_channel("facilitators")
    with speaking("cy"):
        welsh = wording.feedback_digest_header(1, False)
    with speaking("en"):
        english = wording.feedback_digest_header(1, False)
    assert post.text.startswith(welsh) and welsh != english, post.text
    assert post.language == "cy"
    # No digest went to anyone by direct message: it is a post for the channel only.
    for name in ("carol", "alice"):
        assert not any(welsh[:20] in m.text or english[:20] in m.text
                       for m in bot.adapter.sent_to_dm(name))
