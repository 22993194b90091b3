"""The database implements every feature's store port: each `@runtime_checkable`
Protocol in a `bot/features/<feature>/store.py` is satisfied by the composed backend, on
both databases (the ports no longer sit among `Storage`'s bases, so this is where a
missing or misspelt method in a storage package shows)."""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import pkgutil
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from typing import Any

import pytest

import bot.features
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import NewDelivery
from storage import sql_members
from storage.crypto import FieldCipher
from storage.interface import Storage
from storage.package import MemberTx
from tests.backends import raw_rows


def _ports() -> list[type[Any]]:
    found = []
    for info in pkgutil.iter_modules(bot.features.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"bot.features.{info.name}.store")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (inspect.isclass(value) and value.__module__ == module.__name__
                    and getattr(value, "_is_runtime_protocol", False)):
                found.append(value)
    return found


def test_every_feature_port_is_found() -> None:
    names = {port.__name__ for port in _ports()}
    assert {"FeedbackStore", "PollStore", "MeetingsStore", "ConcernStore",
            "CheckinStore"} <= names


async def test_the_backend_implements_every_feature_port(storage: Storage) -> None:
    missing = {port.__name__: sorted(name for name in dir(port)
                                     if not name.startswith("_")
                                     and not hasattr(storage, name))
               for port in _ports() if not isinstance(storage, port)}
    assert missing == {}


async def test_the_sweep_skips_a_package_whose_cutoff_was_not_given_and_says_so(
        storage: Storage, caplog: pytest.LogCaptureFixture) -> None:
    """A missing cutoff must not mean "keep for ever" unnoticed, nor stop the sweep of
    every other package (issue 19): the meetings package is skipped, with an error
    naming it and its cutoff, and the concerns package is still swept."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with caplog.at_level(logging.ERROR, logger="storage.sql_members"):
        counts = await storage.purge_expired(
            "retention:x", "me", {"checkins": None, "feedback": None, "drafts": now}, now)
    assert counts == {"concern_drafts": 0}
    assert await storage.occurrence_claimed("retention:x") is True
    assert [(r.getMessage(), r.levelno, r.__dict__["fields"]) for r in caplog.records] == [
        ("retention.cutoff_missing", logging.ERROR, {"package": "meetings",
                                                     "cutoff": "minutes"})]


async def test_a_package_whose_purge_fails_is_undone_and_the_others_are_swept(
        storage: Storage, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One storage package's purge failing (here its SQL) must not stop the sweep of the
    others: it runs in a savepoint, is undone and logged, and the rest commit."""
    now = datetime(2026, 1, 1, tzinfo=UTC)

    async def broken(tx: MemberTx, cutoffs: Mapping[str, datetime | None]) -> None:
        await tx.run("DELETE FROM concern_drafts")
        await tx.run("DELETE FROM no_such_table")

    packages = tuple(replace(p, purge=broken) if p.feature == "feedback" else p
                     for p in sql_members.storage_packages())
    monkeypatch.setattr(sql_members, "storage_packages", lambda: packages)
    with caplog.at_level(logging.ERROR, logger="storage.sql_members"):
        counts = await storage.purge_expired(
            "retention:y", "me", {"checkins": None, "feedback": None, "minutes": None,
                                  "drafts": now}, now)
    assert counts is not None and "concern_drafts" in counts
    assert await storage.occurrence_claimed("retention:y") is True
    assert [(r.getMessage(), r.__dict__["fields"]["package"]) for r in caplog.records] == [
        ("retention.purge_failed", "feedback")]


async def test_erasing_one_recipient_of_a_sealed_group_dm_keeps_the_others_sealed(
        storage: Storage, cipher: FieldCipher) -> None:
    """Found in review: the erasure rewrote a group DM's remaining recipients into the
    clear `destination_json`, even for a delivery whose recipients were sealed."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    destination = Destination.to_group_dm("g1", ["U-ann", "U-bob", "U-cat"])
    await storage.enqueue([NewDelivery("sealed:1", destination, Message("hello"),
                                       sealed=True)], now)
    erasure = await storage.erase_member("U-ann", None, "admin", now)
    assert erasure.anonymised.get("deliveries") == 1
    (row,) = await raw_rows(storage, "SELECT destination_json, sealed_to FROM deliveries")
    assert "U-" not in str(row["destination_json"])
    assert json.loads(cipher.decrypt(str(row["sealed_to"])))["user"] == "U-bob,U-cat"
