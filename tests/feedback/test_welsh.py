"""Feedback in Welsh: each count takes its Welsh form, the promises members read are
in their own language, digests and "you said, we did" posts are in the group's language
whoever triggered them, and the form's words fit each platform's limits."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from adapters.discord import limits as discord
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from adapters.slack import blocks as slack
from bot.clock import FakeClock
from bot.features.feedback import wording
from bot.features.feedback.config import FeedbackConfig
from bot.features.feedback.feature import ANSWER_FIELDS
from bot.features.feedback.feature import send_fields
from bot.i18n import speaking
from bot.i18n import tr
from tests.feedback.helpers import send
from tests.feedback.helpers import start
from tests.scheduled import at

MONDAY_5PM = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
DAY = timedelta(days=1)
COUNTS = (0, 1, 2, 3, 6, 11, 100)

# What Welsh writes after each count: "2 ddarn" (soft mutation after two), the rest
# "darn"; "2 ddiwrnod" likewise.
PIECES = {n: "ddarn" if n == 2 else "darn" for n in COUNTS}
DAYS = {n: "ddiwrnod" if n == 2 else "diwrnod" for n in COUNTS}


@pytest.mark.parametrize("n", COUNTS)
def test_each_count_takes_its_welsh_form(n: int) -> None:
    with speaking("cy"):
        header = wording.feedback_digest_header(n, True)
        whose = "a'i hysgrifennodd" if n == 1 else "a'u hysgrifennodd"
        assert header == (f"Adborth dienw i'r grŵp: {n} neges, mewn trefn ar hap. All neb, "
                          "nid yr hwyluswyr na phwy bynnag sy'n rhedeg y bot, weld pwy "
                          f"{whose}.")
        assert f"nes bod o leiaf {n} {PIECES[n]} wedi dod i mewn." in wording.feedback_sent(
            True, n, 12, ["17:00"])
        assert f"Rydych chi wedi anfon {n} {PIECES[n]} o adborth heddiw" in \
            wording.feedback_daily_limit(n)
        assert f"fwy na {n} {DAYS[n]} i ddigon" in wording.feedback_digest_item(
            1, 5, "abc", "", "> x", n)
        assert f"o leiaf {n} awr i'w wirio" in wording.feedback_list_empty(n)


@pytest.mark.parametrize("n", COUNTS)
def test_english_keeps_its_two_forms(n: int) -> None:
    with speaking("en"):
        header = wording.feedback_digest_header(n, False)
        assert f": {n} {'message' if n == 1 else 'messages'}, in random order." in header
        hours = wording.feedback_list_empty(n)
        assert f"at least {n} {'hour' if n == 1 else 'hours'} to check" in hours


def test_the_anonymity_promises_read_the_same_in_english() -> None:
    """The English the promises quote (docs/promises.md) is unchanged by the catalogs."""
    assert wording.FEEDBACK_SENT == (
        "Sent anonymously. The bot never stores who wrote it, so the bot cannot tell anyone "
        "it was you: not the facilitators, and not the people who run it. Your own words may "
        "still give you away. Nobody sees it today. From tomorrow, the facilitators can read "
        "it and check it. They may hide it if it names someone. Feedback for the group waits "
        "until at least 5 pieces are in. At least 12 hours after the check starts, it is "
        "shared with the whole group in the next digest (at 17:00), mixed with other "
        "feedback.")


async def test_a_welsh_and_an_english_member_each_read_their_own(bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    welsh = await bot.run("dana", "/feedback")
    assert welsh.form is not None and welsh.form.title == "Adborth dienw"
    assert [f.label for f in welsh.form.fields] == ["Eich adborth", "Pwnc", "I bwy mae e?"]
    assert [c.label for c in welsh.form.fields[1].choices] == [
        "cyfarfodydd", "sut mae'r grŵp yn gweithio", "rhywbeth arall"]
    assert [c.value for c in welsh.form.fields[1].choices] == [
        "meetings", "how the group works", "something else"]
    english = await bot.run("alice", "/feedback")
    assert english.form is not None and english.form.title == "Anonymous feedback"
    dana = reply_text(await send(bot, "dana", "Mae'r ystafell yn rhy swnllyd."))
    assert dana.startswith("Wedi'i anfon yn ddienw. Dydy'r bot byth yn cadw pwy a'i "
                           "hysgrifennodd")
    assert "Fydd" not in dana and "Sent" not in dana
    assert reply_text(await send(bot, "alice", "The room was too loud.")) == \
        wording.FEEDBACK_SENT
    help_text = reply_text(await bot.run("dana", "/help feedback"))
    assert "Anfonwch adborth dienw" in help_text and "O leiaf 12 awr" in help_text
    assert wording.feedback_help(5, 1) in reply_text(await bot.run("alice", "/help feedback"))


async def test_digest_and_answer_post_are_in_the_groups_language(
        bot: MemoryBot, clock: FakeClock) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/setup language=cy")
    await bot.run("carol", "/language en")  # the facilitator reads English herself
    await start(bot)
    for i in range(5):
        await send(bot, f"m{i}", f"point {i}", topic="meetings")
    await at(bot, clock, MONDAY_5PM + DAY)
    await at(bot, clock, MONDAY_5PM + 2 * DAY)
    posts = bot.adapter.sent_to_channel("feedback")
    assert len(posts) == 5
    assert posts[0].text.startswith("Adborth dienw i'r grŵp: 5 neges, mewn trefn ar hap.")
    assert "Adborth 1 o 5, pwnc: cyfarfodydd (cyf. " in posts[0].text
    assert [b.label for b in posts[0].buttons] == ["Dywedoch, gwnaethom"]
    listed = reply_text(await bot.run("carol", "/feedback list"))
    assert listed.startswith("Feedback (only you can see this).")
    assert "for the group, about meetings: shared" in listed
    ref = posts[0].buttons[0].value
    opened = await bot.press("carol", "feedback.answer", ref, channel="feedback")
    assert opened.form is not None and opened.form.title == "You said, we did"
    done = await bot.submit("carol", "feedback.answer", {"answer": "Fe wnaethon ni."},
                            state=ref)
    assert reply_text(done).startswith("Thank you. Your answer will be posted in")
    post = bot.adapter.sent_to_channel("feedback")[-1].text
    assert post.startswith("**Dywedoch, gwnaethom**\nDywedoch chi:\n")
    assert post.endswith("\nFe wnaethon ni:\nFe wnaethon ni.")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_forms_fit_each_platform(language: str) -> None:
    with speaking(language):
        for title in (wording.FEEDBACK_FORM_TITLE, wording.N_("You said, we did"),
                      wording.N_("Post")):
            assert len(tr(title)) <= slack.MODAL_TITLE, title
        assert len(tr(wording.N_("You said, we did"))) <= slack.BUTTON_TEXT
        for field in (*send_fields(FeedbackConfig()), *ANSWER_FIELDS):
            assert len(tr(field.label)) <= discord.MODAL_LABEL, field.label
            assert len(tr(field.placeholder)) <= discord.MODAL_PLACEHOLDER, field.placeholder
            for choice in field.choices:
                assert len(tr(choice.label)) <= slack.BUTTON_TEXT, choice.label
        for option in (wording.N_("the feedback's ref, from /feedback list or the digest"),
                       wording.N_("why it is hidden")):
            assert len(tr(option)) <= discord.DESCRIPTION, option
