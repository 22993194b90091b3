"""Raising a concern: the /concern form, a direct message to the bot, and "Raise a
safeguarding concern" on a message. Always private; danger first.

A direct message (or a flagged message) waits as a draft until the member answers. The
draft holds no member id: only a tag of the writer's id under a key that is random per
draft and kept nowhere but in the buttons (or form) sent back to that member. So only
they can use it, yet the stored draft, its history and the key to the database together
say nothing about who wrote it; a concern raised from it without a name stays unlinked.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot import catalog
from bot.context import Context
from bot.events import FormSubmission, MessageShortcut
from bot.features import FormSpec
from bot.features.concerns import routing
from bot.features.concerns.common import Leads, new_ref
from bot.features.concerns.reach import reach_kind, reachable_leads, tell_facilitators
from bot.logs import log_event
from bot.messages import Button, FormField, Message, Reply
from bot.text import has_visible_text
from storage.concerns import CaseStatus, Concern, ConcernDraft, NewConcern

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

FORM_ID = "concern.raise"
DM_ACTION = "concern.dm"
SHORTCUT_ID = "concern.flag"
TEXT_LIMIT = 4000
ABOUT_LIMIT = 200
DRAFT_LIFETIME = timedelta(days=1)
EscalationHook = Callable[[Concern], None]

FIELDS = (
    FormField("what", catalog.CONCERN_FIELD_WHAT, "paragraph", required=True,
              max_length=TEXT_LIMIT, placeholder=catalog.CONCERN_FIELD_WHAT_HINT),
    FormField("about", catalog.CONCERN_FIELD_ABOUT, "short", required=False,
              max_length=ABOUT_LIMIT, placeholder=catalog.CONCERN_FIELD_ABOUT_HINT),
    FormField("danger", catalog.CONCERN_FIELD_DANGER, "yes_no", required=True),
    FormField("contact", catalog.CONCERN_FIELD_CONTACT, "yes_no", required=True),
    FormField("anonymous", catalog.CONCERN_FIELD_ANONYMOUS, "yes_no", required=True,
              default="no"),
)


def owner_tag(key: str, user_id: str) -> str | None:
    """Who may use a draft, without storing who: their id under the draft's own key
    (hex, from the offer's buttons). None if the key is not a key (a forged value)."""
    try:
        secret = bytes.fromhex(key)
    except ValueError:
        return None
    if len(secret) < 8:
        return None
    return hmac.new(secret, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


class Intake:
    """The three ways in, and storing a concern with its notifications."""

    def __init__(self, app: App, leads: Leads, escalate: EscalationHook) -> None:
        self.app = app
        self.leads = leads
        self.escalate = escalate
        self.form = FormSpec(FORM_ID, FIELDS, self.submitted, command="concern")

    def _form(self, state: str = "", what: str = "") -> Reply:
        defaults = {"what": what} if what else None
        return Reply(form=self.form.form(catalog.CONCERN_FORM_TITLE, state=state,
                                         defaults=defaults))

    async def command(self, ctx: Context) -> Reply:
        """/concern: the form. (A lead opening it is not noted as seen here: the moment
        would sit beside an anonymous case's time.)"""
        return self._form()

    async def _draft(self, ctx: Context, text: str, link: str = "", quoted: str = "",
                     author: str = "") -> str:
        """Keep a draft; return its handle ("id:key") for the member's buttons or form."""
        now = ctx.now()
        key = secrets.token_hex(8)
        tag = owner_tag(key, ctx.actor.user_id)
        assert tag is not None
        draft = ConcernDraft(secrets.token_hex(8), ctx.group_id, tag,
                             text[:TEXT_LIMIT], link[:500], quoted[:TEXT_LIMIT], author, now)
        await self.app.storage.save_concern_draft(draft, now - DRAFT_LIFETIME)
        return f"{draft.draft_id}:{key}"

    async def direct_message(self, ctx: Context) -> Reply | None:
        """A DM that is not a command: offer to raise it, keeping its words sealed until
        the member answers (a day at most)."""
        text = str(ctx.options.get("text", "")).strip()
        if not has_visible_text(text):
            return None
        handle = await self._draft(ctx, text)
        emergency = self.app.config.concerns.emergency_text
        return Reply(messages=(Message(
            catalog.concern_dm_offer(emergency),
            buttons=(Button(catalog.CONCERN_DM_YES, DM_ACTION, f"y:{handle}", "primary"),
                     Button(catalog.CONCERN_DM_NO, DM_ACTION, f"n:{handle}"))),))

    async def dm_answer(self, ctx: Context) -> Reply:
        """Yes opens the form with their words in it; no deletes them."""
        answer, _, handle = str(ctx.options.get("value", "")).partition(":")
        draft = await self._own_draft(ctx, handle, any_age=answer != "y")
        if answer != "y":
            # Only the member's own draft is dropped (a forged value drops nothing).
            if draft is not None:
                await self.app.storage.drop_concern_draft(draft.draft_id)
            return Reply(update=Message(catalog.CONCERN_DM_DECLINED))
        if draft is None:
            return Reply.text(catalog.CONCERN_DRAFT_GONE)
        return self._form(state=f"d:{handle[:80]}", what=draft.text)

    async def _own_draft(self, ctx: Context, handle: str, *, any_age: bool = False,
                         ) -> ConcernDraft | None:
        """The actor's own draft made in this group (unexpired, unless `any_age`), from
        its handle "id:key"; None for anyone else's, or a forged handle."""
        draft_id, _, key = handle.partition(":")
        tag = owner_tag(key[:64], ctx.actor.user_id)
        if tag is None or not draft_id:
            return None
        not_before = datetime(1970, 1, 1, tzinfo=UTC) if any_age else (
            ctx.now() - DRAFT_LIFETIME)
        draft = await self.app.storage.concern_draft(draft_id[:32], tag, not_before)
        if draft is None or draft.group_id != ctx.group_id:
            return None
        return draft

    async def shortcut(self, ctx: Context) -> Reply:
        """On a message: the form, with the message's link and words kept alongside."""
        event = ctx.event
        assert isinstance(event, MessageShortcut)
        quoted = event.message
        handle = await self._draft(ctx, "", quoted.link, quoted.text or "(no text)",
                                   quoted.author_id)
        return self._form(state=f"d:{handle}")

    async def submitted(self, ctx: Context) -> Reply:
        """Store the concern and its notifications; answer danger first."""
        event = ctx.event
        assert isinstance(event, FormSubmission)
        config = self.app.config.concerns
        now = ctx.now()
        values = ctx.options
        danger = values["danger"] == "yes"
        may_contact = values["contact"] == "yes"
        anonymous = values["anonymous"] == "yes"
        if not anonymous:
            # Noting a lead as seen records when: never beside a case without a name.
            await self.leads.sighted(ctx)
        draft = None
        if event.state.startswith("d:"):
            draft = await self._own_draft(ctx, event.state[2:82])
        roster = await routing.lead_roster(self.app, ctx.group_id)
        people = roster.leads
        about = values.get("about", "")
        subjects = set(routing.named_in(about, people))
        if draft is not None and draft.author_id:
            subjects.add(draft.author_id)
        keep_reporter = may_contact or not anonymous
        record = NewConcern(
            case_id=new_ref(), group_id=ctx.group_id, text=values["what"], about=about,
            danger=danger, may_contact=may_contact, anonymous=anonymous,
            reporter_id=ctx.actor.user_id if keep_reporter else "",
            reporter_name="" if anonymous else ctx.actor.display_name,
            source="message" if draft is not None and draft.author_id else
            ("dm" if draft is not None else "form"),
            created_at=now, link=draft.link if draft else "",
            quoted=draft.quoted if draft else "", subject_ids=tuple(sorted(subjects)),
            excluded=tuple(sorted(subjects)), draft_id=draft.draft_id if draft else "")
        concern = as_stored(record)
        route = routing.route_for(config, people, record.excluded)
        reach = await reachable_leads(self.app, ctx.group_id, record.excluded, roster)
        kind = reach_kind(reach, route, bool(ctx.settings.leads_channel)
                          and route.channel_safe)
        deliveries = routing.new_concern_deliveries(
            concern, route, config, ctx.settings.leads_channel, ctx.settings.timezone)
        await self.app.storage.raise_concern(record, deliveries, now)
        self.app.deliveries_waiting()
        self.escalate(concern)
        log_event(log, logging.WARNING if danger else logging.INFO, "concern.raised",
                  group=ctx.group_id, case=record.case_id, danger=danger,
                  leads=len(route.leads), excluded=len(route.excluded_leads),
                  reachable=reach.count)
        told = reach.count == 0 and await tell_facilitators(self.app, ctx.group_id) > 0
        messages = []
        if danger:
            messages.append(Message(catalog.concern_emergency(config.emergency_text,
                                                              config.helplines)))
        messages.append(Message(catalog.concern_confirmed(
            record.case_id, config.acknowledge_minutes, anonymous, may_contact, kind,
            told, "" if danger else config.emergency_text)))
        return Reply(messages=tuple(messages))


def as_stored(record: NewConcern) -> Concern:
    """The new case as it will read back, for building its notifications."""
    return Concern(
        case_id=record.case_id, group_id=record.group_id, status=CaseStatus.OPEN,
        text=record.text, about=record.about, danger=record.danger,
        may_contact=record.may_contact, anonymous=record.anonymous,
        reporter_id=record.reporter_id, reporter_name=record.reporter_name,
        source=record.source, created_at=record.created_at, link=record.link,
        quoted=record.quoted, subject_ids=record.subject_ids, excluded=record.excluded,
        acknowledged_by=None, acknowledged_at=None, assignee=None, closed_at=None,
        outcome="", escalations=0)
