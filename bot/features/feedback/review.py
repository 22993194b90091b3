"""What facilitators do with released feedback: list it (every item open for review,
in random order and without times, then recent shared and hidden ones), hide an item
from its digest, and answer a shared one in public ("you said, we did")."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import catalog
from bot.anonymity import coarse_day
from bot.context import Context
from bot.errors import UserError
from bot.features import FormSpec
from bot.features.feedback import wording
from bot.features.feedback.digests import FEEDBACK_CHANNEL
from bot.features.feedback.digests import FeedbackHost
from bot.features.feedback.digests import local_day
from bot.features.feedback.digests import release
from bot.features.feedback.digests import reviewed_since
from bot.features.feedback.store import Audience
from bot.features.feedback.store import FeedbackItem
from bot.features.feedback.store import FeedbackStatus
from bot.features.feedback.wording import N_
from bot.features.feedback.wording import _
from bot.i18n import speaking
from bot.logs import log_event
from bot.messages import Destination
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.text import has_visible_text
from bot.text import neutralise
from bot.text import quote_block

log = logging.getLogger(__name__)

LIST_DAYS = 30
LIST_LIMIT = 25
LIST_WAITING_LIMIT = 200
QUOTE_IN_LIST = 300


def _facilitator(ctx: Context) -> None:
    if not (ctx.has_role(Role.FACILITATOR) or ctx.actor.is_admin):
        raise UserError(wording.FEEDBACK_ONLY_FACILITATORS)


def _day(moment: datetime | None, zone: ZoneInfo) -> str:
    return wording.feedback_day(moment, zone)


def _quoted(text: str) -> str:
    short = text if len(text) <= QUOTE_IN_LIST else text[:QUOTE_IN_LIST].rstrip("\\") + "…"
    return quote_block(short)


def _ref(raw: str) -> str:
    return raw.strip().lstrip("#").lower()[:20]


class Review:
    """What facilitators do with released feedback: list it, hide an item from its
    digest, and answer a shared one in public ("you said, we did")."""

    def __init__(self, host: FeedbackHost) -> None:
        self.host = host

    async def list(self, ctx: Context) -> Reply:
        """Every item open for review (in random order, with no times: they all became
        visible together at a midnight), then recent shared and hidden ones. Nothing
        pending is shown or counted."""
        now = ctx.now()
        zone = ctx.settings.zone
        review_hours = self.host.config.review_hours
        await release(self.host, ctx.group_id, now)
        storage = self.host.store
        waiting = sorted([*await storage.waiting_feedback(ctx.group_id, Audience.GROUP),
                          *await storage.waiting_feedback(ctx.group_id, Audience.FACILITATORS)],
                         key=lambda i: i.item_id)[:LIST_WAITING_LIMIT]
        since = local_day(now, zone) - timedelta(days=LIST_DAYS)
        done = [i for i in await storage.recent_feedback(ctx.group_id, since, LIST_LIMIT + 200)
                if i.status is not FeedbackStatus.WAITING][:LIST_LIMIT]
        if not waiting and not done:
            return Reply.text(wording.feedback_list_empty(review_hours))
        review = timedelta(hours=review_hours)
        lines = [wording.feedback_list_header(len(waiting), review_hours)]
        for item in waiting:
            shared_from = reviewed_since(item, zone) + review
            state = wording.feedback_state(item.status.value, item.answered,
                                           item.hidden_reason, _day(shared_from, zone))
            lines.append(wording.feedback_list_line(
                item.item_id, item.audience is Audience.GROUP, state, neutralise(item.topic),
                _quoted(item.text)))
        for item in done:
            state = wording.feedback_state(item.status.value, item.answered,
                                           item.hidden_reason, _day(item.delivered_day, zone))
            lines.append(wording.feedback_list_line(
                item.item_id, item.audience is Audience.GROUP, state, neutralise(item.topic),
                _quoted(item.text)))
        return Reply.text("\n".join(lines))

    async def hide(self, ctx: Context) -> Reply:
        """Keep a waiting item out of its digest, with the reason recorded."""
        ref = _ref(str(ctx.options["item"]))
        reason = neutralise(str(ctx.options["reason"]))
        if not has_visible_text(reason):
            raise UserError(catalog.option_empty("reason"))
        item = await self.host.store.feedback_item(ctx.group_id, ref)
        if item is None:
            raise UserError(wording.feedback_no_item(neutralise(ref)))
        if not await self.host.store.hide_feedback(ctx.group_id, ref, reason,
                                                   ctx.actor.user_id, coarse_day(ctx.now())):
            raise UserError(N_("Only feedback still waiting for its digest can be hidden; this one "
                               "has already been shared or hidden."))
        log_event(log, logging.INFO, "feedback.hidden", group=ctx.group_id, item=ref)
        return Reply.text(wording.feedback_hidden(ref))

    async def _answerable(self, ctx: Context, ref: str) -> FeedbackItem:
        _facilitator(ctx)
        item = await self.host.store.feedback_item(ctx.group_id, ref)
        if item is None:
            raise UserError(wording.feedback_no_item(neutralise(ref)))
        if item.status is FeedbackStatus.HIDDEN:
            raise UserError(N_("That feedback was hidden, so it can't be answered in "
                               "public."))
        if item.audience is not Audience.GROUP:
            raise UserError(N_("That feedback was written for the facilitators only, so it "
                               "can't be quoted in public. You can still answer its point in "
                               "your own words in the group."))
        if item.status is not FeedbackStatus.DELIVERED:
            raise UserError(wording.FEEDBACK_NOT_DELIVERED)
        return item

    async def open_answer(self, ctx: Context, raw: str, form: FormSpec) -> Reply:
        """The answer form for an item that may be answered in public."""
        item = await self._answerable(ctx, _ref(raw))
        return Reply(form=form.form(N_("You said, we did"), state=item.item_id,
                                    submit_label=N_("Post")))

    async def answer(self, ctx: Context) -> Reply:
        """Store the answer and its public post, quoting the item, together."""
        event_state = getattr(ctx.event, "state", "")
        item = await self._answerable(ctx, _ref(str(event_state)))
        answer = neutralise(ctx.options["answer"])
        now = ctx.now()
        channel = ctx.settings.channel(FEEDBACK_CHANNEL)
        with speaking(ctx.settings.language):  # a channel post: the group's language
            post = NewDelivery(f"feedback-answer:{item.item_id}:{secrets.token_hex(4)}",
                               Destination.to_channel(ctx.group_id, channel),
                               Message(_("**You said, we did**\nYou said:\n{quoted}\n"
                                         "We did:\n{answer}")
                                       .format(quoted=quote_block(item.text), answer=answer)))
        if not await self.host.store.answer_feedback(ctx.group_id, item.item_id, answer,
                                                     coarse_day(now), [post], now):
            raise UserError(wording.FEEDBACK_NOT_DELIVERED)
        self.host.deliveries_waiting()
        log_event(log, logging.INFO, "feedback.answered", group=ctx.group_id,
                  item=item.item_id)
        return Reply.text(wording.feedback_answer_posted(channel))
