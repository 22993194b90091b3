"""Anonymous feedback: sending, review by facilitators from the next day (a whole day's
items together, group items only once enough), digests (threshold, review time,
shuffling, waiting), hiding, "you said, we did", the facilitators' list and the daily
limit."""

from __future__ import annotations

import base64
import sqlite3
import struct
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.features.feedback import digests as feedback_module
from bot.features.feedback import wording as feedback_wording
from bot.features.feedback.config import FeedbackConfig
from bot.features.feedback.store import Audience
from bot.features.feedback.store import FeedbackStatus
from bot.messages import Message
from bot.text import plain_channels
from scheduler import Firing
from storage.interface import Storage
from tests.feedback.helpers import feedback_host
from tests.feedback.helpers import send
from tests.feedback.helpers import start
from tests.feedback.helpers import texts
from tests.scheduled import at

MONDAY_5PM = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
DAY = timedelta(days=1)
TUESDAY_5PM = MONDAY_5PM + DAY


def feedback_posts(bot: MemoryBot, channel: str = "feedback") -> list[Message]:
    return bot.adapter.sent_to_channel(channel)


async def test_feedback_opens_a_form_and_confirms_privately(bot: MemoryBot) -> None:
    reply = await bot.run("alice", "/feedback")
    assert reply.form is not None and reply.form.form_id == "feedback.send"
    keys = [f.key for f in reply.form.fields]
    assert keys == ["message", "topic", "audience"]
    topic = reply.form.fields[1]
    assert [c.value for c in topic.choices] == list(bot.app.config.section(FeedbackConfig).topics)
    assert not topic.required
    sent = await send(bot, "alice", "The room was too cold.", topic="meetings")
    assert reply_text(sent) == feedback_wording.FEEDBACK_SENT
    assert reply_text(sent).startswith("Sent anonymously.")
    assert not sent.public
    assert bot.adapter.sent == []  # nothing relayed live


async def test_group_digest_waits_for_k_items_then_posts_them_at_the_set_time(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    for i in range(4):
        await send(bot, f"m{i}", f"point {i}")
    assert await at(bot, clock, MONDAY_5PM) == 2  # the group's and facilitators' digests
    assert feedback_posts(bot) == []  # written today: nobody sees it yet
    await at(bot, clock, TUESDAY_5PM)
    assert feedback_posts(bot) == []  # four are not enough
    await send(bot, "m4", "point 4")
    await at(bot, clock, TUESDAY_5PM + timedelta(hours=12))
    assert feedback_posts(bot) == []  # not a digest time
    await at(bot, clock, TUESDAY_5PM + DAY)
    posts = feedback_posts(bot)
    assert len(posts) == 5
    assert posts[0].text.startswith(feedback_wording.feedback_digest_header(5, True))
    assert sorted(t.split("\n> ")[-1] for t in texts(posts)) == [f"point {i}" for i in range(5)]
    assert all(p.buttons[0].action == "feedback.answer" for p in posts)
    assert await bot.app.storage.waiting_feedback(bot.group_id, Audience.GROUP) == []
    await at(bot, clock, TUESDAY_5PM + 2 * DAY)
    assert len(feedback_posts(bot)) == 5  # delivered once


async def test_a_digest_occurrence_is_delivered_once(bot: MemoryBot, clock: FakeClock) -> None:
    for i in range(5):
        await send(bot, f"m{i}", f"point {i}")
    clock.advance(TUESDAY_5PM - clock.now())
    jobs = feedback_module.DigestJobs(feedback_host(bot.app))
    firing = Firing("feedback-digest:group:17:00", TUESDAY_5PM)
    assert await jobs.run(Audience.GROUP, firing) == 1
    for i in range(5):
        await send(bot, f"n{i}", f"more {i}")
    clock.advance(DAY)
    assert await jobs.run(Audience.GROUP, firing) == 0  # the same occurrence again
    await bot.settle()
    assert len(feedback_posts(bot)) == 5


async def test_digest_items_are_shuffled(bot: MemoryBot, clock: FakeClock,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    shuffled: list[list[str]] = []

    def reverse(items: list[object]) -> None:
        items.reverse()
        shuffled.append([getattr(i, "text") for i in items])  # noqa: B009

    monkeypatch.setattr(feedback_module, "_shuffle", reverse)
    await start(bot)
    for i in range(6):
        await send(bot, f"m{i}", f"point {i}")
    clock.advance(DAY)
    await feedback_module.release(feedback_host(bot.app), bot.group_id, clock.now())
    stored = [i.text for i in await bot.app.storage.waiting_feedback(bot.group_id,
                                                                      Audience.GROUP)]
    await at(bot, clock, TUESDAY_5PM)
    posted = [t.split("\n> ")[-1] for t in texts(feedback_posts(bot))]
    assert shuffled == [list(reversed(stored))]
    assert posted == list(reversed(stored))


async def test_the_real_shuffle_changes_the_order(bot: MemoryBot) -> None:
    orders = set()
    for _ in range(5):
        items = list(range(10))
        feedback_module._shuffle(items)
        orders.add(tuple(items))
    assert len(orders) > 1


async def test_facilitators_digest_may_hold_one_item_and_goes_to_their_channel(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    sent = await send(bot, "alice", "Please slow down in meetings.", audience="facilitators")
    assert reply_text(sent) == feedback_wording.FEEDBACK_SENT_FOR_FACILITATORS
    await at(bot, clock, MONDAY_5PM)
    assert bot.adapter.sent_to_channel("facilitators") == []  # never on the day it came
    await at(bot, clock, TUESDAY_5PM)
    posts = bot.adapter.sent_to_channel("facilitators")
    assert len(posts) == 1
    assert "for the facilitators: 1 message" in posts[0].text
    assert posts[0].buttons == ()  # never quoted in public
    assert feedback_posts(bot) == []
    help_text = reply_text(await bot.run("alice", "/help feedback"))
    assert "may hold just one piece, which is easier to guess the author of" in help_text


async def test_an_item_that_waited_long_goes_with_the_next_full_digest_never_alone(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    await send(bot, "alice", "old point")
    for day in range(20):  # twenty days pass with no other feedback
        await at(bot, clock, MONDAY_5PM + day * DAY)
    assert feedback_posts(bot) == []
    for i in range(4):
        await send(bot, f"m{i}", f"new {i}")
    await at(bot, clock, MONDAY_5PM + 21 * DAY)
    posts = texts(feedback_posts(bot))
    assert len(posts) == 5
    old = [t for t in posts if "old point" in t]
    assert "waited more than 14 days" in old[0]
    assert not any("waited" in t for t in posts if "old point" not in t)


async def test_hiding_keeps_an_item_out_with_a_recorded_reason(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    for i in range(5):
        await send(bot, f"m{i}", f"point {i}")
    await send(bot, "bob", "Carol is useless")
    clock.advance(DAY)  # the list shows items from earlier days only
    bot.adapter.member("carol", "Facilitator")
    listing = reply_text(await bot.run("carol", "/feedback list"))
    ref = next(line.split()[2].rstrip(",:") for line in listing.splitlines()
               if "waiting" in line and "Carol is useless" in listing.split(line)[1][:80])
    refused = await bot.run("alice", f"/feedback hide item={ref} reason=x")
    assert reply_text(refused) == catalog.not_allowed("feedback hide", ["facilitator"])
    hidden = await bot.run("carol", f'/feedback hide item={ref} reason="names a member"')
    assert reply_text(hidden) == feedback_wording.feedback_hidden(ref)
    item = await bot.app.storage.feedback_item(bot.group_id, ref)
    assert item is not None and item.status is FeedbackStatus.HIDDEN
    assert item.hidden_reason == "names a member"
    await at(bot, clock, TUESDAY_5PM)
    posts = texts(feedback_posts(bot))
    assert len(posts) == 5 and not any("useless" in t for t in posts)
    listing = reply_text(await bot.run("carol", "/feedback list"))
    assert "hidden (reason: names a member)" in listing
    again = await bot.run("carol", f"/feedback hide item={ref} reason=again")
    assert reply_text(again) == (
        "Only feedback still waiting for its digest can be hidden; this one has already been "
        "shared or hidden.")


async def test_you_said_we_did_quotes_the_item_in_public(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    for i in range(5):
        await send(bot, f"m{i}", f"point {i} @everyone")
    await at(bot, clock, TUESDAY_5PM)
    post = feedback_posts(bot)[0]
    button = post.buttons[0]
    assert button.label == ("You said, we did")
    member = await bot.press("alice", button.action, button.value)
    assert reply_text(member) == catalog.button_not_allowed(["facilitator"]) and member.form is None
    bot.adapter.member("carol", "Facilitator")
    opened = await bot.press("carol", button.action, button.value)
    assert opened.form is not None and opened.form.state == button.value
    done = await bot.submit("carol", "feedback.answer", {"answer": "We moved the room. <@U1>"},
                            state=button.value)
    assert reply_text(done) == plain_channels(feedback_wording.feedback_answer_posted("feedback"))
    answer = feedback_posts(bot)[-1].text
    quoted = post.text.split("\n> ")[-1]
    assert answer.startswith("**You said, we did**")
    assert "> " + quoted in answer and "@\u200beveryone" in answer
    assert "We moved the room. <\u200b@U1\\>" in answer
    listing = reply_text(await bot.run("carol", "/feedback list"))
    assert listing.count("answered") >= 1 and "not answered yet" in listing
    by_command = await bot.run("carol", f"/feedback answer item={button.value}")
    assert by_command.form is not None


async def test_facilitator_only_or_waiting_items_cannot_be_answered_in_public(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    await send(bot, "alice", "private point", audience="facilitators")
    for i in range(5):
        await send(bot, f"m{i}", f"waiting point {i}")
    bot.adapter.member("carol", "Facilitator")
    clock.advance(DAY)
    await feedback_module.release(feedback_host(bot.app), bot.group_id, clock.now())
    items = await bot.app.storage.recent_feedback(bot.group_id, MONDAY_5PM - DAY, 10)
    private = next(i for i in items if i.audience is Audience.FACILITATORS)
    waiting = next(i for i in items if i.audience is Audience.GROUP)
    reply = await bot.run("carol", f"/feedback answer item={private.item_id}")
    assert reply_text(reply) == ("That feedback was written for the facilitators only, so it "
                                 "can't be quoted in public. You can still answer its point in "
                                 "your own words in the group.")
    reply = await bot.run("carol", f"/feedback answer item={waiting.item_id}")
    assert reply_text(reply) == feedback_wording.FEEDBACK_NOT_DELIVERED
    reply = await bot.run("carol", "/feedback answer item=nothere")
    assert "can't find" in reply_text(reply)


async def test_the_list_shows_nothing_of_today_and_a_whole_day_together_after(
        bot: MemoryBot, clock: FakeClock) -> None:
    bot.adapter.member("carol", "Facilitator")
    empty = reply_text(await bot.run("carol", "/feedback list"))
    assert empty == feedback_wording.feedback_list_empty(12)
    for i in range(3):
        await send(bot, f"m{i}", f"brand new point {i}")
    await send(bot, "alice", "for you only", audience="facilitators")
    # Today: no item and no count, however often a facilitator looks.
    for _ in range(3):
        assert reply_text(await bot.run("carol", "/feedback list")) == empty
        clock.advance(timedelta(hours=4))
    clock.advance(DAY - timedelta(hours=12))  # Tuesday 09:00
    listing = reply_text(await bot.run("carol", "/feedback list"))
    # The facilitators' item shows; the group's three wait for five (still uncounted).
    assert "for you only" in listing and "brand new point" not in listing
    assert "1 waiting for a digest" in listing
    for i in range(2):
        await send(bot, f"n{i}", f"tuesday point {i}")
    assert reply_text(await bot.run("carol", "/feedback list")) == listing
    clock.advance(DAY)  # Wednesday: five have gathered, all shown together
    listing = reply_text(await bot.run("carol", "/feedback list"))
    assert "6 waiting for a digest" in listing
    lines = [line for line in listing.splitlines() if line.startswith("- ref ")]
    refs = [line.split()[2].rstrip(",:") for line in lines]
    assert refs == sorted(refs)  # random ids, so a random order
    # No day written and no time: the group's five show only when they may be shared.
    group = [line for line in lines if "for the group" in line]
    assert len(group) == 5 and all(
        line.endswith("the first digest that may share it is on 07 Jan 2026") for line in group)
    assert "05 Jan" not in listing and ":" not in "".join(line.split(": ", 1)[1] for line in lines)
    assert reply_text(await bot.run("alice", "/feedback list")) == catalog.not_allowed(
        "feedback list", ["facilitator"])


async def test_nothing_is_shared_before_facilitators_could_check_it(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    bot.adapter.member("carol", "Facilitator")
    for i in range(6):
        await send(bot, f"m{i}", f"point {i}")
    await send(bot, "bob", "Carol talks over people.")
    await at(bot, clock, MONDAY_5PM)
    assert feedback_posts(bot) == []  # the issue: written by day, shared that evening
    clock.advance(timedelta(hours=16))  # Tuesday 09:00: all of Monday's, to check
    listing = reply_text(await bot.run("carol", "/feedback list"))
    assert "Carol talks over people." in listing
    ref = next(line.split()[2].rstrip(",:") for line in listing.splitlines()
               if line.startswith("- ref ") and "Carol talks" in
               listing.split(line, 1)[1].split("\n- ref", 1)[0])
    await bot.run("carol", f'/feedback hide item={ref} reason="names a member"')
    await at(bot, clock, TUESDAY_5PM)
    posts = texts(feedback_posts(bot))
    assert len(posts) == 6 and not any("Carol talks" in t for t in posts)


async def test_review_hours_holds_a_digest_back(storage: Storage, clock: FakeClock) -> None:
    app = App(Config().with_sections(FeedbackConfig(review_hours=20)), storage, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    await start(bot)
    for i in range(5):
        await send(bot, f"m{i}", f"point {i}")
    await at(bot, clock, TUESDAY_5PM)  # open for review 17 hours: not yet
    assert feedback_posts(bot) == []
    await at(bot, clock, TUESDAY_5PM + DAY)
    assert len(feedback_posts(bot)) == 5
    await bot.close()


async def test_the_daily_limit_refuses_kindly_and_stores_nothing(
        bot: MemoryBot, clock: FakeClock) -> None:
    limit = bot.app.config.section(FeedbackConfig).daily_limit
    for i in range(limit):
        assert reply_text(await send(bot, "alice", f"point {i}")) == feedback_wording.FEEDBACK_SENT
    refused = await send(bot, "alice", "one more")
    assert reply_text(refused) == feedback_wording.feedback_daily_limit(limit)
    assert reply_text(await send(bot, "bob", "bob's point")) == feedback_wording.FEEDBACK_SENT
    clock.advance(DAY)
    await feedback_module.release(feedback_host(bot.app), bot.group_id, clock.now())
    waiting = await bot.app.storage.waiting_feedback(bot.group_id, Audience.GROUP)
    assert len(waiting) == limit + 1 and "one more" not in [i.text for i in waiting]
    assert reply_text(await send(bot, "alice", "tomorrow")) == feedback_wording.FEEDBACK_SENT


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
async def test_stored_feedback_is_encrypted_with_day_only_times(
        bot: MemoryBot, clock: FakeClock, tmp_path: Path) -> None:
    clock.advance(timedelta(hours=5, minutes=17, seconds=3))
    await send(bot, "alice", "a distinctive sentence")
    path = tmp_path / "coprod.db"
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT * FROM feedback_items").fetchall() == []
        rows = raw.execute("SELECT * FROM feedback_pending").fetchall()
        columns = [d[0] for d in raw.execute("SELECT * FROM feedback_pending").description]
    assert len(rows) == 1
    assert columns == ["group_id", "audience", "day", "body"]
    row = dict(zip(columns, rows[0], strict=True))
    midnight = datetime(2026, 1, 5, tzinfo=UTC)  # London's midnight in winter
    assert row["day"] == int(midnight.timestamp()) * 1_000_000
    token = base64.urlsafe_b64decode(row["body"])
    assert struct.unpack(">Q", token[1:9])[0] == int(midnight.timestamp())
    for name in ("coprod.db", "coprod.db-wal"):
        file = tmp_path / name
        if file.exists():
            assert b"distinctive sentence" not in file.read_bytes()


async def test_feedback_is_behind_the_feature_switch(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/setup disable=feedback")
    reply = await bot.run("alice", "/feedback")
    assert reply.form is None
    assert reply_text(reply) == catalog.feature_off("feedback")


async def test_digests_follow_each_groups_own_time_zone(bot: MemoryBot, clock: FakeClock) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/setup timezone=America/New_York")
    await start(bot)
    for i in range(5):
        await send(bot, f"m{i}", f"point {i}")  # 04:00 on Monday in New York
    await at(bot, clock, TUESDAY_5PM)  # 17:00 in London is noon in New York
    assert feedback_posts(bot) == []
    await at(bot, clock, TUESDAY_5PM + timedelta(hours=5))  # 17:00 in New York
    assert len(feedback_posts(bot)) == 5
