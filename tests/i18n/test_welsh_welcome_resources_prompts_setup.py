"""Welsh for the welcome, resources, prompts and /setup: each count takes its own Welsh
form, each person reads their own language (the newcomer theirs, the group's posts and
the note to facilitators or leads the group's), and the forms, buttons and command
descriptions fit the platforms' limits in every language."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.features.prompts import wording as prompt_words
from bot.features.prompts.feature import Prompts
from bot.features.resources import wording as resource_words
from bot.features.setup import wording as setup_words
from bot.features.welcome import wording as welcome_words
from bot.i18n import PSEUDO
from bot.i18n import speaking
from bot.i18n import tr
from bot.text import channel_ref
from scheduler import Firing
from tests.agreement.helpers import join
from tests.pseudo import pseudo_allowed

ADDED = {
    0: "Wedi ychwanegu. Does dim ysgogiadau ar y rhestr;",
    1: "Wedi ychwanegu. Mae un ysgogiad ar y rhestr;",
    2: "Wedi ychwanegu. Mae dau ysgogiad ar y rhestr;",
    3: "Wedi ychwanegu. Mae tri ysgogiad ar y rhestr;",
    6: "Wedi ychwanegu. Mae chwe ysgogiad ar y rhestr;",
    11: "Wedi ychwanegu. Mae 11 ysgogiad ar y rhestr;",
    100: "Wedi ychwanegu. Mae 100 ysgogiad ar y rhestr;",
}
USED = {
    0: "heb ei ddefnyddio eto",
    1: "wedi'i ddefnyddio unwaith",
    2: "wedi'i ddefnyddio ddwywaith",
    3: "wedi'i ddefnyddio deirgwaith",
    6: "wedi'i ddefnyddio chwe gwaith",
    11: "wedi'i ddefnyddio 11 gwaith",
    100: "wedi'i ddefnyddio 100 gwaith",
}


@pytest.mark.parametrize("n", sorted(ADDED))
def test_prompt_counts_take_their_own_welsh_form(n: int) -> None:
    weekly = f"mae un yn cael ei bostio bob wythnos yn y sianel {channel_ref('updates')}."
    with speaking("cy"):
        assert prompt_words.prompt_added(n, "weekly", "updates") == f"{ADDED[n]} {weekly}"
        assert prompt_words.prompt_line(2, "Beth?", n, False) == f"2. Beth? ({USED[n]})"


@pytest.mark.parametrize("n", sorted(ADDED))
def test_prompt_counts_keep_their_two_english_forms(n: int) -> None:
    with speaking("en"):
        added = prompt_words.prompt_added(n, "daily", "updates")
        assert added.startswith("Added. There is 1 prompt on the list;" if n == 1
                                else f"Added. There are {n} prompts on the list;")
        line = prompt_words.prompt_line(1, "What?", n, True)
        assert line == ("1. What? (not used yet) <- next" if n == 0 else
                        f"1. What? (used {n} time{'' if n == 1 else 's'}) <- next")


async def test_a_newcomer_is_welcomed_in_their_own_language(bot: MemoryBot) -> None:
    # Erin's app says Welsh; Fred's says nothing (English is every platform's default).
    bot.adapter.members["erin"] = replace(bot.adapter.member("erin"), locale="cy-GB")
    await join(bot, "erin")
    await join(bot, "fred")
    (welsh,) = bot.adapter.sent_to_dm("erin")
    (english,) = bot.adapter.sent_to_dm("fred")
    assert welsh.text.startswith("Croeso, Erin! Rydyn ni'n falch eich bod chi yma.")
    assert "Gallaf hefyd helpu gyda'r pethau hyn: nodiadau atgoffa am gyfarfodydd" in welsh.text
    assert "teipiwch /concern: mae'n mynd yn breifat i'r arweinwyr diogelu" in welsh.text
    with speaking("cy"):
        assert tr(welcome_words.WELCOME_DEFAULT) in welsh.text
    labels = [b.label for b in welsh.buttons]
    assert "Ie, holwch sut rydw i" in labels and "Ie, dewch o hyd i gyfaill i mi" in labels
    assert english.text.startswith("Welcome, Fred! We are glad you are here.")
    assert welcome_words.WELCOME_DEFAULT in english.text
    assert ("Yes, check in with me") in [b.label for b in english.buttons]
    # /welcome, for a member who chose Welsh, and an English one.
    await bot.run("dana", "/language cy")
    assert reply_text(await bot.run("dana", "/welcome")).startswith("Croeso, Dana!")
    assert reply_text(await bot.run("alice", "/welcome")).startswith("Welcome, Alice!")


async def test_the_note_to_facilitators_is_in_the_groups_language(
        dms_closed_bot: MemoryBot) -> None:
    bot = dms_closed_bot
    bot.adapter.members["erin"] = replace(bot.adapter.member("erin"), locale="cy-GB")
    await join(bot, "erin")
    (note,) = bot.adapter.sent_to_channel("facilitators")
    assert note.text == welcome_words.welcome_undelivered("Erin")  # the group's: English


async def test_the_welcome_edit_form_in_welsh_and_its_standard_words(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/language cy")
    form = (await bot.run("carol", "/welcome edit")).form
    assert form is not None
    assert (form.title, form.submit_label) == ("Croeso'r grŵp", "Cadw")
    with speaking("cy"):
        welsh_default = tr(welcome_words.WELCOME_DEFAULT)
    assert form.fields[0].default == welsh_default
    # Sending the standard words back, in Welsh, keeps the standard words for everyone.
    reset = await bot.submit("carol", "welcome.edit", {"text": welsh_default})
    assert reply_text(reset).startswith("Mae'r croeso yn ôl i eiriau arferol y bot.")
    assert welcome_words.WELCOME_DEFAULT in reply_text(await bot.run("alice", "/welcome"))


async def test_resources_answer_each_member_in_theirs(bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    added = await bot.run("dana", '/resource add title="Canllaw" link=https://example.org '
                                  'tags="tai, arian"')
    assert reply_text(added).startswith("Wedi ychwanegu “Canllaw” (id ")
    welsh = reply_text(await bot.run("dana", "/resource list"))
    assert welsh.startswith("**Adnoddau'r grŵp**\n- Canllaw: https://example.org "
                            "[tagiau: tai, arian] (id ")
    assert welsh.endswith(", ychwanegwyd gan Dana)")
    english = reply_text(await bot.run("alice", "/resource list"))
    assert english.startswith("**Shared resources**\n- Canllaw: https://example.org "
                              "[tags: tai, arian] (id ")
    refused = reply_text(await bot.run("dana", '/resource add title="X" link="not a link"'))
    assert refused.startswith("Dydw i ddim yn gallu defnyddio “not a link” fel cyfeiriad gwe.")
    form = (await bot.run("dana", "/resource add")).form
    assert form is not None and (form.title, form.submit_label) == ("Rhannu adnodd", "Ychwanegu")
    assert [f.label for f in form.fields] == ["Teitl", "Dolen", "Neu destun byr",
                                              "Tagiau (gydag atalnod rhyngddyn nhw)"]


async def _never(group_id: str, day: date) -> bool:
    return False


async def test_a_prompt_is_posted_in_the_groups_language(bot: MemoryBot) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/setup language=cy")
    await bot.run("carol", "/language en")
    added = reply_text(await bot.run("carol", '/prompt add text="Beth helpodd?"'))
    assert added.startswith("Added. There is 1 prompt on the list;")  # Carol's: English
    feature = bot.app.features["prompts"]
    owner = getattr(feature.commands[0].handler, "__self__", None)
    assert isinstance(owner, Prompts)
    owner.meeting_days = _never
    await owner.post(bot.group_id, Firing(f"prompts:{bot.group_id}",
                                          datetime(2026, 3, 4, 10, tzinfo=UTC)))
    await bot.settle()
    (post,) = bot.adapter.sent_to_channel("updates")
    assert post.text == ("**Rhywbeth i feddwl amdano**\nBeth helpodd?\n"
                         "Rhannwch eich syniadau yma os hoffech chi.")


async def test_setup_speaks_welsh_and_tells_the_leads_in_the_groups_language(
        bot: MemoryBot) -> None:
    bot.adapter.member("sam", admin=True)
    await bot.run("dana", "/language cy")
    bot.adapter.member("dana", "Facilitator")
    shown = reply_text(await bot.run("dana", "/setup"))
    assert shown.startswith("Gosodiadau'r grŵp hwn (newidiwch un gyda /setup key=value):")
    refused = reply_text(await bot.run("dana", "/setup reset=timezon"))
    assert refused.startswith("Does dim gosodiad o'r enw “timezon”. Oeddech chi'n golygu "
                              "“timezone”? Y gosodiadau yw: timezone, ")
    # Sam (reading the group's English, with no language of his own) makes the group
    # Welsh and changes the leads: the leads' note follows the group's new language, and
    # so does Sam's own answer, since the group's language is his.
    saved = reply_text(await bot.run("sam", '/setup language=cy lead_roles="DSL"'))
    assert saved.startswith("Wedi'i gadw: language, lead_roles."), saved
    told = bot.adapter.sent_to_channel("safeguarding-leads")[-1].text
    assert told.startswith("I'r arweinwyr diogelu: mae Sam newydd ddefnyddio /setup i wneud "
                           "hyn: newid pwy yw'r arweinwyr (lead_roles).")
    with speaking("en"):
        assert setup_words.setup_safeguarding_changed("Sam", ["lead_roles", "concerns"],
                                                      False).startswith(
            "For the safeguarding leads: Sam has just used /setup to change who the leads "
            "are (lead_roles) and switch concerns off.")


@pytest.mark.parametrize("language", ["en", "cy", PSEUDO])
async def test_platform_limits_hold(bot: MemoryBot, language: str) -> None:
    """Buttons fit Slack's 75 characters in every language, the pseudo-language's 40%
    more included; in English and Welsh, form titles fit Slack's 24, form labels
    Discord's 45 and descriptions Discord's 100 (where the English fits: the adapters cut
    what does not, with "…")."""
    with pseudo_allowed(), speaking(language):
        for button in (welcome_words.N_("Yes, check in with me"),
                       welcome_words.N_("Yes, find me a buddy")):
            assert len(tr(button)) <= 75, tr(button)
        if language == PSEUDO:
            return
        for title in (welcome_words.N_("The group's welcome"), welcome_words.N_("Save"),
                      resource_words.N_("Share a resource"),
                      resource_words.N_("Add")):
            assert len(tr(title)) <= 24, tr(title)
        for label in (welcome_words.N_("What the group is for, in your own "
                                       "words"), resource_words.RESOURCE_FIELD_TITLE,
                      resource_words.RESOURCE_FIELD_LINK, resource_words.RESOURCE_FIELD_TEXT,
                      resource_words.RESOURCE_FIELD_TAGS):
            assert len(tr(label)) <= 45, tr(label)
        for name in ("welcome", "resources", "prompts", "setup"):
            for spec in bot.app.features[name].commands:
                texts = [(spec.name, spec.description),
                         *((o.name, o.description) for o in spec.options)]
                for what, text in texts:
                    # /setup's description and its enable= option are over the limit
                    # in English already: their Welsh is no longer than the English.
                    limit = max(100, len(str.__str__(text)))
                    assert len(tr(text)) <= limit, (spec.name, what, tr(text))
