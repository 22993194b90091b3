"""`/feedback`: anonymous feedback, checked by facilitators, shared in digests, answered
in public.

Anonymous by construction: the submit handler hands storage the words, a topic, who
they are for and the day, and nothing about the person. Only an in-memory, daily-keyed
counter (for the daily limit) ever sees who sent something, and it cannot say whose a
count is.

When anything is seen is decided by days, never by moments (docs/decisions/
feedback-review.md): an item stays pending, seen by nobody and counted nowhere, until
the midnight (in the group's time zone) after the day it was written; then a day's
items become visible to facilitators for review all together (items for the whole
group only once at least `group_min_items` have gathered), listed in random order
without times, and any of them can be hidden. A digest shares only items that have been
open for review for at least `review_hours`, shuffled, and only once at least k are
ready. So neither the time a piece arrives, nor looking again and again, nor a piece
shown alone can point to its author.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import catalog
from bot.commands import CommandSpec, OptionSpec
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature, FormHandler, FormSpec
from bot.features.anonymity import coarse_day
from bot.features.feedback import wording
from bot.features.feedback.config import FeedbackConfig
from bot.features.feedback.limiter import DailyLimiter
from bot.features.feedback.store import (
    Audience,
    FeedbackItem,
    FeedbackStatus,
    FeedbackStore,
    NewFeedback,
)
from bot.features.host import FeatureHost
from bot.logs import log_event
from bot.messages import Button, Choice, Destination, FormField, Message, Reply
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.text import has_visible_text, neutralise, quote_block
from scheduler import Firing
from scheduler.core import FiringJob, NextDue

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
REASON_LIMIT = 500
LIST_DAYS = 30
LIST_LIMIT = 25
LIST_WAITING_LIMIT = 200
QUOTE_IN_LIST = 300
SEND_FORM = "feedback.send"
ANSWER_FORM = "feedback.answer"
ANSWER_ACTION = "feedback.answer"
_shuffle = random.SystemRandom().shuffle
# No group has this id (config and platforms never use ""), so its settings are the
# defaults every group starts from.
_NO_GROUP = ""

FeedbackHost = FeatureHost[FeedbackStore, FeedbackConfig]
"""What the feedback feature uses of the running bot."""


def daily_at(times: Sequence[time], zone: ZoneInfo) -> NextDue:
    """A schedule firing every day at these local times (first due strictly after)."""

    def next_due(after: datetime) -> datetime | None:
        local = after.astimezone(zone)
        for offset in range(3):
            day = local.date() + timedelta(days=offset)
            for at in sorted(times):
                due = datetime.combine(day, at, tzinfo=zone)
                if due > after:
                    return due.astimezone(after.tzinfo)
        return None

    return next_due


def local_day(moment: datetime, zone: ZoneInfo) -> datetime:
    """The midnight (in `zone`) that starts the local day `moment` falls on, in UTC: the
    only time stored with a piece of feedback."""
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)


def next_local_day(day: datetime, zone: ZoneInfo) -> datetime:
    """The midnight (in `zone`) after the local day that starts at `day`."""
    local = day.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(local, time(0), tzinfo=zone).astimezone(UTC)


def send_fields(config: FeedbackConfig) -> tuple[FormField, ...]:
    """The feedback form's fields."""
    return (
        FormField("message", wording.FEEDBACK_FIELD_MESSAGE, "paragraph", required=True,
                  max_length=MESSAGE_LIMIT, placeholder=wording.FEEDBACK_FIELD_MESSAGE_HINT),
        FormField("topic", wording.FEEDBACK_FIELD_TOPIC, "choice", required=False,
                  choices=tuple(Choice(t, t) for t in config.topics)),
        FormField("audience", wording.FEEDBACK_FIELD_AUDIENCE, "choice", required=True,
                  default=Audience.GROUP.value,
                  choices=(Choice(wording.FEEDBACK_FOR_GROUP, Audience.GROUP.value),
                           Choice(wording.FEEDBACK_FOR_FACILITATORS,
                                  Audience.FACILITATORS.value))),
    )


ANSWER_FIELDS = (
    FormField("answer", wording.FEEDBACK_ANSWER_FIELD, "paragraph", required=True,
              max_length=MESSAGE_LIMIT, placeholder=wording.FEEDBACK_ANSWER_HINT),
)


def build(host: FeedbackHost) -> Feature:
    """The feedback feature."""
    config = host.config
    limiter = DailyLimiter(config.daily_limit)
    review = Review(host)
    send_form = FormSpec(SEND_FORM, send_fields(config), _handle_send(host, limiter),
                         command="feedback")
    answer_form = FormSpec(ANSWER_FORM, ANSWER_FIELDS, review.answer,
                           command="feedback answer")

    async def open_form(ctx: Context) -> Reply:
        return Reply(form=send_form.form(wording.FEEDBACK_FORM_TITLE))

    async def answer_button(ctx: Context) -> Reply:
        return await review.open_answer(ctx, str(ctx.options.get("value", "")), answer_form)

    async def answer_command(ctx: Context) -> Reply:
        return await review.open_answer(ctx, str(ctx.options["item"]), answer_form)

    facilitators = frozenset({Role.FACILITATOR})
    item = OptionSpec("item", "the feedback's ref, from /feedback list or the digest",
                      required=True, max_length=40)
    commands = [
        CommandSpec("feedback",
                    wording.feedback_help(config.group_min_items, config.facilitators_min_items,
                                          config.review_hours),
                    open_form, "/feedback", feature="feedback", opens_form=True),
        CommandSpec("feedback list", wording.FEEDBACK_LIST_HELP, review.list, "/feedback list",
                    roles=facilitators, feature="feedback"),
        CommandSpec("feedback hide", wording.FEEDBACK_HIDE_HELP, review.hide,
                    "/feedback hide item=3f9a1c2b7d reason=\"names a member\"",
                    options=(item, OptionSpec("reason", "why it is hidden", required=True,
                                              max_length=REASON_LIMIT)),
                    roles=facilitators, feature="feedback"),
        CommandSpec("feedback answer", wording.FEEDBACK_ANSWER_HELP, answer_command,
                    "/feedback answer item=3f9a1c2b7d", options=(item,), roles=facilitators,
                    feature="feedback", opens_form=True),
    ]
    digests = DigestJobs(host)
    return Feature("feedback", commands=commands, actions={ANSWER_ACTION: answer_button},
                   forms=[send_form, answer_form], start=digests.start,
                   action_commands={ANSWER_ACTION: "feedback answer"})


# ---- sending ---------------------------------------------------------------------------


def _handle_send(host: FeedbackHost, limiter: DailyLimiter) -> FormHandler:
    config = host.config

    async def send(ctx: Context) -> Reply:
        text = neutralise(ctx.options["message"])
        audience = Audience(ctx.options["audience"] or Audience.GROUP.value)
        topic = ctx.options.get("topic", "")
        now = ctx.now()
        # The only use of who sent it: a count under a key that is gone tomorrow.
        if not limiter.take(ctx.group_id, ctx.actor.user_id, now):
            raise UserError(wording.feedback_daily_limit(limiter.limit))
        item = NewFeedback(secrets.token_hex(5), ctx.group_id, audience, text, topic,
                           local_day(now, ctx.settings.zone))
        try:
            await host.store.submit_feedback(item)
        except BaseException:
            limiter.give_back(ctx.group_id, ctx.actor.user_id, now)
            raise
        group = audience is Audience.GROUP
        return Reply.text(wording.feedback_sent(
            group, config.group_min_items if group else config.facilitators_min_items,
            config.review_hours,
            config.group_digest_times if group else config.facilitators_digest_times))
    return send


async def release(host: FeedbackHost, group_id: str, now: datetime) -> None:
    """Open for review every pending item of the group whose day is over, a whole
    audience's at once, once there are enough (`FeedbackStore.release_feedback`)."""
    config = host.config
    today = local_day(now, host.group(group_id).zone)
    for audience, minimum in ((Audience.GROUP, config.group_min_items),
                              (Audience.FACILITATORS, config.facilitators_min_items)):
        released = await host.store.release_feedback(group_id, audience, today, minimum,
                                                     today)
        if released:
            log_event(log, logging.INFO, "feedback.released", group=group_id,
                      audience=audience.value, items=released)


def reviewed_since(item: FeedbackItem, zone: ZoneInfo) -> datetime:
    """When facilitators could first see and hide an item."""
    return item.review_from or next_local_day(item.day, zone)


# ---- digests -----------------------------------------------------------------------------


class DigestJobs:
    """The scheduled digests: one schedule per audience, due at each configured time of
    day in every time zone a group uses; a firing serves the groups whose own local time
    is a digest time."""

    def __init__(self, host: FeedbackHost) -> None:
        self.host = host
        self.config = host.config
        self.owner = f"feedback-{secrets.token_hex(4)}"

    async def start(self) -> None:
        """Add the digest schedules."""
        for audience in Audience:
            self.host.scheduler.add(f"feedback-digest:{audience.value}",
                                   self.next_due(audience), self._job(audience))

    def times(self, audience: Audience) -> tuple[str, ...]:
        """The configured digest times ("HH:MM") for an audience."""
        if audience is Audience.GROUP:
            return self.config.group_digest_times
        return self.config.facilitators_digest_times

    def zones(self) -> set[str]:
        """Every time zone a known group uses (worked out again at each re-arm, so a
        group that changes its zone in chat is served from its next digest on)."""
        names = {self.host.group(_NO_GROUP).timezone}
        for group_id in self.host.known_group_ids():
            names.add(self.host.group(group_id).timezone)
        return names

    def next_due(self, audience: Audience) -> NextDue:
        """The schedule: the soonest digest time in any group's zone."""
        at = [FeedbackConfig.clock_time(t) for t in self.times(audience)]

        def next_due(after: datetime) -> datetime | None:
            dues = [daily_at(at, ZoneInfo(zone))(after) for zone in sorted(self.zones())]
            found = [d for d in dues if d is not None]
            return min(found) if found else None

        return next_due

    def _job(self, audience: Audience) -> FiringJob:
        async def job(firing: Firing) -> None:
            await self.run(audience, firing)
        return job

    def minimum(self, audience: Audience) -> int:
        """k: how many items must be waiting for a digest to go out."""
        if audience is Audience.GROUP:
            return self.config.group_min_items
        return self.config.facilitators_min_items

    async def run(self, audience: Audience, firing: Firing) -> int:
        """Deliver a digest to every group with at least k items that have been open for
        review long enough; how many went."""
        storage = self.host.store
        sent = 0
        review = timedelta(hours=self.config.review_hours)
        for group_id in await storage.groups_with_waiting_feedback(audience):
            settings = self.host.group(group_id)
            local = firing.due.astimezone(settings.zone)
            if "feedback" not in settings.features or f"{local:%H:%M}" not in \
                    self.times(audience):
                continue
            now = self.host.clock.now()
            await release(self.host, group_id, now)
            items = [i for i in await storage.waiting_feedback(group_id, audience)
                     if reviewed_since(i, settings.zone) + review <= now]
            if len(items) < self.minimum(audience):
                continue
            _shuffle(items)
            channel = (settings.feedback_channel if audience is Audience.GROUP
                       else self.config.facilitators_channel)
            key = f"{firing.key}#{group_id}"
            deliveries = self.messages(key, group_id, channel, audience, items, now)
            if await storage.deliver_digest(key, self.owner, group_id,
                                            [i.item_id for i in items], deliveries, now,
                                            coarse_day(now)):
                sent += 1
                self.host.deliveries_waiting()
                log_event(log, logging.INFO, "feedback.digest", group=group_id,
                          audience=audience.value, items=len(items))
        return sent

    def messages(self, key: str, group_id: str, channel: str, audience: Audience,
                 items: Sequence[FeedbackItem], now: datetime) -> list[NewDelivery]:
        """One message per item (each with its answer button), the first with the header."""
        count = len(items)
        wait = timedelta(days=self.config.max_wait_days)
        destination = Destination.to_channel(group_id, channel)
        out = []
        for number, item in enumerate(items, start=1):
            waited = self.config.max_wait_days if now - item.day > wait else None
            text = wording.feedback_digest_item(number, count, item.item_id,
                                                neutralise(item.topic),
                                                quote_block(item.text), waited)
            if number == 1:
                text = wording.feedback_digest_header(count, audience is Audience.GROUP) \
                    + "\n\n" + text
            buttons = ((Button(wording.FEEDBACK_ANSWER_BUTTON, ANSWER_ACTION, item.item_id),)
                       if audience is Audience.GROUP else ())
            out.append(NewDelivery(f"feedback-digest:{key}:{number}", destination,
                                   Message(text, buttons=buttons)))
        return out


# ---- facilitators: list, hide, answer ------------------------------------------------------


def _facilitator(ctx: Context) -> None:
    if not (ctx.has_role(Role.FACILITATOR) or ctx.actor.is_admin):
        raise UserError(wording.FEEDBACK_ONLY_FACILITATORS)


def _day(moment: datetime | None, zone: ZoneInfo) -> str:
    return "" if moment is None else f"{moment.astimezone(zone):%d %b %Y}"


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
            raise UserError(wording.FEEDBACK_CANT_HIDE)
        log_event(log, logging.INFO, "feedback.hidden", group=ctx.group_id, item=ref)
        return Reply.text(wording.feedback_hidden(ref))

    async def _answerable(self, ctx: Context, ref: str) -> FeedbackItem:
        _facilitator(ctx)
        item = await self.host.store.feedback_item(ctx.group_id, ref)
        if item is None:
            raise UserError(wording.feedback_no_item(neutralise(ref)))
        if item.status is FeedbackStatus.HIDDEN:
            raise UserError(wording.FEEDBACK_HIDDEN_CANT_ANSWER)
        if item.audience is not Audience.GROUP:
            raise UserError(wording.FEEDBACK_FOR_FACILITATORS_ONLY)
        if item.status is not FeedbackStatus.DELIVERED:
            raise UserError(wording.FEEDBACK_NOT_DELIVERED)
        return item

    async def open_answer(self, ctx: Context, raw: str, form: FormSpec) -> Reply:
        """The answer form for an item that may be answered in public."""
        item = await self._answerable(ctx, _ref(raw))
        return Reply(form=form.form(wording.FEEDBACK_ANSWER_FORM_TITLE, state=item.item_id,
                                    submit_label="Post"))

    async def answer(self, ctx: Context) -> Reply:
        """Store the answer and its public post, quoting the item, together."""
        event_state = getattr(ctx.event, "state", "")
        item = await self._answerable(ctx, _ref(str(event_state)))
        answer = neutralise(ctx.options["answer"])
        now = ctx.now()
        channel = ctx.settings.feedback_channel
        post = NewDelivery(f"feedback-answer:{item.item_id}:{secrets.token_hex(4)}",
                           Destination.to_channel(ctx.group_id, channel),
                           Message(wording.feedback_you_said_we_did(quote_block(item.text),
                                                                    answer)))
        if not await self.host.store.answer_feedback(ctx.group_id, item.item_id, answer,
                                                     coarse_day(now), [post], now):
            raise UserError(wording.FEEDBACK_NOT_DELIVERED)
        self.host.deliveries_waiting()
        log_event(log, logging.INFO, "feedback.answered", group=ctx.group_id,
                  item=item.item_id)
        return Reply.text(wording.feedback_answer_posted(channel))
