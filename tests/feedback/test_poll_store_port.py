"""The polls store port is implemented by both backends, through their storage package."""

from __future__ import annotations

from bot.features.polls.store import PollStore
from storage.packages import storage_packages
from storage.postgres import PostgresStorage
from storage.sqlite import SqliteStorage


def test_both_backends_implement_the_poll_store_port() -> None:
    (polls,) = [p for p in storage_packages() if p.feature == "polls"]
    for backend in (SqliteStorage, PostgresStorage):
        assert issubclass(backend, polls.sql)
        assert issubclass(backend, PollStore)
