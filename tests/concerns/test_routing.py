"""Routing to leads only, the subject-lead exclusion (by naming and by flagged-message
author), acknowledgement, and the reporter told when a lead has it."""

from __future__ import annotations

import logging

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.features.concerns import wording
from bot.features.concerns.intake import SHORTCUT_ID
from bot.features.concerns.routing import ACK_ACTION
from bot.features.concerns.routing import named_in
from bot.features.concerns.store import CaseStatus
from storage.interface import Storage
from tests.concerns.helpers import DEPUTY
from tests.concerns.helpers import LEADS_CHANNEL
from tests.concerns.helpers import ack_button
from tests.concerns.helpers import channels_used
from tests.concerns.helpers import config
from tests.concerns.helpers import dm_users
from tests.concerns.helpers import everything_sent_to
from tests.concerns.helpers import make_bot
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import ref_of
from tests.concerns.helpers import settle_fully

SECRET = "Bob pushed me on the stairs"


# What a lead is told for a case they cannot open, alike for one that does not exist.
NO_CASE = ("No case has that reference that you can open. Please check it, or type /case "
           "list to see the open cases.")

async def test_a_concern_goes_to_every_lead_and_the_leads_channel_only(
        cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, what=SECRET))
    await settle_fully(cbot)
    assert dm_users(cbot) == {"U-dev", "U-erin"}
    assert channels_used(cbot) == {LEADS_CHANNEL}
    for lead in ("dev", "erin"):
        (message,) = cbot.adapter.sent_to_dm(lead)
        assert SECRET in message.text and ref in message.text
        assert ack_button(message) == (ACK_ACTION, ref)
    (post,) = cbot.adapter.sent_to_channel(LEADS_CHANNEL)
    assert SECRET in post.text
    for person in ("alice", "bob", "carol", "fiona"):
        assert cbot.adapter.sent_to_dm(person) == []


async def test_a_lead_named_in_who_it_is_about_is_excluded_everywhere(
        cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, what=SECRET, about="erin (the lead)"))
    await settle_fully(cbot)
    assert everything_sent_to(cbot, "U-erin") == ""
    (to_dev,) = cbot.adapter.sent_to_dm("dev")
    assert SECRET in to_dev.text
    (to_deputy,) = cbot.adapter.sent_to_dm("fiona")
    assert SECRET in to_deputy.text
    # Nothing at all in the leads' channel, which Erin may read: not even a line
    # saying a concern exists.
    assert cbot.adapter.sent_to_channel(LEADS_CHANNEL) == []
    # Erin can neither see, list, nor acknowledge it; the answers reveal nothing.
    assert reply_text(await cbot.run("erin", f"/case show case={ref}")) == NO_CASE == \
        reply_text(await cbot.run("erin", "/case show case=C-ZZZZZZ"))
    assert ref not in reply_text(await cbot.run("erin", "/case list"))
    assert reply_text(await cbot.press("erin", ACK_ACTION, ref)) == NO_CASE
    trail = await cbot.app.storage.case_audit(ref)
    assert [e.action for e in trail if e.actor_id == "U-erin"] == ["refused", "refused"]


async def test_the_author_of_a_flagged_message_is_excluded(cbot: MemoryBot) -> None:
    quoted = QuotedMessage("a cruel message", "U-dev", "general", link="https://x/1")
    opened = await cbot.app.handle(MessageShortcut(
        cbot.group_id, cbot.adapter.member("alice"), SHORTCUT_ID, quoted, "general"))
    assert opened.form is not None
    ref = ref_of(await raise_concern(cbot, what=SECRET, state=opened.form.state))
    await settle_fully(cbot)
    assert everything_sent_to(cbot, "U-dev") == ""
    assert SECRET in everything_sent_to(cbot, "U-erin")
    assert SECRET in everything_sent_to(cbot, DEPUTY)
    assert [m.text for m in cbot.adapter.sent_to_channel(LEADS_CHANNEL)] == []
    assert reply_text(await cbot.run("dev", f"/case show case={ref}")) == NO_CASE == \
        reply_text(await cbot.run("dev", "/case show case=C-ZZZZZZ"))


async def test_every_lead_excluded_goes_to_the_fallback_contacts_and_logs_critical(
        cbot: MemoryBot, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.CRITICAL):
        await raise_concern(cbot, what=SECRET, about="Dev and Erin")
    await settle_fully(cbot)
    assert dm_users(cbot) == {DEPUTY}
    assert [r for r in caplog.records if "concern.no_lead_reachable" in r.getMessage()
            and r.levelno == logging.CRITICAL]
    assert SECRET not in caplog.text and "Dev" not in caplog.text


async def test_no_known_leads_uses_the_fallback_contacts_and_logs_critical(
        storage: Storage, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    from adapters.memory import MemoryAdapter
    from adapters.memory import MemoryBot
    from bot.app import App

    app = App(config(), storage, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    try:
        with caplog.at_level(logging.CRITICAL):
            await raise_concern(bot, what=SECRET)
        await settle_fully(bot)
        assert dm_users(bot) == {DEPUTY}
        assert "concern.no_lead_reachable" in caplog.text
    finally:
        await bot.close()


def test_naming_matches_ids_mentions_full_names_and_name_parts() -> None:
    people = {"U-dev": "Dev", "U-erin": "Erin Smith", "123": "Jo"}
    assert named_in("it's about erin", people) == {"U-erin"}
    assert named_in("Ms SMITH from the group", people) == {"U-erin"}
    assert named_in("<@123> again", people) == {"123"}
    assert named_in("U-dev", people) == {"U-dev"}
    assert named_in("Devon and Erinna", people) == set()
    assert named_in("", people) == set()


async def test_first_lead_to_acknowledge_takes_it_and_the_others_are_told(
        cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, what=SECRET, contact="yes"))
    await settle_fully(cbot)
    first = await cbot.press("erin", ACK_ACTION, ref, channel=None)
    assert reply_text(first) == wording.concern_you_took(ref)
    assert first.update is not None and "Erin" in first.update.text
    assert SECRET not in first.update.text
    second = await cbot.press("dev", ACK_ACTION, ref, channel=None)
    await settle_fully(cbot)
    assert reply_text(second) == wording.concern_already_taken(ref, "Erin")
    concern = await cbot.app.storage.concern(ref)
    assert concern is not None and concern.status is CaseStatus.ACKNOWLEDGED
    assert concern.acknowledged_by == "U-erin"
    assert any("acknowledged by Erin" in m.text for m in cbot.adapter.sent_to_dm("dev"))
    assert any("acknowledged by Erin" in m.text
               for m in cbot.adapter.sent_to_channel(LEADS_CHANNEL))
    (told,) = cbot.adapter.sent_to_dm("alice")
    assert told.text == wording.concern_ack_for_reporter(ref)
    assert SECRET not in told.text


async def test_a_reporter_who_said_no_contact_is_not_messaged(cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, contact="no"))
    await cbot.press("dev", ACK_ACTION, ref, channel=None)
    await settle_fully(cbot)
    assert cbot.adapter.sent_to_dm("alice") == []


async def test_a_member_cannot_acknowledge(cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot))
    assert reply_text(await cbot.press("bob", ACK_ACTION, ref)) == (
        "That is not available to you. If you need a safeguarding lead, type /concern.")
    concern = await cbot.app.storage.concern(ref)
    assert concern is not None and concern.status is CaseStatus.OPEN


async def test_a_fallback_contact_may_acknowledge(cbot: MemoryBot) -> None:
    ref = ref_of(await raise_concern(cbot, about="Dev"))
    reply = await cbot.press("fiona", ACK_ACTION, ref, channel=None)
    assert reply_text(reply) == wording.concern_you_took(ref)


async def test_lead_dms_off_still_dms_when_the_channel_is_not_safe(
        storage: Storage, clock: FakeClock) -> None:
    bot = await make_bot(storage, clock, config(lead_dms=False))
    try:
        await raise_concern(bot, what=SECRET)
        await settle_fully(bot)
        assert dm_users(bot) == set()
        assert SECRET in bot.adapter.sent_to_channel(LEADS_CHANNEL)[0].text
        await raise_concern(bot, what="second", about="erin")
        await settle_fully(bot)
        assert dm_users(bot) == {"U-dev", DEPUTY}
    finally:
        await bot.close()
