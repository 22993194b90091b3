"""Meetings in Welsh: each plural in its own Welsh form, dates written by Babel in the
reader's language, Welsh date phrases read in the schedule form, and reminders that go
to each member in their own language while the channel reads the group's."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.features.meetings import wording
from bot.features.meetings.texts import when_text
from bot.features.meetings.when import describe_offset
from bot.features.meetings.when import describe_rule
from bot.i18n import speaking

LONDON = ZoneInfo("Europe/London")
COUNTS = (0, 1, 2, 3, 6, 11, 100)

DAYS = {0: "", 1: "1 diwrnod", 2: "2 ddiwrnod", 3: "3 diwrnod", 6: "6 diwrnod",
        11: "11 diwrnod", 100: "100 diwrnod"}
MINUTES = {0: "", 1: "1 munud", 2: "2 funud", 3: "3 munud", 6: "6 munud", 11: "11 munud",
           100: "1 awr 40 munud"}
ACTIONS = {0: "heb gamau gweithredu.",
           1: "gydag 1 cam gweithredu, sy'n cael ei ddilyn nawr.",
           2: "gyda 2 gam gweithredu, sy'n cael eu dilyn nawr.",
           3: "gyda 3 cham gweithredu, sy'n cael eu dilyn nawr.",
           6: "gyda 6 cham gweithredu, sy'n cael eu dilyn nawr.",
           11: "gyda 11 cam gweithredu, sy'n cael eu dilyn nawr.",
           100: "gyda 100 cam gweithredu, sy'n cael eu dilyn nawr."}
FILES = {0: "gyda 0 cyfarfod", 1: "gydag 1 cyfarfod", 2: "gyda 2 gyfarfod",
         3: "gyda 3 chyfarfod", 6: "gyda 6 chyfarfod", 11: "gyda 11 cyfarfod",
         100: "gyda 100 cyfarfod"}


@pytest.mark.parametrize("n", COUNTS)
def test_each_count_takes_its_own_welsh_form(n: int) -> None:
    with speaking("cy"):
        assert wording.offset_words(0, n, 0, 0) == DAYS[n]
        assert describe_offset(n) == MINUTES[n]
        assert wording.minutes_saved("#updates", n).endswith(ACTIONS[n])
        assert wording.calendar_description(n) == f"Ffeil calendr (.ics) {FILES[n]}"
        file_text = wording.calendar_file(n)
        assert file_text.startswith("Dyma ffeil calendr gyda")
        assert (str(n) in file_text) == (n != 1)


@pytest.mark.parametrize("n", COUNTS)
def test_english_keeps_its_two_forms(n: int) -> None:
    with speaking("en"):
        assert wording.offset_words(0, n, 0, 0) == (
            "" if n == 0 else f"{n} day" if n == 1 else f"{n} days")
        assert wording.calendar_description(n) == (
            f"A calendar file (.ics) with {n} meeting{'' if n == 1 else 's'}")
        assert wording.minutes_saved("#updates", n).endswith(
            "no action items." if n == 0 else
            f"{n} action item{'' if n == 1 else 's'}, now tracked.")


def test_welsh_dates_and_repeats() -> None:
    moment = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    start = moment.astimezone(LONDON)
    with speaking("cy"):
        assert when_text(moment, LONDON) == (
            "Dydd Mawrth 1 Rhagfyr 2026 am 18:00 (amser Europe/London, GMT)")
        assert describe_rule("FREQ=WEEKLY", start) == "bob wythnos: Dydd Mawrth"
        assert describe_rule("FREQ=MONTHLY;BYDAY=+1TU", start) == (
            "bob mis: Dydd Mawrth, y cyntaf yn y mis")
        assert describe_rule("", start) == "unwaith (dim yn ailadrodd)"
    with speaking("en"):
        assert when_text(moment, LONDON) == (
            "Tuesday 1 December 2026 at 18:00 (Europe/London time, GMT)")
        assert describe_rule("FREQ=MONTHLY;BYDAY=+1TU", start) == (
            "every month on the first Tuesday")


async def test_a_welsh_and_an_english_member_each_get_their_own_reminder(
        bot: MemoryBot, clock: FakeClock) -> None:
    """Dana chose Welsh; Alice did not. Dana's form, check and DM reminder are Welsh, and
    she may type the time in Welsh; Alice's DM reminder and the channel's are English
    (the group's language). A press on the channel's reminder keeps it in English."""
    await bot.run("dana", "/language cy")
    opened = await bot.run("dana", "/meeting schedule reminders=\"2 hours\"")
    assert opened.form is not None
    assert opened.form.title == "Trefnu cyfarfod"
    assert [f.label for f in opened.form.fields][:3] == ["Teitl", "Pryd", "Ailadrodd"]
    checked = await bot.submit("dana", opened.form.form_id, {
        "title": "Cyfarfod y grŵp", "when": "dydd Mawrth nesaf 6pm", "repeat": "",
        "where": "", "agenda": ""}, state=opened.form.state)
    (check,) = checked.messages
    assert check.text.startswith("Gwiriwch hyn cyn i mi ei gadw:")
    assert "- Pryd: Dydd Mawrth 6 Ionawr 2026 am 18:00 (amser Europe/London, GMT)" in (
        check.text)
    assert ": 2 awr cyn y cyfarfod\nPwyswch Cadw'r cyfarfod" in check.text
    save = next(b for b in check.buttons if b.label == "Cadw'r cyfarfod")
    saved = await bot.press("dana", save.action, save.value)
    assert saved.update is not None and saved.update.text.startswith("Wedi'i gadw:")
    await bot.run("dana", "/meeting remindme meeting=1")
    await bot.run("alice", "/meeting remindme meeting=1")

    clock.advance(timedelta(days=1, hours=7))  # Tuesday 6 January, 16:00
    await bot.app.scheduler.run_due()
    await bot.settle()
    welsh = bot.adapter.sent_to_dm("dana")[-1]
    english = bot.adapter.sent_to_dm("alice")[-1]
    assert welsh.text.startswith("Nodyn atgoffa: **Cyfarfod y grŵp**, Dydd Mawrth 6 "
                                 "Ionawr 2026 am 18:00")
    assert [b.label for b in welsh.buttons] == [
        "Yn dod", "Efallai", "Methu dod", "Atgoffa fi mewn neges hefyd"]
    assert english.text.startswith("Reminder: **Cyfarfod y grŵp** is on Tuesday 6 January")
    assert [b.label for b in english.buttons][:3] == ["Going", "Maybe", "Can't make it"]
    (post,) = [m for m in bot.adapter.sent_to_channel("updates")
               if m.text.startswith("Reminder")]
    going = post.buttons[0]
    pressed = await bot.press("dana", going.action, going.value, channel="updates")
    assert pressed.update is not None
    assert pressed.update.text.startswith("Reminder: **Cyfarfod y grŵp** is on Tuesday")
    assert "1 going, 0 maybe, 0 can't make it." in pressed.update.text
    assert pressed.messages[0].text.startswith("Diolch. Eich ateb: Yn dod.")
    assert reply_text(await bot.run("alice", "/meeting list")).startswith(
        "Meetings coming up")
