"""The welcome: a short private DM on joining (or /welcome), in the group's own words,
with the agreement, concerns and leads, what else the bot helps with; nothing public when
DMs are closed, only a private note to the facilitators."""

from __future__ import annotations

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.context import Context
from bot.features import Feature
from bot.features import FeatureFactory
from bot.features.agreement.package import AGREEMENT_SHOW_BUTTON
from bot.features.package import FeaturePackage
from bot.features.registry import PACKAGES
from bot.features.welcome import wording as welcome_words
from bot.messages import DestinationKind
from bot.messages import Reply
from storage.interface import Storage
from tests.agreement.helpers import join
from tests.agreement.helpers import start_agreement


async def test_join_sends_a_private_welcome(bot: MemoryBot) -> None:
    await start_agreement(bot)
    before = len(bot.adapter.sent)
    await join(bot, "dana")
    new = bot.adapter.sent[before:]
    assert [s.destination.kind for s in new] == [DestinationKind.DM]
    (welcome,) = bot.adapter.sent_to_dm("dana")
    text = welcome.text
    assert text.startswith("Welcome, Dana!")
    assert welcome_words.WELCOME_DEFAULT in text
    assert "agreement" in text and "version 1" in text
    assert "I can also help with" in text and welcome_words.WELCOME_CAN_FEEDBACK in text
    assert "/concern" in text and "“Safeguarding lead”" in text
    assert "a check-in now and then, or a buddy? Press a button below" in text
    assert [b.label for b in welcome.buttons] == [
        AGREEMENT_SHOW_BUTTON, "Yes, check in with me",
        "Yes, find me a buddy"]
    shown = await bot.press("dana", welcome.buttons[0].action, welcome.buttons[0].value,
                            channel=None)
    assert "1. We listen to each other" in reply_text(shown)


async def test_dms_closed_tells_facilitators_privately_and_nothing_public(
        dms_closed_bot: MemoryBot) -> None:
    bot = dms_closed_bot
    await join(bot, "dana")
    assert bot.adapter.sent_to_dm("dana") == []
    assert [s.destination.channel for s in bot.adapter.sent] == ["facilitators"]
    (note,) = bot.adapter.sent_to_channel("facilitators")
    assert note.text == welcome_words.welcome_undelivered("Dana")
    assert welcome_words.WELCOME_DEFAULT not in note.text


async def test_welcome_command_answers_privately(bot: MemoryBot) -> None:
    reply = await bot.run("erin", "/welcome")
    assert not reply.public
    assert reply_text(reply).startswith("Welcome, Erin!")
    assert bot.adapter.sent == []  # nothing posted anywhere


async def test_facilitators_edit_the_welcome_text(bot: MemoryBot) -> None:
    refused = await bot.run("alice", "/welcome edit")
    assert reply_text(refused) == catalog.not_allowed("welcome edit", ["facilitator", "admin"])
    bot.adapter.member("carol", "Facilitator")
    opened = await bot.run("carol", "/welcome edit")
    assert opened.form is not None
    assert opened.form.fields[0].default == welcome_words.WELCOME_DEFAULT
    saved = await bot.submit("carol", "welcome.edit",
                             {"text": "We shape the Riverside mental health service. @everyone"})
    assert reply_text(saved) == welcome_words.WELCOME_SAVED
    text = reply_text(await bot.run("erin", "/welcome"))
    assert "We shape the Riverside mental health service." in text
    assert "@everyone" not in text  # relayed text is neutralised
    assert welcome_words.WELCOME_DEFAULT not in text
    reset = await bot.submit("carol", "welcome.edit", {"text": ""})
    assert reply_text(reset) == ("The welcome is back to the bot's standard words. Type /welcome "
                                 "to check.")
    assert welcome_words.WELCOME_DEFAULT in reply_text(await bot.run("erin", "/welcome"))


async def test_opt_in_buttons_appear_only_when_those_features_register_them(
        storage: Storage, clock: FakeClock) -> None:
    async def noop(ctx: Context) -> Reply:
        return Reply.text("ok")

    def optins(app: App) -> Feature:
        return Feature("optins-probe", actions={"checkin.on": noop, "buddy.join": noop})

    # Only the features this test needs: others being built may register these actions.
    base: list[FeaturePackage | FeatureFactory] = [
        p for p in PACKAGES if p.name in ("help", "setup", "welcome", "agreement")]
    without = App(Config(), storage, clock=clock, features=base)
    bot = MemoryBot(without)
    try:
        labels = [b.label for m in (await bot.run("erin", "/welcome")).messages
                  for b in m.buttons]
        assert "Yes, check in with me" not in labels
    finally:
        await bot.close()
    with_optins = App(Config(), storage, clock=clock, features=[*base, optins])
    bot = MemoryBot(with_optins)
    try:
        (message,) = (await bot.run("erin", "/welcome")).messages
        assert "Would you like a check-in now and then, or a buddy?" in message.text
        assert [(b.label, b.action) for b in message.buttons] == [
            ("Yes, check in with me", "checkin.on"),
            ("Yes, find me a buddy", "buddy.join")]
    finally:
        await bot.close()


async def test_switched_off_features_are_not_offered(bot: MemoryBot) -> None:
    bot.adapter.member("sam", admin=True)
    saved = await bot.run("sam", "/setup disable=feedback,polls,checkins,buddies,concerns,"
                                 "resources,prompts")
    assert "Saved" in reply_text(saved), reply_text(saved)
    text = reply_text(await bot.run("erin", "/welcome"))
    assert "meeting reminders" in text
    assert welcome_words.WELCOME_CAN_FEEDBACK not in text and "/concern" not in text
    assert "Would you like" not in text  # no check-ins or buddies to offer


async def test_the_welcome_is_a_few_short_lines(bot: MemoryBot) -> None:
    """Read on a phone: five short paragraphs at most, the rest one command away."""
    await start_agreement(bot)
    (message,) = (await bot.run("erin", "/welcome")).messages
    paragraphs = message.text.split("\n\n")
    assert len(paragraphs) <= 5, message.text
    assert all("\n" not in p for p in paragraphs)  # no lists
    assert len(message.text) <= 1000, len(message.text)
    assert "/help" in paragraphs[-1]
