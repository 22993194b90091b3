"""Safeguarding concerns in each reader's language: the member raising one is told in
theirs who sees it and what happens next; each lead gets the concern, its escalations
and who took it in their own; the leads' private channel reads in the group's; Welsh
plurals, dates and the platforms' length limits hold."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.intake import FIELDS
from bot.features.concerns.routing import ACK_ACTION
from bot.i18n import speaking
from bot.i18n import tr
from storage.interface import Storage
from tests.concerns.helpers import DEPUTY
from tests.concerns.helpers import LEADS_CHANNEL
from tests.concerns.helpers import config
from tests.concerns.helpers import make_bot
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import settle_fully
from tests.scheduled import at

SECRET = "Bob pushed me on the stairs"


def ref_in(text: str) -> str:
    """The case reference in a confirmation, in any language."""
    found = re.search(r"\*\*(C-[A-Z0-9]{6})\*\*", text)
    assert found, text
    return found[1]


def dms(bot: MemoryBot, who: str) -> list[str]:
    return [m.text for m in bot.adapter.sent_to_dm(who)]


async def test_a_welsh_reporter_is_told_in_welsh_and_each_lead_reads_their_own(
        cbot: MemoryBot) -> None:
    await cbot.run("alice", "/language cy")
    await cbot.run("dev", "/language cy")
    reply = reply_text(await raise_concern(cbot, what=SECRET, contact="yes"))
    ref = ref_in(reply)
    with speaking("cy"):
        assert reply.startswith(f"Diolch. Mae eich pryder wedi'i gadw fel achos **{ref}**.")
        assert "Pwy fydd yn ei weld: arweinwyr diogelu'r grŵp, drwy neges uniongyrchol ac " \
            "yn sianel breifat yr arweinwyr." in reply
        assert "Beth sy'n digwydd nesaf: bydd arweinydd yn ei gymryd, fel arfer o fewn 30 " \
            "munud." in reply
        assert "Allwn ni ddim addo ei gadw'n gyfrinach." in reply
    assert "Who will see it" not in reply
    await settle_fully(cbot)
    (to_dev,) = cbot.adapter.sent_to_dm("dev")
    assert to_dev.text.startswith(f"**Pryder diogelu {ref}** (codwyd: ")
    assert SECRET in to_dev.text and [b.label for b in to_dev.buttons] == ["Cydnabod"]
    (to_erin,) = cbot.adapter.sent_to_dm("erin")
    assert to_erin.text.startswith(f"**Safeguarding concern {ref}** (raised ")
    assert [b.label for b in to_erin.buttons] == ["Acknowledge"]
    (post,) = cbot.adapter.sent_to_channel(LEADS_CHANNEL)  # the group's language: English
    assert post.text.startswith(f"**Safeguarding concern {ref}**")
    # Erin takes it: Dev is told in Welsh, the channel in English, Alice in Welsh.
    taken = await cbot.press("erin", ACK_ACTION, ref, channel=None)
    assert reply_text(taken) == wording.concern_you_took(ref)
    await settle_fully(cbot)
    assert any(t.startswith(f"Cafodd achos {ref} ei gydnabod gan Erin am ")
               for t in dms(cbot, "dev"))
    assert any(m.text.startswith(f"Case {ref} was acknowledged by Erin at ")
               for m in cbot.adapter.sent_to_channel(LEADS_CHANNEL))
    (told,) = dms(cbot, "alice")
    assert told == ("Mae arweinydd diogelu wedi cymryd eich pryder (achos "
                    f"{ref}). Efallai y byddan nhw'n cysylltu â chi. Diolch am ei godi.")


async def test_in_a_welsh_group_the_channel_is_welsh_and_an_english_lead_reads_english(
        cbot: MemoryBot) -> None:
    cbot.adapter.member("carol", "Facilitator")
    await cbot.run("carol", "/setup language=cy")
    await cbot.run("erin", "/language en")
    reply = reply_text(await raise_concern(cbot, what=SECRET))
    ref = ref_in(reply)
    assert reply.startswith("Diolch.")  # alice chose nothing: the group's language
    await settle_fully(cbot)
    (post,) = cbot.adapter.sent_to_channel(LEADS_CHANNEL)
    assert post.text.startswith(f"**Pryder diogelu {ref}**")
    assert post.text.endswith("Pwyswch Cydnabod i gymryd yr achos hwn. Defnyddiwch /case "
                              "show i'w ddarllen wedyn.")
    assert dms(cbot, "dev")[0].startswith(f"**Pryder diogelu {ref}**")
    assert dms(cbot, "erin")[0].startswith(f"**Safeguarding concern {ref}**")


async def _start(bot: MemoryBot) -> None:
    feature = bot.app.features["concerns"]
    assert feature.start is not None
    await feature.start()


async def test_an_escalation_reaches_each_lead_in_their_own_language(
        cbot: MemoryBot, clock: FakeClock) -> None:
    await _start(cbot)
    await cbot.run("dev", "/language cy")
    start = clock.now()
    ref = ref_in(reply_text(await raise_concern(cbot, what=SECRET)))
    await settle_fully(cbot)
    assert await at(cbot, clock, start + timedelta(minutes=30)) == 1
    (welsh,) = [t for t in dms(cbot, "dev") if t.startswith("**Heb ei gydnabod eto:**")]
    assert welsh.startswith(f"**Heb ei gydnabod eto:** codwyd achos {ref} 30 munud yn ôl")
    assert f"**Pryder diogelu {ref}**" in welsh and SECRET in welsh
    for english_reader in ("erin", "fiona"):
        (text,) = [t for t in dms(cbot, english_reader) if "Not yet acknowledged" in t]
        assert text.startswith(f"**Not yet acknowledged:** case {ref} was raised 30 minutes")
    assert DEPUTY == "U-fiona"


async def test_danger_first_in_welsh_and_an_operators_own_emergency_text_as_written(
        storage: Storage, clock: FakeClock) -> None:
    bot = await make_bot(storage, clock)
    try:
        await bot.run("alice", "/language cy")
        first = reply_text(await raise_concern(bot, danger="yes")).splitlines()
        assert first[0] == ("**Os oes unrhyw un mewn perygl uniongyrchol, ffoniwch 999 nawr "
                            "(neu 112). Peidiwch ag aros am ateb gan y bot na chan "
                            "arweinydd.**")
        assert first[2:5] == ["Llinellau cymorth:",
                              "- Samaritans: 116 123 (am ddim, unrhyw bryd)",
                              "- Llinell gymorth NSPCC (os ydych chi'n poeni am blentyn): "
                              "0808 800 5000"]
    finally:
        await bot.close()
    own = config(emergency_text="Ring Sam on 07700 900123.", helplines=["Local line: 123"])
    bot = await make_bot(storage, clock, own)
    try:
        await bot.run("alice", "/language cy")
        first = reply_text(await raise_concern(bot, danger="yes")).splitlines()
        assert first[:5] == ["**Ring Sam on 07700 900123.**", "", "Llinellau cymorth:",
                             "- Local line: 123", "Diolch. Mae eich pryder wedi'i gadw fel "
                             f"achos **{ref_in(first[4])}**."]
    finally:
        await bot.close()


async def test_case_list_and_show_in_welsh_for_a_welsh_lead(cbot: MemoryBot,
                                                            clock: FakeClock) -> None:
    clock.advance(datetime(2026, 12, 8, 9, 0, tzinfo=UTC) - clock.now())
    await cbot.run("dev", "/language cy")
    ref = ref_in(reply_text(await raise_concern(cbot, what=SECRET, danger="yes")))
    listed = reply_text(await cbot.run("dev", "/case list"))
    assert listed.splitlines() == [
        "**Achosion agored (1)**",
        f"- {ref}: codwyd: 08 Rhag 2026 09:00; 0 munud o'r targed atgyfeirio o 24 awr; "
        "yn aros am arweinydd - perygl wedi'i nodi"]
    await cbot.run("dev", f'/case note case={ref} kind=fact text="Ffoniais hi."')
    shown = reply_text(await cbot.run("dev", f"/case show case={ref}"))
    assert "Pwyswch Cydnabod" not in shown
    assert "Statws: yn aros am arweinydd; 0 munud o'r targed atgyfeirio o 24 awr." in shown
    assert "Wedi'i gydnabod gan: neb eto. Wedi'i neilltuo i: neb. Uwchgyfeiriadau: 0." \
        in shown
    assert "- [FFAITH] Ffoniais hi. (gan Dev, 08 Rhag 2026 09:00)" in shown
    audit = reply_text(await cbot.run("dev", f"/case audit case={ref}")).splitlines()
    assert audit[0] == f"**Cofnod archwilio achos {ref}**"
    assert audit[1] == "- 08 Rhag 2026 09:00: y sawl a'i cododd: codi'r pryder (ffurflen)"
    assert "- 08 Rhag 2026 09:00: Dev: ychwanegu nodyn (ffaith)" in audit
    # English is as it always was, for an English lead of the same group.
    english = reply_text(await cbot.run("erin", f"/case audit case={ref}")).splitlines()
    assert english[1] == "- 08 Dec 2026 09:00: the reporter raised (form)"


WELSH_CLOSED = {
    0: "Does dim arweinydd wedi cau negeseuon uniongyrchol i'r bot.",
    1: "Mae un arweinydd wedi cau negeseuon uniongyrchol i'r bot.",
    2: "Mae dau arweinydd wedi cau negeseuon uniongyrchol i'r bot.",
    3: "Mae tri arweinydd wedi cau negeseuon uniongyrchol i'r bot.",
    6: "Mae chwe arweinydd wedi cau negeseuon uniongyrchol i'r bot.",
    11: "Mae 11 o arweinwyr wedi cau negeseuon uniongyrchol i'r bot.",
    100: "Mae 100 o arweinwyr wedi cau negeseuon uniongyrchol i'r bot.",
}


def _closed(n: int) -> str:
    """The sentence /setup uses for leads whose direct messages are closed."""
    return wording.ngettext("{n} lead has closed their direct messages to the bot.",
                            "{n} leads have closed their direct messages to the bot.",
                            n).format(n=n)


@pytest.mark.parametrize("n", sorted(WELSH_CLOSED))
def test_each_count_of_closed_dms_takes_its_welsh_form(n: int) -> None:
    with speaking("cy"):
        assert _closed(n) == WELSH_CLOSED[n]
        if n:
            assert wording.setup_leads_reachable(0, "", n).split(". ", 1)[1].startswith(
                WELSH_CLOSED[n])
    with speaking("en"):
        assert _closed(n) == ("1 lead has closed their direct messages to the bot." if n == 1
                              else f"{n} leads have closed their direct messages to the bot.")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_concern_form_and_buttons_fit_the_platforms(language: str) -> None:
    """What does not fit is cut by the adapters (with "…"); what fits reads better."""
    with speaking(language):
        # Slack's modal title: 24 (the English, 28, has always been cut there).
        title = wording.N_("Raise a safeguarding concern")
        assert len(tr(title)) <= (28 if language == "en" else 24)
        for field in FIELDS:
            assert len(tr(field.label)) <= 45, field.label  # Discord's modal label
            assert len(tr(field.placeholder)) <= 100, field.placeholder
        for label in (wording.DM_CHOICE_TELL_LEADS, wording.N_("Ask for a one-to-one"),
                      wording.DM_CHOICE_FEEDBACK, wording.N_("Check-in settings"),
                      wording.N_("Nothing, thanks"), wording.N_("Acknowledge")):
            assert len(tr(label)) <= 75, label  # Slack's buttons (Discord: 80)
        for text in (wording.CONCERN_HELP,
                     wording.N_("Leads only: the open cases, their age and status."),
                     wording.N_("Leads only: read a case and its notes."),
                     wording.N_("Leads only: add a factual note (a fact or an opinion, kept "
                                "apart)."),
                     wording.N_("Leads only: give a case to another lead."),
                     wording.N_("Leads only: close a case; say what the outcome was."),
                     wording.N_("Leads only: who viewed or did what on a case, and when."),
                     wording.CONCERN_DELETE_HELP,
                     wording.N_("Leads only: make sure the bot sends you new concerns."),
                     wording.N_("Leads only: who the bot sends new concerns to."),
                     wording.N_("Leads only: stop sending new concerns to someone."),
                     wording.N_("the case reference, like C-ABC234"),
                     wording.N_("fact (what was seen, said or done) or opinion"),
                     wording.N_("the note"),
                     wording.N_("the lead to give it to"),
                     wording.N_("what happened in the end"),
                     wording.N_("the reference again, to be sure"),
                     wording.CASE_OPTION_REASON,
                     wording.N_("the lead to stop sending concerns to")):
            assert len(tr(text)) <= 100, text  # Discord's descriptions


def test_the_default_emergency_words_are_the_configs_defaults() -> None:
    section = ConcernsConfig()
    assert section.emergency_text == wording.DEFAULT_EMERGENCY
    assert section.helplines == wording.DEFAULT_HELPLINES
    with speaking("cy"):
        assert wording.emergency_text(section.emergency_text).startswith("Os oes unrhyw un")
        assert wording.emergency_text("Ring Sam.") == "Ring Sam."


async def test_acknowledged_in_the_channel_the_post_stays_in_the_groups_language(
        cbot: MemoryBot) -> None:
    await cbot.run("dev", "/language cy")
    ref = ref_in(reply_text(await raise_concern(cbot, what=SECRET)))
    await settle_fully(cbot)
    in_channel = await cbot.press("dev", ACK_ACTION, ref, channel=LEADS_CHANNEL)
    assert in_channel.update is not None
    assert in_channel.update.text.startswith(f"Case {ref} was acknowledged by Dev at ")
    assert reply_text(in_channel).startswith(f"Rydych chi wedi cymryd achos {ref}.")
    ref = ref_in(reply_text(await raise_concern(cbot, what=SECRET)))
    in_dm = await cbot.press("dev", ACK_ACTION, ref, channel=None)
    assert in_dm.update is not None
    assert in_dm.update.text.startswith(f"Cafodd achos {ref} ei gydnabod gan Dev am ")
