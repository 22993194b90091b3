"""A new feature is one package, one storage package and one registry line
(docs/adding-a-feature.md): the toy `/kudos` (tests/toy/) runs on a fake host with a
fake store, then joins the real bot by the registry line alone: its config section is
checked, its channel setting is read from `[group]` and offered by `/setup`, its command
is listed and answered through a view of its declared store port, its table is made by
its migration, its words are encrypted at rest, and the retention sweep deletes its old
records after the period its own `[kudos]` section sets, with no code outside its
packages edited. The one list it joins by hand, the migration numbers in
`storage/migrations.py`, is joined here in the test (the toy lives in tests/, not in the
shipped list), as are the registry line and the storage packages found under storage/. A
storage cutoff that no running feature gives a period for stops start-up in one line,
and the sweep skips only that package."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import bot.features.registry as registry
import storage.migrations as migrations
import storage.packages as packages
import storage.sql_members as sql_members
from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.config import ConfigError
from bot.config import load_config
from bot.errors import UserError
from bot.events import Actor
from bot.events import Invocation
from bot.features.host import FeatureHost
from bot.features.retention import package as retention
from bot.retention_cutoffs import RetentionUndeclared
from bot.settings import GroupSettings
from bot.settings import feature_names
from bot.settings import setting_keys
from bot.startup import explain
from scheduler import Firing
from storage.crypto import FieldCipher
from storage.members import encrypted_columns
from storage.packages import compose_storage
from storage.packages import storage_packages
from storage.sqlite import SqliteStorage
from tests.backends import opened
from tests.privacy.conftest import start_features
from tests.toy.kudos import package as kudos
from tests.toy.kudos import wording
from tests.toy.kudos.config import KudosConfig
from tests.toy.kudos.store import KudosStore
from tests.toy.storage import kudos as kudos_storage

WORDS = "Thanks for the tea and the biscuits"
SWEEP = datetime(2026, 6, 1, tzinfo=UTC)  # a midnight UTC: when the sweep runs


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
def stored(monkeypatch: pytest.MonkeyPatch) -> None:
    """The toy's storage package beside the others, which the backends find by
    themselves; here, outside `storage/`, it is handed over."""
    found = (*storage_packages(), kudos_storage.STORAGE)
    monkeypatch.setattr(packages, "storage_packages", lambda: found)
    monkeypatch.setattr(sql_members, "storage_packages", lambda: found)
    monkeypatch.setattr(migrations, "VERSIONS",
                        (*migrations.VERSIONS, (kudos_storage.KUDOS_VERSION, "kudos")))
    monkeypatch.setattr(migrations, "KNOWN_VERSIONS",
                        migrations.KNOWN_VERSIONS | {kudos_storage.KUDOS_VERSION})
    monkeypatch.setattr(migrations, "LATEST_VERSION", kudos_storage.KUDOS_VERSION)
    monkeypatch.setattr(migrations, "_all", None)


@pytest.fixture
def registered(stored: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The one registry line, with its storage package. The composition root installs
    the registry's packages for the core to know, as the CLI does at start."""
    everyday = registry.PACKAGES
    monkeypatch.setattr(registry, "PACKAGES", (*everyday, kudos.PACKAGE))
    registry.install()
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


async def _kudos_store(tmp_path: Path, cipher: FieldCipher) -> Any:
    """A database with the toy's table (not yet opened), and two thank-yous in it: one
    31 days before the sweep, one 29 days before."""
    store = compose_storage("KudosSqlite", SqliteStorage)(tmp_path / "coprod.db", cipher)
    async with opened(store):
        await store.migrate()
        await store.add_kudos("g1", "Thanks, a month ago", SWEEP - timedelta(days=31))
        await store.add_kudos("g1", "Thanks, last month", SWEEP - timedelta(days=29))
    return store


async def test_the_sweep_keeps_thank_yous_as_long_as_the_kudos_section_says(
        registered: None, tmp_path: Path, cipher: FieldCipher,
        caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[kudos]\nkeep_days = 30\n", encoding="utf-8")
    config = load_config(path)
    assert config.section(KudosConfig).keep_days == 30
    store = await _kudos_store(tmp_path, cipher)
    caplog.set_level(logging.INFO, logger="bot.features.retention")
    clock = FakeClock(SWEEP - timedelta(hours=1))
    async with opened(store):
        app = App(config, store, clock=clock)
        await app.load()
        try:
            await start_features(app)
            clock.advance(timedelta(hours=1))
            await app.scheduler.run_due()
        finally:
            await app.stop()
        assert await store.kudos_count("g1") == 1
    (line,) = [r for r in caplog.records if r.getMessage() == "retention.swept"]
    fields = line.fields  # type: ignore[attr-defined]
    assert fields["kudos"] == 1
    # The other features' records were swept too, in the same sweep.
    assert {"checkins", "feedback_items", "concern_drafts"} <= set(fields)


async def test_a_storage_cutoff_no_running_feature_declares_stops_start_up_in_one_line(
        stored: None, tmp_path: Path, cipher: FieldCipher,
        caplog: pytest.LogCaptureFixture) -> None:
    """The toy's storage package without its feature (so no period for "kudos"): the
    bot refuses to start, in one line naming the package, the cutoff and the fix; and the
    sweep itself, had it run, skips that package only, with an error saying so."""
    config = Config()
    store = await _kudos_store(tmp_path, cipher)
    async with opened(store):
        app = App(config, store, clock=FakeClock(SWEEP))
        await app.load()
        try:
            with pytest.raises(RetentionUndeclared) as refused:
                await start_features(app)
        finally:
            await app.stop()
        line, code = explain(refused.value, config)
        assert (line, code) == (catalog.retention_undeclared("kudos", "kudos"), 1)
        assert "\n" not in line
        assert line.startswith('coprod cannot start: the storage package storage/kudos/ '
                               'declares the retention cutoff "kudos"')

        caplog.set_level(logging.INFO)
        sweep = retention.Retention(app.host_for(retention.PACKAGE))
        counts = await sweep.sweep(Firing(retention.SCHEDULE, SWEEP))
        assert counts is not None and "kudos" not in counts
        assert {"checkins", "feedback_items", "concern_drafts"} <= set(counts)
        assert await store.kudos_count("g1") == 2
    (error,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (error.getMessage(), error.fields) == (  # type: ignore[attr-defined]
        "retention.cutoff_missing", {"package": "kudos", "cutoff": "kudos"})


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
    """A handler's context, with no app or database behind it: the toy must not need
    either."""
    from bot.context import Context

    actor = Actor(user_id="u1", display_name="Alice")
    return Context(None, None,  # type: ignore[arg-type]
                   Invocation(group_id, actor, "kudos", options),
                   GroupSettings(group_id=group_id), frozenset(), options)
