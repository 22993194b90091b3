"""Slack installations and OAuth states (storage/slack_installs/) on SQLite and
PostgreSQL: an installation kept per workspace with its token sealed at rest, forgotten
on uninstall; a state used once and only before it expires."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from storage.interface import Storage
from storage.slack_installs import SlackInstall
from storage.slack_installs import SlackInstallStore

TOKEN = "xoxb-fake-a"  # not a real token: the fake Slack's form, short


async def test_an_install_is_kept_per_workspace_and_forgotten(storage: Storage,
                                                              now: datetime) -> None:
    assert isinstance(storage, SlackInstallStore)
    assert await storage.slack_install("T0A") is None
    await storage.save_slack_install(SlackInstall("T0A", {"bot_token": TOKEN}, now))
    await storage.save_slack_install(SlackInstall("T0B", {"bot_token": "xoxb-b"}, now))
    found = await storage.slack_install("T0A")
    assert found is not None and found.details["bot_token"] == TOKEN
    assert found.installed_at == now
    await storage.save_slack_install(SlackInstall("T0A", {"bot_token": "xoxb-new"}, now))
    found = await storage.slack_install("T0A")
    assert found is not None and found.details["bot_token"] == "xoxb-new"
    assert await storage.slack_installed_workspaces() == ["T0A", "T0B"]
    assert await storage.delete_slack_install("T0A") is True
    assert await storage.delete_slack_install("T0A") is False
    assert await storage.slack_install("T0A") is None
    assert await storage.slack_installed_workspaces() == ["T0B"]


async def test_the_token_is_sealed_at_rest(storage: Storage, now: datetime) -> None:
    assert isinstance(storage, SlackInstallStore)
    await storage.save_slack_install(SlackInstall("T0A", {"bot_token": TOKEN}, now))
    async with storage._transaction(write=False) as db:  # type: ignore[attr-defined]
        rows = list(await db.execute_fetchall("SELECT sealed FROM slack_installs", ()))
    assert rows and TOKEN not in str(rows[0][0]) and "xoxb" not in str(rows[0][0])


async def test_a_state_is_used_once_and_only_before_it_expires(storage: Storage,
                                                              now: datetime) -> None:
    assert isinstance(storage, SlackInstallStore)
    later = now + timedelta(minutes=10)
    await storage.issue_slack_oauth_state("d1", now, later)
    await storage.issue_slack_oauth_state("d2", now, later)
    assert await storage.consume_slack_oauth_state("d1", now) is True
    assert await storage.consume_slack_oauth_state("d1", now) is False  # one use
    assert await storage.consume_slack_oauth_state("never", now) is False
    assert await storage.consume_slack_oauth_state("d2", later) is False  # expired
    await storage.issue_slack_oauth_state("d3", now, later)
    # An expired state is removed when a new one is issued.
    await storage.issue_slack_oauth_state("d4", later + timedelta(seconds=1),
                                          later + timedelta(minutes=10))
    assert await storage.consume_slack_oauth_state("d3", now) is False
