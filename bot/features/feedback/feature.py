"""`/feedback`: anonymous feedback, checked by facilitators, shared in digests, answered
in public.

Anonymous by construction: the submit handler hands storage the words, a topic, who
they are for and the day, and nothing about the person. Only an in-memory, daily-keyed
counter (for the daily limit, shared with the other bot processes but never stored) ever
sees who sent something, and it cannot say whose a count is.

When anything is seen is decided by days, never by moments (docs/decisions/
feedback-review.md): an item stays pending, seen by nobody and counted nowhere, until
the midnight (in the group's time zone) after the day it was written; then a day's
items become visible to facilitators for review all together (items for the whole
group only once at least `group_min_items` have gathered), listed in random order
without times, and any of them can be hidden. A digest shares only items that have been
open for review for at least `review_hours`, shuffled, and only once at least k are
ready. So neither the time a piece arrives, nor looking again and again, nor a piece
shown alone can point to its author.

- `digests`: releasing items for review, and the scheduled digests;
- `review`: the facilitators' list, hiding and answering.
"""

from __future__ import annotations

import secrets

from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features import FormHandler
from bot.features import FormSpec
from bot.features.feedback import wording
from bot.features.feedback.config import FeedbackConfig
from bot.features.feedback.digests import ANSWER_ACTION
from bot.features.feedback.digests import DigestJobs
from bot.features.feedback.digests import FeedbackHost
from bot.features.feedback.digests import local_day
from bot.features.feedback.limiter import DailyLimiter
from bot.features.feedback.review import Review
from bot.features.feedback.store import Audience
from bot.features.feedback.store import NewFeedback
from bot.features.feedback.wording import N_
from bot.messages import Choice
from bot.messages import FormField
from bot.messages import Reply
from bot.roles import Role
from bot.text import neutralise

MESSAGE_LIMIT = 2000
REASON_LIMIT = 500
SEND_FORM = "feedback.send"
ANSWER_FORM = "feedback.answer"


def send_fields(config: FeedbackConfig) -> tuple[FormField, ...]:
    """The feedback form's fields."""
    return (
        FormField("message", N_("Your feedback"), "paragraph", required=True,
                  max_length=MESSAGE_LIMIT, placeholder=wording.FEEDBACK_FIELD_MESSAGE_HINT),
        FormField("topic", N_("Topic"), "choice", required=False,
                  choices=tuple(Choice(wording.topic_choice(t), t) for t in config.topics)),
        FormField("audience", N_("Who is it for?"), "choice", required=True,
                  default=Audience.GROUP.value,
                  choices=(Choice(N_("The whole group"), Audience.GROUP.value),
                           Choice(N_("The facilitators only"),
                                  Audience.FACILITATORS.value))),
    )


ANSWER_FIELDS = (
    FormField("answer", N_("What did you do, or what will you do?"), "paragraph", required=True,
              max_length=MESSAGE_LIMIT, placeholder=wording.FEEDBACK_ANSWER_HINT),
)


def build(host: FeedbackHost) -> Feature:
    """The feedback feature."""
    config = host.config
    limiter = DailyLimiter(config.daily_limit, host.peers)
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
    item = OptionSpec("item", N_("the feedback's ref, from /feedback list or the digest"),
                      required=True, max_length=40)
    commands = [
        CommandSpec("feedback",
                    wording.feedback_help_text(config.group_min_items,
                                               config.facilitators_min_items,
                                               config.review_hours),
                    open_form, "/feedback", feature="feedback", opens_form=True),
        CommandSpec("feedback list", wording.FEEDBACK_LIST_HELP, review.list, "/feedback list",
                    roles=facilitators, feature="feedback"),
        CommandSpec("feedback hide", wording.FEEDBACK_HIDE_HELP, review.hide,
                    N_("/feedback hide item=3f9a1c2b7d reason=\"names a member\""),
                    options=(item, OptionSpec("reason", N_("why it is hidden"),
                                              required=True, max_length=REASON_LIMIT)),
                    roles=facilitators, feature="feedback"),
        CommandSpec("feedback answer", N_("Answer a piece of feedback in public: \"you said, we "
                                          "did\" (facilitators)."), answer_command,
                    N_("/feedback answer item=3f9a1c2b7d"), options=(item,), roles=facilitators,
                    feature="feedback", opens_form=True),
    ]
    digests = DigestJobs(host)
    return Feature("feedback", commands=commands, actions={ANSWER_ACTION: answer_button},
                   forms=[send_form, answer_form], start=digests.start,
                   action_commands={ANSWER_ACTION: "feedback answer"},
                   # Writing feedback: when it was written is hidden (digest delay).
                   timing_sensitive=frozenset({"command:feedback", f"form:{SEND_FORM}"}))


# ---- sending ---------------------------------------------------------------------------


def _handle_send(host: FeedbackHost, limiter: DailyLimiter) -> FormHandler:
    config = host.config

    async def send(ctx: Context) -> Reply:
        text = neutralise(ctx.options["message"])
        audience = Audience(ctx.options["audience"] or Audience.GROUP.value)
        topic = ctx.options.get("topic", "")
        now = ctx.now()
        # The only use of who sent it: a count under a key that is gone tomorrow.
        if not await limiter.take(ctx.group_id, ctx.actor.user_id, now):
            raise UserError(wording.feedback_daily_limit(limiter.limit))
        item = NewFeedback(secrets.token_hex(5), ctx.group_id, audience, text, topic,
                           local_day(now, ctx.settings.zone))
        try:
            await host.store.submit_feedback(item)
        except BaseException:
            await limiter.give_back(ctx.group_id, ctx.actor.user_id, now)
            raise
        group = audience is Audience.GROUP
        return Reply.text(wording.feedback_sent(
            group, config.group_min_items if group else config.facilitators_min_items,
            config.review_hours,
            config.group_digest_times if group else config.facilitators_digest_times))
    return send
