"""What the concerns modules share: who may handle cases, refusals that reveal nothing,
case references, ages, and remembering the leads the bot has seen."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.errors import UserError
from bot.features.concerns import wording
from bot.features.concerns.routing import barred
from bot.features.concerns.routing import known_leads
from bot.features.concerns.store import AuditEntry
from bot.features.concerns.store import CaseStatus
from bot.features.concerns.store import Concern
from bot.features.concerns.store import KnownLead
from bot.features.concerns.wording import N_
from bot.roles import Role

if TYPE_CHECKING:
    from bot.features.concerns.host import ConcernsHost

_REF_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_ref() -> str:
    """A case reference people can read out: C- and six unambiguous characters."""
    return "C-" + "".join(secrets.choice(_REF_LETTERS) for _ in range(6))


def clean_ref(raw: object) -> str:
    """A typed reference, normalised (case, #, spaces)."""
    text = str(raw or "").strip().lstrip("#").upper().replace(" ", "")
    if text and not text.startswith("C-"):
        text = "C-" + text.removeprefix("C")
    return text[:12]


def may_handle_cases(host: ConcernsHost, ctx: Context) -> bool:
    """A lead: by role now, or listed in config as a lead or fallback contact."""
    config = host.config
    who = ctx.actor.user_id
    return (Role.LEAD in ctx.roles or who in config.leads
            or who in config.fallback_contacts)


def refuse() -> UserError:
    """The refusal for someone who is not a lead (`no_case` answers "no such case" and
    "not yours to see" alike)."""
    return UserError(N_("That is not available to you. If you need a safeguarding lead, type "
                        "/concern."))


def no_case() -> UserError:
    """The one refusal a lead gets for a reference they cannot open: none has it, it was
    deleted, or they are kept away from it. All read alike, so a lead cannot learn that
    a case about them exists."""
    return UserError(N_("No case has that reference that you can open. Please check it, "
                        "or type /case list to see the open cases."))


def local(moment: datetime, zone: str) -> str:
    """A time as leads read it, in the group's zone and the language in force."""
    return wording.when_raised(moment, ZoneInfo(zone))


def age(host: ConcernsHost, created: datetime, now: datetime) -> str:
    """A case's age against the referral target, in words."""
    hours = max((now - created).total_seconds(), 0.0) / 3600
    return wording.concern_age(hours, host.config.referral_hours)


class Leads:
    """Remembers leads as they act with the lead role (kept as a lead even when the
    platform cannot say who holds the role; see `routing.lead_roster`)."""

    def __init__(self, host: ConcernsHost) -> None:
        self.host = host
        self._seen: set[tuple[str, str]] = set()

    async def sighted(self, ctx: Context) -> None:
        """Record the actor as a lead of the group if they have the lead role."""
        key = (ctx.group_id, ctx.actor.user_id)
        if Role.LEAD not in ctx.roles or key in self._seen:
            return
        await self.host.store.note_lead(
            KnownLead(ctx.group_id, ctx.actor.user_id, ctx.actor.display_name, "role"),
            ctx.now())
        self._seen.add(key)

    def forget(self, group_id: str, user_id: str) -> None:
        """Drop the in-memory sighting (after /case unregister)."""
        self._seen.discard((group_id, user_id))


async def open_case(host: ConcernsHost, ctx: Context, raw: object, *, action: str,
                    live_only: bool = False) -> Concern:
    """The case a lead asked for, after every access check; else the one refusal (a
    non-lead's, or a lead's `no_case`).

    An excluded lead's attempt is audited, without telling them anything.
    """
    if not may_handle_cases(host, ctx):
        raise refuse()
    ref = clean_ref(raw)
    concern = await host.store.concern(ref) if ref else None
    if concern is None or concern.group_id != ctx.group_id:
        raise no_case()
    if await is_barred(host, ctx, concern):
        await audit(host, ctx, concern.case_id, "refused", action)
        raise no_case()
    if concern.status is CaseStatus.DELETED and action not in ("audit",):
        raise no_case()
    if live_only and concern.status not in (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED):
        raise UserError(wording.CONCERN_NOT_OPEN)
    return concern


async def is_barred(host: ConcernsHost, ctx: Context, concern: Concern) -> bool:
    """Whether the actor is kept away from this case: excluded when it was raised, or
    named in "who is it about" now (by id, mention or their current or known name)."""
    me = ctx.actor.user_id
    if me in concern.excluded:
        return True
    people = {k: v for k, v in (await known_leads(host, ctx.group_id)).items() if k == me}
    return me in barred(concern, people) or me in barred(
        concern, {me: ctx.actor.display_name})


async def audit(host: ConcernsHost, ctx: Context, ref: str, action: str, detail: str = "",
                *more: str) -> None:
    """Record a view or an action by the actor (on `ref` and any `more` cases)."""
    await host.store.record_case_audit([
        AuditEntry(case, ctx.actor.user_id, ctx.actor.display_name, action, detail,
                   ctx.now()) for case in (ref, *more)])
