"""`/checkin summary`: what a facilitator may see of check-ins.

Group figures cover whole past weeks only, and the spread of answers only weeks in which
at least `SUMMARY_MIN_MEMBERS` members answered, so that nobody's answer can be picked
out; names appear only for the facilitator's own members and the requests that are with
them (docs/threat-model.md).
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta
from itertools import pairwise

from bot.context import Context
from bot.features.checkins import moments
from bot.features.checkins import wording
from bot.features.checkins.chart import answers_chart_png
from bot.features.checkins.config import CheckinsConfig
from bot.features.checkins.store import Answer
from bot.features.checkins.store import CheckinStore
from bot.features.checkins.store import RequestStatus
from bot.features.checkins.wording import N_
from bot.features.checkins.wording import ngettext
from bot.i18n import format_number
from bot.i18n import plain_list
from bot.i18n import tr
from bot.messages import Image
from bot.messages import Message
from bot.messages import Reply
from bot.text import neutralise

SUMMARY_MIN_MEMBERS = 5
# Answers may come a while after the check-in was sent: how far back to look for them.
ANSWER_LOOKBACK_DAYS = 62


async def summary(ctx: Context, store: CheckinStore, config: CheckinsConfig) -> Reply:
    """`/checkin summary`: group figures over whole past weeks; names only for your
    own members and the requests that are with you.

    The spread of answers counts, week by week, the answers given in that week, and
    only weeks in which at least `SUMMARY_MIN_MEMBERS` members answered. A finished
    week never changes, so comparing two summaries cannot single out one answer (a
    period ending "now" would let a facilitator subtract one summary from the next).
    """
    days = int(ctx.options.get("days") or 30)
    now = ctx.now()
    zone = ctx.settings.zone
    weeks = max(1, -(-days // 7))
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    bounds = [datetime.combine(monday - timedelta(weeks=weeks - i), time(0), tzinfo=zone)
              .astimezone(UTC) for i in range(weeks + 1)]
    # Answers may come a while after the check-in was sent: look back a little further.
    recent = await store.checkins_between(
        ctx.group_id, bounds[0] - timedelta(days=ANSWER_LOOKBACK_DAYS),
        bounds[-1] - timedelta(microseconds=1))
    sent = sum(bounds[0] <= c.sent_at < bounds[-1] for c in recent)
    answered = [(c.user_id, c.answer, c.answered_at) for c in recent
                if c.answer is not None and c.answered_at is not None
                and bounds[0] <= c.answered_at < bounds[-1]]
    counts = dict.fromkeys(Answer, 0)
    left_out = 0
    for start, end in pairwise(bounds):
        week = [(who, answer) for who, answer, at in answered if start <= at < end]
        if len({who for who, _ in week}) < SUMMARY_MIN_MEMBERS:
            left_out += 1 if week else 0
            continue
        for _, answer in week:
            counts[answer] += 1
    last_day = (bounds[-1] - timedelta(microseconds=1)).astimezone(zone)
    lines = [wording.checkin_summary_header(
        weeks, moments.short_day(bounds[0], zone),
        moments.short_day(last_day, zone), sent, len(answered))]
    images: tuple[Image, ...] = ()
    if any(counts.values()):
        spread = [(wording.checkin_answer_words(a), counts[a]) for a in Answer]
        lines.append(wording.checkin_summary_spread(spread))
        if left_out:
            lines.append(wording.checkin_summary_left_out(left_out, SUMMARY_MIN_MEMBERS))
        alt = wording.checkin_summary_alt(weeks, spread)
        images = (Image("check-ins.png", answers_chart_png(
            wording.checkin_summary_chart_title(weeks), spread,
            tr(N_("check-ins"))), alt),)
    else:
        lines.append(wording.checkin_summary_too_few(SUMMARY_MIN_MEMBERS))
    me = ctx.actor.user_id
    mine = [r for r in await store.open_one_to_ones(ctx.group_id)
            if r.facilitator_id == me]
    arranged = sum(r.status is RequestStatus.ARRANGED for r in mine)
    lines.append(wording.checkin_summary_requests(len(mine) - arranged, arranged))
    for r in mine:
        lines.append(wording.checkin_summary_my_request(
            neutralise(r.member_name), wording.checkin_answer_words(r.answer),
            moments.short_date(r.created_at, zone),
            tr({"requested": N_("requested"), "arranged": N_("arranged"),
                "done": N_("done")}[r.status.value])))
    members = {p.user_id: p for p in await store.all_checkin_prefs()
               if p.group_id == ctx.group_id
               and (p.facilitator_id or config.assign.get(p.user_id, "")) == me}
    said: dict[str, list[str]] = {}
    for c in await store.checkins_between(ctx.group_id, now - timedelta(days=days), now):
        if c.user_id in members and c.answer is not None:
            said.setdefault(c.user_id, []).append(wording.checkin_summary_answer(
                wording.checkin_answer_words(c.answer), moments.short_date(c.sent_at, zone)))
    if said:
        lines.append(ngettext("Your own members' answers in the last {days} day:",
                              "Your own members' answers in the last {days} days:",
                              days).format(days=format_number(days)))
    for user_id, answers in said.items():
        name = neutralise(members[user_id].display_name) or wording.CHECKIN_A_MEMBER
        lines.append(f"- {tr(name)}: {plain_list(answers)}")
    return Reply(messages=(Message("\n".join(lines), images=images),))
