"""Shared fixtures: a real SQLite file, an app with the default features, a memory bot."""

from __future__ import annotations

import io
import logging
import os
from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.errors import Forbidden
from bot.features import registry
from bot.logs import configure_logging
from bot.messages import DestinationKind
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.interface import Storage
from tests.backends import BACKENDS
from tests.backends import opened_storage

# The suite is a composition root: the core learns the registry's features once, here.
registry.install()

# Tests of storage itself run on both backends; COPROD_TEST_BACKENDS=sqlite,postgres
# runs every test that uses storage on both (slower; a thorough check of a change).
_BOTH_BACKENDS_PATHS = ("tests/storage/", "tests/scheduler/")
_BOTH_BACKENDS_FILES = ("_storage.py", "_store.py")


def _on_both_backends(metafunc: pytest.Metafunc) -> bool:
    if os.environ.get("COPROD_TEST_BACKENDS", ""):
        return True
    path = str(metafunc.definition.path).replace(os.sep, "/")
    return (any(part in path for part in _BOTH_BACKENDS_PATHS)
            or path.endswith(_BOTH_BACKENDS_FILES)
            or metafunc.definition.get_closest_marker("backends") is not None)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run storage tests on SQLite and PostgreSQL (see `_on_both_backends`)."""
    if "storage" not in metafunc.fixturenames and "backend" not in metafunc.fixturenames:
        return
    wanted = os.environ.get("COPROD_TEST_BACKENDS", "")
    kinds = [k.strip() for k in wanted.split(",") if k.strip()] or list(BACKENDS)
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    if _on_both_backends(metafunc):
        metafunc.parametrize("backend", kinds, indirect=True)


# discord.py can schedule one last event handler while a test's client closes; when the
# test's event loop ends first, Python reports the handler's coroutine as never awaited.
# That is the library's teardown, not a bot fault, so it must not fail the next test.
_UNAWAITED_DISCORD_HANDLER = (
    "ignore:Exception ignored in. <coroutine object Client._run_event"
    ":pytest.PytestUnraisableExceptionWarning")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that run a real discord.py client ignore `_UNAWAITED_DISCORD_HANDLER`."""
    for item in items:
        path = str(item.path).replace(os.sep, "/")
        if "contract/discord" in path or "contract_discord" in path:
            item.add_marker(pytest.mark.filterwarnings(_UNAWAITED_DISCORD_HANDLER))


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that puts a test on both storage backends."""
    config.addinivalue_line("markers", "backends: run this storage test on SQLite and "
                                       "PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only: this test reads the SQLite file itself")


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which storage backend the test runs on ("sqlite" unless parametrised)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def key() -> str:
    """A fresh encryption key for one test (tests that act as someone holding the key,
    or rotate it, ask for it by name)."""
    return generate_key()


@pytest.fixture
def cipher(key: str) -> FieldCipher:
    """The test database's cipher, on `key`."""
    return FieldCipher(key)


@pytest.fixture
async def storage(backend: str, tmp_path: Path, cipher: FieldCipher) -> AsyncIterator[Storage]:
    """A migrated database: a real SQLite file, or a fresh PostgreSQL schema."""
    async with opened_storage(backend, tmp_path / "coprod.db", cipher) as store:
        yield store


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves."""
    return FakeClock()


@pytest.fixture
async def bot(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """The default app on a real SQLite file, driven through the memory adapter."""
    app = App(Config(), storage, clock=clock)
    await app.load()
    memory = MemoryBot(app, MemoryAdapter())
    yield memory
    await memory.close()


@pytest.fixture
async def dms_closed_bot(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """The default app, not loaded yet, where every direct message is refused as when a
    member has closed their DMs (Discord's 50007)."""
    app = App(Config(), storage, clock=clock)
    memory = MemoryBot(app, MemoryAdapter(fail_when=lambda d: Forbidden("50007")
                                          if d.kind is DestinationKind.DM else None))
    yield memory
    await memory.close()


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Every log line at debug, captured from before the bot starts (as `coprod run`
    configures logging before the adapter); the logging set-up is put back after."""
    stream = io.StringIO()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    library = logging.getLogger("discord")
    library_level = library.level
    configure_logging("debug", stream=stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
        library.setLevel(library_level)
