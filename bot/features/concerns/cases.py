"""Leads' work on cases: Acknowledge, and /case list, show, note, assign, close, audit,
delete, register, unregister and leads. Every view and action is audited; anyone who
may not see a case gets the one refusal that reveals nothing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot import catalog
from bot.context import Context
from bot.errors import UserError
from bot.events import ButtonPress
from bot.features.concerns import routing
from bot.features.concerns import wording
from bot.features.concerns.common import Leads
from bot.features.concerns.common import age
from bot.features.concerns.common import audit
from bot.features.concerns.common import clean_ref
from bot.features.concerns.common import is_barred
from bot.features.concerns.common import local
from bot.features.concerns.common import may_handle_cases
from bot.features.concerns.common import open_case
from bot.features.concerns.common import refuse
from bot.features.concerns.escalation import Escalations
from bot.features.concerns.store import CaseNote
from bot.features.concerns.store import CaseStatus
from bot.features.concerns.store import Concern
from bot.features.concerns.store import KnownLead
from bot.features.concerns.store import NoteKind
from bot.features.concerns.wording import N_
from bot.features.concerns.wording import _
from bot.i18n import format_number
from bot.i18n import language
from bot.i18n import speaking
from bot.i18n import tr
from bot.logs import log_event
from bot.messages import Destination
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.text import has_visible_text
from bot.text import neutralise

if TYPE_CHECKING:
    from bot.features.concerns.host import ConcernsHost

log = logging.getLogger(__name__)

NOTE_LIMIT = 2000
# Oldest first: the cases waiting longest are the ones a lead must see (fits a message).
LIST_LIMIT = 15


def _required_text(ctx: Context, option: str) -> str:
    """An option that must hold visible words, stripped; else the kind refusal."""
    text = str(ctx.options.get(option, "")).strip()
    if not has_visible_text(text):
        raise UserError(catalog.option_empty(option))
    return text


class Cases:
    """The leads' side of the concerns feature."""

    def __init__(self, host: ConcernsHost, leads: Leads, escalations: Escalations) -> None:
        self.host = host
        self.leads = leads
        self.escalations = escalations

    # ---- Acknowledge -------------------------------------------------------------------

    async def acknowledge(self, ctx: Context) -> Reply:
        """The first lead to press takes the case; the others are told who did."""
        await self.leads.sighted(ctx)
        concern = await open_case(self.host, ctx, ctx.options.get("value", ""),
                                  action="acknowledge")
        now = ctx.now()
        settings = ctx.settings
        people = await routing.known_leads(self.host, ctx.group_id)
        route = routing.route_for(self.host.config, people,
                                  routing.barred(concern, people))
        languages = await routing.readers(self.host, ctx.group_id,
                                          (*route.everyone, concern.reporter_id))
        deliveries = routing.taken_deliveries(concern, route, ctx.actor.user_id,
                                              ctx.actor.display_name, now,
                                              settings.channel(routing.LEADS_CHANNEL),
                                              settings.timezone, languages)
        result = await self.host.store.acknowledge_concern(
            concern.case_id, ctx.actor.user_id, ctx.actor.display_name, deliveries, now)
        if not result.taken:
            taker = routing.name_in(people, result.by or "", result.by or "another lead")
            return Reply.text(wording.concern_already_taken(concern.case_id,
                                                            neutralise(taker)))
        self.escalations.stop(concern.case_id)
        self.host.deliveries_waiting()
        log_event(log, logging.INFO, "concern.acknowledged", group=ctx.group_id,
                  case=concern.case_id)
        when = routing.taken_at(now, settings.zone)
        # The pressed message is rewritten where it is: a direct message in the lead's
        # language, the leads' channel (the only channel with the button) in the group's.
        pressed_in_channel = isinstance(ctx.event, ButtonPress) and bool(ctx.event.channel)
        with speaking(settings.language if pressed_in_channel else language()):
            update = Message(wording.concern_taken_line(
                concern.case_id, neutralise(ctx.actor.display_name), when))
        return Reply(messages=(Message(wording.concern_you_took(concern.case_id)),),
                     update=update)

    # ---- /case ---------------------------------------------------------------------------

    async def list(self, ctx: Context) -> Reply:
        """Open cases: references, dates, age and status, nothing personal."""
        await self.leads.sighted(ctx)
        if not may_handle_cases(self.host, ctx):
            raise refuse()
        now = ctx.now()
        cases = [c for c in await self.host.store.concern_summaries(
            ctx.group_id, (CaseStatus.OPEN, CaseStatus.ACKNOWLEDGED))
            if ctx.actor.user_id not in c.excluded
            and not await self._barred_now(ctx, c.case_id)]
        if not cases:
            return Reply.text(N_("There are no open cases."))
        shown = cases[:LIST_LIMIT]
        lines = [wording.concern_list_header(len(cases))]
        for case in shown:
            lines.append(wording.concern_list_line(
                case.case_id, local(case.created_at, ctx.settings.timezone),
                age(self.host, case.created_at, now),
                wording.concern_status_words(case.status.value), case.danger))
        if len(cases) > len(shown):
            lines.append(_("...and {count} more, newer than these. Close or assign the ones above "
                           "to see them.").format(count=format_number(len(cases) - len(shown))))
        await audit(self.host, ctx, shown[0].case_id, "listed", "",
                    *(c.case_id for c in shown[1:]))
        return Reply.text("\n".join(lines))

    async def _barred_now(self, ctx: Context, ref: str) -> bool:
        concern = await self.host.store.concern(ref)
        return concern is None or await is_barred(self.host, ctx, concern)

    async def _case(self, ctx: Context, action: str, *, live_only: bool = False) -> Concern:
        """The case a lead's command names (`case`), once they are seen acting as a lead."""
        await self.leads.sighted(ctx)
        return await open_case(self.host, ctx, ctx.options.get("case"), action=action,
                               live_only=live_only)

    async def show(self, ctx: Context) -> Reply:
        """A case in full, with its notes."""
        concern = await self._case(ctx, "show")
        notes = await self.host.store.case_notes(concern.case_id)
        await audit(self.host, ctx, concern.case_id, "viewed")
        zone = ctx.settings.timezone
        people = await routing.known_leads(self.host, ctx.group_id)
        text = wording.concern_show(
            routing.lead_text(concern, zone), wording.concern_status_words(
                concern.status.value), age(self.host, concern.created_at, ctx.now()),
            neutralise(routing.name_in(people, concern.acknowledged_by)
                       if concern.acknowledged_by else ""),
            neutralise(routing.name_in(people, concern.assignee) if concern.assignee
                       else ""),
            concern.escalations,
            [wording.concern_note_line(n.kind.value, neutralise(n.text),
                                       neutralise(n.author_name), local(n.at, zone))
             for n in notes],
            neutralise(concern.outcome))
        return Reply.text(text)

    async def note(self, ctx: Context) -> Reply:
        """A signed, timed note: a fact or an opinion."""
        concern = await self._case(ctx, "note", live_only=True)
        text = _required_text(ctx, "text")
        kind = NoteKind(str(ctx.options.get("kind") or NoteKind.FACT.value))
        await self.host.store.add_case_note(ctx.group_id, CaseNote(
            concern.case_id, kind, ctx.actor.user_id, ctx.actor.display_name, text,
            ctx.now()))
        return Reply.text(wording.concern_noted(concern.case_id, kind.value))

    async def assign(self, ctx: Context) -> Reply:
        """Give a case to another lead, who is told privately."""
        concern = await self._case(ctx, "assign", live_only=True)
        target = str(ctx.options.get("to", "")).strip()
        people = await routing.known_leads(self.host, ctx.group_id)
        allowed = set(people) | set(self.host.config.fallback_contacts)
        if target not in allowed or target in routing.barred(concern, people):
            raise UserError(wording.CONCERN_ASSIGNEE_NOT_LEAD)
        name = routing.name_in(people, target)
        with speaking(await self.host.language_of(ctx.group_id, target)):
            told = Message(wording.concern_assigned_to_you(
                concern.case_id, neutralise(ctx.actor.display_name)))
        notice = NewDelivery(f"concern:{concern.case_id}:assigned:{target}:"
                             f"{ctx.now().timestamp():.0f}",
                             Destination.to_dm(ctx.group_id, target), told)
        done = await self.host.store.assign_concern(
            concern.case_id, target, ctx.actor.user_id, ctx.actor.display_name, [notice],
            ctx.now())
        if not done:
            raise UserError(wording.CONCERN_NOT_OPEN)
        self.escalations.stop(concern.case_id)
        self.host.deliveries_waiting()
        return Reply.text(wording.concern_assigned(concern.case_id, neutralise(name)))

    async def close(self, ctx: Context) -> Reply:
        """Close a case; an outcome is required."""
        concern = await self._case(ctx, "close", live_only=True)
        outcome = _required_text(ctx, "outcome")
        if not await self.host.store.close_concern(concern.case_id, outcome,
                                                   ctx.actor.user_id,
                                                   ctx.actor.display_name, ctx.now()):
            raise UserError(wording.CONCERN_NOT_OPEN)
        self.escalations.stop(concern.case_id)
        return Reply.text(wording.concern_closed(concern.case_id))

    async def audit_trail(self, ctx: Context) -> Reply:
        """Who viewed or did what, when (viewing the audit is audited too)."""
        concern = await self._case(ctx, "audit")
        await audit(self.host, ctx, concern.case_id, "viewed the audit")
        entries = await self.host.store.case_audit(concern.case_id)
        zone = ctx.settings.timezone
        lines = [_("**Audit of case {ref}**").format(ref=concern.case_id)]
        for entry in entries:
            who = neutralise(entry.actor_name) if entry.actor_id else tr(
                N_("the reporter") if entry.action == "raised"
                else N_("the bot"))
            lines.append(wording.concern_audit_line(local(entry.at, zone), who,
                                                    entry.action, neutralise(entry.detail)))
        return Reply.text("\n".join(lines))

    async def delete(self, ctx: Context) -> Reply:
        """Delete a case's words and notes: explicit (the reference typed twice), audited."""
        concern = await self._case(ctx, "delete")
        if clean_ref(ctx.options.get("confirm")) != concern.case_id:
            raise UserError(N_("To delete a case, type its reference again in confirm, like "
                               "/case delete case=C-ABC234 confirm=C-ABC234 reason=\"...\"."))
        reason = str(ctx.options.get("reason", "")).strip()
        await self.host.store.delete_concern(concern.case_id, ctx.actor.user_id,
                                             ctx.actor.display_name, reason, ctx.now())
        self.escalations.stop(concern.case_id)
        log_event(log, logging.WARNING, "concern.deleted", group=ctx.group_id,
                  case=concern.case_id)
        return Reply.text(wording.concern_deleted(concern.case_id))

    async def register(self, ctx: Context) -> Reply:
        """A lead asks to be sent new concerns."""
        if Role.LEAD not in ctx.roles:
            raise UserError(N_("Only members with the safeguarding lead role can "
                               "register as a lead. Ask a facilitator if that should "
                               "be you."))
        await self.host.store.note_lead(KnownLead(ctx.group_id, ctx.actor.user_id,
                                                  ctx.actor.display_name, "registered"),
                                         ctx.now())
        return Reply.text(wording.concern_registered(neutralise(ctx.actor.display_name)))

    async def unregister(self, ctx: Context) -> Reply:
        """A lead removes someone (themselves or another) from the known leads."""
        if not may_handle_cases(self.host, ctx):
            raise refuse()
        who = str(ctx.options.get("who") or ctx.actor.user_id).strip()
        people = await routing.known_leads(self.host, ctx.group_id)
        await self.host.store.forget_lead(ctx.group_id, who)
        self.leads.forget(ctx.group_id, who)
        name = neutralise(routing.name_in(people, who))
        if who in await routing.known_leads(self.host, ctx.group_id):
            return Reply.text(wording.concern_still_a_lead(name))
        return Reply.text(_("{name} will no longer be sent new concerns.").format(name=name))

    async def lead_list(self, ctx: Context) -> Reply:
        """Who new concerns are sent to."""
        await self.leads.sighted(ctx)
        if not may_handle_cases(self.host, ctx):
            raise refuse()
        people = await routing.known_leads(self.host, ctx.group_id)
        return Reply.text(wording.concern_leads_list(sorted(neutralise(lead.name)
                                                            for lead in people.values())))
