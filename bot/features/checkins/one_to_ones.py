"""One-to-one requests: asking for one outside a check-in, what the facilitator gets and
does with it (reply privately, mark arranged, mark done), and the hourly escalation.

A request reaches one facilitator: the member's own, else the next in the rota. One not
arranged within `[checkins] arrange_within_days` reminds that facilitator once, and
after twice that time goes to one other facilitator. A request made while no
facilitator is known (or whose facilitator was erased) is kept and handed to one as
soon as there is one. Nothing the member wrote to the bot goes with a request they make
from a direct message.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace
from datetime import datetime
from datetime import timedelta

from bot import catalog
from bot.context import Context
from bot.errors import UserError
from bot.features import FormSpec
from bot.features.checkins import wording
from bot.features.checkins.config import CheckinsConfig
from bot.features.checkins.facilitators import Facilitators
from bot.features.checkins.store import Answer
from bot.features.checkins.store import CheckinStore
from bot.features.checkins.store import Facilitator
from bot.features.checkins.store import OneToOne
from bot.features.checkins.store import RequestStatus
from bot.features.checkins.wording import N_
from bot.features.checkins.wording import _
from bot.features.host import FeatureHost
from bot.i18n import speaking
from bot.logs import log_event
from bot.messages import Button
from bot.messages import Destination
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.text import has_visible_text
from bot.text import neutralise
from bot.text import quote_block

log = logging.getLogger(__name__)

REPLY_ACTION = "checkin.reply"
ARRANGED_ACTION = "checkin.arranged"
DONE_ACTION = "checkin.done"
# "Ask for a one-to-one" outside a check-in (the choice on a direct message to the bot).
ASK_ACTION = "checkin.ask"
REPLY_FORM = "checkin.reply"
# The longest private note on a check-in, or facilitator's reply to a request.
NOTE_LIMIT = 1000

REPLY_FIELDS = (
    FormField("message", wording.CHECKIN_REPLY_FIELD, "paragraph", required=True,
              max_length=NOTE_LIMIT),
)


class OneToOnes:
    """Making, passing on and closing one-to-one requests."""

    def __init__(self, host: FeatureHost[CheckinStore, CheckinsConfig],
                 facilitators: Facilitators) -> None:
        self.host = host
        self.store = host.store
        self.config = host.config
        self.facilitators = facilitators
        self.reply_form = FormSpec(REPLY_FORM, REPLY_FIELDS, self.submit_reply)

    # ---- a member asks ----------------------------------------------------------------------

    async def ask(self, ctx: Context) -> Reply:
        """"Ask for a one-to-one" outside a check-in: a request for the member pressing
        it (never anyone else), to their own facilitator or the next in the rota; with
        no facilitator known, kept until there is one, and the member told so. Nothing
        they wrote to the bot goes with it."""
        storage = self.store
        me = ctx.actor.user_id
        from_dm = ctx.options.get("value") == "dm"
        mine = next((r for r in await storage.open_one_to_ones(ctx.group_id)
                     if r.user_id == me), None)
        if mine is not None:
            named = await self.facilitators.named(ctx.group_id, mine.facilitator_id)
            who = "" if named is None else (neutralise(named.display_name)
                                            or wording.CHECKIN_A_FACILITATOR)
            return Reply.text(wording.one_to_one_already_asked(
                who, mine.status is RequestStatus.ARRANGED))
        now = ctx.now()
        prefs = await storage.checkin_prefs(ctx.group_id, me)
        facilitator = await self.facilitators.for_member(ctx.group_id, me, prefs,
                                                         advance=True)
        request = OneToOne(secrets.token_hex(6), ctx.group_id, me, ctx.actor.display_name,
                           facilitator.user_id if facilitator else "", Answer.ONE_TO_ONE, "",
                           RequestStatus.REQUESTED, now)
        deliveries = [] if facilitator is None else [await self.request_delivery(
            request, facilitator)]
        await storage.update_one_to_one(request, deliveries, now)
        if deliveries:
            self.host.deliveries_waiting()
        log_event(log, logging.INFO, "one_to_one.asked", group=ctx.group_id,
                  request=request.request_id, waiting=facilitator is None)
        if facilitator is None:
            return Reply.text(wording.one_to_one_waiting(
                self.config.peer_support, self.config.helpline, from_dm))
        return Reply.text(wording.checkin_request_made(
            neutralise(facilitator.display_name), self.config.arrange_within_days,
            self.config.peer_support, self.config.helpline, False, from_dm))

    async def request_delivery(self, request: OneToOne, facilitator: Facilitator,
                               ) -> NewDelivery:
        """The request as the facilitator gets it, with its buttons, in their language."""
        assert facilitator.user_id, "a request is never sent to an empty id"
        with speaking(await self.host.language_of(request.group_id, facilitator.user_id)):
            message = Message(wording.one_to_one_request(
                neutralise(request.member_name), _answer_words(request),
                _quoted(request.note), self.config.arrange_within_days),
                buttons=self.request_buttons(request))
        return NewDelivery(f"one-to-one:{request.request_id}:new",
                           Destination.to_dm(request.group_id, facilitator.user_id), message)

    @staticmethod
    def request_buttons(request: OneToOne) -> tuple[Button, ...]:
        """The facilitator's buttons on a request: reply, then arranged or done."""
        if request.status is RequestStatus.DONE:
            return ()
        reply = Button(_("Reply to {name}").format(name=neutralise(request.member_name))[:80],
                       REPLY_ACTION, request.request_id)
        if request.status is RequestStatus.ARRANGED:
            return (reply, Button(N_("Mark done"), DONE_ACTION,
                                  request.request_id))
        return (reply, Button(N_("Mark arranged"), ARRANGED_ACTION,
                              request.request_id, "primary"))

    # ---- facilitators: reply, arranged, done ------------------------------------------------

    async def _their_request(self, ctx: Context, request_id: str) -> OneToOne:
        request = await self.store.one_to_one(request_id[:20])
        if request is None or request.group_id != ctx.group_id \
                or request.facilitator_id != ctx.actor.user_id:
            raise UserError(N_("Sorry, that one-to-one request is with another facilitator, or "
                               "no longer open."))
        return request

    async def open_reply(self, ctx: Context) -> Reply:
        """"Reply to <member>": a form whose words go to the member by direct message."""
        request = await self._their_request(ctx, str(ctx.options.get("value", "")))
        return Reply(form=self.reply_form.form(
            wording.one_to_one_reply_title(neutralise(request.member_name)),
            state=request.request_id, submit_label=wording.CHECKIN_SEND))

    async def submit_reply(self, ctx: Context) -> Reply:
        """Send a facilitator's words to the member, privately."""
        request = await self._their_request(ctx, str(getattr(ctx.event, "state", "")))
        text = neutralise(ctx.options["message"])
        if not has_visible_text(text):
            return Reply(field_errors={"message": catalog.field_required(
                wording.CHECKIN_REPLY_FIELD)})
        with speaking(await self.host.language_of(ctx.group_id, request.user_id)):
            delivery = NewDelivery(
                f"one-to-one:{request.request_id}:reply:{secrets.token_hex(4)}",
                Destination.to_dm(ctx.group_id, request.user_id),
                Message(_("**A message from {facilitator}, about your one-to-one:**\n{text}")
                        .format(facilitator=neutralise(ctx.actor.display_name),
                                text=quote_block(text))))
        await self.store.update_one_to_one(request, [delivery], ctx.now())
        self.host.deliveries_waiting()
        return Reply.text(wording.one_to_one_reply_sent(neutralise(request.member_name)))

    async def mark_arranged(self, ctx: Context) -> Reply:
        """The one-to-one has a time: no more reminders."""
        request = await self._their_request(ctx, str(ctx.options.get("value", "")))
        if request.status is not RequestStatus.REQUESTED:
            return Reply.text(wording.ONE_TO_ONE_ALREADY)
        arranged = replace(request, status=RequestStatus.ARRANGED, arranged_at=ctx.now())
        await self.store.update_one_to_one(arranged, [], ctx.now())
        return Reply(messages=(Message(wording.one_to_one_arranged(
            neutralise(request.member_name)), buttons=self.request_buttons(arranged)),))

    async def mark_done(self, ctx: Context) -> Reply:
        """The one-to-one happened."""
        request = await self._their_request(ctx, str(ctx.options.get("value", "")))
        if request.status is RequestStatus.DONE:
            return Reply.text(wording.ONE_TO_ONE_ALREADY)
        await self.store.update_one_to_one(replace(request, status=RequestStatus.DONE), [],
                                           ctx.now())
        return Reply.text(_("Marked done: {name}'s one-to-one. Thank you.").format(
            name=neutralise(request.member_name)))

    # ---- passing requests on ----------------------------------------------------------------

    async def escalate(self, request: OneToOne, now: datetime) -> int:
        """The hourly sweep for one open request: hand it over if it waits for a
        facilitator, remind its facilitator, or pass it to another; 1 if it acted."""
        if request.status is not RequestStatus.REQUESTED:
            return 0
        if not request.facilitator_id:
            return await self._hand_over(request, now)
        within = timedelta(days=self.config.arrange_within_days)
        age = now - request.created_at
        if request.stage == 0 and age >= within:
            with speaking(await self.host.language_of(request.group_id,
                                                      request.facilitator_id)):
                message = Message(wording.one_to_one_reminder(
                    neutralise(request.member_name), self.config.arrange_within_days),
                    buttons=self.request_buttons(request))
            delivery = NewDelivery(f"one-to-one:{request.request_id}:reminder",
                                   Destination.to_dm(request.group_id, request.facilitator_id),
                                   message)
            await self.store.update_one_to_one(replace(request, stage=1), [delivery], now)
            log_event(log, logging.INFO, "one_to_one.reminded", request=request.request_id)
            return 1
        if request.stage == 1 and age >= 2 * within:
            others = [f for f in await self.facilitators.of_group(request.group_id)
                      if f.user_id not in (request.facilitator_id, request.user_id)]
            if not others:
                await self.store.update_one_to_one(replace(request, stage=2), [], now)
                return 0
            other = others[await self.store.count_one_to_ones(request.group_id)
                           % len(others)]
            moved = replace(request, stage=2, facilitator_id=other.user_id)
            with speaking(await self.host.language_of(request.group_id, other.user_id)):
                message = Message(wording.one_to_one_escalated(
                    neutralise(request.member_name), _answer_words(request),
                    _quoted(request.note), 2 * self.config.arrange_within_days),
                    buttons=self.request_buttons(moved))
            delivery = NewDelivery(f"one-to-one:{request.request_id}:escalated",
                                   Destination.to_dm(request.group_id, other.user_id), message)
            await self.store.update_one_to_one(moved, [delivery], now)
            log_event(log, logging.INFO, "one_to_one.escalated", request=request.request_id)
            return 1
        return 0

    async def _hand_over(self, request: OneToOne, now: datetime) -> int:
        """A request waiting for a facilitator (none was known when it was made, or theirs
        was erased): pass it to the facilitator whose turn it is, once there is one."""
        prefs = await self.store.checkin_prefs(request.group_id, request.user_id)
        facilitator = await self.facilitators.for_member(request.group_id, request.user_id,
                                                         prefs, advance=True)
        if facilitator is None:
            return 0
        handed = replace(request, facilitator_id=facilitator.user_id)
        delivery = replace(await self.request_delivery(handed, facilitator),
                           key=f"one-to-one:{request.request_id}:handed:"
                               f"{int(now.timestamp() * 1e6)}")
        await self.store.update_one_to_one(handed, [delivery], now)
        log_event(log, logging.INFO, "one_to_one.handed", request=request.request_id)
        return 1

    async def move_from(self, group_id: str, who: str, now: datetime) -> int:
        """Someone stepped down: each open request with them goes to the member's next
        facilitator (never back to them); how many moved."""
        stamp = int(now.timestamp() * 1e6)
        moved = 0
        for request in await self.store.open_one_to_ones(group_id):
            if request.facilitator_id != who:
                continue
            theirs = await self.store.checkin_prefs(group_id, request.user_id)
            other = await self.facilitators.for_member(group_id, request.user_id, theirs,
                                                       advance=True)
            if other is None or other.user_id == who:
                continue
            handed = replace(request, facilitator_id=other.user_id)
            delivery = replace(await self.request_delivery(handed, other),
                               key=f"one-to-one:{request.request_id}:handed:{stamp}")
            await self.store.update_one_to_one(handed, [delivery], now)
            moved += 1
        return moved


def _answer_words(request: OneToOne) -> str:
    """How the member answered the check-in their request came from ("" if they asked
    by direct message)."""
    return wording.checkin_answer_words(request.answer) if request.checkin_id else ""


def _quoted(note: str) -> str:
    return quote_block(note) if note else ""
