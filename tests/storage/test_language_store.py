"""Members' chosen languages (`bot.languages.LanguageStore`, storage/language/) on SQLite
and PostgreSQL: one per member per group, changed and forgotten, in the member's export
and gone on erasure."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from bot.languages import LanguageStore
from storage.interface import Storage


async def test_a_choice_is_kept_per_member_and_group(storage: Storage, now: datetime) -> None:
    assert isinstance(storage, LanguageStore)
    assert await storage.member_language("G1", "U1") is None
    await storage.set_member_language("G1", "U1", "cy", now)
    await storage.set_member_language("G2", "U1", "en", now)
    assert await storage.member_language("G1", "U1") == "cy"
    assert await storage.member_language("G2", "U1") == "en"
    assert await storage.member_language("G1", "U2") is None
    await storage.set_member_language("G1", "U1", "en", now + timedelta(minutes=1))
    assert await storage.member_language("G1", "U1") == "en"
    await storage.set_member_language("G1", "U1", None, now)
    assert await storage.member_language("G1", "U1") is None
    assert await storage.member_language("G2", "U1") == "en"


async def test_a_choice_is_exported_and_erased(storage: Storage, now: datetime) -> None:
    assert isinstance(storage, LanguageStore)
    await storage.set_member_language("G1", "U1", "cy", now)
    await storage.set_member_language("G2", "U1", "en", now)
    await storage.set_member_language("G1", "U2", "cy", now)
    records = await storage.member_records("U1", None)
    assert [(r["group"], r["language"]) for r in records["language"]] == [("G1", "cy"),
                                                                         ("G2", "en")]
    erased = await storage.erase_member("U1", "G1", "tester", now)
    assert erased is not None
    assert await storage.member_language("G1", "U1") is None
    assert await storage.member_language("G2", "U1") == "en"  # another group: kept
    assert await storage.member_language("G1", "U2") == "cy"
