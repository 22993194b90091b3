"""Deliveries marked delivered together: one transaction for the marks that arrive at
once, each still checked against its own claim (issue 22), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest

from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import NewDelivery
from storage.delivered_marks import Mark
from storage.delivered_marks import Marked
from storage.interface import Storage
from tests.backends import raw_rows

MakeDelivery = Callable[..., NewDelivery]
LEASE = timedelta(minutes=2)


def count_transactions(storage: Storage, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each group of marks committed from now on."""
    sizes: list[int] = []
    many = storage._mark_delivered_many  # type: ignore[attr-defined]

    async def counted(marks: Sequence[Mark]) -> list[Marked]:
        sizes.append(len(marks))
        result: list[Marked] = await many(marks)
        return result

    monkeypatch.setattr(storage, "_mark_delivered_many", counted)
    return sizes


async def test_marks_arriving_together_commit_together_each_with_its_own_reference(
        storage: Storage, now: datetime, make_delivery: MakeDelivery,
        monkeypatch: pytest.MonkeyPatch) -> None:
    await storage.enqueue([make_delivery(f"k{i}", user=f"u{i}") for i in range(30)], now)
    claimed = await storage.claim_deliveries(now, 30, "p1", LEASE)
    sizes = count_transactions(storage, monkeypatch)
    await asyncio.gather(*(storage.mark_delivered(d.id, f"ref-{d.key}", now, owner="p1")
                           for d in claimed))
    assert sum(sizes) == 30 and len(sizes) < 30
    rows = await raw_rows(storage, "SELECT idem_key, status, platform_ref, body, "
                          "lease_owner, delivered_at FROM deliveries")
    assert len(rows) == 30
    for row in rows:
        assert row["status"] == "delivered" and row["platform_ref"] == f"ref-{row['idem_key']}"
        assert row["body"] is None and row["lease_owner"] is None
    assert await storage.delivery_counts() == {
        DeliveryStatus.PENDING: 0, DeliveryStatus.SENDING: 0,
        DeliveryStatus.DELIVERED: 30, DeliveryStatus.UNDELIVERABLE: 0}


async def test_a_mark_whose_claim_was_lost_is_ignored_beside_the_others(
        storage: Storage, now: datetime, make_delivery: MakeDelivery,
        caplog: pytest.LogCaptureFixture) -> None:
    await storage.enqueue([make_delivery(f"k{i}", user=f"u{i}") for i in range(3)], now)
    first, second, third = await storage.claim_deliveries(now, 3, "new", LEASE)
    # The second is marked by a dispatcher whose claim on it ran out ("old"), beside
    # the others' marks by the dispatcher that holds them now.
    await asyncio.gather(storage.mark_delivered(first.id, "ref", now, owner="new"),
                         storage.mark_delivered(second.id, "ref", now, owner="old"),
                         storage.mark_delivered(third.id, "ref", now, owner="new"))
    statuses = {row["idem_key"]: (row["status"], row["lease_owner"]) for row in await raw_rows(
        storage, "SELECT idem_key, status, lease_owner FROM deliveries")}
    assert statuses == {first.key: ("delivered", None), second.key: ("sending", "new"),
                        third.key: ("delivered", None)}
    assert "storage.delivery_update_ignored" in caplog.text


async def test_a_delivery_marked_twice_at_once_is_marked_once_under_its_claim(
        storage: Storage, now: datetime, make_delivery: MakeDelivery) -> None:
    await storage.enqueue([make_delivery("a")], now)
    [d] = await storage.claim_deliveries(now, 1, "p1", LEASE)
    later = now + timedelta(seconds=5)
    await asyncio.gather(storage.mark_delivered(d.id, "first", now, owner="p1"),
                         storage.mark_delivered(d.id, "second", later, owner="p1"))
    [row] = await raw_rows(storage, "SELECT platform_ref FROM deliveries")
    assert row["platform_ref"] == "first"


async def test_a_sealed_delivery_marked_beside_open_ones_forgets_its_recipient(
        storage: Storage, now: datetime, make_delivery: MakeDelivery,
        monkeypatch: pytest.MonkeyPatch) -> None:
    sealed = NewDelivery("sealed:1", Destination.to_dm("g1", "U-ann"), Message("hello"),
                         sealed=True)
    await storage.enqueue([make_delivery("open1"), sealed, make_delivery("open2")], now)
    claimed = await storage.claim_deliveries(now, 3, "p1", LEASE)
    forgotten: list[tuple[str, ...]] = []
    forget = storage._forget_old_versions  # type: ignore[attr-defined]

    async def noted(*tables: str, **options: Any) -> None:
        forgotten.append(tables)
        await forget(*tables, **options)

    monkeypatch.setattr(storage, "_forget_old_versions", noted)
    await asyncio.gather(*(storage.mark_delivered(d.id, f"ref-{d.key}", now, owner="p1")
                           for d in claimed))
    rows = {row["idem_key"]: row for row in await raw_rows(
        storage, "SELECT idem_key, status, platform_ref, sealed_to FROM deliveries")}
    assert rows["sealed:1"]["status"] == "delivered"
    assert rows["sealed:1"]["platform_ref"] is None and rows["sealed:1"]["sealed_to"] is None
    assert rows["open1"]["platform_ref"] == "ref-open1"
    assert rows["open2"]["platform_ref"] == "ref-open2"
    assert forgotten and all(tables == ("deliveries",) for tables in forgotten)
