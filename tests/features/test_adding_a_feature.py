"""A new feature is one package, one storage package and one registry line
(docs/adding-a-feature.md): the toy `/kudos` (tests/toy/) runs on a fake host with a
fake store, then joins the real bot by the registry line alone: its config section is
checked, its channel setting is read from `[group]` and offered by `/setup`, its command
is listed and answered through a view of its declared store port, its table is made by
its migration, and its words are encrypted at rest, without any central list being
edited."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import bot.features.registry as registry
import storage.migrations as migrations
import storage.packages as packages
from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.clock import FakeClock
from bot.config import ConfigError
from bot.config import load_config
from bot.errors import UserError
from bot.events import Actor
from bot.events import Invocation
from bot.features.host import FeatureHost
from bot.settings import GroupSettings
from bot.settings import feature_names
from bot.settings import setting_keys
from storage.crypto import FieldCipher
from storage.members import encrypted_columns
from storage.packages import compose_storage
from storage.packages import storage_packages
from storage.sqlite import SqliteStorage
from tests.backends import opened
from tests.toy.kudos import package as kudos
from tests.toy.kudos import wording
from tests.toy.kudos.config import KudosConfig
from tests.toy.kudos.store import KudosStore
from tests.toy.storage import kudos as kudos_storage

WORDS = "Thanks for the tea and the biscuits"


@dataclass
class FakeKudos:
    """An in-memory `KudosStore`."""

    kept: dict[str, list[str]] = field(default_factory=dict)

    async def add_kudos(self, group_id: str, text: str, now: datetime) -> int:
        self.kept.setdefault(group_id, []).append(text)
        return len(self.kept[group_id])

    async def kudos_count(self, group_id: str) -> int:
        return len(self.kept.get(group_id, []))


@dataclass
class FakeHost:
    """Just what `FeatureHost` promises, and nothing of the app."""

    store: FakeKudos
    config: KudosConfig
    clock: FakeClock = field(default_factory=FakeClock)
    scheduler: Any = None
    people: Any = None

    def group(self, group_id: str) -> GroupSettings:
        return GroupSettings(group_id=group_id)

    def defaults(self) -> GroupSettings:
        return GroupSettings(group_id="")

    def config_group_ids(self) -> tuple[str, ...]:
        return ()

    def known_group_ids(self) -> tuple[str, ...]:
        return ()

    def deliveries_waiting(self) -> None:
        pass

    def add_notice(self, provider: Any) -> None:
        pass


async def test_the_toy_runs_on_a_fake_host_with_a_fake_store() -> None:
    store = FakeKudos()
    host: FeatureHost[KudosStore, KudosConfig] = FakeHost(store, KudosConfig(max_length=20))
    feature = kudos.PACKAGE.build(host)
    (command,) = feature.commands
    ctx = _context("g1", {"text": "Thanks for the tea"})
    assert reply_text(await command.handler(ctx)) == wording.kudos_saved(1)
    assert store.kept == {"g1": ["Thanks for the tea"]}
    with pytest.raises(UserError) as too_long:
        await command.handler(_context("g1", {"text": WORDS}))
    assert too_long.value.text == wording.kudos_too_long(20)
    assert await store.kudos_count("g1") == 1


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The one registry line (and its storage package beside the others, which the
    backends find by themselves; here, outside `storage/`, it is handed over). The
    composition root installs the registry's packages for the core to know, as the CLI
    does at start."""
    everyday = registry.PACKAGES
    monkeypatch.setattr(registry, "PACKAGES", (*everyday, kudos.PACKAGE))
    registry.install()
    found = (*storage_packages(), kudos_storage.STORAGE)
    monkeypatch.setattr(packages, "storage_packages", lambda: found)
    monkeypatch.setattr(migrations, "VERSIONS",
                        (*migrations.VERSIONS, (kudos_storage.KUDOS_VERSION, "kudos")))
    monkeypatch.setattr(migrations, "KNOWN_VERSIONS",
                        migrations.KNOWN_VERSIONS | {kudos_storage.KUDOS_VERSION})
    monkeypatch.setattr(migrations, "LATEST_VERSION", kudos_storage.KUDOS_VERSION)
    monkeypatch.setattr(migrations, "_all", None)
    yield
    registry.install(everyday)


async def test_one_registry_line_adds_the_toy_to_the_running_bot(
        registered: None, tmp_path: Path, cipher: FieldCipher) -> None:
    assert "kudos" in feature_names()
    assert ("kudos", "body") in {(c.table, c.column) for c in encrypted_columns()}
    path = tmp_path / "config.toml"
    path.write_text("[kudos]\nmax_length = 5000\n", encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_config(path)
    assert bad.value.problems == ["[kudos] max_length: must be a whole number from 10 to 500"]
    path.write_text("[kudos]\nmax_length = 50\n[group]\nkudos_channel = \"#thanks-a-lot\"\n",
                    encoding="utf-8")
    config = load_config(path)
    assert config.section(KudosConfig).max_length == 50
    assert config.group.channel("kudos_channel") == "thanks-a-lot"
    assert GroupSettings(group_id="").channel("kudos_channel") == "kudos"

    backend = compose_storage("KudosSqlite", SqliteStorage)
    database = tmp_path / "coprod.db"
    store = backend(database, cipher)
    async with opened(store):
        assert kudos_storage.KUDOS_VERSION in await store.migrate()
        assert isinstance(store, KudosStore)
        app = App(config, store, clock=FakeClock())
        await app.load()
        assert kudos.PACKAGE.store is KudosStore
        seen = app.host_for(kudos.PACKAGE).store
        assert isinstance(seen, KudosStore) and seen is not store
        with pytest.raises(AttributeError):
            seen.member_records  # noqa: B018
        memory = MemoryBot(app, MemoryAdapter())
        try:
            assert "/kudos: " + wording.KUDOS_HELP in reply_text(
                await memory.run("alice", "/help"))
            said = reply_text(await memory.run("alice", f'/kudos text="{WORDS}"'))
            assert said == wording.kudos_saved(1)
            assert await store.kudos_count(memory.group_id) == 1
            memory.adapter.member("carol", "Facilitator")
            assert reply_text(await memory.run("carol", "/setup kudos_channel=#thanks")
                              ).startswith("Saved: kudos_channel.")
            settings = memory.app.settings.for_group(memory.group_id)
            assert settings.channel("kudos_channel") == "thanks"
            overview = reply_text(await memory.run("carol", "/setup"))
            assert ("- kudos_channel: #thanks (set in chat). "
                    f"{wording.SETTING_KUDOS_CHANNEL.capitalize()}.") in overview
            assert (overview.index("- leads_channel:") < overview.index("- kudos_channel:")
                    < overview.index("- facilitator_roles:"))
        finally:
            await memory.close()
    with sqlite3.connect(database) as raw:
        (body,) = raw.execute("SELECT body FROM kudos").fetchone()
    assert WORDS not in body and cipher.opens(body)


def test_without_its_registry_line_the_core_knows_no_kudos_channel(tmp_path: Path) -> None:
    assert "kudos_channel" not in setting_keys()
    assert "kudos_channel" not in GroupSettings(group_id="").channels
    path = tmp_path / "config.toml"
    path.write_text('[group]\nkudos_channel = "thanks"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_config(path)
    (problem,) = bad.value.problems
    assert problem.startswith("[group] kudos_channel: unknown key.")


def _context(group_id: str, options: dict[str, str]) -> Any:
    """A handler's context, with no app behind it: the toy must not need one."""
    from bot.context import Context

    actor = Actor(user_id="u1", display_name="Alice")
    return Context(None, Invocation(group_id, actor, "kudos", options),  # type: ignore[arg-type]
                   GroupSettings(group_id=group_id), frozenset(), options)
