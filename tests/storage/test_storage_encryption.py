"""What people wrote never reaches the database file or its WAL in the clear."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from storage.crypto import DecryptionError
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.interface import Storage
from storage.sqlite import SqliteStorage
from tests.backends import another_handle
from tests.backends import opened
from tests.backends import stored_text

MakeDelivery = Callable[..., NewDelivery]

CANARY = "Zq7-CANARY-feedback-text-4711"
# Stored in a column that is not encrypted, to prove the byte scan sees real rows.
PLAIN_MARKER = "plain-idem-key-marker-0815"


def database_bytes(path: Path) -> dict[str, bytes]:
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return {f.name: f.read_bytes() for f in files if f.exists()}


async def assert_no_canary(storage: Storage) -> None:
    found = await stored_text(storage)
    assert CANARY.encode() not in found, "plain text found in the database"
    assert PLAIN_MARKER.encode() in found, "the scan did not see the stored rows"


async def test_text_is_encrypted_at_rest(
    storage: Storage, db_path: Path, cipher: FieldCipher, now: datetime,
    make_delivery: MakeDelivery,
) -> None:
    fallback = Fallback(Destination.to_channel("g1", "leads"), Message(f"fallback {CANARY}"))
    await storage.enqueue([make_delivery(PLAIN_MARKER, text=f"message {CANARY}",
                                         fallbacks=(fallback,))], now)
    await storage.save_group_settings(
        "g1", {"agreement": {"text": f"we agree {CANARY}"}}, "u1", now,
        deliveries=[make_delivery("settings-note", text=f"changed {CANARY}")])
    await storage.claim_occurrence("occ-1", "p1", now,
                                   [make_delivery("occ-note", text=f"digest {CANARY}")])
    [first, *_] = await storage.claim_deliveries(now, 1, "p1", timedelta(minutes=1))
    await storage.reroute(first.id, Destination.to_dm("g1", "u2"), Message(f"re {CANARY}"),
                          (fallback,), "Forbidden: dms closed", now)

    if isinstance(storage, SqliteStorage):
        assert database_bytes(db_path).get(f"{db_path.name}-wal")  # rows are in the WAL now
    await assert_no_canary(storage)
    await storage.close()
    await assert_no_canary(storage)

    reopened = another_handle(storage, cipher)
    async with opened(reopened):
        settings = await reopened.load_all_group_settings()
        assert settings["g1"]["agreement"] == {"text": f"we agree {CANARY}"}
        claimed = await reopened.claim_deliveries(now, 10, "p2", timedelta(minutes=1))
        texts = {d.key: d.message.text for d in claimed}
        assert texts == {PLAIN_MARKER: f"re {CANARY}", "settings-note": f"changed {CANARY}",
                         "occ-note": f"digest {CANARY}"}
        rerouted = next(d for d in claimed if d.key == PLAIN_MARKER)
        assert rerouted.fallbacks == (fallback,)


async def test_another_key_cannot_read_it(
    storage: Storage, db_path: Path, now: datetime, make_delivery: MakeDelivery,
) -> None:
    await storage.save_group_settings("g1", {"note": CANARY}, "u1", now)
    await storage.close()
    stranger = another_handle(storage, FieldCipher(generate_key()))
    async with opened(stranger):
        with pytest.raises(DecryptionError):
            await stranger.load_all_group_settings()


async def test_a_naive_time_is_refused_before_anything_is_written(
    storage: Storage, make_delivery: MakeDelivery,
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await storage.enqueue([make_delivery("k")], datetime(2026, 1, 5, 9, 0))
    assert await storage.delivery_status("k") is None


async def test_an_unreadable_delivery_is_set_aside_without_blocking_the_others(
    storage: Storage, db_path: Path, cipher: FieldCipher, now: datetime,
    make_delivery: MakeDelivery,
) -> None:
    """A delivery written under a key that is no longer configured is kept, set aside for
    an hour (so restoring the key still sends it), and does not stop the rest."""
    await storage.enqueue([make_delivery("old")], now)
    await storage.close()
    new_key = FieldCipher(generate_key())
    stranger = another_handle(storage, new_key)
    async with opened(stranger):
        await stranger.enqueue([make_delivery("new")], now)
        claimed = await stranger.claim_deliveries(now, 10, "p", timedelta(minutes=1))
        assert [d.key for d in claimed] == ["new"]
        assert await stranger.delivery_status("old") is DeliveryStatus.PENDING
        due = await stranger.next_delivery_due()
        assert due is not None and due >= now + timedelta(minutes=1)
    with pytest.raises(DecryptionError):
        FieldCipher(generate_key()).decrypt(cipher.encrypt("x"))
