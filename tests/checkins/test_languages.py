"""Check-ins and buddies in each reader's language: a check-in is a direct message, so
it reaches a Welsh member in Welsh and an English member of the same group in English;
what goes to a facilitator is in the facilitator's language, whoever asked; a buddy
introduction goes to two or three people at once, so it is written in each of their
languages. Welsh plurals take Welsh's six forms."""

from __future__ import annotations

import random
from datetime import UTC
from datetime import datetime

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.features.buddies import wording as buddies
from bot.features.buddies.feature import ROUND_SCHEDULE
from bot.features.buddies.feature import Buddies
from bot.features.checkins import moments
from bot.features.checkins import wording as checkins
from bot.features.checkins.chart import answers_chart_png
from bot.i18n import speaking
from bot.i18n import tr
from bot.messages import DestinationKind
from scheduler import Firing
from tests.checkins.helpers import press
from tests.pseudo import pseudo_allowed
from tests.scheduled import at

MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
WELSH_ANSWERS = ["Da", "Iawn", "Ddim cystal", "Hoffwn i gael sgwrs un-i-un",
                 "Ychwanegu nodyn preifat"]


async def test_each_member_gets_their_check_in_in_their_own_language(
        cbot: MemoryBot, clock: FakeClock) -> None:
    await cbot.run("dana", "/language cy")
    welsh_on = reply_text(await cbot.run("dana", "/checkin on"))
    assert welsh_on.startswith("Mae eich gwiriadau ymlaen.")
    assert "Dydd Llun 5 Ionawr am 10:00 (Europe/London)" in welsh_on
    english_on = reply_text(await cbot.run("alice", "/checkin on"))
    assert "Monday 5 January at 10:00 (Europe/London)" in english_on

    settings = reply_text(await cbot.run("dana", "/checkin"))
    assert "- Pa mor aml: bob wythnos; y diwrnod: Dydd Llun; yr amser: 10:00" in settings

    await at(cbot, clock, MONDAY_10)
    (welsh,) = cbot.adapter.sent_to_dm("dana")
    (english,) = cbot.adapter.sent_to_dm("alice")
    assert welsh.text.startswith("**Sut mae pethau'n mynd i chi yn y grŵp?**")
    assert [b.label for b in welsh.buttons] == WELSH_ANSWERS
    assert english.text.startswith("**How are things going for you in the group?**")
    assert english.buttons[0].label == "Good"

    # Dana (Welsh) asks for a one-to-one; Carol, the facilitator, reads English.
    asked = reply_text(await press(cbot, "dana", welsh, "Hoffwn i gael sgwrs un-i-un"))
    assert asked.startswith("Diolch am ddweud wrtha i. Bydd Carol yn cysylltu â chi'n "
                            "breifat o fewn tri diwrnod")
    with speaking("cy"):
        assert tr(checkins.CHECKIN_DEFAULT_HELPLINE) in asked  # the default, in Welsh
    _carol_got_request(cbot, "**Dana would like a one-to-one.**",
                       "Their check-in answer: I'd like a one-to-one.",
                       ["Reply to Dana", "Mark arranged"])


def _carol_got_request(cbot: MemoryBot, title: str, answer: str, buttons: list[str]) -> None:
    """Carol, the facilitator, got one request for a one-to-one, in these words."""
    (request,) = cbot.adapter.sent_to_dm("carol")
    assert request.text.startswith(title)
    assert answer in request.text
    assert [b.label for b in request.buttons] == buttons


async def test_a_welsh_facilitator_gets_an_english_members_request_in_welsh(
        cbot: MemoryBot, clock: FakeClock) -> None:
    await cbot.run("carol", "/language Cymraeg")
    await cbot.run("alice", "/checkin on")
    await at(cbot, clock, MONDAY_10)
    (checkin,) = cbot.adapter.sent_to_dm("alice")
    asked = reply_text(await press(cbot, "alice", checkin, "I'd like a one-to-one"))
    assert asked.startswith("Thank you for telling me. Carol will be in touch")
    _carol_got_request(cbot, "**Hoffai Alice gael sgwrs un-i-un.**",
                       "Ateb eu gwiriad: Hoffwn i gael sgwrs un-i-un.",
                       ["Ateb Alice", "Nodi ei bod wedi'i threfnu"])


async def test_a_buddy_introduction_is_in_each_of_the_pairs_languages(
        cbot: MemoryBot, clock: FakeClock) -> None:
    await cbot.run("dana", "/language cy")
    joined = reply_text(await cbot.run("dana", "/buddy join"))
    assert joined.startswith("Rydych chi i mewn. Bob pythefnos (y diwrnod: Dydd Llun)")
    await cbot.run("alice", "/buddy join")
    feature: Buddies = cbot.app.features["buddies"].commands[0].handler.__self__  # type: ignore[attr-defined]
    await feature.run_round(cbot.group_id, Firing(ROUND_SCHEDULE, clock.now()),
                            random.Random(1))
    await cbot.settle()
    (intro,) = [s.message for s in cbot.adapter.sent
                if s.destination.kind is DestinationKind.GROUP_DM]
    english, welsh = intro.text.split("\n\n")
    assert english.startswith("**Meet your buddies: ")
    assert welsh.startswith("**Dewch i gwrdd â'ch cyfeillion: ")
    assert "am y pythefnos nesaf" in welsh
    with speaking("cy"):
        assert any(f"*{tr(q)}*" in welsh for q in buddies.BUDDY_FIRST_QUESTIONS)
    assert any(f"*{q}*" in english for q in buddies.BUDDY_FIRST_QUESTIONS)


def test_a_pair_sharing_a_language_gets_it_once() -> None:
    text = buddies.buddy_intro_in(["cy", "cy"], ["Dana", "Erin"], buddies.BUDDY_FIRST_QUESTIONS[0],
                                  2)
    assert text.count("Dewch i gwrdd") == 1 and "Meet" not in text
    assert "Dana ac Erin" in text


AVOIDED = {0: "Does neb ar eich rhestr osgoi breifat.",
           1: "Mae un person ar eich rhestr osgoi breifat.",
           2: "Mae dau berson ar eich rhestr osgoi breifat.",
           3: "Mae tri pherson ar eich rhestr osgoi breifat.",
           6: "Mae chwe pherson ar eich rhestr osgoi breifat.",
           11: "Mae 11 o bobl ar eich rhestr osgoi breifat.",
           100: "Mae 100 o bobl ar eich rhestr osgoi breifat."}
WITHIN = {0: "o fewn 0 diwrnod", 1: "o fewn diwrnod", 2: "o fewn deuddydd",
          3: "o fewn tri diwrnod", 6: "o fewn chwe diwrnod", 11: "o fewn 11 diwrnod",
          100: "o fewn 100 diwrnod"}
MOVED = {0: "does dim cais agored i'w symud", 1: "mae un cais agored wedi symud",
         2: "mae 2 gais agored wedi symud", 3: "mae 3 chais agored wedi symud",
         6: "mae 6 chais agored wedi symud", 11: "mae 11 cais agored wedi symud",
         100: "mae 100 cais agored wedi symud"}


@pytest.mark.parametrize("n", sorted(AVOIDED))
def test_each_count_takes_its_own_welsh_form(n: int) -> None:
    with speaking("cy"):
        # Nothing is said of an empty list, so 0 takes no form there.
        assert (AVOIDED[n] in buddies.buddy_status(True, [], n)) == bool(n)
        assert WITHIN[n] in checkins.checkin_request_made("Carol", n, "", "", False)
        assert MOVED[n] in checkins.checkin_facilitator_removed("Carol", 1, n)
        assert tr(buddies.buddy_join_help(n)).startswith("Ymuno â pharu cyfeillion")
    with speaking("en"):
        assert checkins.checkin_facilitator_removed("Carol", 1, n).count(
            "open request " if n == 1 else "open requests ") == 1


def test_dates_and_days_in_welsh() -> None:
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    moment = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)
    with speaking("cy"):
        assert moments.next_when(moment, london) == "Dydd Mawrth 8 Rhagfyr am 18:00 (Europe/London)"
        assert moments.day(moment, london) == "Dydd Mawrth 8 Rhagfyr 2026"
        assert moments.weekday(4) == "Dydd Gwener"
    with speaking("en"):
        assert moments.next_when(moment, london) == "Tuesday 8 December at 18:00 (Europe/London)"
        assert moments.short_day(moment, london) == "Tue 08 Dec"


@pytest.mark.parametrize("language", ["en", "cy", "qps"])
def test_words_fit_the_platforms(language: str) -> None:
    """Form titles (Slack: 24), labels (Discord: 45), buttons (75 and 80) and command
    descriptions (Discord: 100) fit as they are."""
    with pseudo_allowed(), speaking(language):
        assert len(tr(checkins.CHECKIN_NOTE_TITLE)) <= 24
        for label in (checkins.N_("How are things going?"), checkins.CHECKIN_NOTE_FIELD,
                      checkins.CHECKIN_REPLY_FIELD):
            assert len(tr(label)) <= 45, tr(label)
        for button in (checkins.CHECKIN_NOTE_BUTTON, checkins.N_("Switch check-ins on"),
                       checkins.N_("Switch check-ins off"), checkins.N_("Start again now"),
                       checkins.N_("Mark arranged"),
                       checkins.N_("Mark done"), checkins.CHECKIN_SEND,
                       *checkins.CHECKIN_ANSWER_WORDS.values()):
            assert len(tr(button)) <= 75, tr(button)
        for option in (checkins.N_("weekly, fortnightly or monthly"),
                       checkins.N_("which day of the week"),
                       checkins.N_("quiet hours, like 22:00-08:00, or none"),
                       checkins.N_("the day to start again, like 2026-12-31 or next Monday"),
                       checkins.N_("their facilitator, or none to clear"),
                       checkins.N_("how many days back (whole weeks are shown)"),
                       buddies.N_("who not to be paired with"),
                       buddies.N_("yes to take them off your list")):
            assert len(tr(option)) <= 100, tr(option)
        assert len(checkins.one_to_one_reply_title("A" * 60)) <= 45


def test_the_chart_draws_welsh_words() -> None:
    with speaking("cy"):
        spread = [(checkins.checkin_answer_words(a), 2) for a in checkins.CHECKIN_ANSWER_WORDS]
        png = answers_chart_png(checkins.checkin_summary_chart_title(4), spread,
                                tr(checkins.N_("check-ins")))
        assert checkins.checkin_summary_alt(4, spread) == (
            "Siart bar o atebion gwiriadau yn y 4 wythnos lawn ddiwethaf: Da 2, Iawn 2, "
            "Ddim cystal 2, Hoffwn i gael sgwrs un-i-un 2.")
    assert png.startswith(b"\x89PNG")


async def test_a_welsh_member_pauses_with_a_welsh_date(cbot: MemoryBot) -> None:
    await cbot.run("dana", "/language cy")
    await cbot.run("dana", "/checkin on")
    paused = reply_text(await cbot.run("dana", '/checkin pause until="dydd Llun nesaf"'))
    assert paused.startswith("Mae saib yn eich gwiriadau tan: Dydd Llun "), paused
    bad = reply_text(await cbot.run("dana", "/checkin set time=25:00"))
    assert bad == 'Rhaid i\'r amser fod yn adeg o\'r dydd fel "10:00" (cloc 24 awr). Does ' \
                  'dim byd wedi newid.'
