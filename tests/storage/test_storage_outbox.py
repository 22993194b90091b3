"""The delivery outbox, occurrences and group settings, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from bot.outbox import Preference
from storage.interface import Storage
from storage.sql import from_micros
from tests.backends import raw_rows

MakeDelivery = Callable[..., NewDelivery]
LEASE = timedelta(minutes=2)


async def raw_row(storage: Storage, key: str) -> dict[str, object]:
    rows = await raw_rows(storage, "SELECT * FROM deliveries WHERE idem_key = ?", (key,))
    assert len(rows) == 1
    return rows[0]


async def test_enqueue_is_idempotent(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    assert await storage.enqueue([make_delivery("a"), make_delivery("b")], now) == 2
    assert await storage.enqueue([make_delivery("a", text="again"), make_delivery("c")],
                                 now) == 1
    assert await storage.enqueue([make_delivery("d"), make_delivery("d")], now) == 1
    assert await storage.enqueue([], now) == 0
    counts = await storage.delivery_counts()
    assert counts == {DeliveryStatus.PENDING: 4, DeliveryStatus.SENDING: 0,
                      DeliveryStatus.DELIVERED: 0, DeliveryStatus.UNDELIVERABLE: 0}
    [a] = [d for d in await storage.claim_deliveries(now, 10, "p1", LEASE) if d.key == "a"]
    assert a.message.text == "Reminder: meeting at 6pm"


async def test_claim_marks_sending_and_hands_out_once(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    fallback = Fallback(Destination.to_channel("g1", "facilitators"))
    await storage.enqueue([make_delivery("a", fallbacks=(fallback,))], now)
    [claimed] = await storage.claim_deliveries(now, 10, "p1", LEASE)
    assert claimed.key == "a"
    assert claimed.status is DeliveryStatus.SENDING
    assert claimed.destination == Destination.to_dm("g1", "u1")
    assert claimed.fallbacks == (fallback,)
    assert claimed.attempts == 0
    assert claimed.created_at == now and claimed.created_at.tzinfo is not None
    assert await storage.delivery_status("a") is DeliveryStatus.SENDING
    assert await storage.claim_deliveries(now, 10, "p2", LEASE) == []
    assert await storage.claim_deliveries(now + LEASE - timedelta(microseconds=1), 10, "p2",
                                          LEASE) == []


async def test_a_preference_claims_its_groups_first_and_others_when_overdue(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    """A process claims its own groups' deliveries (oldest first) before anyone else's,
    and another group's only once it has waited `others_after` past due: so a group
    whose own process is gone is still served, that much later."""
    later = now + timedelta(seconds=5)
    await storage.enqueue([make_delivery("theirs", group="g2")], now)
    await storage.enqueue([make_delivery("mine-1", group="g1"),
                           make_delivery("mine-2", group="g3")], later)
    prefer = Preference(frozenset({"g1", "g3", "g9"}), timedelta(seconds=30))
    assert await storage.next_delivery_due(prefer) == later
    assert await storage.next_delivery_due() == now
    assert await storage.claim_deliveries(now, 10, "p1", LEASE, prefer) == []
    claimed = await storage.claim_deliveries(later, 1, "p1", LEASE, prefer)
    assert [d.key for d in claimed] == ["mine-1"]
    assert await storage.next_delivery_due(prefer) == later
    claimed = await storage.claim_deliveries(later, 10, "p1", LEASE, prefer)
    assert [d.key for d in claimed] == ["mine-2"]
    assert await storage.next_delivery_due(prefer) == now + timedelta(seconds=30)
    assert await storage.claim_deliveries(
        now + timedelta(seconds=30) - timedelta(microseconds=1), 10, "p1", LEASE,
        prefer) == []
    [overdue] = await storage.claim_deliveries(now + timedelta(seconds=30), 10, "p1",
                                                 LEASE, prefer)
    assert overdue.key == "theirs"


async def test_an_expired_lease_comes_before_own_groups_and_overdue_others_after(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    """A delivery whose lease ran out (its process stopped mid-send) is claimed before the
    process's own due ones, whatever its group and however many of its own are due
    (found by the outside trial: it waited 500 s behind the live process's queue, not
    the 120 s lease); another group's delivery never claimed waits until the process's
    own due ones are out, so two busy processes each keep to their own groups."""
    await storage.enqueue([make_delivery("old", group="g2"),
                           make_delivery("leased", group="g4")], now)
    await storage.claim_deliveries(now, 1, "dead", LEASE,
                                   Preference(frozenset({"g4"}), timedelta(hours=1)))
    at = now + LEASE
    await storage.enqueue([make_delivery(f"mine-{n}", group="g1") for n in range(3)], at)
    prefer = Preference(frozenset({"g1"}), timedelta(minutes=1))
    claimed = await storage.claim_deliveries(at, 2, "p1", LEASE, prefer)
    assert [d.key for d in claimed] == ["leased", "mine-0"]
    claimed = await storage.claim_deliveries(at, 3, "p1", LEASE, prefer)
    assert [d.key for d in claimed] == ["mine-1", "mine-2", "old"]


async def test_an_expired_lease_is_reclaimed(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    await storage.enqueue([make_delivery("a")], now)
    await storage.claim_deliveries(now, 10, "dead", LEASE)
    assert await storage.next_delivery_due() == now + LEASE
    [again] = await storage.claim_deliveries(now + LEASE, 10, "alive", LEASE)
    assert again.key == "a"
    row = await raw_row(storage, "a")
    assert row["lease_owner"] == "alive"
    assert row["lease_until"] is not None
    assert from_micros(int(str(row["lease_until"]))) == now + 2 * LEASE


async def test_claim_order_limit_and_not_before(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    later = now + timedelta(hours=1)
    await storage.enqueue([make_delivery("late", not_before=later)], now)
    await storage.enqueue([make_delivery("second")], now + timedelta(seconds=1))
    await storage.enqueue([make_delivery("first")], now)
    assert await storage.next_delivery_due() == now
    assert await storage.claim_deliveries(now - timedelta(seconds=1), 10, "p", LEASE) == []
    [one] = await storage.claim_deliveries(later, 1, "p", LEASE)
    assert one.key == "first"
    rest = await storage.claim_deliveries(later, 10, "p", LEASE)
    assert [d.key for d in rest] == ["second", "late"]
    assert await storage.claim_deliveries(later, 0, "p", LEASE) == []


async def test_mark_retry_and_next_due(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    assert await storage.next_delivery_due() is None
    await storage.enqueue([make_delivery("a")], now)
    [d] = await storage.claim_deliveries(now, 10, "p", LEASE)
    retry_at = now + timedelta(seconds=30)
    await storage.mark_retry(d.id, retry_at, "Transient: 502", count_attempt=True)
    assert await storage.delivery_status("a") is DeliveryStatus.PENDING
    assert await storage.next_delivery_due() == retry_at
    assert await storage.claim_deliveries(retry_at - timedelta(seconds=1), 10, "p", LEASE) == []
    [d] = await storage.claim_deliveries(retry_at, 10, "p", LEASE)
    assert d.attempts == 1
    await storage.mark_retry(d.id, retry_at, "RateLimited: wait", count_attempt=False)
    [d] = await storage.claim_deliveries(retry_at, 10, "p", LEASE)
    assert d.attempts == 1


async def test_reroute_sends_elsewhere_now(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    second = Fallback(Destination.to_channel("g1", "leads"), Message("A concern is waiting."))
    first = Fallback(Destination.to_dm("g1", "lead2"))
    await storage.enqueue([make_delivery("concern", fallbacks=(first, second))], now)
    [d] = await storage.claim_deliveries(now, 10, "p", LEASE)
    await storage.mark_retry(d.id, now, "Transient: timeout", count_attempt=True)
    [d] = await storage.claim_deliveries(now, 10, "p", LEASE)
    later = now + timedelta(seconds=5)
    await storage.reroute(d.id, first.destination, d.message, (second,), "Forbidden: 50007",
                          later)
    assert await storage.next_delivery_due() == later
    [d] = await storage.claim_deliveries(later, 10, "p", LEASE)
    assert d.destination == first.destination
    assert d.message == Message("Reminder: meeting at 6pm")
    assert d.fallbacks == (second,)
    assert d.attempts == 0
    assert (await raw_row(storage, "concern"))["last_error"] == "Forbidden: 50007"


async def test_delivered_drops_the_body(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    await storage.enqueue([make_delivery("a")], now)
    [d] = await storage.claim_deliveries(now, 10, "p", LEASE)
    assert (await raw_row(storage, "a"))["body"] is not None
    await storage.mark_delivered(d.id, "msg-123", now + timedelta(seconds=1))
    row = await raw_row(storage, "a")
    assert row["body"] is None and row["fallbacks"] is None
    assert row["status"] == "delivered" and row["lease_owner"] is None
    assert await storage.delivery_status("a") is DeliveryStatus.DELIVERED
    assert await storage.delivery_ref("a") == "msg-123"
    assert await storage.delivery_ref("missing") is None
    assert await storage.next_delivery_due() is None
    # A late retry from a dispatcher whose lease had expired cannot resurrect it.
    await storage.mark_retry(d.id, now, "Transient: late", count_attempt=True)
    assert await storage.delivery_status("a") is DeliveryStatus.DELIVERED
    assert await storage.claim_deliveries(now + timedelta(days=1), 10, "p", LEASE) == []


async def test_undeliverable_is_kept_and_counted(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    await storage.enqueue([make_delivery("a"), make_delivery("b")], now)
    first, _ = await storage.claim_deliveries(now, 10, "p", LEASE)
    await storage.mark_undeliverable(first.id, "NotFound: channel", now)
    counts = await storage.delivery_counts()
    assert counts[DeliveryStatus.UNDELIVERABLE] == 1
    assert counts[DeliveryStatus.SENDING] == 1
    assert await storage.delivery_status(first.key) is DeliveryStatus.UNDELIVERABLE
    assert await storage.claim_deliveries(now + timedelta(days=1), 10, "p", LEASE) != []
    assert await storage.delivery_status(first.key) is DeliveryStatus.UNDELIVERABLE


async def test_claim_occurrence_once(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    key = "meeting-7@2026-01-05T18:00Z"
    assert await storage.claim_occurrence(key, "p1", now, [make_delivery("r1")])
    assert not await storage.claim_occurrence(key, "p2", now, [make_delivery("r2")])
    assert not await storage.claim_occurrence(key, "p1", now)
    assert await storage.delivery_status("r1") is DeliveryStatus.PENDING
    assert await storage.delivery_status("r2") is None
    assert (await storage.delivery_counts())[DeliveryStatus.PENDING] == 1
    assert await storage.claim_occurrence("meeting-7@2026-01-12T18:00Z", "p2", now)


async def test_group_settings(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    assert await storage.load_all_group_settings() == {}
    await storage.save_group_settings("g1", {"digest_day": "friday", "offsets": [60, 1440]},
                                      "u1", now)
    await storage.save_group_settings("g2", {"quiet": True}, "u5", now)
    later = now + timedelta(minutes=1)
    await storage.save_group_settings("g1", {"digest_day": None, "offsets": [30]}, "u2",
                                      later, deliveries=[make_delivery("announce")])
    assert await storage.load_all_group_settings() == {"g1": {"offsets": [30]},
                                                       "g2": {"quiet": True}}
    assert await storage.delivery_status("announce") is DeliveryStatus.PENDING
    audit = [tuple(row.values()) for row in await raw_rows(
        storage, "SELECT group_id, key, value_json IS NULL AS removed, changed_by, changed_at "
                 "FROM settings_audit ORDER BY id")]
    assert [row[:4] for row in audit] == [
        ("g1", "digest_day", 0, "u1"), ("g1", "offsets", 0, "u1"), ("g2", "quiet", 0, "u5"),
        ("g1", "digest_day", 1, "u2"), ("g1", "offsets", 0, "u2")]
    assert from_micros(audit[-1][4]) == later
    assert from_micros(audit[-1][4]).tzinfo == UTC


async def test_a_large_batch_counts_only_new_deliveries(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    assert await storage.enqueue([make_delivery("m0"), make_delivery("m1")], now) == 2
    batch = [make_delivery(f"m{i}", text=f"reminder {i}") for i in range(500)]
    batch.append(make_delivery("m7"))  # the same key twice in one batch
    assert await storage.enqueue(batch, now) == 498
    claimed = await storage.claim_deliveries(now, 1000, "p", LEASE)
    assert len(claimed) == 500
    assert {d.key: d.message.text for d in claimed}["m42"] == "reminder 42"
