"""The daily retention sweep: with the injectable clock, it deletes exactly what is older
than each period (and nothing still needed), once per day across processes, and logs
counts only."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.config import ConfigError
from bot.config import load_config
from bot.events import Invocation
from bot.features import Feature
from bot.features.checkins.store import Answer
from bot.features.checkins.store import Checkin
from bot.features.checkins.store import CheckinPrefs
from bot.features.checkins.store import OneToOne
from bot.features.checkins.store import RequestStatus
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.store import CaseStatus
from bot.features.concerns.store import ConcernDraft
from bot.features.concerns.store import NewConcern
from bot.features.feedback.store import Audience
from bot.features.feedback.store import FeedbackStatus
from bot.features.feedback.store import NewFeedback
from bot.features.meetings.store import MeetingDraft
from bot.features.meetings.store import NewAction
from bot.features.meetings.store import NewMinutes
from bot.features.retention.config import RetentionConfig
from bot.features.retention.package import PACKAGE
from bot.features.retention.package import SCHEDULE
from bot.features.retention.package import Retention
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import NewDelivery
from bot.retention_cutoffs import RetentionDeclaredTwice
from bot.startup import explain
from scheduler import Firing
from storage.interface import Storage
from storage.interface import StorageError
from tests.privacy.conftest import start_features

# Storage behaviour: checked on SQLite and PostgreSQL alike.
pytestmark = pytest.mark.backends

G = "group-1"
SWEEP = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # a midnight UTC: when the sweep runs
PERIODS = RetentionConfig(checkin_answers_days=30, feedback_days=60, minutes_days=90,
                          closed_cases_days=10)
TICK = timedelta(microseconds=1)


def days_before(days: int) -> datetime:
    """The cutoff for a period: exactly `days` before the sweep."""
    return SWEEP - timedelta(days=days)


async def _checkin(storage: Storage, cid: str, sent: datetime) -> None:
    prefs = CheckinPrefs(G, "U-alice", "Alice", enabled=True)
    done = await storage.send_checkin(f"c-{cid}", "test", prefs,
                                      Checkin(cid, G, "U-alice", sent, f"checkin:{cid}"), [],
                                      sent)
    assert done


async def _request(storage: Storage, rid: str, made: datetime, done: bool) -> None:
    await _checkin(storage, f"for-{rid}", made)
    request = OneToOne(rid, G, "U-alice", "Alice", "U-carol", Answer.NOT_SO_GOOD, "note",
                       RequestStatus.REQUESTED, made)
    assert await storage.answer_checkin(f"for-{rid}", Answer.NOT_SO_GOOD, "", request, [],
                                        made)
    if done:
        await storage.update_one_to_one(replace(request, status=RequestStatus.DONE), [], made)


async def _feedback(storage: Storage, fid: str, day: datetime, status: FeedbackStatus,
                    ) -> None:
    await storage.submit_feedback(NewFeedback(fid, G, Audience.GROUP, "words", "", day))
    # Released for review at the next midnight, as the feature does.
    await storage.release_feedback(G, Audience.GROUP, day + timedelta(days=1), 1,
                                   day + timedelta(days=1))
    if status is FeedbackStatus.DELIVERED:
        assert await storage.deliver_digest(f"d-{fid}", "test", G, [fid], [], day, day)
    elif status is FeedbackStatus.HIDDEN:
        assert await storage.hide_feedback(G, fid, "why", "U-carol", day)


async def _minutes(storage: Storage, written: datetime, actions: int, done: int,
                   meeting: int) -> int:
    records = await storage.save_minutes(NewMinutes(
        G, meeting, "summary", "", "U-carol",
        tuple(NewAction("U-alice", "Alice", f"task {i}", None, "UTC") for i in range(actions))),
        written)
    for record in records[:done]:
        assert await storage.mark_action_done(G, record.id, "U-alice", written)
    return records[0].minutes_id if records else 0


async def _case(storage: Storage, ref: str, closed: datetime | None) -> None:
    await storage.raise_concern(NewConcern(ref, G, "words", "", False, False, True, "", "",
                                           "form", SWEEP - timedelta(days=400)), [],
                                SWEEP - timedelta(days=400))
    if closed is not None:
        assert await storage.close_concern(ref, "outcome", "U-dev", "Dev", closed)


async def fill_ages(storage: Storage) -> int:
    """Records on both sides of each cutoff (one microsecond either side)."""
    checkins, feedback, minutes = days_before(30), days_before(60), days_before(90)
    await _checkin(storage, "old", checkins - TICK)
    await _checkin(storage, "edge", checkins)
    await _checkin(storage, "new", checkins + timedelta(days=1))
    await _request(storage, "old-done", checkins - timedelta(days=1), done=True)
    await _request(storage, "old-open", checkins - timedelta(days=1), done=False)
    await _request(storage, "new-done", checkins + timedelta(days=1), done=True)
    # Feedback is stored by day: midnight UTC.
    await _feedback(storage, "f-old-delivered", feedback - timedelta(days=1),
                    FeedbackStatus.DELIVERED)
    await _feedback(storage, "f-old-hidden", feedback - timedelta(days=1),
                    FeedbackStatus.HIDDEN)
    await _feedback(storage, "f-old-waiting", feedback - timedelta(days=1),
                    FeedbackStatus.WAITING)
    await _feedback(storage, "f-edge", feedback, FeedbackStatus.DELIVERED)
    meeting = (await storage.add_meetings([MeetingDraft(
        G, "Meeting", minutes - timedelta(days=7), "UTC", "", "Room 2", "", "updates", (60,),
        "U-carol")], minutes - timedelta(days=8)))[0]
    await _minutes(storage, minutes - TICK, actions=2, done=2, meeting=meeting)
    await _minutes(storage, minutes - TICK, actions=2, done=1, meeting=meeting)
    await _minutes(storage, minutes, actions=1, done=1, meeting=meeting)
    for when in (minutes - TICK, minutes):
        await storage.add_agenda_item(meeting, when, "U-alice", "Alice", "point", when)
        await storage.set_rsvp(meeting, when, "U-alice", "going", when)
    await _case(storage, "C-OLD", days_before(10) - TICK)
    await _case(storage, "C-EDGE", days_before(10))
    await _case(storage, "C-OPEN", None)
    return meeting


async def test_the_sweep_deletes_exactly_what_is_past_each_period(
        storage: Storage, caplog: pytest.LogCaptureFixture) -> None:
    meeting = await fill_ages(storage)
    clock = FakeClock(SWEEP - timedelta(hours=1))
    app = App(Config().with_sections(PERIODS), storage, clock=clock)
    await app.load()
    await start_features(app)
    assert app.scheduler.next_due(SCHEDULE) == SWEEP
    caplog.set_level(logging.INFO, logger="bot.features.retention")

    clock.advance(timedelta(hours=1))
    await app.scheduler.run_due()

    left = {c.checkin_id for c in await storage.checkins_between(
        G, SWEEP - timedelta(days=400), SWEEP)}
    assert left == {"edge", "new", "for-new-done"}
    # A request still open is kept (its check-in went); an old finished one is not.
    requests = await storage.open_one_to_ones(G)
    assert [r.request_id for r in requests] == ["old-open"]
    assert await storage.count_one_to_ones(G) == 2  # old-open and new-done
    feedback = {f.item_id for f in await storage.recent_feedback(
        G, SWEEP - timedelta(days=400), 100)}
    assert feedback == {"f-old-waiting", "f-edge"}
    actions = await storage.open_actions(G)
    assert len(actions) == 1  # the old minutes with an open item stay, with both items
    assert await storage.get_action(G, actions[0].id - 1) is not None
    assert await storage.agenda_items(meeting, days_before(90) - TICK) == []
    assert len(await storage.agenda_items(meeting, days_before(90))) == 1
    assert (await storage.rsvp_counts(meeting, days_before(90) - TICK))["going"] == 0
    assert (await storage.rsvp_counts(meeting, days_before(90)))["going"] == 1
    statuses = {ref: (await storage.concern(ref)).status  # type: ignore[union-attr]
                for ref in ("C-OLD", "C-EDGE", "C-OPEN")}
    assert statuses == {"C-OLD": CaseStatus.DELETED, "C-EDGE": CaseStatus.CLOSED,
                        "C-OPEN": CaseStatus.OPEN}

    (line,) = [r for r in caplog.records if r.getMessage() == "retention.swept"]
    assert line.fields == {  # type: ignore[attr-defined]
        "checkins": 3, "one_to_ones": 1, "feedback_items": 2, "action_items": 2,
        "minutes": 1, "agenda_items": 1, "meeting_rsvps": 1, "concern_drafts": 0,
        "concern_cases": 1,
        # The claims of the check-ins and digests above, all more than 8 days old.
        "occurrences": 8, "event_keys": 0, "request_claims": 0, "deliveries": 0,
        "undeliverable": 0}
    assert app.scheduler.next_due(SCHEDULE) == SWEEP + timedelta(days=1)
    await app.stop()


async def test_a_sweep_runs_once_per_day_across_processes(storage: Storage) -> None:
    await _checkin(storage, "old", SWEEP - timedelta(days=400))
    clock = FakeClock(SWEEP)
    first = Retention(App(Config().with_sections(PERIODS), storage, clock=clock).host_for(PACKAGE))
    second = Retention(App(Config().with_sections(PERIODS), storage, clock=clock).host_for(PACKAGE))
    firing = Firing(SCHEDULE, SWEEP)
    assert (await first.sweep(firing) or {})["checkins"] == 1
    assert await second.sweep(firing) is None
    assert await first.sweep(Firing(SCHEDULE, SWEEP + timedelta(days=1))) == {
        "checkins": 0, "one_to_ones": 0, "feedback_items": 0, "action_items": 0,
        "minutes": 0, "agenda_items": 0, "meeting_rsvps": 0, "concern_drafts": 0,
        "concern_cases": 0, "occurrences": 0, "event_keys": 0, "request_claims": 0,
        "deliveries": 0, "undeliverable": 0}


async def test_a_sweep_missed_while_down_runs_once_at_start(
        storage: Storage, caplog: pytest.LogCaptureFixture) -> None:
    """Down from 23:00 to 03:00, longer than the grace after midnight: starting at 03:00
    runs the missed sweep, once, even with two processes starting together."""
    # Far ahead of the real clock, so that the real timers the start arms never fire here.
    midnight = datetime(2099, 6, 1, tzinfo=UTC)
    await _checkin(storage, "old", midnight - timedelta(days=400))
    await storage.scheduler_heartbeat(midnight - timedelta(hours=1))  # the last seen: 23:00
    clock = FakeClock(midnight + timedelta(hours=3))
    caplog.set_level(logging.INFO)
    apps = [App(Config().with_sections(PERIODS), storage, clock=clock) for _ in range(2)]
    for app in apps:
        await start_features(app)
    try:
        await asyncio.gather(*(app.scheduler.start() for app in apps))
        for app in apps:
            assert app.scheduler.next_due(SCHEDULE) == midnight + timedelta(days=1)
            await app.scheduler.run_due()  # what else is due at 03:00; not the sweep again
    finally:
        for app in apps:
            await app.scheduler.shutdown()
    (line,) = [r for r in caplog.records if r.getMessage() == "retention.swept"]
    assert line.fields["checkins"] == 1  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if r.getMessage() == "schedule.missed"
                and r.fields["schedule"] == SCHEDULE]  # type: ignore[attr-defined]


async def test_with_every_period_keep_only_expired_drafts_go(storage: Storage) -> None:
    await _checkin(storage, "old", SWEEP - timedelta(days=4000))
    for draft_id, made in (("stale", SWEEP - timedelta(days=1) - TICK),
                           ("fresh", SWEEP - timedelta(hours=23))):
        await storage.save_concern_draft(ConcernDraft(draft_id, G, "U-alice", "words", "", "",
                                                      "", made), made - timedelta(days=9))
    keep = RetentionConfig(checkin_answers_days=0, feedback_days=0, minutes_days=0,
                           closed_cases_days=0)
    app = App(Config().with_sections(keep), storage, clock=FakeClock(SWEEP))
    await start_features(app)
    assert app.scheduler.next_due(SCHEDULE) is not None
    retention = app.features["retention"].start.__self__  # type: ignore[union-attr]
    counts = await retention.sweep(Firing(SCHEDULE, SWEEP))
    # The bot's own bookkeeping is pruned whatever the periods (the check-in's claim).
    assert counts == {"concern_drafts": 1, "concern_cases": 0, "occurrences": 1,
                      "event_keys": 0, "request_claims": 0, "deliveries": 0,
                      "undeliverable": 0}
    assert await storage.concern_draft("fresh", "U-alice", SWEEP - timedelta(days=9))
    assert await storage.concern_draft("stale", "U-alice", SWEEP - timedelta(days=9)) is None


async def test_the_sweep_prunes_claims_event_keys_and_sent_messages(
        storage: Storage, caplog: pytest.LogCaptureFixture) -> None:
    """What grows with every firing, event and message goes after its fixed period: an
    event key after a day, a firing's claim after 8 days, a message delivered without
    trouble after a week; what is younger still does its job."""
    clock = FakeClock(SWEEP - timedelta(days=9))
    app = App(Config(), storage, clock=clock)
    await app.load()
    await start_features(app)
    bot = MemoryBot(app, MemoryAdapter())
    alice = bot.adapter.member("alice")

    async def traffic(n: int) -> None:
        """A Slack event handled once, a firing claimed, a message delivered, now."""
        help_event = Invocation(G, alice, "help", {}, "general")
        assert await app.handle_once(f"slack-event:Ev{n}", help_event) is not None
        assert await storage.claim_occurrence(f"meeting-1@{n}", "meetings", clock.now())
        await storage.enqueue([NewDelivery(f"note-{n}", Destination.to_dm(G, alice.user_id),
                                           Message("Hello"))], clock.now())
        app.deliveries_waiting()
        await bot.settle()

    await traffic(1)  # 9 days before the sweep
    clock.advance(timedelta(days=7))
    await traffic(2)  # 2 days before
    clock.advance(timedelta(hours=36))
    await traffic(3)  # 12 hours before
    caplog.set_level(logging.INFO, logger="bot.features.retention")
    clock.advance(SWEEP - clock.now())
    await app.scheduler.run_due()

    (line,) = [r for r in caplog.records if r.getMessage() == "retention.swept"]
    counts = line.fields  # type: ignore[attr-defined]
    assert {k: counts[k] for k in ("occurrences", "event_keys", "deliveries")} == {
        "occurrences": 1, "event_keys": 2, "deliveries": 1}
    assert await storage.delivery_status("note-1") is None
    assert await storage.delivery_status("note-2") is DeliveryStatus.DELIVERED
    assert not await storage.claim_occurrence("meeting-1@2", "meetings", clock.now())
    # Slack retries within minutes: the event of 12 hours ago is still known.
    assert await app.handle_once("slack-event:Ev3", Invocation(G, alice, "help")) is None
    await bot.close()


async def test_when_pruning_fails_the_sweep_still_says_what_it_deleted(
        storage: Storage, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def unreachable(*args: object, **kwargs: object) -> dict[str, int]:
        raise StorageError("the database went away")

    await _checkin(storage, "old", SWEEP - timedelta(days=400))
    monkeypatch.setattr(storage, "prune", unreachable)
    retention = Retention(App(Config().with_sections(PERIODS), storage,
                              clock=FakeClock(SWEEP)).host_for(PACKAGE))
    caplog.set_level(logging.INFO, logger="bot.features.retention")
    counts = await retention.sweep(Firing(SCHEDULE, SWEEP))
    assert counts is not None and counts["checkins"] == 1 and "occurrences" not in counts
    assert [r.getMessage() for r in caplog.records] == ["retention.prune_failed",
                                                        "retention.swept"]


@pytest.mark.parametrize("grace", [0, 60, 10080])
def test_a_firings_claim_outlives_the_scheduler_grace(grace: int) -> None:
    """A firing is tried until the grace after it was due, never later: its claim is
    kept past the longest grace allowed (a week) by a day, whatever this process's."""
    app = App(replace(Config(), scheduler_grace_minutes=grace), None,  # type: ignore[arg-type]
              clock=FakeClock(SWEEP))
    cutoffs = Retention(app.host_for(PACKAGE)).prune_cutoffs(SWEEP)
    assert SWEEP - cutoffs.occurrences == timedelta(days=8)
    assert SWEEP - cutoffs.occurrences >= timedelta(minutes=grace, days=1)
    assert SWEEP - cutoffs.event_keys == timedelta(days=1)
    assert (SWEEP - cutoffs.delivered, SWEEP - cutoffs.finished) == (timedelta(days=7),
                                                                      timedelta(days=60))


@pytest.mark.parametrize(("text", "problem"), [
    ("checkin_answers_days = 7", "[retention] checkin_answers_days: must be 0 (keep) or "
                                 "from 30 to 36500"),
    ("feedback_days = -1", "[retention] feedback_days: must be 0 (keep) or from 1"),
    ("minutes_days = \"a year\"", "[retention] minutes_days: must be a whole number of days"),
    ("closed_cases_days = true", "[retention] closed_cases_days: must be a whole number"),
    ("closed_cases_days = 99999", "[retention] closed_cases_days: must be 0 (keep) or from 1"),
    ("keep_days = 3", "[retention] keep_days: unknown key. Known keys here are "
                      "checkin_answers_days, feedback_days, minutes_days, closed_cases_days"),
])
def test_bad_retention_config_names_the_key(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[retention]\n{text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_retention_config_and_the_older_concerns_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[retention]\ncheckin_answers_days = 90\nfeedback_days = 0\n"
                    "closed_cases_days = 365\n", encoding="utf-8")
    config = load_config(path, env={})
    assert config.section(RetentionConfig) == RetentionConfig(
        checkin_answers_days=90, feedback_days=0, minutes_days=0, closed_cases_days=365)
    assert config.section(ConcernsConfig).retention_days == 365
    path.write_text("[concerns]\nretention_days = 100\n", encoding="utf-8")
    config = load_config(path, env={})
    assert config.section(RetentionConfig).closed_cases_days == 100
    path.write_text("[concerns]\nretention_days = 100\n[retention]\nclosed_cases_days = 50\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert caught.value.problems[0].startswith(
        "[retention] closed_cases_days: it is 50, but [concerns] retention_days")
    assert load_config(None, env={}).section(RetentionConfig) == RetentionConfig()


def test_a_config_built_in_code_settles_the_older_concerns_key_as_a_file_does() -> None:
    """The sweep reads only `[retention]`: `with_sections` fills `closed_cases_days` from
    `[concerns] retention_days` as loading a file does, so it needs no other section."""
    config = Config().with_sections(ConcernsConfig(retention_days=30))
    assert config.section(RetentionConfig).closed_cases_days == 30
    both = config.with_sections(RetentionConfig(closed_cases_days=60))
    assert both.section(RetentionConfig).closed_cases_days == 60
    assert both.section(ConcernsConfig).retention_days == 60
    assert Config().section(RetentionConfig).closed_cases_days == 0


async def test_two_features_giving_one_cutoff_a_period_stop_start_up(
        storage: Storage, clock: FakeClock) -> None:
    """A cutoff gets its period from one place: a second feature declaring it (here,
    one more for the check-ins' answers, which the sweep's own `[retention]` gives) is
    refused when the features start, not silently ignored."""
    config = Config()
    app = App(config, storage, clock=clock)
    await app.load()
    app.add_feature(Feature("second", retention={"checkins": lambda: timedelta(days=1)}))
    with pytest.raises(RetentionDeclaredTwice,
                       match="'checkins' is declared by both retention and second") as refused:
        await start_features(app)
    line, code = explain(refused.value, config)
    assert (line, code) == (catalog.retention_declared_twice("checkins", "retention",
                                                             "second"), 1)
    assert "\n" not in line
    assert line.startswith("coprod cannot start: the features retention and second both")
