"""Polls: creating, voting and changing votes, anonymity in storage, results at close."""

from __future__ import annotations

import sqlite3
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.anonymity import Sealer
from bot.clock import FakeClock
from bot.features.polls import wording as poll_wording
from bot.features.polls.feature import Polls
from bot.outbox import DeliveryStatus
from storage.ballot_box import BallotBox
from storage.crypto import FieldCipher
from tests.feedback.helpers import start
from tests.scheduled import at

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def polls_of(bot: MemoryBot) -> Polls:
    handler = bot.app._actions["poll.vote"]
    owner = getattr(handler, "__self__", None)
    assert isinstance(owner, Polls)
    return owner


async def make_poll(bot: MemoryBot, *, anonymous: bool = True, multiple: bool = False,
                    options: str = "Monday|Tuesday|Wednesday") -> str:
    reply = await bot.run("carol", f'/poll question="Which day suits?" options="{options}" '
                          f"closes=2d anonymous={'yes' if anonymous else 'no'} "
                          f"multiple={'yes' if multiple else 'no'}")
    assert "will be posted in #updates" in reply_text(reply), reply_text(reply)
    post = bot.adapter.sent_to_channel("updates")[-1]
    if multiple:
        assert post.select is not None
        return post.select.choices[0].value.split(":")[0]
    return post.buttons[0].value.split(":")[0]


async def test_poll_posts_buttons_and_shows_no_counts_to_anyone(bot: MemoryBot) -> None:
    poll_id = await make_poll(bot)
    post = bot.adapter.sent_to_channel("updates")[0]
    assert [b.label for b in post.buttons] == ["1. Monday", "2. Tuesday", "3. Wednesday"]
    assert "anonymous" in post.text and "vote" not in post.text.split("\n")[0]
    assert (await bot.app.storage.get_poll(poll_id)) is not None


async def test_poll_form_opens_without_options(bot: MemoryBot) -> None:
    reply = await bot.run("alice", "/poll")
    assert reply.form is not None
    assert [f.key for f in reply.form.fields] == ["question", "options", "closes",
                                                  "anonymous", "multiple"]
    made = await bot.submit("alice", "poll.create", {
        "question": "Tea or coffee?", "options": "Tea\nCoffee", "closes": "12h",
        "anonymous": "", "multiple": ""})
    assert "will be posted" in reply_text(made)
    post = bot.adapter.sent_to_channel("updates")[-1]
    assert poll_wording.POLL_ANONYMOUS in post.text and poll_wording.VOTE_SECRECY_LIMIT in post.text


async def test_a_vote_can_be_changed_until_close(bot: MemoryBot, clock: FakeClock) -> None:
    poll_id = await make_poll(bot)
    first = await bot.press("alice", "poll.vote", f"{poll_id}:0")
    assert reply_text(first).startswith("Your vote is counted: Monday")
    changed = await bot.press("alice", "poll.vote", f"{poll_id}:2")
    assert reply_text(changed) == poll_wording.poll_vote_changed(["Wednesday"])
    same = await bot.press("alice", "poll.vote", f"{poll_id}:2")
    assert reply_text(same) == ("That's already your vote, so nothing changed.")
    await bot.press("bob", "poll.vote", f"{poll_id}:2")
    results = await bot.app.storage.poll_results(poll_id)
    assert results is not None and results.tallies == (0, 0, 2) and results.voters == 2
    clock.advance(timedelta(days=2))
    late = await bot.press("alice", "poll.vote", f"{poll_id}:1")
    assert reply_text(late) == poll_wording.POLL_CLOSED


async def test_after_a_restart_an_old_vote_stays_counted_but_cannot_change(
        bot: MemoryBot) -> None:
    poll_id = await make_poll(bot)
    await bot.press("alice", "poll.vote", f"{poll_id}:0")
    polls_of(bot).sealer = Sealer()  # what a restart does: the memory key is gone
    reply = await bot.press("alice", "poll.vote", f"{poll_id}:1")
    assert reply_text(reply) == poll_wording.POLL_VOTE_LOCKED
    results = await bot.app.storage.poll_results(poll_id)
    assert results is not None and results.tallies == (1, 0, 0)


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
async def test_anonymous_poll_storage_holds_no_voter_and_no_choice_after_close(
        bot: MemoryBot, clock: FakeClock, tmp_path: Path, cipher: FieldCipher) -> None:
    await start(bot)
    poll_id = await make_poll(bot)
    await bot.press("alice", "poll.vote", f"{poll_id}:1")
    path = tmp_path / "coprod.db"

    def box() -> BallotBox:
        with sqlite3.connect(path) as raw:
            assert raw.execute("SELECT count(*) FROM poll_voters").fetchone() == (0,)
            assert raw.execute("SELECT count(*) FROM poll_tallies").fetchone() == (0,)
            (token,) = raw.execute("SELECT box FROM ballot_boxes").fetchone()
        return BallotBox.from_text(cipher.decrypt(token))

    opened = box()
    (tag,) = opened.sealed
    assert "alice" not in tag.lower() and opened.sealed[tag]
    assert opened.open and opened.tallies == [0, 1, 0]
    await at(bot, clock, NOW + timedelta(days=2))
    closed = box()
    assert not closed.open and closed.sealed == {} and closed.voters == 1
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT status FROM polls").fetchall() == [("closed",)]
    for name in ("coprod.db", "coprod.db-wal"):
        file = tmp_path / name
        if file.exists():
            data = file.read_bytes().lower()
            assert b"u-alice" not in data and b"Which day".lower() not in data
            assert tag.encode() not in data


async def test_results_are_posted_at_close_as_text_and_a_chart(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    poll_id = await make_poll(bot)
    for who, choice in (("alice", 0), ("bob", 2), ("dev", 2)):
        await bot.press(who, "poll.vote", f"{poll_id}:{choice}")
    await at(bot, clock, NOW + timedelta(days=2) - timedelta(minutes=1))
    assert len(bot.adapter.sent_to_channel("updates")) == 1  # not yet
    await at(bot, clock, NOW + timedelta(days=2))
    posts = bot.adapter.sent_to_channel("updates")
    assert len(posts) == 2
    result = posts[1]
    assert result.text.startswith("**Poll results:** Which day suits?")
    assert "- Monday: 1 vote (33%)" in result.text
    assert "- Wednesday: 2 votes (67%)" in result.text
    assert "3 people voted." in result.text
    (image,) = result.images
    assert image.data.startswith(b"\x89PNG")
    assert "Monday: 1" in image.alt_text and "Wednesday: 2" in image.alt_text
    await at(bot, clock, NOW + timedelta(days=3))
    assert len(bot.adapter.sent_to_channel("updates")) == 2  # once


async def test_named_multiple_choice_poll_shows_who_chose_what(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    poll_id = await make_poll(bot, anonymous=False, multiple=True)
    await bot.app.handle(_pick(bot, "alice", [f"{poll_id}:0", f"{poll_id}:1"]))
    await bot.app.handle(_pick(bot, "bob", [f"{poll_id}:1"]))
    await at(bot, clock, NOW + timedelta(days=2))
    text = bot.adapter.sent_to_channel("updates")[-1].text
    assert "- Monday: 1 vote (33%): Alice" in text
    assert "- Tuesday: 2 votes (67%): Alice, Bob" in text


def _pick(bot: MemoryBot, who: str, values: list[str]):  # type: ignore[no-untyped-def]
    from bot.events import ButtonPress

    return ButtonPress(bot.group_id, bot.adapter.member(who), "poll.pick", "",
                       tuple(values), channel="updates")


async def test_one_choice_polls_refuse_several(bot: MemoryBot) -> None:
    poll_id = await make_poll(bot)
    reply = await bot.app.handle(_pick(bot, "alice", [f"{poll_id}:0", f"{poll_id}:1"]))
    assert reply_text(reply) == (
        "This poll takes one choice. Please pick just one option.")


async def test_a_poll_due_while_the_bot_was_down_closes_at_start(
        bot: MemoryBot, clock: FakeClock) -> None:
    await make_poll(bot)
    clock.advance(timedelta(days=5))  # far past the scheduler's grace
    await start(bot)
    await bot.settle()
    result = bot.adapter.sent_to_channel("updates")[-1]
    assert result.text.startswith("**Poll results:**") and "(sent late)" in result.text


@pytest.mark.parametrize(("line", "expected"), [
    ('question="Q" options="Only one" closes=2d', poll_wording.poll_too_few_options(1)),
    ('question="Q" options="' + "|".join(str(i) for i in range(11)) + '" closes=2d',
     poll_wording.poll_too_many_options(11)),
    ('question="Q" options="Tea|tea" closes=2d', poll_wording.poll_duplicate_option("tea")),
    ('question="Q" options="Tea|Coffee" closes=2020-01-01', poll_wording.N_(
        "That closing time has already passed. Please choose a time to come.")),
    ('question="Q" options="Tea|Coffee" closes=soon',
     poll_wording.poll_bad_close("2026-12-01 17:00")),
    ('question="Q" options="Tea|Coffee" closes=200d', poll_wording.N_(
        "A poll can stay open for at most 90 days. Please choose a sooner time.")),
    ('question="Q" options="Tea| |Coffee" closes=2d', poll_wording.N_(
        "One of the options has nothing in it. Please fill it in or remove it.")),
    ('question="\u200b\u200d" options="Tea|Coffee" closes=2d',
     catalog.field_required(poll_wording.POLL_FIELD_QUESTION)),
])
async def test_bad_polls_are_refused_kindly_and_nothing_is_stored(
        bot: MemoryBot, line: str, expected: str) -> None:
    reply = await bot.run("alice", f"/poll {line}")
    assert reply_text(reply) == expected
    assert await bot.app.storage.open_polls() == []
    assert sum((await bot.app.storage.delivery_counts()).values()) == 0


async def test_votes_on_unknown_polls_are_refused_kindly(bot: MemoryBot) -> None:
    for value in ("nope:0", "", "x", "abc:zz"):
        reply = await bot.press("alice", "poll.vote", value)
        assert reply_text(reply) == poll_wording.POLL_GONE
    assert (await bot.app.storage.delivery_counts())[DeliveryStatus.PENDING] == 0


async def test_a_poll_nobody_voted_in_still_posts_its_results(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start(bot)
    await make_poll(bot)
    await at(bot, clock, NOW + timedelta(days=2))
    result = bot.adapter.sent_to_channel("updates")[-1]
    assert "0 people voted." in result.text and "- Monday: 0 votes (0%)" in result.text
    assert result.images and result.images[0].data.startswith(b"\x89PNG")
