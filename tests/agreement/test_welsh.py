"""The agreement in Welsh: each count takes its Welsh form, each member reads the
agreement in their own language, the vote post and its result are in the group's
language whoever proposed or voted, and the forms fit each platform's limits."""

from __future__ import annotations

import pytest

from adapters.discord import limits as discord
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from adapters.slack import blocks as slack
from bot.clock import FakeClock
from bot.features.agreement import wording
from bot.i18n import speaking
from bot.i18n import tr
from tests.agreement.helpers import close_all
from tests.agreement.helpers import propose
from tests.agreement.helpers import start_agreement
from tests.agreement.helpers import vote

COUNTS = (0, 1, 2, 3, 6, 11, 100)
# "pwynt" mutates after two (bwynt), three and six (phwynt); "pleidlais" is feminine:
# soft after one and two (bleidlais), aspirate after six (phleidlais).
POINTS = {0: "pwynt", 1: "pwynt", 2: "bwynt", 3: "phwynt", 6: "phwynt", 11: "pwynt",
          100: "pwynt"}
VOTES = {0: "pleidlais", 1: "bleidlais", 2: "bleidlais", 3: "pleidlais", 6: "phleidlais",
         11: "pleidlais", 100: "pleidlais"}


@pytest.mark.parametrize("n", COUNTS)
def test_each_count_takes_its_welsh_form(n: int) -> None:
    with speaking("cy"):
        assert wording.agreement_started(n) == (
            f"Mae gan y grŵp gytundeb nawr gyda {n} {POINTS[n]}. Teipiwch /agreement i'w "
            "ddarllen.")
        assert wording.amendment_rule(n, "majority").startswith(
            f"Mae angen o leiaf {n} {VOTES[n]}, a mwy o bleidleisiau “ie” nag “na”")
        few = wording.amendment_too_few_votes(n, 3)
        assert few == ("Ni fwriwyd yr un bleidlais, ac mae angen o leiaf 3 ar newid." if n == 0
                       else f"Dim ond {n} {VOTES[n]} a fwriwyd, ac mae angen o leiaf 3 ar "
                            "newid.")


@pytest.mark.parametrize("n", COUNTS)
def test_english_keeps_its_two_forms(n: int) -> None:
    with speaking("en"):
        assert wording.agreement_started(n) == (
            f"The group now has an agreement with {n} point{'' if n == 1 else 's'}. Type "
            "/agreement to read it.")
        assert wording.amendment_too_few_votes(n, 3) == (
            f"Only {n} {'vote was' if n == 1 else 'votes were'} cast, and a change needs at "
            "least 3.")


async def test_each_member_reads_the_agreement_in_their_own_language(bot: MemoryBot) -> None:
    await bot.run("dana", "/language cy")
    assert reply_text(await bot.run("dana", "/agreement")) == (
        "Does gan y grŵp ddim cytundeb eto. Gall hwylusydd ysgrifennu'r fersiwn gyntaf gyda "
        "/agreement start.")
    assert reply_text(await bot.run("alice", "/agreement")) == wording.AGREEMENT_NONE
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/language cy")
    form = (await bot.run("carol", "/agreement start")).form
    assert form is not None
    assert (form.title, form.submit_label) == ("Cytundeb y grŵp", "Cadw")
    assert form.fields[0].default.startswith("Rydyn ni'n trin ein gilydd yn gyfartal")
    saved = await bot.run("carol", '/agreement start points="Rydyn ni\'n gwrando."')
    assert reply_text(saved) == "Wedi'i gadw fel fersiwn 1, a'i gyhoeddi yn y sianel #updates."
    welsh = await bot.run("dana", "/agreement")
    assert welsh.messages[0].text.startswith("**Cytundeb ein grŵp** (fersiwn 1, cytunwyd ")
    assert [b.label for b in welsh.messages[0].buttons] == ["Rydw i wedi'i ddarllen"]
    english = await bot.run("alice", "/agreement")
    assert english.messages[0].text.startswith("**Our group agreement** (version 1, agreed ")
    assert [b.label for b in english.messages[0].buttons] == ["I have read it"]
    history = reply_text(await bot.run("dana", "/agreement history"))
    assert history.startswith("**Sut mae ein cytundeb wedi newid**\nFersiwn 1 (")
    assert "): Y fersiwn gyntaf." in history
    assert "): The first version." in reply_text(await bot.run("alice", "/agreement history"))


async def test_the_vote_and_its_result_are_posted_in_the_groups_language(
        bot: MemoryBot, clock: FakeClock) -> None:
    bot.adapter.member("carol", "Facilitator")
    await bot.run("carol", "/setup language=cy")
    await bot.run("carol", "/language en")
    await bot.run("alice", "/language en")
    await start_agreement(bot)
    assert bot.adapter.sent_to_channel("updates")[-1].text == (
        "Mae gan y grŵp gytundeb nawr gyda 3 phwynt. Teipiwch /agreement i'w ddarllen.")
    amendment = await propose(bot, 'change=add text="Te am dri" reason="Mae pawb yn hoffi te"')
    post = bot.adapter.sent_to_channel("updates")[-1]
    assert post.text.startswith("**Newid arfaethedig i'n cytundeb**\nYchwanegu pwynt 4: "
                                "“Te am dri”.\nPam: Mae pawb yn hoffi te\nPleidleisiwch yn "
                                "ddienw gyda'r botymau tan ")
    with speaking("cy"):
        assert tr(wording.VOTE_SECRECY_LIMIT) in post.text
    assert [b.label for b in post.buttons] == ["Ie, gwneud y newid", "Na, ei gadw fel y mae"]
    assert (await vote(bot, "dana", amendment, yes=True)).startswith(
        "Mae eich pleidlais wedi'i chyfrif: Ie, gwneud y newid. All neb weld sut y "
        "pleidleisioch chi.")
    assert (await vote(bot, "alice", amendment, yes=True)).startswith(
        "Your vote is counted: Yes, change it. Nobody can see how you voted.")
    await vote(bot, "bob", amendment, yes=False)
    await close_all(bot, clock)
    result = bot.adapter.sent_to_channel("updates")[-1]
    assert result.text == (
        "**Cytunodd y grŵp ar newid i'n cytundeb** (2 ie, 1 na). Pleidleisiodd mwy o bobl "
        "“ie” nag “na”.\nYchwanegu pwynt 4: “Te am dri”.\nMae fersiwn 2 mewn grym nawr. "
        "Teipiwch /agreement i'w darllen.")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_forms_fit_each_platform(language: str) -> None:
    with speaking(language):
        for title in (wording.N_("The group agreement"), wording.N_("Propose a change"),
                      wording.N_("Save"), wording.N_("Propose")):
            assert len(tr(title)) <= slack.MODAL_TITLE, title
        for button in (wording.N_("I have read it"), wording.AMENDMENT_YES_BUTTON,
                       wording.AMENDMENT_NO_BUTTON, wording.N_("Add a point"),
                       wording.N_("Change a point"), wording.N_("Remove a point")):
            assert len(tr(button)) <= slack.BUTTON_TEXT, button
        for option in (wording.N_("a version to show in full"),
                       wording.N_("the points, separated by \\n"),
                       wording.N_("add, change or remove"),
                       wording.N_("the point's number (to change or remove)"),
                       wording.N_("the new wording (to add or change)"),
                       wording.N_("why"),
                       wording.N_("when voting closes: 3d, 12h or 2026-12-01 17:00 (default: the "
                                  "configured days)")):
            assert len(tr(option)) <= discord.DESCRIPTION, option


def test_the_welsh_form_labels_fit_a_discord_modal() -> None:
    """Two English labels are longer than Discord's 45 and are cut there; Welsh fits."""
    with speaking("cy"):
        for label in (wording.AGREEMENT_FIELD_POINTS, wording.AGREEMENT_FIELD_CHANGE,
                      wording.N_("Which point (its number, to change or remove)"),
                      wording.AGREEMENT_FIELD_TEXT, wording.AGREEMENT_FIELD_REASON,
                      wording.N_("When voting closes (empty: the usual number of days)")):
            assert len(tr(label)) <= discord.MODAL_LABEL, label
