"""The agreement's, resources', prompts' and welcome's store ports in SQL both databases
run: the agreement and its amendments, resources, prompts and the welcome text. Whatever
people wrote is stored encrypted (`body`, `name`).

Votes on an amendment go in a ballot box, as an anonymous poll's do (storage/ballot_box.py):
the only row a vote writes; the amendment's `yes_votes` and `no_votes` stay 0 while it is
open and get the final counts when it is decided, and the box is then deleted."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.ballots import Ballot
from bot.ballots import VoteResult
from bot.features.agreement.store import AgreementVersion
from bot.features.agreement.store import Amendment
from bot.features.agreement.store import AmendmentKind
from bot.features.agreement.store import AmendmentStatus
from bot.features.agreement.store import Decide
from bot.features.agreement.store import Decision
from bot.features.prompts.store import PickPrompt
from bot.features.prompts.store import Prompt
from bot.features.resources.store import Resource
from bot.outbox import NewDelivery
from storage.ballot_box import BOX_TABLE
from storage.ballot_box import SqlBallotBoxes
from storage.ballot_box import amendment_box
from storage.sql import from_micros
from storage.sql import to_micros

_AMENDMENT_COLUMNS = ("id, group_id, body, base_version, closes_at, channel, voter_secret, "
                      "status, yes_votes, no_votes")


class SqlAgreement(SqlBallotBoxes):
    """The group's ways of working, in the database: implements `AgreementStore`,
    `ResourceStore`, `PromptStore` and `WelcomeStore` (one migration holds their tables)."""

    # ---- agreement ---------------------------------------------------------------------

    def _version_row(self, version: AgreementVersion) -> tuple[Any, ...]:
        body = self._encrypt_json({"points": list(version.points), "change": version.change,
                                   "reason": version.reason})
        return (version.group_id, version.number, body, to_micros(version.created_at))

    def _version_from(self, row: Sequence[Any]) -> AgreementVersion:
        group_id, number, body, created_at = row
        data = self._decrypt_json(body)
        return AgreementVersion(group_id, int(number), tuple(data["points"]),
                                from_micros(created_at), data["change"], data["reason"])

    async def agreement_versions(self, group_id: str) -> list[AgreementVersion]:
        """Every version, oldest first."""
        return await self._read_all(
            self._version_from, "SELECT group_id, number, body, created_at "
            "FROM agreement_versions WHERE group_id = ? ORDER BY number", (group_id,))

    async def save_first_agreement(self, version: AgreementVersion,
                                   deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Version 1 and its announcement, if the group has none yet."""
        async with self._transaction() as db:
            await self._turn(db, f"agreement:{version.group_id}")  # versions: one at a time
            found = list(await db.execute_fetchall(
                "SELECT 1 FROM agreement_versions WHERE group_id = ? LIMIT 1",
                (version.group_id,)))
            if found:
                return False
            await db.execute("INSERT INTO agreement_versions (group_id, number, body, "
                             "created_at) VALUES (?, ?, ?, ?)", self._version_row(version))
            await self._insert_deliveries(db, deliveries, now)
        return True

    def _amendment_from(self, row: Sequence[Any]) -> Amendment:
        (amendment_id, group_id, body, base, closes_at, channel, secret, status, yes,
         no) = row
        data = self._decrypt_json(body)
        return Amendment(amendment_id, group_id, AmendmentKind(data["kind"]), int(data["point"]),
                         data["text"], data["reason"], int(base), from_micros(closes_at),
                         channel, self._decrypt_json(secret)["secret"], AmendmentStatus(status),
                         int(yes), int(no))

    async def start_amendment(self, amendment: Amendment, deliveries: Sequence[NewDelivery],
                              now: datetime) -> None:
        """The open amendment, its empty ballot box and the post asking for votes."""
        body = self._encrypt_json({"kind": amendment.kind.value, "point": amendment.point,
                                   "text": amendment.text, "reason": amendment.reason})
        row = (amendment.amendment_id, amendment.group_id, body, amendment.base_version,
               to_micros(amendment.closes_at), amendment.channel,
               self._encrypt_json({"secret": amendment.voter_secret}), to_micros(now))
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO amendments (id, group_id, body, base_version, closes_at, channel, "
                "voter_secret, status, created_day) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
                row)
            await self._new_box(db, amendment_box(amendment.amendment_id), 2)
            await self._insert_deliveries(db, deliveries, now)

    async def get_amendment(self, amendment_id: str) -> Amendment | None:
        """An amendment by id."""
        return await self._read_one(
            self._amendment_from, f"SELECT {_AMENDMENT_COLUMNS} FROM amendments WHERE id = ?",
            (amendment_id,))

    async def open_amendments(self) -> list[Amendment]:
        """Every open amendment, soonest closing first."""
        return await self._read_all(
            self._amendment_from,
            f"SELECT {_AMENDMENT_COLUMNS} FROM amendments WHERE status = 'open' "
            "ORDER BY closes_at, id")

    async def cast_amendment_vote(self, ballot: Ballot, now: datetime) -> VoteResult:
        """Count a first vote, or move a changed one (unsealed in memory) to the other
        side: the ballot box is the only row written; once it is committed, the database
        is told to forget the box's earlier versions."""
        async with self._transaction() as db:
            # Votes and the decision on one amendment take turns (see cast_vote in polls).
            await self._turn(db, amendment_box(ballot.poll_id))
            rows = list(await db.execute_fetchall(
                "SELECT status, closes_at FROM amendments WHERE id = ?", (ballot.poll_id,)))
            if not rows:
                return VoteResult.NOT_FOUND
            status, closes_at = rows[0]
            if status != "open" or to_micros(now) >= closes_at:
                return VoteResult.CLOSED
            result = await self._vote_in_box(db, amendment_box(ballot.poll_id), ballot)
        if result in (VoteResult.COUNTED, VoteResult.CHANGED):
            await self._forget_earlier_boxes()
        return result

    async def decide_amendment(self, amendment_id: str, occurrence_key: str, owner: str,
                               decide: Decide, now: datetime) -> Decision | None:
        """Decide once: status and final counts, new version, the ballot box deleted and
        the announcements, together; then the box's earlier versions are forgotten."""
        async with self._transaction() as db:
            # Always in this order: the amendment's turn (no vote lands between the count
            # and the decision), then its group's agreement (the next version number).
            await self._turn(db, amendment_box(amendment_id))
            rows = list(await db.execute_fetchall(
                f"SELECT {_AMENDMENT_COLUMNS} FROM amendments WHERE id = ? AND status = 'open'",
                (amendment_id,)))
            if not rows:
                return None
            amendment = self._amendment_from(tuple(rows[0]))
            await self._turn(db, f"agreement:{amendment.group_id}")
            box = await self._read_box(db, amendment_box(amendment_id))
            if box is not None:
                amendment = dataclasses.replace(amendment, yes=box.tallies[0],
                                                no=box.tallies[1])
            # The open status, checked and changed in the amendment's turn, makes the
            # decision happen once; the occurrence is recorded for the scheduler's sake.
            await self._claim(db, occurrence_key, owner, now)
            latest = list(await db.execute_fetchall(
                "SELECT group_id, number, body, created_at FROM agreement_versions "
                "WHERE group_id = ? ORDER BY number DESC LIMIT 1", (amendment.group_id,)))
            current = self._version_from(tuple(latest[0])) if latest else None
            decision = decide(amendment, current)
            await db.execute("UPDATE amendments SET status = ?, yes_votes = ?, no_votes = ? "
                             "WHERE id = ?", (decision.status.value, amendment.yes,
                                              amendment.no, amendment_id))
            await db.execute(f"DELETE FROM {BOX_TABLE} WHERE id = ?",
                             (amendment_box(amendment_id),))
            if decision.version is not None:
                await db.execute("INSERT INTO agreement_versions (group_id, number, body, "
                                 "created_at) VALUES (?, ?, ?, ?)",
                                 self._version_row(decision.version))
            await self._insert_deliveries(db, decision.deliveries, now)
        await self._forget_earlier_boxes(rewrite=True)
        return decision

    async def mark_read(self, group_id: str, version: int, user_id: str, name: str,
                        now: datetime) -> bool:
        """Record a reader once per version."""
        return await self._change_one(
            "INSERT INTO agreement_reads (group_id, version, user_id, name, read_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (group_id, version, user_id, self._encrypt_json(name), to_micros(now)))

    async def readers(self, group_id: str, version: int) -> list[str]:
        """Readers' display names, sorted."""
        rows = await self._read(
            "SELECT name FROM agreement_reads WHERE group_id = ? AND version = ?",
            (group_id, version))
        return sorted(str(self._decrypt_json(r[0])) for r in rows)

    # ---- resources ---------------------------------------------------------------------

    async def add_resource(self, resource: Resource) -> None:
        """Store a resource (everything but its id, group and time encrypted)."""
        body = self._encrypt_json({"title": resource.title, "content": resource.content,
                                   "is_link": resource.is_link, "tags": list(resource.tags),
                                   "name": resource.added_by_name})
        async with self._transaction() as db:
            await db.execute("INSERT INTO resources (id, group_id, body, added_by, added_at) "
                             "VALUES (?, ?, ?, ?, ?)",
                             (resource.resource_id, resource.group_id, body, resource.added_by,
                              to_micros(resource.added_at)))

    def _resource_from(self, row: Sequence[Any]) -> Resource:
        resource_id, group_id, body, added_by, added_at = row
        data = self._decrypt_json(body)
        return Resource(resource_id, group_id, data["title"], data["content"],
                        bool(data["is_link"]), tuple(data["tags"]), added_by, data["name"],
                        from_micros(added_at))

    async def resources(self, group_id: str) -> list[Resource]:
        """Newest first."""
        return await self._read_all(
            self._resource_from, "SELECT id, group_id, body, added_by, added_at FROM resources "
            "WHERE group_id = ? ORDER BY added_at DESC, id", (group_id,))

    async def remove_resource(self, group_id: str, resource_id: str) -> bool:
        """Delete one resource of this group."""
        return await self._change_one("DELETE FROM resources WHERE group_id = ? AND id = ?",
                                      (group_id, resource_id))

    # ---- prompts -----------------------------------------------------------------------

    async def add_prompt(self, prompt: Prompt) -> None:
        """Store a new prompt."""
        async with self._transaction() as db:
            await db.execute("INSERT INTO prompts (id, group_id, body, added_at, times_used) "
                             "VALUES (?, ?, ?, ?, 0)",
                             (prompt.prompt_id, prompt.group_id,
                              self._encrypt_json(prompt.text), to_micros(prompt.added_at)))

    @staticmethod
    async def _prompt_rows(db: Any, group_id: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await db.execute_fetchall(
            "SELECT id, body, added_at, times_used, last_used_at FROM prompts "
            "WHERE group_id = ? ORDER BY added_at, id", (group_id,))]

    def _prompt_from(self, group_id: str, row: tuple[Any, ...]) -> Prompt:
        prompt_id, body, added_at, used, last = row
        return Prompt(prompt_id, group_id, str(self._decrypt_json(body)), from_micros(added_at),
                      int(used), None if last is None else from_micros(last))

    async def prompts(self, group_id: str) -> list[Prompt]:
        """Oldest first."""
        async with self._transaction(write=False) as db:
            rows = await self._prompt_rows(db, group_id)
        return [self._prompt_from(group_id, r) for r in rows]

    async def prompt_groups(self) -> list[str]:
        """Groups with prompts."""
        rows = await self._read("SELECT DISTINCT group_id FROM prompts ORDER BY group_id")
        return [str(r[0]) for r in rows]

    async def post_prompt(self, group_id: str, occurrence_key: str, owner: str,
                          pick: PickPrompt, now: datetime) -> Prompt | None:
        """Claim, pick, count and deliver in one transaction."""
        async with self._transaction() as db:
            if not await self._claim(db, occurrence_key, owner, now):
                return None
            prompts = [self._prompt_from(group_id, r)
                       for r in await self._prompt_rows(db, group_id)]
            picked = pick(prompts)
            if picked is None:
                return None
            prompt, deliveries = picked
            await db.execute("UPDATE prompts SET times_used = times_used + 1, "
                             "last_used_at = ? WHERE id = ?", (to_micros(now), prompt.prompt_id))
            await self._insert_deliveries(db, deliveries, now)
        return prompt

    # ---- welcome -----------------------------------------------------------------------

    async def welcome_text(self, group_id: str) -> str | None:
        """The group's own welcome text, if set."""
        return await self._read_one(lambda row: str(self._decrypt_json(row[0])),
                                    "SELECT body FROM welcome_texts WHERE group_id = ?",
                                    (group_id,))

    async def set_welcome_text(self, group_id: str, text: str | None, by: str,
                               now: datetime) -> None:
        """Replace (or, with None, remove) the group's welcome text."""
        await self._put_or_drop(
            "welcome_texts", {"group_id": group_id},
            None if text is None else {"body": self._encrypt_json(text), "updated_by": by,
                                       "updated_at": to_micros(now)})


__all__ = ["SqlAgreement"]
