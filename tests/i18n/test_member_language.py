"""Each member reads the bot in their own language: `/language` shows and sets it
privately, the group's language (`/setup language=...`) is the default and the language
of channel posts, the platform's locale is the starting choice, and an English member
of the same group still reads English."""

from __future__ import annotations

from dataclasses import replace

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.features.help import wording as help_wording
from bot.features.language import wording
from bot.features.polls import wording as polls
from bot.i18n import speaking
from bot.i18n import tr

POLL = '/poll question="Pa ddiwrnod?" options="Llun|Mawrth" closes=2d'


async def test_language_alone_says_which_and_how_to_change_it(bot: MemoryBot) -> None:
    reply = await bot.run("dana", "/language")
    assert reply_text(reply) == wording.language_now("English", "group",
                                                     ["English", "Cymraeg"])
    assert not reply.public


async def test_a_member_chooses_welsh_privately_and_is_answered_in_welsh(
        bot: MemoryBot) -> None:
    chosen = await bot.run("dana", "/language Cymraeg")
    assert not chosen.public
    assert reply_text(chosen).startswith("Wedi'i wneud. O hyn ymlaen bydda i'n ysgrifennu")
    helped = reply_text(await bot.run("dana", "/help"))
    with speaking("cy"):
        assert helped.startswith(tr(help_wording.N_(
            "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
            "command's name to learn more about it.")))
        assert tr(polls.POLL_HELP) in helped
    assert reply_text(await bot.run("alice", "/help")).startswith(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.")
    shown = reply_text(await bot.run("dana", "/language"))
    assert shown.startswith("Rydw i'n ysgrifennu atoch chi yn yr iaith hon: Cymraeg.")
    back = reply_text(await bot.run("dana", "/language English"))
    assert back == wording.language_saved("English")


async def test_group_choice_returns_to_the_group_language(bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    reply = await bot.run("dana", '/language "The group\'s language"')
    assert reply_text(reply) == wording.language_reset("English")
    assert reply_text(await bot.run("dana", "/help")).startswith(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.")


async def test_an_unknown_language_is_refused_kindly(bot: MemoryBot) -> None:
    reply = reply_text(await bot.run("dana", "/language Klingon"))
    assert reply == wording.language_unknown("Klingon", ["English", "Cymraeg"])


async def test_the_group_language_is_the_default_and_a_member_may_differ(
        bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    bot.adapter.member("alice", "Facilitator")
    saved = reply_text(await bot.run("carol", "/setup language=Cymraeg"))
    # Said in the new language: carol has no language of her own, so she reads the group's.
    assert saved.startswith("Wedi'i gadw: language."), saved
    await bot.run("alice", "/language English")
    # ... and a member who chose English reads "Saved" in English when the group changes.
    assert reply_text(await bot.run("alice", "/setup language=en")).startswith(
        "Saved: language.")
    saved = reply_text(await bot.run("alice", "/setup language=cy"))
    assert saved.startswith("Saved: language."), saved
    assert reply_text(await bot.run("dana", "/help")).startswith(
        "Dyma beth allwch chi ei wneud.")
    assert reply_text(await bot.run("alice", "/help")).startswith(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.")
    shown = reply_text(await bot.run("carol", "/setup"))
    assert "- language: cy \\(Cymraeg\\) (wedi'i osod yn y sgwrs)." in shown


async def test_the_platform_locale_is_the_starting_choice(bot: MemoryBot) -> None:
    bot.adapter.members["erin"] = replace(bot.adapter.member("erin"), locale="cy-GB")
    bot.adapter.members["fred"] = replace(bot.adapter.member("fred"), locale="en-US")
    assert reply_text(await bot.run("erin", "/help")).startswith(
        "Dyma beth allwch chi ei wneud.")
    assert reply_text(await bot.run("erin", "/language")).splitlines()[0].endswith(
        "Dyma'r iaith mae eich ap yn ei defnyddio.")
    # English is every platform's default, so it does not hide the group's language.
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/setup language=cy")
    assert reply_text(await bot.run("fred", "/help")).startswith(
        "Dyma beth allwch chi ei wneud.")
    # A member's own choice wins over their platform's.
    await bot.run("erin", "/language en")
    assert reply_text(await bot.run("erin", "/help")).startswith(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.")


async def test_a_poll_posts_in_the_group_language_and_answers_each_voter_in_theirs(
        bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    made = reply_text(await bot.run("dana", POLL))
    assert made.startswith("Bydd eich pôl yn cael ei bostio yn #updates mewn munud.")
    post = bot.adapter.sent_to_channel("updates")[-1]
    assert post.text.startswith("**Poll:** Pa ddiwrnod?")  # the group's: English
    poll_id = post.buttons[0].value.split(":")[0]
    welsh = reply_text(await bot.press("dana", "poll.vote", f"{poll_id}:0"))
    english = reply_text(await bot.press("alice", "poll.vote", f"{poll_id}:1"))
    assert welsh.startswith("Mae eich pleidlais wedi'i chyfrif: Llun.")
    assert english.startswith("Your vote is counted: Mawrth.")


async def test_the_new_poll_form_is_in_each_members_language(bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    welsh = (await bot.run("dana", "/poll")).form
    english = (await bot.run("alice", "/poll")).form
    assert welsh is not None and english is not None
    assert (welsh.title, welsh.submit_label) == ("Pôl newydd", "Dechrau")
    assert [f.label for f in welsh.fields][:2] == ["Cwestiwn",
                                                   "Dewisiadau: 2 i 10, un ar bob llinell"]
    assert (english.title, english.submit_label) == ("New poll", "Start")
    assert english.fields[0].label == "Question"
    refused = await bot.submit("dana", "poll.create", {"question": "", "options": "Un",
                                                       "closes": "", "anonymous": "",
                                                       "multiple": ""})
    assert refused.field_errors["question"] == "Llenwch “Cwestiwn”, os gwelwch yn dda."
    refused = await bot.submit("dana", "poll.create", {"question": "Pryd?", "options": "Un",
                                                       "closes": "", "anonymous": "",
                                                       "multiple": ""})
    assert refused.field_errors["options"].startswith("Mae angen o leiaf 2 ddewis ar bôl")


async def test_a_member_who_is_erased_reads_the_group_language_again(
        bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    user = bot.adapter.member("dana").user_id
    exported = await bot.app.storage.member_records(user, bot.group_id)
    assert [r["language"] for r in exported["language"]] == ["cy"]
    await bot.app.storage.erase_member(user, bot.group_id, "test", bot.app.clock.now())
    bot.app.languages._cache.clear()
    assert reply_text(await bot.run("dana", "/help")).startswith(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.")
