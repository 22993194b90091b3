"""The group agreement: the first version, reading it, amendments decided by an anonymous
vote with the configured rule, the announcement, and the history."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.clock import FakeClock
from bot.features.agreement import wording as agreement_words
from bot.features.agreement.config import AgreementConfig
from bot.features.agreement.rules import outcome
from bot.features.agreement.store import AmendmentStatus
from bot.features.polls.package import VOTE_SECRECY_LIMIT
from tests.agreement.helpers import agreement_of
from tests.agreement.helpers import close_all
from tests.agreement.helpers import last
from tests.agreement.helpers import propose
from tests.agreement.helpers import start_agreement
from tests.agreement.helpers import vote


async def test_no_agreement_yet_says_how_to_start(bot: MemoryBot) -> None:
    assert reply_text(await bot.run("alice", "/agreement")) == agreement_words.AGREEMENT_NONE
    refused = await bot.run("alice", "/agreement start")
    assert reply_text(refused) == catalog.not_allowed("agreement start", ["facilitator"])


async def test_start_form_is_prefilled_with_suggestions(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    reply = await bot.run("carol", "/agreement start")
    assert reply.form is not None
    assert reply.form.fields[0].default.startswith(agreement_words.AGREEMENT_SUGGESTED[0])
    saved = await bot.submit("carol", "agreement.start", {"points": "1. Be kind\n2. Be on time"})
    assert "version 1" in reply_text(saved)
    shown = reply_text(await bot.run("alice", "/agreement"))
    assert "1. Be kind\n2. Be on time" in shown
    again = await bot.run("carol", "/agreement start")
    assert reply_text(again) == agreement_words.AGREEMENT_ALREADY_STARTED


async def test_show_read_button_and_count_for_facilitators(bot: MemoryBot) -> None:
    await start_agreement(bot)
    assert "now has an agreement with 3 points" in last(bot.adapter.sent_to_channel("updates"))
    reply = await bot.run("alice", "/agreement")
    (message,) = reply.messages
    assert "version 1, agreed" in message.text
    assert "1. We listen to each other" in message.text
    (button,) = message.buttons
    assert button.label == "I have read it"
    noted = await bot.press("alice", button.action, button.value)
    assert reply_text(noted) == agreement_words.agreement_read_noted(1)
    await bot.press("alice", button.action, button.value)  # twice counts once
    await bot.press("bob", button.action, button.value)
    seen = reply_text(await bot.run("carol", "/agreement"))
    assert "2 members have said they have read version 1." in seen
    assert "Alice" not in seen and "Bob" not in seen
    assert "For facilitators" not in reply_text(await bot.run("alice", "/agreement"))


async def test_reader_names_shown_when_config_asks(bot: MemoryBot) -> None:
    await start_agreement(bot)
    feature = agreement_of(bot)
    feature.config = feature.config.model_copy(update={"show_reader_names": True})
    await bot.press("alice", "agreement.read", "1")
    assert "(Alice)" in reply_text(await bot.run("carol", "/agreement"))


async def test_amendment_passes_new_version_announced_and_history(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start_agreement(bot)
    amendment = await propose(bot, 'change=change point=3 text="We start and end on time" '
                                   'reason="People have buses to catch"')
    post = bot.adapter.sent_to_channel("updates")[-1]
    assert "Change point 3 from “We start on time” to “We start and end on time”" in post.text
    assert "Why: People have buses to catch" in post.text
    assert [b.label for b in post.buttons] == [agreement_words.AMENDMENT_YES_BUTTON,
                                               agreement_words.AMENDMENT_NO_BUTTON]
    assert "Your vote is counted" in await vote(bot, "alice", amendment, yes=False)
    assert "changed to: Yes" in await vote(bot, "alice", amendment, yes=True)
    assert await vote(bot, "alice", amendment, yes=True) == (
        "That is already your vote. Nothing changed.")
    await vote(bot, "bob", amendment, yes=True)
    await vote(bot, "dan", amendment, yes=False)
    await close_all(bot, clock)
    result = last(bot.adapter.sent_to_channel("updates"))
    assert "agreed a change" in result and "(2 yes, 1 no)" in result
    assert "Version 2 is now in force" in result
    shown = reply_text(await bot.run("alice", "/agreement"))
    assert "version 2" in shown and "3. We start and end on time" in shown
    history = reply_text(await bot.run("alice", "/agreement history"))
    assert "Version 1" in history and agreement_words.AGREEMENT_FIRST_CHANGE in history
    assert "Version 2" in history and "Why: People have buses to catch" in history
    old = reply_text(await bot.run("alice", "/agreement history version=1"))
    assert "3. We start on time" in old
    missing = reply_text(await bot.run("alice", "/agreement history version=9"))
    assert missing == agreement_words.agreement_no_version(9, 2)
    late = await vote(bot, "erin", amendment, yes=True)
    assert late == agreement_words.AMENDMENT_CLOSED


async def test_add_and_remove_points(bot: MemoryBot, clock: FakeClock) -> None:
    await start_agreement(bot)
    added = await propose(bot, 'change=add text="Phones on silent" reason="Fewer distractions"')
    removed = await propose(bot, 'change=remove point=1 reason="Covered elsewhere"')
    for who in ("alice", "bob", "dan"):
        await vote(bot, who, added, yes=True)
        await vote(bot, who, removed, yes=True)
    await close_all(bot, clock)
    posts = bot.adapter.sent_to_channel("updates")
    assert any("Version 2 is now in force" in p.text for p in posts)
    # The second one was proposed against version 1; the agreement changed meanwhile.
    assert any("was not applied" in p.text for p in posts)
    shown = reply_text(await bot.run("alice", "/agreement"))
    assert "4. Phones on silent" in shown and "version 2" in shown


async def test_tie_fails_and_is_announced(bot: MemoryBot, clock: FakeClock) -> None:
    await start_agreement(bot)
    amendment = await propose(bot, 'change=remove point=2 reason="Too obvious"')
    for who, yes in (("alice", True), ("bob", True), ("dan", False), ("erin", False)):
        await vote(bot, who, amendment, yes)
    await close_all(bot, clock)
    result = last(bot.adapter.sent_to_channel("updates"))
    assert "did not pass" in result and "(2 yes, 2 no)" in result
    assert "The votes were tied, and a tie keeps the agreement as it is." in result
    assert "version 1" in reply_text(await bot.run("alice", "/agreement"))
    decided = await bot.app.storage.get_amendment(amendment)
    assert decided is not None and decided.status is AmendmentStatus.FAILED


async def test_turnout_below_minimum_fails_even_if_all_say_yes(
        bot: MemoryBot, clock: FakeClock) -> None:
    await start_agreement(bot)
    amendment = await propose(bot, 'change=add text="Tea at half time" reason="Energy"')
    await vote(bot, "alice", amendment, yes=True)
    await vote(bot, "bob", amendment, yes=True)
    await close_all(bot, clock)
    result = last(bot.adapter.sent_to_channel("updates"))
    assert "did not pass" in result and "(2 yes, 0 no)" in result
    assert agreement_words.amendment_too_few_votes(2, 3) in result
    assert len(await bot.app.storage.agreement_versions(bot.group_id)) == 1


@pytest.mark.parametrize(("yes", "no", "rule", "turnout", "passed"), [
    (2, 1, "majority", 3, True),
    (2, 2, "majority", 3, False),      # a tie keeps things as they are
    (5, 0, "majority", 6, False),      # turnout below the minimum
    (0, 0, "majority", 1, False),
    (1, 0, "majority", 1, True),
    (2, 1, "two_thirds", 3, True),     # exactly two thirds
    (3, 2, "two_thirds", 3, False),
])
def test_outcome_rule(yes: int, no: int, rule: str, turnout: int, passed: bool) -> None:
    config = AgreementConfig(outcome_rule=rule, min_turnout=turnout)
    assert outcome(yes, no, config).passed is passed


async def test_only_facilitators_propose_and_amendments_are_checked(bot: MemoryBot) -> None:
    await start_agreement(bot)
    refused = await bot.run("alice", '/agreement propose change=add text="x" reason="y"')
    assert reply_text(refused) == catalog.not_allowed("agreement propose", ["facilitator"])
    form = await bot.run("carol", "/agreement propose")
    assert form.form is not None
    assert [f.key for f in form.form.fields] == ["change", "point", "text", "reason",
                                                 "closes"]
    for options, expected in (
        ('change=add text="  " reason="why"', agreement_words.agreement_point_empty(
            agreement_words.AGREEMENT_FIELD_TEXT)),
        ('change=add text="Fine" reason="  "', "Please say why: a change to the agreement needs a "
                                               "reason."),
        ('change=change point=9 text="x" reason="y"', agreement_words.amendment_which_point(3)),
        ('change=remove reason="y"', agreement_words.amendment_which_point(3)),
        ('change=change point=1 text="We listen to each other" reason="y"',
         agreement_words.amendment_same_text(1)),
    ):
        reply = await bot.run("carol", f"/agreement propose {options}")
        assert reply_text(reply) == expected, options
    assert await bot.app.storage.open_amendments() == []


async def test_form_submission_proposes(bot: MemoryBot) -> None:
    await start_agreement(bot)
    reply = await bot.submit("carol", "agreement.propose", {
        "change": "Change a point", "point": "2", "text": "We use plain words, always",
        "reason": "Clarity"})
    assert "posted in #updates" in reply_text(reply)
    (amendment,) = await bot.app.storage.open_amendments()
    assert amendment.point == 2 and amendment.text == "We use plain words, always"


async def test_closing_time_can_be_set_with_the_polls_rules(bot: MemoryBot) -> None:
    await start_agreement(bot)
    reply = await bot.run("carol", '/agreement propose change=add text="Tea" reason="Warmth" '
                                   "closes=2d")
    assert "posted in #updates" in reply_text(reply)
    (amendment,) = await bot.app.storage.open_amendments()
    assert amendment.closes_at - bot.app.clock.now() == timedelta(days=2)
    past = await bot.run("carol", '/agreement propose change=add text="Cake" reason="Joy" '
                                  'closes="2020-01-01 10:00"')
    assert reply_text(past) == "That closing time has already passed. Please choose a time to come."
    assert len(await bot.app.storage.open_amendments()) == 1


async def test_open_amendment_decided_after_a_restart(bot: MemoryBot, clock: FakeClock) -> None:
    await start_agreement(bot)
    amendment = await propose(bot, 'change=add text="Breaks every hour" reason="Rest"')
    for who in ("alice", "bob", "dan"):
        await vote(bot, who, amendment, yes=True)
    clock.advance(timedelta(days=10))
    # A fresh feature (as after a restart) decides overdue amendments at start.
    feature = agreement_of(bot)
    await feature.load()
    await bot.settle()
    assert "Version 2 is now in force" in last(bot.adapter.sent_to_channel("updates"))
    # A second decision of the same amendment does nothing.
    from scheduler import Firing
    again = await feature.decide(amendment, Firing(f"amendment-close:{amendment}",
                                                   clock.now()))
    assert again is None


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
async def test_votes_are_anonymous_in_storage(bot: MemoryBot, clock: FakeClock,
                                              tmp_path: Path) -> None:
    await start_agreement(bot)
    amendment = await propose(bot, 'change=add text="Snacks" reason="Hunger"')
    for who in ("alice", "bob", "dan"):
        await vote(bot, who, amendment, yes=True)
    await close_all(bot, clock)
    with sqlite3.connect(tmp_path / "coprod.db") as raw:
        dump = "\n".join(raw.iterdump())
        voters = raw.execute("SELECT count(*) FROM amendment_voters").fetchone()
        boxes = raw.execute("SELECT count(*) FROM ballot_boxes").fetchone()
        counts = raw.execute("SELECT yes_votes, no_votes FROM amendments").fetchall()
    for user in ("U-alice", "U-bob", "U-dan", "Alice", "Bob"):
        assert user not in dump
    # No row per voter ever; once decided, the box (tags, sealed choices) is gone too.
    assert voters == (0,) and boxes == (0,) and counts == [(3, 0)]


async def test_the_vote_post_says_what_is_secret_and_what_cannot_hold(bot: MemoryBot) -> None:
    await start_agreement(bot)
    await propose(bot, 'change=add text="Snacks" reason="Hunger"')
    post = last(bot.adapter.sent_to_channel("updates"))
    assert "Nobody, facilitators included, can see who voted which way" in post
    assert VOTE_SECRECY_LIMIT in post
