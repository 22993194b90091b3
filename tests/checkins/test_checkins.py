"""Check-ins through the memory adapter: opting in, the check-in by DM, a one-to-one
request reaching the facilitator privately, quiet hours, pause and resume, the one
gentle follow-up and the auto-pause, escalation, and closed DMs (never a public message)."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.clock import FakeClock
from bot.config import Config
from bot.errors import Forbidden
from bot.features.checkins import wording as checkins_wording
from bot.features.checkins.config import CheckinsConfig
from bot.features.checkins.feature import Checkins
from bot.features.checkins.store import RequestStatus
from bot.messages import Destination
from bot.messages import DestinationKind
from tests.checkins.conftest import MakeBot
from tests.checkins.helpers import buttons
from tests.checkins.helpers import channel_posts
from tests.checkins.helpers import press
from tests.checkins.helpers import sweep
from tests.scheduled import at

MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def _database_files(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in folder.iterdir() if p.name.startswith("coprod.db")]
WEEK = timedelta(days=7)
ANSWERS = ["Good", "Okay", "Not so good", "I'd like a one-to-one", "Add a private note"]


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
async def test_opt_in_check_in_not_so_good_offers_a_one_to_one_that_only_asking_starts(
        cbot: MemoryBot, clock: FakeClock, tmp_path: Path) -> None:
    shown = await cbot.run("alice", "/checkin")
    assert "Your check-ins are **off**" in reply_text(shown)
    assert [b.label for b in shown.messages[0].buttons] == ["Switch check-ins on"]
    on = await cbot.run("alice", "/checkin on")
    assert "Monday 5 January at 10:00 (Europe/London)" in reply_text(on)

    assert await at(cbot, clock, MONDAY_10) >= 1
    (checkin,) = cbot.adapter.sent_to_dm("alice")
    assert checkin.text.startswith("**How are things going for you in the group?**")
    assert [b.label for b in checkin.buttons] == ANSWERS

    # "Not so good" tells nobody: it offers the one-to-one, as a choice.
    answered = await press(cbot, "alice", checkin, "Not so good")
    text = reply_text(answered)
    assert "Nobody has been told" in text and "will be in touch with you" not in text
    assert CheckinsConfig().helpline in text and CheckinsConfig().peer_support in text
    assert [b.label for b in answered.messages[0].buttons] == [
        "I'd like a one-to-one", "Add a private note"]
    assert cbot.adapter.sent_to_dm("carol") == []
    assert await cbot.app.storage.open_one_to_ones(cbot.group_id) == []

    # A private note: kept, and still nobody is told.
    form = await press(cbot, "alice", answered.messages[0], "Add a private note")
    assert form.form is not None
    checkin_id = form.form.state
    noted = await cbot.submit("alice", "checkin.note", {"note": "I felt left out @everyone"},
                              state=checkin_id, channel=None)
    assert "goes with your request to one facilitator." in reply_text(noted)
    assert cbot.adapter.sent_to_dm("carol") == []

    # Asking is what reaches the facilitator, with the note the offer said would go.
    asked = await press(cbot, "alice", noted.messages[0], "I'd like a one-to-one")
    text = reply_text(asked)
    assert "Carol will be in touch with you privately within 3 days" in text
    assert "Your note has gone to them with your request." in text
    assert "go to one other facilitator instead. Nobody else sees them." in text
    (request,) = cbot.adapter.sent_to_dm("carol")
    assert "**Alice would like a one-to-one.**" in request.text
    assert "Their check-in answer: Not so good." in request.text
    assert "@\u200beveryone" in request.text and "@everyone" not in request.text
    assert list(buttons(request)) == ["Reply to Alice", "Mark arranged"]

    form = await press(cbot, "alice", answered.messages[0], "Add a private note")
    assert form.form is not None
    await cbot.submit("alice", "checkin.note", {"note": "And one more thing"},
                      state=checkin_id, channel=None)
    note = cbot.adapter.sent_to_dm("carol")[-1]
    assert "added a private note" in note.text and "one more thing" in note.text

    opened = await press(cbot, "carol", request, "Reply to Alice")
    assert opened.form is not None
    await cbot.submit("carol", "checkin.reply", {"message": "Shall we talk on Thursday?"},
                      state=opened.form.state, channel=None)
    assert "Shall we talk on Thursday?" in cbot.adapter.sent_to_dm("alice")[-1].text
    arranged = await press(cbot, "carol", request, "Mark arranged")
    assert "Marked arranged" in reply_text(arranged)
    (open_request,) = await cbot.app.storage.open_one_to_ones(cbot.group_id)
    assert open_request.status is RequestStatus.ARRANGED

    assert channel_posts(cbot) == []
    assert {s.destination.kind for s in cbot.adapter.sent} == {DestinationKind.DM}
    # The note is encrypted at rest.
    files = _database_files(tmp_path)
    assert files and all(b"left out" not in data for data in files)


async def test_someone_elses_check_in_or_request_cannot_be_touched(
        cbot: MemoryBot, clock: FakeClock) -> None:
    await cbot.run("alice", "/checkin on")
    await at(cbot, clock, MONDAY_10)
    (checkin,) = cbot.adapter.sent_to_dm("alice")
    refused = await press(cbot, "bob", checkin, "Good")
    assert reply_text(refused) == checkins_wording.CHECKIN_NOT_YOURS
    await press(cbot, "alice", checkin, "I'd like a one-to-one")
    (request,) = cbot.adapter.sent_to_dm("carol")
    assert reply_text(await press(cbot, "fran", request, "Mark arranged")) == \
        "Sorry, that one-to-one request is with another facilitator, or no longer open."
    good = await press(cbot, "alice", checkin, "Good")
    assert reply_text(good) == checkins_wording.CHECKIN_ALREADY_ANSWERED


async def test_settings_own_time_zone_and_quiet_hours(cbot: MemoryBot, clock: FakeClock,
                                                      ) -> None:
    await cbot.run("alice", "/checkin on")
    reply = await cbot.run("alice", "/checkin set day=tuesday time=07:00 "
                                    "timezone=America/New_York quiet=22:00-08:00")
    text = reply_text(reply)
    assert "Quiet hours: 22:00 to 08:00" in text
    assert "Tuesday 6 January at 08:00 (America/New_York)" in text
    sid = Checkins.schedule_id(cbot.group_id, "U-alice")
    assert cbot.app.scheduler.next_due(sid) == datetime(2026, 1, 6, 13, 0, tzinfo=UTC)
    bad = await cbot.run("alice", "/checkin set quiet=late")
    assert reply_text(bad) == checkins_wording.CHECKIN_BAD_QUIET
    bad = await cbot.run("alice", "/checkin set timezone=Mars/Olympus")
    assert "Nothing was changed" in reply_text(bad)
    await at(cbot, clock, datetime(2026, 1, 6, 13, 0, tzinfo=UTC))
    assert len(cbot.adapter.sent_to_dm("alice")) == 1


async def test_pause_until_a_date_and_resume(cbot: MemoryBot, clock: FakeClock) -> None:
    await cbot.run("alice", "/checkin on")
    sid = Checkins.schedule_id(cbot.group_id, "U-alice")
    paused = await cbot.run("alice", "/checkin pause until=2026-01-20")
    assert "paused until Tuesday 20 January 2026" in reply_text(paused)
    assert cbot.app.scheduler.next_due(sid) == MONDAY_10 + 3 * WEEK
    await at(cbot, clock, MONDAY_10 + WEEK + timedelta(hours=1))
    assert cbot.adapter.sent_to_dm("alice") == []
    shown = await cbot.run("alice", "/checkin")
    assert "Start again now" in buttons(shown.messages[0])
    assert "Paused until Tuesday 20 January 2026" in reply_text(shown)
    await cbot.press("alice", "checkin.resume", channel=None)
    assert cbot.app.scheduler.next_due(sid) == MONDAY_10 + 2 * WEEK
    await at(cbot, clock, MONDAY_10 + 2 * WEEK)
    assert len(cbot.adapter.sent_to_dm("alice")) == 1
    bad = await cbot.run("alice", "/checkin pause until=yesterday")
    assert reply_text(bad) == checkins_wording.CHECKIN_PAUSE_BAD_DATE
    off = await cbot.run("alice", "/checkin off")
    assert reply_text(off) == checkins_wording.CHECKIN_SWITCHED_OFF
    assert cbot.app.scheduler.next_due(sid) is None


async def test_one_gentle_follow_up_then_auto_pause_after_misses(cbot: MemoryBot,
                                                                 clock: FakeClock) -> None:
    await cbot.run("alice", "/checkin on")
    sid = Checkins.schedule_id(cbot.group_id, "U-alice")
    await at(cbot, clock, MONDAY_10)
    assert await sweep(cbot, clock, timedelta(hours=47)) == 0
    assert await sweep(cbot, clock, timedelta(hours=2)) == 1
    assert await sweep(cbot, clock, timedelta(hours=30)) == 0  # never a second one
    dms = [m.text for m in cbot.adapter.sent_to_dm("alice")]
    assert dms[-1] == ("Just a gentle reminder, and the only one: how are things going for you in "
                       "the group? It's completely fine not to answer.") and len(dms) == 2
    await at(cbot, clock, MONDAY_10 + WEEK)
    await at(cbot, clock, MONDAY_10 + 2 * WEEK)
    await at(cbot, clock, MONDAY_10 + 3 * WEEK)
    last = cbot.adapter.sent_to_dm("alice")[-1]
    assert last.text == checkins_wording.checkin_auto_paused(3)
    assert cbot.app.scheduler.next_due(sid) is None
    shown = await cbot.run("alice", "/checkin")
    assert "because the last few went unanswered" in reply_text(shown)
    count = len(cbot.adapter.sent_to_dm("alice"))
    await at(cbot, clock, MONDAY_10 + 4 * WEEK)
    assert len(cbot.adapter.sent_to_dm("alice")) == count
    # Opting back in is one step, and starts afresh.
    await cbot.run("alice", "/checkin on")
    prefs = await cbot.app.storage.checkin_prefs(cbot.group_id, "U-alice")
    assert prefs is not None and prefs.enabled and prefs.misses == 0


async def test_an_answer_resets_the_misses(cbot: MemoryBot, clock: FakeClock) -> None:
    await cbot.run("alice", "/checkin on")
    for week in range(2):
        await at(cbot, clock, MONDAY_10 + week * WEEK)
    await press(cbot, "alice", cbot.adapter.sent_to_dm("alice")[-1], "Good")
    for week in range(2, 5):
        await at(cbot, clock, MONDAY_10 + week * WEEK)
    assert all(m.text != checkins_wording.checkin_auto_paused(3)
               for m in cbot.adapter.sent_to_dm("alice"))


async def test_a_request_not_arranged_reminds_then_tells_another_facilitator(
        cbot: MemoryBot, clock: FakeClock) -> None:
    await cbot.run("fran", "/help")
    await cbot.run("alice", "/checkin on")
    await at(cbot, clock, MONDAY_10)
    await press(cbot, "alice", cbot.adapter.sent_to_dm("alice")[0], "I'd like a one-to-one")
    (first,) = cbot.adapter.sent_to_dm("carol")
    assert await sweep(cbot, clock, timedelta(days=2)) == 0
    assert await sweep(cbot, clock, timedelta(days=1, hours=1)) == 1
    reminder = cbot.adapter.sent_to_dm("carol")[-1]
    assert reminder.text.startswith("A gentle reminder: Alice asked for a one-to-one 3 days")
    assert cbot.adapter.sent_to_dm("fran") == []
    assert await sweep(cbot, clock, timedelta(days=3)) == 1
    (told,) = cbot.adapter.sent_to_dm("fran")
    assert "Alice asked for a one-to-one 6 days ago" in told.text
    assert reply_text(await press(cbot, "carol", first, "Mark arranged")) == \
        "Sorry, that one-to-one request is with another facilitator, or no longer open."
    assert "Marked arranged" in reply_text(await press(cbot, "fran", told, "Mark arranged"))
    assert await sweep(cbot, clock, timedelta(days=10)) == 0
    assert channel_posts(cbot) == []


async def test_closed_dms_tell_the_facilitator_and_the_member_privately(
        cbot: MemoryBot, clock: FakeClock) -> None:
    def closed(destination: Destination) -> Forbidden | None:
        if destination.kind is DestinationKind.DM and destination.user == "U-alice":
            return Forbidden("50007")
        return None

    cbot.adapter.fail_when = closed
    await cbot.run("alice", "/checkin on")
    await at(cbot, clock, MONDAY_10)
    (told,) = cbot.adapter.sent_to_dm("carol")
    assert told.text == checkins_wording.checkin_unreachable_for_facilitator("Alice")
    assert told.buttons == ()
    assert cbot.adapter.sent_to_dm("alice") == []
    reply = await cbot.run("alice", "/help")
    assert not reply.public
    assert reply.messages[-1].text == ("A note just for you: I couldn't send you your check-in, "
                                       "because your direct messages are closed to me. Your "
                                       "check-ins are paused. If you'd like them back, allow "
                                       "direct messages from this group's members and type "
                                       "/checkin on.")
    again = await cbot.run("alice", "/help")
    assert ("A note just for you: I couldn't send you your check-in, because your direct messages "
            "are closed to me. Your check-ins are paused. If you'd like them back, allow direct "
            "messages from this group's members and type /checkin on.") not in reply_text(again)
    # No more tries (and no more messages to the facilitator) until they switch back on.
    await at(cbot, clock, MONDAY_10 + WEEK)
    assert len(cbot.adapter.sent_to_dm("carol")) == 1
    shown = await cbot.run("alice", "/checkin")
    assert "couldn't send you a direct message" in reply_text(shown)
    # Once they open their DMs and switch back on, check-ins reach them again.
    cbot.adapter.fail_when = None
    await cbot.run("alice", "/checkin on")
    await at(cbot, clock, MONDAY_10 + 2 * WEEK)
    assert cbot.adapter.sent_to_dm("alice")[-1].text.startswith("**How are things going")
    assert channel_posts(cbot) == []


async def test_closed_dms_with_no_facilitator_known_stay_private(make_bot: MakeBot,
                                                                 clock: FakeClock) -> None:
    bot = await make_bot()
    bot.adapter.fail_when = lambda d: Forbidden("closed") if d.kind is DestinationKind.DM \
        else None
    await bot.run("alice", "/checkin on")
    await at(bot, clock, MONDAY_10)
    assert bot.adapter.sent == []
    tried = bot.adapter.attempts
    await at(bot, clock, MONDAY_10 + WEEK)  # not tried again while the last one failed
    assert bot.adapter.attempts == tried
    assert ("A note just for you: I couldn't send you your check-in, because your direct messages "
            "are closed to me. Your check-ins are paused. If you'd like them back, allow direct "
            "messages from this group's members and type /checkin "
            "on.") in reply_text(await bot.run("alice", "/checkin"))


async def test_facilitators_from_config_and_assignment(make_bot: MakeBot, clock: FakeClock,
                                                       ) -> None:
    config = Config().with_sections(CheckinsConfig(facilitators=("U-fran",),
                                                   assign={"U-alice": "U-fran"}))
    bot = await make_bot(config)
    await bot.run("alice", "/checkin on")
    await at(bot, clock, MONDAY_10)
    reply = await press(bot, "alice", bot.adapter.sent_to_dm("alice")[0],
                        "I'd like a one-to-one")
    assert "Fran will be in touch" in reply_text(reply)  # named by the platform
    assert len(bot.adapter.sent_to_dm("fran")) == 1
    refused = await bot.run("alice", "/checkin assign member=U-bob facilitator=U-carol")
    assert reply_text(refused) == catalog.not_allowed("checkin assign", ["admin"])
    # A facilitator cannot choose whose answers they see: choosing is for admins.
    refused = await bot.run("carol", "/checkin assign member=U-bob facilitator=U-carol")
    assert reply_text(refused) == catalog.not_allowed("checkin assign", ["admin"])
    bot.adapter.member("sam", admin=True)
    unknown = await bot.run("sam", "/checkin assign member=U-bob facilitator=U-gus")
    assert reply_text(unknown) == checkins_wording.checkin_assign_not_facilitator("U-gus")
    # Carol holds the facilitator role on the platform: she counts before she acts.
    done = await bot.run("sam", "/checkin assign member=U-bob facilitator=U-carol")
    assert reply_text(done) == checkins_wording.checkin_assigned("Carol")
    prefs = await bot.app.storage.checkin_prefs(bot.group_id, "U-bob")
    assert prefs is not None and prefs.facilitator_id == "U-carol" and not prefs.enabled
    assert [m.text for m in bot.adapter.sent_to_dm("bob")] == [
        checkins_wording.checkin_your_facilitator("Carol")]


async def test_check_ins_on_by_default_when_the_group_says_so(make_bot: MakeBot) -> None:
    bot = await make_bot(Config().with_sections(CheckinsConfig(default_on=True)))
    reply = await bot.run("alice", "/help")
    assert "check-ins are on unless you switch them off" in reply_text(reply)
    assert "check-ins are on unless" not in reply_text(await bot.run("alice", "/help"))
    prefs = await bot.app.storage.checkin_prefs(bot.group_id, "U-alice")
    assert prefs is not None and prefs.enabled
    assert (reply_text(await bot.run("alice", "/checkin off"))
            == checkins_wording.CHECKIN_SWITCHED_OFF)
