"""Slack installations and OAuth states in SQL both databases run."""

from __future__ import annotations

from datetime import datetime

from storage.slack_installs.records import SlackInstall
from storage.sql import SqlBase, from_micros, to_micros


class SqlSlackInstalls(SqlBase):
    """`storage.slack_installs.SlackInstallStore` for both storage backends."""

    async def save_slack_install(self, install: SlackInstall) -> None:
        """Keep (or replace) a workspace's installation, its details sealed."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO slack_installs (workspace, sealed, installed_at) "
                "VALUES (?, ?, ?) ON CONFLICT (workspace) DO UPDATE SET "
                "sealed = excluded.sealed, installed_at = excluded.installed_at",
                (install.workspace, self._encrypt_json(dict(install.details)),
                 to_micros(install.installed_at)))

    async def slack_install(self, workspace: str) -> SlackInstall | None:
        """A workspace's installation, opened, or None."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT sealed, installed_at FROM slack_installs WHERE workspace = ?",
                (workspace,)))
        if not rows:
            return None
        return SlackInstall(workspace, self._decrypt_json(str(rows[0][0])),
                            from_micros(int(rows[0][1])))

    async def slack_installed_workspaces(self) -> list[str]:
        """Every workspace with an installation, in order."""
        async with self._transaction(write=False) as db:
            rows = await db.execute_fetchall(
                "SELECT workspace FROM slack_installs ORDER BY workspace", ())
        return [str(row[0]) for row in rows]

    async def delete_slack_install(self, workspace: str) -> bool:
        """Forget a workspace's installation; whether there was one."""
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM slack_installs WHERE workspace = ?",
                                      (workspace,))
            return cursor.rowcount > 0

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
