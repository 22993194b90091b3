"""A direct message to the bot: a calm choice of the private things it can do, telling
the safeguarding leads first; the emergency line comes with that route, not with a
greeting; every other choice forgets the message first. And a one-to-one asked for
there reaches a facilitator who holds the role, or (with nobody to take it) the member
is told so and nothing is sent to nobody."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.clock import FakeClock
from bot.features.checkins import wording as checkins_wording
from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.intake import DM_ACTION
from bot.features.concerns.intake import owner_tag
from bot.messages import Button
from bot.messages import DestinationKind
from tests.checkins.helpers import sweep
from tests.concerns.helpers import dm_users
from tests.concerns.helpers import everything_sent_to
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import ref_of

WORDS = "hello, I'm not sure about something said at the meeting"
LABELS = [wording.DM_CHOICE_TELL_LEADS, wording.N_("Ask for a one-to-one"),
          wording.DM_CHOICE_FEEDBACK, wording.N_(
              "Check-in settings"), wording.N_("Nothing, thanks")]


async def _offer(bot: MemoryBot, who: str = "alice", text: str = WORDS) -> dict[str, Button]:
    reply = await bot.dm(who, text)
    (message,) = reply.messages
    return {b.label: b for b in message.buttons}


async def _draft_kept(bot: MemoryBot, button: Button, who: str = "U-alice") -> bool:
    draft_id, _, key = button.value.split(":", 1)[1].partition(":")
    found = await bot.app.storage.concern_draft(
        draft_id, str(owner_tag(key, who)), bot.app.clock.now() - timedelta(days=1))
    return found is not None


async def _choose(bot: MemoryBot, button: Button, who: str = "alice"):  # type: ignore[no-untyped-def]
    return await bot.press(who, button.action, button.value, channel=None)


async def test_hello_gets_a_calm_choice_with_the_leads_first_and_no_emergency_line(
        cbot: MemoryBot) -> None:
    reply = await cbot.dm("alice", "hello")
    (message,) = reply.messages
    assert message.text == wording.DM_CHOICE
    assert cbot.app.config.section(ConcernsConfig).emergency_text not in message.text
    assert "999" not in message.text and "danger" not in message.text
    assert [b.label for b in message.buttons] == LABELS
    assert message.buttons[0].style == "primary"
    for button in message.buttons:
        assert button.action == DM_ACTION and len(button.label) <= 75
        assert len(button.action) + len(button.value) <= 94
        assert "hello" not in button.value
    assert not reply.public and cbot.adapter.sent == []


async def test_urgent_words_get_the_same_choice_nothing_is_guessed(cbot: MemoryBot) -> None:
    reply = await cbot.dm("alice", "Someone is hurting me right now, help")
    (message,) = reply.messages
    assert message.text == wording.DM_CHOICE
    assert message.buttons[0].label == wording.DM_CHOICE_TELL_LEADS


async def test_telling_the_leads_raises_it_and_then_shows_the_emergency_line(
        cbot: MemoryBot) -> None:
    choices = await _offer(cbot)
    opened = await _choose(cbot, choices[wording.DM_CHOICE_TELL_LEADS])
    assert opened.form is not None and opened.form.form_id == "concern.raise"
    (what,) = [f for f in opened.form.fields if f.key == "what"]
    assert what.default == WORDS
    done = await raise_concern(cbot, what=WORDS, state=opened.form.state, channel=None)
    text = reply_text(done)
    assert "saved as case" in text
    assert cbot.app.config.section(ConcernsConfig).emergency_text in text
    concern = await cbot.app.storage.concern(ref_of(done))
    assert concern is not None and concern.source == "dm"
    await cbot.settle()
    assert WORDS in everything_sent_to(cbot, "U-dev")
    assert WORDS in everything_sent_to(cbot, "U-erin")
    # A concern raised with /concern is as calm as before: no emergency line.
    calm = await raise_concern(cbot, what="Something else")
    assert cbot.app.config.section(ConcernsConfig).emergency_text not in reply_text(calm)


async def test_nothing_thanks_forgets_the_message(cbot: MemoryBot) -> None:
    choices = await _offer(cbot)
    nothing = choices[wording.N_("Nothing, thanks")]
    assert await _draft_kept(cbot, nothing)
    reply = await _choose(cbot, nothing)
    assert reply.update is not None and reply.update.text == (
        "All right, nothing has been raised and I have not kept your message. Type /help to see "
        "what I can do, or /concern at any time.")
    assert not await _draft_kept(cbot, nothing)
    await cbot.settle()
    assert cbot.adapter.sent == []


async def test_anonymous_feedback_opens_the_feedback_form_and_forgets_the_message(
        cbot: MemoryBot) -> None:
    choices = await _offer(cbot)
    button = choices[wording.DM_CHOICE_FEEDBACK]
    opened = await _choose(cbot, button)
    assert opened.form is not None and opened.form.form_id == "feedback.send"
    assert WORDS not in str(opened.form)
    assert not await _draft_kept(cbot, button)


async def test_check_in_settings_shows_them_and_forgets_the_message(cbot: MemoryBot) -> None:
    choices = await _offer(cbot)
    button = choices[wording.N_("Check-in settings")]
    shown = await _choose(cbot, button)
    assert reply_text(shown) == reply_text(await cbot.run("alice", "/checkin", channel=None))
    assert not await _draft_kept(cbot, button)


async def test_a_one_to_one_reaches_a_facilitator_who_holds_the_role_without_the_words(
        cbot: MemoryBot) -> None:
    # Carol holds the facilitator role on the platform and has never used the bot.
    cbot.adapter.member("carol", "Facilitator")
    assert await cbot.app.storage.known_facilitators(cbot.group_id) == []
    choices = await _offer(cbot)
    button = choices[wording.N_("Ask for a one-to-one")]
    asked = reply_text(await _choose(cbot, button))
    assert "Carol will be in touch with you privately within 3 days" in asked
    assert checkins_wording.ONE_TO_ONE_DM_NOT_PASSED in asked
    assert not await _draft_kept(cbot, button)
    await cbot.settle()
    to_carol = everything_sent_to(cbot, "U-carol")
    assert "Alice would like a one-to-one" in to_carol
    assert "asked by direct message" in to_carol
    assert WORDS not in to_carol
    assert dm_users(cbot) == {"U-carol"}
    # Asking again does not make a second request.
    again = await cbot.press("alice", "checkin.ask", "dm", channel=None)
    assert reply_text(again) == checkins_wording.one_to_one_already_asked("Carol", False)
    await cbot.settle()
    assert len(cbot.adapter.sent_to_dm("carol")) == 1


async def test_a_one_to_one_with_no_facilitator_is_the_truth_and_nobody_is_sent_it(
        cbot: MemoryBot, clock: FakeClock) -> None:
    choices = await _offer(cbot)
    asked = reply_text(await _choose(cbot, choices[wording.N_("Ask for a one-to-one")]))
    assert asked.startswith(checkins_wording.one_to_one_waiting("", "").split("\n")[0])
    assert "will be in touch" not in asked
    (request,) = await cbot.app.storage.open_one_to_ones(cbot.group_id)
    assert request.facilitator_id == ""
    # Days pass: no reminder and no hand-over goes to an empty id.
    for _ in range(3):
        await sweep(cbot, clock, timedelta(days=3))
    assert "" not in dm_users(cbot) and cbot.adapter.sent == []
    # A facilitator appears (holding the role): the next sweep hands the request on.
    cbot.adapter.member("fran", "Facilitator")
    assert await sweep(cbot, clock, timedelta(hours=1)) == 1
    assert "Alice would like a one-to-one" in everything_sent_to(cbot, "U-fran")
    (request,) = await cbot.app.storage.open_one_to_ones(cbot.group_id)
    assert request.facilitator_id == "U-fran"
    assert all(s.destination.user for s in cbot.adapter.sent
               if s.destination.kind is DestinationKind.DM)


async def test_the_choices_follow_the_groups_feature_switches(cbot: MemoryBot) -> None:
    cbot.adapter.member("sam", admin=True)
    for feature in ("checkins", "feedback"):
        await cbot.run("sam", f"/setup disable={feature}")
    choices = await _offer(cbot)
    assert list(choices) == [wording.DM_CHOICE_TELL_LEADS, ("Nothing, thanks")]
    # A forged choice for a switched-off feature is refused kindly.
    tell = choices[wording.DM_CHOICE_TELL_LEADS]
    forged = await cbot.press("alice", DM_ACTION, "o:" + tell.value.split(":", 1)[1],
                              channel=None)
    assert reply_text(forged) == catalog.FEATURE_SWITCHED_OFF
    assert await cbot.app.storage.open_one_to_ones(cbot.group_id) == []


async def test_someone_elses_choice_acts_only_for_them_and_keeps_the_draft(
        cbot: MemoryBot) -> None:
    choices = await _offer(cbot)
    button = choices[wording.N_("Ask for a one-to-one")]
    await cbot.press("bob", button.action, button.value, channel=None)
    assert await _draft_kept(cbot, button)
    (request,) = await cbot.app.storage.open_one_to_ones(cbot.group_id)
    assert request.user_id == "U-bob"
