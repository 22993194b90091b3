"""Raising a concern: the /concern form, a direct message to the bot, and "Raise a
safeguarding concern" on a message. Always private; danger first.

A direct message that is not a command gets a calm choice of the private things the bot
can do: telling the safeguarding leads first and plainly, then (where those features are
on) a one-to-one, anonymous feedback, check-in settings, or nothing. The emergency line
comes with the leads' route (in the confirmation), not with a greeting.

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
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.context import Context
from bot.events import ButtonPress
from bot.events import FormSubmission
from bot.events import Invocation
from bot.events import MessageShortcut
from bot.features import FormSpec
from bot.features.concerns import routing
from bot.features.concerns import wording
from bot.features.concerns.common import Leads
from bot.features.concerns.common import new_ref
from bot.features.concerns.reach import reach_kind
from bot.features.concerns.reach import reachable_leads
from bot.features.concerns.reach import tell_facilitators
from bot.features.concerns.store import CaseStatus
from bot.features.concerns.store import Concern
from bot.features.concerns.store import ConcernDraft
from bot.features.concerns.store import NewConcern
from bot.features.concerns.wording import N_
from bot.logs import log_event
from bot.messages import Button
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.text import has_visible_text

if TYPE_CHECKING:
    from bot.features.concerns.host import ConcernsCoreHost

log = logging.getLogger(__name__)

FORM_ID = "concern.raise"
DM_ACTION = "concern.dm"
SHORTCUT_ID = "concern.flag"
TEXT_LIMIT = 4000
ABOUT_LIMIT = 200
DRAFT_LIFETIME = timedelta(days=1)
# The choices on a direct message (the code in each button's value).
TELL, ONE_TO_ONE, FEEDBACK, CHECKINS, NOTHING = "y", "o", "f", "s", "n"
# What a choice hands on to: (feature, "action" or "command", its id).
_HANDED_ON = {
    ONE_TO_ONE: ("checkins", "action", "checkin.ask"),
    FEEDBACK: ("feedback", "command", "feedback"),
    CHECKINS: ("checkins", "command", "checkin"),
}
EscalationHook = Callable[[Concern], None]

FIELDS = (
    FormField("what", N_("What is happening? (in your own words)"), "paragraph", required=True,
              max_length=TEXT_LIMIT, placeholder=N_("Say what you saw or heard, when and where, "
                                                    "as best you can.")),
    FormField("about", N_("Who is it about?"), "short", required=False,
              max_length=ABOUT_LIMIT, placeholder=N_("A name, if you know it. You can leave this "
                                                     "empty.")),
    FormField("danger", N_("Is anyone in immediate danger?"), "yes_no", required=True),
    FormField("contact", N_("May a lead contact you about it?"), "yes_no", required=True),
    FormField("anonymous", N_("Raise it without your name?"), "yes_no", required=True,
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

    def __init__(self, host: ConcernsCoreHost, leads: Leads, escalate: EscalationHook,
                 ) -> None:
        self.host = host
        self.leads = leads
        self.escalate = escalate
        self.form = FormSpec(FORM_ID, FIELDS, self.submitted, command="concern")

    def _form(self, state: str = "", what: str = "") -> Reply:
        defaults = {"what": what} if what else None
        return Reply(form=self.form.form(N_("Raise a safeguarding concern"), state=state,
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
        await self.host.store.save_concern_draft(draft, now - DRAFT_LIFETIME)
        return f"{draft.draft_id}:{key}"

    async def direct_message(self, ctx: Context) -> Reply | None:
        """A DM that is not a command: a calm choice of the private things the bot can
        do, telling the leads first (no guessing from the words whether it is urgent).
        Its words are kept sealed until the member chooses (a day at most)."""
        text = str(ctx.options.get("text", "")).strip()
        if not has_visible_text(text):
            return None
        handle = await self._draft(ctx, text)
        buttons = [Button(wording.DM_CHOICE_TELL_LEADS, DM_ACTION, f"{TELL}:{handle}",
                          "primary")]
        for code, label in ((ONE_TO_ONE, N_("Ask for a one-to-one")),
                            (FEEDBACK, wording.DM_CHOICE_FEEDBACK),
                            (CHECKINS, N_("Check-in settings"))):
            if self._offered(ctx, code):
                buttons.append(Button(label, DM_ACTION, f"{code}:{handle}"))
        buttons.append(Button(N_("Nothing, thanks"), DM_ACTION, f"{NOTHING}:{handle}"))
        return Reply(messages=(Message(wording.DM_CHOICE, buttons=tuple(buttons)),))

    def _offered(self, ctx: Context, code: str) -> bool:
        """Whether a choice leads somewhere here: its feature is switched on and has
        the command or button it hands on to."""
        feature, kind, name = _HANDED_ON[code]
        if feature not in ctx.settings.features or feature not in self.host.features:
            return False
        if kind == "action":
            return name in self.host.features[feature].actions
        return self.host.registry.get(name) is not None

    async def dm_answer(self, ctx: Context) -> Reply:
        """The member's choice. Telling the leads opens the form with their words in it;
        anything else deletes them first, then does what the member chose, as the
        command or button would (with its own checks)."""
        answer, _, handle = str(ctx.options.get("value", "")).partition(":")
        draft = await self._own_draft(ctx, handle, any_age=answer != TELL)
        if answer == TELL:
            if draft is None:
                return Reply.text(N_("That question has expired, so I no longer have your "
                                     "message. Type /concern to raise a concern; it only takes a "
                                     "minute."))
            return self._form(state=f"d:{handle[:80]}", what=draft.text)
        # Only the member's own draft is dropped (a forged value drops nothing).
        if draft is not None:
            await self.host.store.drop_concern_draft(draft.draft_id)
        event = ctx.event
        if answer not in _HANDED_ON or not isinstance(event, ButtonPress):
            return Reply(update=Message(N_("All right, nothing has been raised and I have not "
                                           "kept your message. Type /help to see what I can do, "
                                           "or /concern at any time.")))
        _, kind, name = _HANDED_ON[answer]
        if kind == "action":
            return await self.host.handle(replace(event, action=name, value="dm", values=()))
        return await self.host.handle(Invocation(ctx.group_id, ctx.actor, name, {},
                                                 event.channel))

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
        draft = await self.host.store.concern_draft(draft_id[:32], tag, not_before)
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
        config = self.host.config
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
        roster = await routing.lead_roster(self.host, ctx.group_id)
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
        reach = await reachable_leads(self.host, ctx.group_id, record.excluded, roster)
        kind = reach_kind(reach, route, bool(ctx.settings.channel(routing.LEADS_CHANNEL))
                          and route.channel_safe)
        languages = await routing.readers(self.host, ctx.group_id, route.everyone)
        deliveries = routing.new_concern_deliveries(
            concern, route, config, ctx.settings.channel(routing.LEADS_CHANNEL),
            ctx.settings.timezone, languages)
        await self.host.store.raise_concern(record, deliveries, now)
        self.host.deliveries_waiting()
        self.escalate(concern)
        log_event(log, logging.WARNING if danger else logging.INFO, "concern.raised",
                  group=ctx.group_id, case=record.case_id, danger=danger,
                  leads=len(route.leads), excluded=len(route.excluded_leads),
                  reachable=reach.count)
        # The facilitators hear of a group with no lead to reach, never of a concern
        # that only its subjects could have received: asked with nobody excluded.
        told = False
        if reach.count == 0:
            group_reach = await reachable_leads(self.host, ctx.group_id, (), roster)
            told = (group_reach.count == 0
                    and await tell_facilitators(self.host, ctx) > 0)
        if not route.channel_safe:
            via = "dm_only"
        elif ctx.settings.channel(routing.LEADS_CHANNEL):
            via = "dm_and_channel" if config.lead_dms else "channel"
        else:
            via = "dm"
        messages = []
        emergency = wording.emergency_text(config.emergency_text)
        if danger:
            messages.append(Message(wording.concern_emergency(
                emergency, wording.helplines(config.helplines))))
        messages.append(Message(wording.concern_confirmed(
            record.case_id, config.acknowledge_minutes, anonymous, may_contact, kind,
            told, "" if danger else emergency,
            emergency_always=record.source == "dm", via=via)))
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
