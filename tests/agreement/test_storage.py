"""The agreement store's whole operations on SQLite, and migration 8 on both backends."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from bot.features.agreement.store import AgreementVersion
from bot.features.agreement.store import Amendment
from bot.features.agreement.store import AmendmentKind
from bot.features.agreement.store import AmendmentStatus
from bot.features.agreement.store import Decision
from bot.features.prompts.store import Prompt
from bot.features.resources.store import Resource
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import NewDelivery
from storage.agreement.schema import AGREEMENT_SQLITE
from storage.interface import Storage
from storage.migrations import all_migrations

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)
POST = NewDelivery("k", Destination.to_channel("g", "updates"), Message("hi"))


def test_migration_8_keeps_both_backends_in_step() -> None:
    (eight,) = [m for m in all_migrations() if m.version == 8]
    assert eight.sqlite == AGREEMENT_SQLITE

    def names(statements: tuple[str, ...]) -> list[str]:
        return [s.split()[2] for s in statements]

    assert names(AGREEMENT_SQLITE) == names(eight.statements("postgres"))
    assert all("TIMESTAMPTZ" not in s for s in AGREEMENT_SQLITE)


async def test_first_version_once_and_decision_once(storage: Storage) -> None:
    first = AgreementVersion("g", 1, ("Be kind",), NOW, "first", "")
    assert await storage.save_first_agreement(first, [POST], NOW)
    assert not await storage.save_first_agreement(first, [], NOW)
    amendment = Amendment("a1", "g", AmendmentKind.ADD, 0, "Be on time", "why", 1,
                          NOW + timedelta(days=1), "updates", "secret")
    await storage.start_amendment(amendment, [], NOW)
    seen: list[tuple[int, int, int | None]] = []

    def decide(found: Amendment, current: AgreementVersion | None) -> Decision:
        seen.append((found.yes, found.no, current.number if current else None))
        version = AgreementVersion("g", 2, ("Be kind", "Be on time"), NOW, "add", "why")
        return Decision(AmendmentStatus.PASSED, version, ())

    assert await storage.decide_amendment("a1", "k1", "me", decide, NOW) is not None
    assert await storage.decide_amendment("a1", "k2", "me", decide, NOW) is None
    assert seen == [(0, 0, 1)]
    versions = await storage.agreement_versions("g")
    assert [v.number for v in versions] == [1, 2] and versions[1].reason == "why"
    decided = await storage.get_amendment("a1")
    assert decided is not None and decided.status is AmendmentStatus.PASSED
    assert await storage.open_amendments() == []


async def test_reads_resources_prompts_and_welcome(storage: Storage) -> None:
    assert await storage.mark_read("g", 1, "U1", "Ann", NOW)
    assert not await storage.mark_read("g", 1, "U1", "Ann", NOW)
    assert await storage.readers("g", 1) == ["Ann"] and await storage.readers("g", 2) == []
    resource = Resource("r1", "g", "T", "https://x.org", True, ("a",), "U1", "Ann", NOW)
    await storage.add_resource(resource)
    assert await storage.resources("g") == [resource]
    assert not await storage.remove_resource("other", "r1")
    assert await storage.remove_resource("g", "r1")
    await storage.add_prompt(Prompt("p1", "g", "Q?", NOW))
    assert await storage.prompt_groups() == ["g"]
    posted = await storage.post_prompt("g", "occ", "me",
                                       lambda ps: (ps[0], [POST]), NOW)
    assert posted is not None and posted.prompt_id == "p1"
    assert await storage.post_prompt("g", "occ", "me", lambda ps: (ps[0], [POST]), NOW) is None
    (used,) = await storage.prompts("g")
    assert used.times_used == 1 and used.last_used_at == NOW
    assert await storage.welcome_text("g") is None
    await storage.set_welcome_text("g", "Hello", "U1", NOW)
    await storage.set_welcome_text("g", "Hello again", "U1", NOW)
    assert await storage.welcome_text("g") == "Hello again"
    await storage.set_welcome_text("g", None, "U1", NOW)
    assert await storage.welcome_text("g") is None
