"""Pruning what grows with every firing, event and message (`Storage.prune`), on SQLite
and PostgreSQL: exactly what is past each cutoff goes, nothing still waiting or still
read does, and a backlog is deleted a batch per transaction, with other work between."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta

from bot.features.checkins.store import Checkin
from bot.features.checkins.store import CheckinPrefs
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from storage.interface import Storage
from storage.members import EVENTS_OWNER
from storage.members import PruneCutoffs
from storage.sql import to_micros
from tests.backends import raw_rows

MakeDelivery = Callable[..., NewDelivery]
LEASE = timedelta(minutes=2)
TICK = timedelta(microseconds=1)
DAY = timedelta(days=1)
WAITING = ("sending", "pending")


def cutoffs_at(now: datetime) -> PruneCutoffs:
    """A week for claims and clean deliveries, a day for event keys, 60 days for the
    rest (the retention feature's periods)."""
    return PruneCutoffs(occurrences=now - 7 * DAY, event_keys=now - DAY,
                        delivered=now - 7 * DAY, finished=now - 60 * DAY)


async def keys(storage: Storage, table: str, column: str) -> set[str]:
    return {str(row[column]) for row in await raw_rows(storage, f"SELECT {column} FROM {table}")}


async def finish(storage: Storage, delivery: NewDelivery, at: datetime, outcome: str) -> None:
    """Queue a delivery at `at` and take it to an outcome: "pending", "sending",
    "delivered", "retried" (a transient error, then delivered), "rerouted" (refused, sent
    to its fallback and delivered there) or "undeliverable"."""
    assert await storage.enqueue([delivery], at) == 1
    if outcome == "pending":
        return
    [claimed] = await storage.claim_deliveries(at, 1, "p", LEASE)
    if outcome == "sending":
        return
    if outcome in ("retried", "rerouted"):
        if outcome == "retried":
            await storage.mark_retry(claimed.id, at, "Transient: 502", count_attempt=True)
        else:
            fallback = claimed.fallbacks[0]
            await storage.reroute(claimed.id, fallback.destination, claimed.message,
                                  claimed.fallbacks[1:], "Forbidden: DMs closed", at)
        [claimed] = await storage.claim_deliveries(at, 1, "p", LEASE)
    if outcome == "undeliverable":
        await storage.mark_undeliverable(claimed.id, "Forbidden: DMs closed", at)
    else:
        await storage.mark_delivered(claimed.id, "ref", at)


async def test_claims_and_event_keys_go_after_their_cutoffs(storage: Storage,
                                                            now: datetime) -> None:
    cut = cutoffs_at(now)
    for key, owner, at in (
            ("meeting-1@old", "meetings", cut.occurrences - TICK),
            ("meeting-1@edge", "meetings", cut.occurrences),
            ("checkin:g1:u1@missed", "missed", cut.occurrences - DAY),
            ("slack-event:Ev-old", EVENTS_OWNER, cut.event_keys - TICK),
            ("slack-event:Ev-edge", EVENTS_OWNER, cut.event_keys),
            ("meeting-1@recent", "meetings", cut.event_keys - DAY)):
        assert await storage.claim_occurrence(key, owner, at)
    await storage.claim_request("d-ended", now - DAY, now)
    await storage.claim_request("d-live", now - DAY, now + TICK)

    counts = await storage.prune(cut, now)

    assert counts == {"occurrences": 2, "event_keys": 1, "request_claims": 1,
                      "deliveries": 0, "undeliverable": 0}
    assert await keys(storage, "occurrences", "key") == {
        "meeting-1@edge", "slack-event:Ev-edge", "meeting-1@recent"}
    assert await keys(storage, "request_claims", "digest") == {"d-live"}
    # What is kept still guards its firing: a second claim is refused.
    assert not await storage.claim_occurrence("meeting-1@edge", "other", now)
    assert await storage.prune(cut, now) == dict.fromkeys(counts, 0)


async def test_finished_deliveries_go_and_waiting_ones_never_do(
        storage: Storage, now: datetime, make_delivery: MakeDelivery) -> None:
    cut = cutoffs_at(now)
    fallback = (Fallback(Destination.to_dm("g1", "u-facilitator")),)
    made = {
        # Delivered at the first try: a week.
        "clean-old": (cut.delivered - TICK, "delivered"),
        "clean-edge": (cut.delivered, "delivered"),
        # Trouble on the way, or refused everywhere: 60 days.
        "retried-mid": (cut.delivered - DAY, "retried"),
        "rerouted-mid": (cut.delivered - DAY, "rerouted"),
        "undeliverable-mid": (cut.delivered - DAY, "undeliverable"),
        "retried-old": (cut.finished - TICK, "retried"),
        "undeliverable-old": (cut.finished - TICK, "undeliverable"),
        # Still waiting or being sent, however old: never.
        "sending-ancient": (cut.finished - 400 * DAY, "sending"),
        "pending-ancient": (cut.finished - 400 * DAY, "pending"),
    }
    # Each finished before the next is queued; the ones left waiting last (a claim takes
    # the oldest due first).
    for key, (at, outcome) in sorted(made.items(),
                                     key=lambda item: (item[1][1] in WAITING, item[1][0])):
        await finish(storage, make_delivery(key, fallbacks=fallback), at, outcome)

    counts = await storage.prune(cut, now)

    assert (counts["deliveries"], counts["undeliverable"]) == (2, 1)
    assert await keys(storage, "deliveries", "idem_key") == {
        "clean-edge", "retried-mid", "rerouted-mid", "undeliverable-mid",
        "pending-ancient", "sending-ancient"}
    assert await storage.delivery_status("pending-ancient") is DeliveryStatus.PENDING
    assert await storage.delivery_status("sending-ancient") is DeliveryStatus.SENDING


async def test_a_leads_latest_concern_dm_decides_before_and_after_pruning(
        storage: Storage, now: datetime) -> None:
    """Concerns read whether a lead's latest concern DM was refused: a newer delivered
    one must never be deleted while an older refusal is kept."""
    cut = cutoffs_at(now)

    def lead_dm(case: str, lead: str) -> NewDelivery:
        return NewDelivery(f"concern:{case}:dm:{lead}", Destination.to_dm("g1", lead),
                           Message("A concern"), (Fallback(Destination.to_dm("g1", "dep")),))

    # Dev's DMs were closed (rerouted), then open again; Eve's were closed since.
    await finish(storage, lead_dm("C-1", "dev"), cut.delivered - 20 * DAY, "rerouted")
    await finish(storage, lead_dm("C-2", "dev"), cut.delivered - DAY, "delivered")
    await finish(storage, lead_dm("C-1", "eve"), cut.delivered - 20 * DAY, "delivered")
    await finish(storage, lead_dm("C-2", "eve"), cut.delivered - DAY, "undeliverable")
    assert await storage.concern_dms_refused("g1", ["dev", "eve"]) == {"eve"}

    counts = await storage.prune(cut, now)

    assert counts["deliveries"] == counts["undeliverable"] == 0  # all read by concerns
    assert await storage.concern_dms_refused("g1", ["dev", "eve"]) == {"eve"}
    # Once past the longer period, all of them go together: nothing stale is left.
    later = now + 60 * DAY
    counts = await storage.prune(cutoffs_at(later), later)
    assert (counts["deliveries"], counts["undeliverable"]) == (3, 1)
    assert await storage.concern_dms_refused("g1", ["dev", "eve"]) == set()


async def test_a_checkin_that_went_astray_is_still_seen_after_pruning(
        storage: Storage, now: datetime) -> None:
    """Check-ins read whether a member's latest check-in reached them: a refused one is
    kept past the longest cadence (a month)."""
    sent = now - 35 * DAY
    dm = Destination.to_dm("g1", "U-alice")
    delivery = NewDelivery("checkin:c1", dm, Message("How are things?"),
                           (Fallback(Destination.to_dm("g1", "U-carol")),))
    prefs = CheckinPrefs("g1", "U-alice", "Alice", enabled=True)
    assert await storage.send_checkin("checkin:g1:U-alice@1", "test", prefs,
                                      Checkin("c1", "g1", "U-alice", sent, "checkin:c1"),
                                      [delivery], sent)
    [claimed] = await storage.claim_deliveries(sent, 1, "p", LEASE)
    await storage.reroute(claimed.id, claimed.fallbacks[0].destination, claimed.message, (),
                          "Forbidden: DMs closed", sent)
    [claimed] = await storage.claim_deliveries(sent, 1, "p", LEASE)
    await storage.mark_delivered(claimed.id, "ref", sent)
    assert await storage.checkin_unreachable("g1", "U-alice") is not None

    await storage.prune(cutoffs_at(now), now)

    assert await storage.checkin_unreachable("g1", "U-alice") is not None


async def test_a_backlog_goes_in_short_batches_with_other_work_between(
        storage: Storage, now: datetime) -> None:
    cut = cutoffs_at(now)
    old = cut.occurrences - DAY
    rows = [(f"old-{n}", "meetings", to_micros(old)) for n in range(600)]
    await raw_rows(storage, "INSERT INTO occurrences (key, owner, claimed_at) VALUES "
                   + ", ".join(["(?, ?, ?)"] * len(rows)),
                   tuple(value for row in rows for value in row))
    sent = [(f"sent-{n}", "g1", '{"kind":"dm","group":"g1","user":"u1","channel":""}',
             "delivered", to_micros(old), to_micros(old), to_micros(old)) for n in range(120)]
    await raw_rows(storage, "INSERT INTO deliveries (idem_key, group_id, destination_json, "
                   "status, next_attempt_at, created_at, updated_at) VALUES "
                   + ", ".join(["(?, ?, ?, ?, ?, ?, ?)"] * len(sent)),
                   tuple(value for row in sent for value in row))

    pruning = asyncio.create_task(storage.prune(cut, now, batch=50))
    await asyncio.sleep(0)
    # A claim asked for while the backlog is being deleted is done before it ends.
    async with asyncio.timeout(30):
        assert await storage.claim_occurrence("new", "meetings", now)
        assert not pruning.done()
        counts = await pruning
    assert (counts["occurrences"], counts["deliveries"]) == (600, 120)
    assert await keys(storage, "occurrences", "key") == {"new"}
    assert await keys(storage, "deliveries", "idem_key") == set()
