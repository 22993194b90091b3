"""Slack installations and OAuth states in SQL both databases run."""

from __future__ import annotations

from datetime import datetime

from storage.slack_installs.records import SlackInstall
from storage.sql import SqlBase
from storage.sql import from_micros
from storage.sql import to_micros


class SqlSlackInstalls(SqlBase):
    """`storage.slack_installs.SlackInstallStore` for both storage backends."""

    async def save_slack_install(self, install: SlackInstall) -> None:
        """Keep (or replace) a workspace's installation, its details sealed."""
        await self._put_or_drop(
            "slack_installs", {"workspace": install.workspace},
            {"sealed": self._encrypt_json(dict(install.details)),
             "installed_at": to_micros(install.installed_at)})

    async def slack_install(self, workspace: str) -> SlackInstall | None:
        """A workspace's installation, opened, or None."""
        return await self._read_one(
            lambda row: SlackInstall(workspace, self._decrypt_json(str(row[0])),
                                     from_micros(int(row[1]))),
            "SELECT sealed, installed_at FROM slack_installs WHERE workspace = ?",
            (workspace,))

    async def slack_installed_workspaces(self) -> list[str]:
        """Every workspace with an installation, in order."""
        rows = await self._read("SELECT workspace FROM slack_installs ORDER BY workspace")
        return [str(row[0]) for row in rows]

    async def delete_slack_install(self, workspace: str) -> bool:
        """Forget a workspace's installation; whether there was one."""
        # One row at most: the workspace is the table's key.
        return await self._change_one("DELETE FROM slack_installs WHERE workspace = ?",
                                      (workspace,))

    async def issue_slack_oauth_state(self, digest: str, now: datetime,
                                      expires_at: datetime) -> None:
        """Remember a state's digest until it expires, removing expired ones."""
        async with self._transaction() as db:
            await db.execute("DELETE FROM slack_oauth_states WHERE expires_at <= ?",
                             (to_micros(now),))
            await db.execute(
                "INSERT INTO slack_oauth_states (digest, expires_at) VALUES (?, ?) "
                "ON CONFLICT (digest) DO NOTHING", (digest, to_micros(expires_at)))

    async def consume_slack_oauth_state(self, digest: str, now: datetime) -> bool:
        """Use a state once; True only if it was there and has not expired."""
        async with self._transaction() as db:
            rows = list(await db.execute_fetchall(
                "DELETE FROM slack_oauth_states WHERE digest = ? RETURNING expires_at",
                (digest,)))
        return bool(rows) and int(rows[0][0]) > to_micros(now)
