"""Safeguarding concerns in SQL both databases run: cases, notes, audit, known leads and drafts.

Every operation is one transaction; a state change, its audit entry and the
notifications it causes commit together. Words are sealed with the field cipher; after
a case is deleted, or a draft used or declined, the history is emptied (SQLite: the WAL
checkpointed; PostgreSQL: the tables vacuumed) so old versions holding the sealed words
do not linger. Drafts hold no member id, only the intake's owner tag.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.features.concerns.store import AckResult
from bot.features.concerns.store import AuditEntry
from bot.features.concerns.store import CaseNote
from bot.features.concerns.store import CaseStatus
from bot.features.concerns.store import CaseSummary
from bot.features.concerns.store import Concern
from bot.features.concerns.store import ConcernDraft
from bot.features.concerns.store import ConcernStore
from bot.features.concerns.store import KnownLead
from bot.features.concerns.store import NewConcern
from bot.features.concerns.store import NoteKind
from bot.outbox import NewDelivery
from storage.sql import SqlBase
from storage.sql import SqlConnection
from storage.sql import from_micros
from storage.sql import to_micros

_CASE_COLUMNS = ("id, group_id, status, danger, body, access, created_at, acknowledged_by, "
                 "acknowledged_at, assignee, closed_at, outcome, escalations")
_SUMMARY_COLUMNS = "id, group_id, status, danger, access, created_at, acknowledged_at"
_AUDIT = ("INSERT INTO concern_audit (case_id, actor_id, action, detail, created_at) "
          "VALUES (?, ?, ?, ?, ?)")
_LIVE = "('open', 'acknowledged')"
# The keys of direct messages to a lead about a case (new and escalated): whether the
# latest was refused says whether a lead can be reached (`concern_dms_refused`).
LEAD_DM_KEYS = ("concern:%:dm:%", "concern-escalate:%")


def _moment(value: int | None) -> datetime | None:
    return None if value is None else from_micros(value)


class SqlConcerns(SqlBase, ConcernStore):
    """`ConcernStore` for both storage backends."""

    def _audit_row(self, case_id: str, actor_id: str, actor_name: str, action: str,
                   detail: str, now: datetime) -> tuple[Any, ...]:
        return (case_id, actor_id, action,
                self._encrypt_json({"name": actor_name, "detail": detail}), to_micros(now))

    async def raise_concern(self, concern: NewConcern, deliveries: Sequence[NewDelivery],
                            now: datetime) -> None:
        """Store the case, its first audit entry and its notifications together."""
        body = self._encrypt_json({
            "text": concern.text, "about": concern.about, "reporter": concern.reporter_id,
            "reporter_name": concern.reporter_name, "may_contact": concern.may_contact,
            "anonymous": concern.anonymous, "source": concern.source, "link": concern.link,
            "quoted": concern.quoted, "subjects": list(concern.subject_ids)})
        access = self._encrypt_json({"excluded": list(concern.excluded)})
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO concern_cases (id, group_id, status, danger, body, access, "
                "created_at) VALUES (?, ?, 'open', ?, ?, ?, ?)",
                (concern.case_id, concern.group_id, int(concern.danger), body, access,
                 to_micros(concern.created_at)))
            await db.execute(_AUDIT, self._audit_row(
                concern.case_id, "", "", "raised", concern.source, now))
            if concern.draft_id:
                await db.execute("DELETE FROM concern_drafts WHERE id = ?",
                                 (concern.draft_id,))
            await self._insert_deliveries(db, deliveries, now)
        if concern.draft_id:
            # The draft's words are now the case's: no earlier page of it may linger.
            await self._forget_old_versions("concern_drafts")

    def _concern_from(self, row: Any) -> Concern:
        (case_id, group_id, status, danger, body, access, created_at, ack_by, ack_at,
         assignee, closed_at, outcome, escalations) = row
        data: dict[str, Any] = {} if body is None else self._decrypt_json(body)
        return Concern(
            case_id=case_id, group_id=group_id, status=CaseStatus(status),
            text=data.get("text", ""), about=data.get("about", ""), danger=bool(danger),
            may_contact=bool(data.get("may_contact", False)),
            anonymous=bool(data.get("anonymous", True)),
            reporter_id=data.get("reporter", ""), reporter_name=data.get("reporter_name", ""),
            source=data.get("source", ""), created_at=from_micros(created_at),
            link=data.get("link", ""), quoted=data.get("quoted", ""),
            subject_ids=tuple(data.get("subjects", ())),
            excluded=tuple(self._decrypt_json(access)["excluded"]),
            acknowledged_by=ack_by, acknowledged_at=_moment(ack_at), assignee=assignee,
            closed_at=_moment(closed_at),
            outcome="" if outcome is None else self._decrypt_json(outcome)["outcome"],
            escalations=int(escalations))

    async def concern(self, case_id: str) -> Concern | None:
        """A case by reference."""
        return await self._read_one(
            self._concern_from, f"SELECT {_CASE_COLUMNS} FROM concern_cases WHERE id = ?",
            (case_id,))

    def _summary_from(self, row: Any) -> CaseSummary:
        case_id, group_id, status, danger, access, created_at, ack_at = row
        return CaseSummary(case_id, group_id, CaseStatus(status), bool(danger),
                           from_micros(created_at), _moment(ack_at),
                           tuple(self._decrypt_json(access)["excluded"]))

    async def concern_summaries(self, group_id: str, statuses: Sequence[CaseStatus],
                                ) -> list[CaseSummary]:
        """A group's cases in these statuses, oldest first."""
        status_in, values = self._among("status", [s.value for s in statuses])
        return await self._read_all(
            self._summary_from, f"SELECT {_SUMMARY_COLUMNS} FROM concern_cases "
            f"WHERE group_id = ? AND {status_in} ORDER BY created_at, id",
            (group_id, *values))

    async def unacknowledged_concerns(self) -> list[CaseSummary]:
        """Every case nobody has acknowledged yet."""
        return await self._read_all(
            self._summary_from, f"SELECT {_SUMMARY_COLUMNS} FROM concern_cases "
            "WHERE status = 'open' ORDER BY created_at, id")

    async def acknowledge_concern(self, case_id: str, lead_id: str, lead_name: str,
                                  deliveries: Sequence[NewDelivery], now: datetime,
                                  ) -> AckResult:
        """Take the case if nobody has; audit and notify together."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE concern_cases SET status = 'acknowledged', acknowledged_by = ?, "
                "acknowledged_at = ?, assignee = COALESCE(assignee, ?) "
                "WHERE id = ? AND status = 'open'",
                (lead_id, to_micros(now), lead_id, case_id))
            if cursor.rowcount != 1:
                rows = list(await db.execute_fetchall(
                    "SELECT acknowledged_by, status FROM concern_cases WHERE id = ?",
                    (case_id,)))
                if not rows:
                    return AckResult(False, None, None)
                return AckResult(False, rows[0][0], CaseStatus(rows[0][1]))
            await db.execute(_AUDIT, self._audit_row(case_id, lead_id, lead_name,
                                                     "acknowledged", "", now))
            await self._insert_deliveries(db, deliveries, now)
        return AckResult(True, lead_id, CaseStatus.ACKNOWLEDGED)

    async def escalate_concern(self, case_id: str, occurrence_key: str, owner: str,
                               deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Claim the occurrence; escalate only a still unacknowledged case."""
        async with self._transaction() as db:
            if not await self._claim(db, occurrence_key, owner, now):
                return False
            cursor = await db.execute(
                "UPDATE concern_cases SET escalations = escalations + 1 "
                "WHERE id = ? AND status = 'open'", (case_id,))
            if cursor.rowcount != 1:
                return False
            await db.execute(_AUDIT, self._audit_row(case_id, "", "", "escalated",
                                                     occurrence_key, now))
            await self._insert_deliveries(db, deliveries, now)
        return True

    async def add_case_note(self, group_id: str, note: CaseNote) -> bool:
        """Add a signed, timed note to a live case, audited."""
        async with self._transaction() as db:
            await self._turn(db, f"concern:{note.case_id}")  # not deleted before the note
            found = list(await db.execute_fetchall(
                f"SELECT 1 FROM concern_cases WHERE id = ? AND group_id = ? "
                f"AND status IN {_LIVE}", (note.case_id, group_id)))
            if not found:
                return False
            await db.execute(
                "INSERT INTO concern_notes (case_id, kind, author_id, body, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (note.case_id, note.kind.value, note.author_id,
                 self._encrypt_json({"text": note.text, "name": note.author_name}),
                 to_micros(note.at)))
            await db.execute(_AUDIT, self._audit_row(note.case_id, note.author_id,
                                                     note.author_name, "note",
                                                     note.kind.value, note.at))
        return True

    def _note_from(self, row: Any) -> CaseNote:
        case_id, kind, author_id, body, created_at = row
        data = self._decrypt_json(body)
        return CaseNote(case_id, NoteKind(kind), author_id, data["name"], data["text"],
                        from_micros(created_at))

    async def case_notes(self, case_id: str) -> list[CaseNote]:
        """A case's notes, oldest first."""
        return await self._read_all(
            self._note_from, "SELECT case_id, kind, author_id, body, created_at "
            "FROM concern_notes WHERE case_id = ? ORDER BY id", (case_id,))

    async def assign_concern(self, case_id: str, lead_id: str, by_id: str, by_name: str,
                             deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Give a live case to a lead (acknowledging it if nobody had), audited."""
        at = to_micros(now)
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE concern_cases SET assignee = ?, "
                "acknowledged_by = COALESCE(acknowledged_by, ?), "
                "acknowledged_at = COALESCE(acknowledged_at, ?), status = 'acknowledged' "
                f"WHERE id = ? AND status IN {_LIVE}", (lead_id, by_id, at, case_id))
            if cursor.rowcount != 1:
                return False
            await db.execute(_AUDIT, self._audit_row(case_id, by_id, by_name, "assigned",
                                                     lead_id, now))
            await self._insert_deliveries(db, deliveries, now)
        return True

    async def close_concern(self, case_id: str, outcome: str, by_id: str, by_name: str,
                            now: datetime) -> bool:
        """Close a live case with its outcome, audited."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE concern_cases SET status = 'closed', closed_at = ?, outcome = ? "
                f"WHERE id = ? AND status IN {_LIVE}",
                (to_micros(now), self._encrypt_json({"outcome": outcome}), case_id))
            if cursor.rowcount != 1:
                return False
            await db.execute(_AUDIT, self._audit_row(case_id, by_id, by_name, "closed", "",
                                                     now))
        return True

    async def _wipe(self, db: SqlConnection, case_ids: Sequence[str], by_id: str,
                    by_name: str, action: str, detail: str, now: datetime) -> None:
        at = to_micros(now)
        await db.executemany(
            "UPDATE concern_cases SET status = 'deleted', body = NULL, outcome = NULL, "
            "deleted_at = ? WHERE id = ?", [(at, c) for c in case_ids])
        await db.executemany("DELETE FROM concern_notes WHERE case_id = ?",
                             [(c,) for c in case_ids])
        await db.executemany(_AUDIT, [self._audit_row(c, by_id, by_name, action, detail, now)
                                      for c in case_ids])

    async def delete_concern(self, case_id: str, by_id: str, by_name: str, reason: str,
                             now: datetime) -> bool:
        """Delete a case's words and notes; keep the tombstone and audit."""
        async with self._transaction() as db:
            await self._turn(db, f"concern:{case_id}")  # once, and after any note being added
            found = list(await db.execute_fetchall(
                "SELECT 1 FROM concern_cases WHERE id = ? AND status != 'deleted'",
                (case_id,)))
            if not found:
                return False
            await self._wipe(db, [case_id], by_id, by_name, "deleted", reason, now)
        await self._forget_old_versions("concern_cases", "concern_notes", "concern_drafts")
        return True

    async def purge_closed_concerns(self, closed_before: datetime, now: datetime,
                                    ) -> list[str]:
        """Retention: delete cases closed before the cutoff, audited."""
        async with self._transaction(alone=True) as db:  # a sweep over every group's cases
            rows = list(await db.execute_fetchall(
                "SELECT id FROM concern_cases WHERE status = 'closed' AND closed_at < ?",
                (to_micros(closed_before),)))
            ids = [str(r[0]) for r in rows]
            if ids:
                await self._wipe(db, ids, "", "", "deleted", "retention", now)
        if ids:
            await self._forget_old_versions("concern_cases", "concern_notes", "concern_drafts")
        return ids

    async def record_case_audit(self, entries: Sequence[AuditEntry]) -> None:
        """Record views or actions on cases (one transaction)."""
        if not entries:
            return
        async with self._transaction() as db:
            await db.executemany(_AUDIT, [
                self._audit_row(e.case_id, e.actor_id, e.actor_name, e.action, e.detail,
                                e.at) for e in entries])

    def _audit_from(self, row: Any) -> AuditEntry:
        case_id, actor_id, action, detail, created_at = row
        data = self._decrypt_json(detail)
        return AuditEntry(case_id, actor_id, data["name"], action, data["detail"],
                          from_micros(created_at))

    async def case_audit(self, case_id: str) -> list[AuditEntry]:
        """A case's audit trail, oldest first."""
        return await self._read_all(
            self._audit_from, "SELECT case_id, actor_id, action, detail, created_at "
            "FROM concern_audit WHERE case_id = ? ORDER BY id", (case_id,))

    async def note_lead(self, lead: KnownLead, now: datetime) -> None:
        """Remember (or refresh) a lead; a registration is never downgraded to a sighting."""
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO concern_leads (group_id, user_id, body, source, seen_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO UPDATE SET "
                "body = excluded.body, seen_at = excluded.seen_at, source = CASE "
                "WHEN concern_leads.source = 'registered' THEN 'registered' "
                "ELSE excluded.source END",
                (lead.group_id, lead.user_id, self._encrypt_json({"name": lead.display_name}),
                 lead.source, to_micros(now)))

    async def forget_lead(self, group_id: str, user_id: str) -> bool:
        """Stop treating someone as a lead of the group."""
        return await self._change_one(
            "DELETE FROM concern_leads WHERE group_id = ? AND user_id = ?", (group_id, user_id))

    async def known_leads(self, group_id: str) -> list[KnownLead]:
        """The leads the bot knows for a group."""
        rows = await self._read("SELECT user_id, body, source FROM concern_leads "
                                "WHERE group_id = ? ORDER BY user_id", (group_id,))
        return [KnownLead(group_id, user_id, self._decrypt_json(body)["name"], source)
                for user_id, body, source in rows]

    async def concern_dms_refused(self, group_id: str, user_ids: Sequence[str]) -> set[str]:
        """Of these people, those whose latest concern direct message the platform
        refused for good, read from the outbox, newest first. A refused DM was rerouted
        (its destination is no longer the person's DM) or given up; one still waiting
        says nothing yet."""
        wanted = set(user_ids)
        if not wanted:
            return set()
        rows = await self._read(
            "SELECT idem_key, status, destination_json FROM deliveries "
            "WHERE group_id = ? AND (idem_key LIKE ? OR idem_key LIKE ?) "
            "ORDER BY id DESC LIMIT 5000", (group_id, *LEAD_DM_KEYS))
        refused: set[str] = set()
        decided: set[str] = set()
        for key, status, destination_json in rows:
            user = str(key).rsplit(":", 1)[-1]
            if user not in wanted or user in decided:
                continue
            destination = json.loads(destination_json)
            still_theirs = (destination.get("kind") == "dm"
                            and destination.get("user") == user)
            if still_theirs and status not in ("delivered", "undeliverable"):
                continue
            decided.add(user)
            if not still_theirs or status == "undeliverable":
                refused.add(user)
        return refused

    async def save_concern_draft(self, draft: ConcernDraft, expired_before: datetime) -> None:
        """Keep a draft; delete expired ones in the same step."""
        body = self._encrypt_json({"owner": draft.owner, "text": draft.text,
                                   "link": draft.link, "quoted": draft.quoted,
                                   "author": draft.author_id})
        async with self._transaction() as db:
            await db.execute("DELETE FROM concern_drafts WHERE created_at < ?",
                             (to_micros(expired_before),))
            await db.execute(
                "INSERT INTO concern_drafts (id, group_id, body, created_at) "
                "VALUES (?, ?, ?, ?)",
                (draft.draft_id, draft.group_id, body, to_micros(draft.created_at)))

    async def concern_draft(self, draft_id: str, owner: str, not_before: datetime,
                            ) -> ConcernDraft | None:
        """The draft with this owner tag, if it exists and has not expired."""
        rows = await self._read("SELECT group_id, body, created_at FROM concern_drafts "
                                "WHERE id = ? AND created_at >= ?",
                                (draft_id, to_micros(not_before)))
        if not rows:
            return None
        group_id, body, created_at = rows[0]
        data = self._decrypt_json(body)
        if not hmac.compare_digest(str(data.get("owner", "")), owner):
            return None
        return ConcernDraft(draft_id, group_id, owner, data["text"], data["link"],
                            data["quoted"], data["author"], from_micros(created_at))

    async def drop_concern_draft(self, draft_id: str) -> None:
        """Delete a draft, and the history of it."""
        async with self._transaction() as db:
            await db.execute("DELETE FROM concern_drafts WHERE id = ?", (draft_id,))
        await self._forget_old_versions("concern_drafts")



__all__ = ["SqlConcerns"]
