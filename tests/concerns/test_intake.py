"""The three ways in (/concern, a direct message, a message shortcut), danger first, and
the reporter's private confirmation."""

from __future__ import annotations

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.intake import DM_ACTION
from bot.features.concerns.intake import SHORTCUT_ID
from bot.features.concerns.intake import owner_tag
from bot.features.concerns.store import CaseStatus
from tests.concerns.helpers import FORM
from tests.concerns.helpers import LEADS_CHANNEL
from tests.concerns.helpers import channels_used
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import ref_of
from tests.concerns.helpers import settle_fully


async def test_concern_command_opens_the_private_form(cbot: MemoryBot) -> None:
    reply = await cbot.run("alice", "/concern")
    assert reply.form is not None and reply.form.form_id == FORM
    assert [f.key for f in reply.form.fields] == ["what", "about", "danger", "contact",
                                                  "anonymous"]
    assert len(reply.form.title) <= 45
    assert all(len(f.label) <= 45 for f in reply.form.fields)
    assert not reply.public


async def test_form_raises_a_case_and_confirms_privately(cbot: MemoryBot) -> None:
    reply = await raise_concern(cbot, what="Someone keeps messaging me at night")
    text = reply_text(reply)
    ref = ref_of(reply)
    assert not reply.public
    assert "safeguarding leads" in text and "cannot promise to keep it secret" in text
    assert "What happens next" in text
    assert "confidential" not in text.lower()
    concern = await cbot.app.storage.concern(ref)
    assert concern is not None and concern.status is CaseStatus.OPEN
    assert concern.text == "Someone keeps messaging me at night"
    assert concern.source == "form" and concern.reporter_id == "U-alice"
    assert channels_used(cbot) == {LEADS_CHANNEL}


async def test_danger_first_the_emergency_text_comes_before_anything_else(
        cbot: MemoryBot) -> None:
    reply = await raise_concern(cbot, danger="yes")
    first = reply.messages[0].text
    assert first.startswith("**" + cbot.app.config.section(ConcernsConfig).emergency_text)
    assert "Samaritans" in first
    assert "case **" in reply.messages[1].text
    calm = await raise_concern(cbot, danger="no")
    assert cbot.app.config.section(ConcernsConfig).emergency_text not in reply_text(calm)


async def test_a_direct_message_is_offered_as_a_concern_and_yes_raises_it(
        cbot: MemoryBot) -> None:
    offer = await cbot.dm("alice", "I'm scared of someone in the group")
    (message,) = offer.messages
    assert message.text == wording.DM_CHOICE
    yes, *_, no = message.buttons
    assert yes.action == no.action == DM_ACTION
    for button in (yes, no):
        assert len(button.action) + len(button.value) <= 94
        assert "scared" not in button.value
    # Someone else cannot use alice's draft.
    assert reply_text(await cbot.press("bob", DM_ACTION, yes.value, channel=None)) == \
        ("That question has expired, so I no longer have your message. Type /concern to "
         "raise a concern; it only takes a minute.")
    opened = await cbot.press("alice", DM_ACTION, yes.value, channel=None)
    assert opened.form is not None and opened.form.state.startswith("d:")
    (what,) = [f for f in opened.form.fields if f.key == "what"]
    assert what.default == "I'm scared of someone in the group"
    reply = await raise_concern(cbot, what=what.default, state=opened.form.state,
                                channel=None)
    concern = await cbot.app.storage.concern(ref_of(reply))
    assert concern is not None and concern.source == "dm"
    # The draft is gone once used.
    again = await cbot.press("alice", DM_ACTION, yes.value, channel=None)
    assert reply_text(again) == ("That question has expired, so I no longer have your "
                                 "message. Type /concern to raise a concern; it only "
                                 "takes a minute.")


async def test_no_thanks_deletes_the_direct_message(cbot: MemoryBot) -> None:
    offer = await cbot.dm("alice", "just saying hello")
    *_, no = offer.messages[0].buttons
    declined = await cbot.press("alice", DM_ACTION, no.value, channel=None)
    assert declined.update is not None and "not kept" in declined.update.text
    draft_id, _, key = no.value.split(":", 1)[1].partition(":")
    assert await cbot.app.storage.concern_draft(draft_id, str(owner_tag(key, "U-alice")),
                                                cbot.app.clock.now().replace(year=2000)) \
        is None
    assert cbot.adapter.sent == [] or channels_used(cbot) <= {LEADS_CHANNEL}


async def test_blank_direct_message_gets_the_usual_answer(cbot: MemoryBot) -> None:
    reply = await cbot.dm("alice", "   ")
    assert reply_text(reply) == catalog.DM_NOT_A_COMMAND


async def test_message_shortcut_attaches_the_message_and_records_its_author(
        cbot: MemoryBot) -> None:
    spec = cbot.app.shortcuts[SHORTCUT_ID]
    assert spec.label == wording.CONCERN_SHORTCUT_LABEL and len(spec.label) <= 32
    quoted = QuotedMessage("you're worthless @everyone", "U-bob", "general",
                           link="https://chat.example/m/77", message_id="77")
    reply = await cbot.app.handle(MessageShortcut(cbot.group_id, cbot.adapter.member("alice"),
                                                  SHORTCUT_ID, quoted, "general"))
    assert reply.form is not None and reply.form.state.startswith("d:")
    done = await raise_concern(cbot, what="This was aimed at Sam", state=reply.form.state)
    concern = await cbot.app.storage.concern(ref_of(done))
    assert concern is not None and concern.source == "message"
    assert concern.link == "https://chat.example/m/77"
    assert concern.quoted == "you're worthless @everyone"
    assert concern.subject_ids == ("U-bob",) and "U-bob" in concern.excluded
    await settle_fully(cbot)
    # The author might be a lead the bot does not know: the channel gets no words.
    assert [m.text for m in cbot.adapter.sent_to_channel(LEADS_CHANNEL)] == []
    posted = cbot.adapter.sent_to_dm("dev")[0].text
    assert "@\u200beveryone" in posted and "https://chat.example/m/77" in posted


async def test_bad_form_input_stores_nothing(cbot: MemoryBot) -> None:
    reply = await cbot.submit("alice", FORM, {"what": "   ", "danger": "maybe",
                                              "contact": "yes", "anonymous": "no"})
    assert set(reply.field_errors) == {"what", "danger"}
    assert await cbot.app.storage.concern_summaries(
        cbot.group_id, (CaseStatus.OPEN,)) == []


async def test_anonymous_without_contact_keeps_no_reporter(cbot: MemoryBot) -> None:
    reply = await raise_concern(cbot, anonymous="yes", contact="no")
    concern = await cbot.app.storage.concern(ref_of(reply))
    assert concern is not None
    assert concern.reporter_id == "" and concern.reporter_name == ""
    await settle_fully(cbot)
    for message in cbot.adapter.sent:
        assert "Alice" not in message.message.text


async def test_what_each_reporter_is_told_matches_what_leads_can_do(cbot: MemoryBot) -> None:
    """Issue 18.3: an unnamed reporter who asked to hear back was told "a lead may contact
    you" while leads read "May a lead contact them: no". Each combination now says the
    same thing to both, and the reporter's message says what really happens."""
    cases = {}
    for who, contact, anonymous in (("alice", "yes", "yes"), ("bob", "yes", "no"),
                                    ("gus", "no", "yes")):
        reply = await raise_concern(cbot, who=who, contact=contact, anonymous=anonymous)
        cases[who] = (ref_of(reply), reply_text(reply))
    alice_ref, alice_told = cases["alice"]
    assert "they cannot contact you" in alice_told and "may contact you" not in alice_told
    assert "I will tell you privately when a lead has picked it up" in alice_told
    assert "a lead may contact you" in cases["bob"][1]
    assert "will not hear back" in cases["gus"][1]
    to_dev = {ref: m.text for m in cbot.adapter.sent_to_dm("dev") for ref in
              (r for r, _ in cases.values()) if ref in m.text}
    assert "May a lead contact them: no, as they asked not to be named. They asked to " \
        "hear back, so the bot will tell them privately" in to_dev[alice_ref]
    assert "May a lead contact them: yes" in to_dev[cases["bob"][0]]
    assert "May a lead contact them: no" in to_dev[cases["gus"][0]]
    for ref, _ in cases.values():
        await cbot.press("dev", "concern.ack", ref, channel=None)
    (alice_heard,) = cbot.adapter.sent_to_dm("alice")
    assert "not told who you are" in alice_heard.text
    (bob_heard,) = cbot.adapter.sent_to_dm("bob")
    assert "They may contact you" in bob_heard.text
    assert cbot.adapter.sent_to_dm("gus") == []
