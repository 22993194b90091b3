"""`/poll`: polls with buttons or a menu, anonymous by default, results at close.

For an anonymous poll nothing stored says who chose what: the store keeps, in one
encrypted ballot box per poll, a tag per voter (so nobody votes twice), the counts, and
each voter's choice sealed under a key in this process's memory (to undo the old choice
when someone changes their vote); at close only the counts are kept. Each vote rewrites
the box and nothing else, and the database forgets the box's earlier versions. Nobody
sees counts before the poll closes, the poll's creator included. The post says, before
anyone votes, what cannot hold. See docs/decisions/anonymous-polls.md.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from bot import catalog
from bot.anonymity import Sealer
from bot.anonymity import coarse_day
from bot.ballots import Ballot
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features import FormSpec
from bot.features.host import FeatureHost
from bot.features.polls import wording
from bot.features.polls.ballots import anonymous_ballot
from bot.features.polls.chart import bar_chart_png
from bot.features.polls.closing import Closings
from bot.features.polls.reading import DEFAULT_OPEN
from bot.features.polls.reading import OPTIONS_LIMIT
from bot.features.polls.reading import QUESTION_LIMIT
from bot.features.polls.reading import create_fields
from bot.features.polls.reading import form_problems
from bot.features.polls.reading import parse_closes
from bot.features.polls.reading import parse_options
from bot.features.polls.reading import read_yes
from bot.features.polls.replies import vote_reply
from bot.features.polls.store import NewPoll
from bot.features.polls.store import Poll
from bot.features.polls.store import PollResults
from bot.features.polls.store import PollStore
from bot.features.polls.wording import N_
from bot.features.polls.wording import _
from bot.i18n import speaking
from bot.i18n import tr
from bot.logs import log_event
from bot.messages import Button
from bot.messages import Choice
from bot.messages import Destination
from bot.messages import Image
from bot.messages import Message
from bot.messages import Reply
from bot.messages import Select
from bot.outbox import NewDelivery
from bot.text import has_visible_text
from bot.text import neutralise
from scheduler import Firing

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

PollsHost = FeatureHost[PollStore, None]
"""What polls use of the running bot: their store, the clock, scheduling, group settings
and deliveries (polls have no config section of their own)."""

CREATE_FORM = "poll.create"
VOTE_ACTION = "poll.vote"
PICK_ACTION = "poll.pick"


def _plain(stored: str) -> str:
    """A neutralised text as a button or chart label (no markup is shown there)."""
    return re.sub(r"\\(.)", r"\1", stored)


class Polls:
    """The poll feature's handlers and scheduled closings."""

    def __init__(self, host: PollsHost) -> None:
        self.host = host
        self.store = host.store
        self.sealer = Sealer()
        self.owner = f"polls-{secrets.token_hex(4)}"
        self.closings = Closings(host, "poll-close", self.close, log, "poll.close_failed",
                                 "poll")
        self.form = FormSpec(CREATE_FORM, create_fields(), self.create_from_form,
                             command="poll")

    # ---- creating ----------------------------------------------------------------------

    async def command(self, ctx: Context) -> Reply:
        """/poll: open the form, or create at once when the options are given."""
        if not ctx.options:
            return Reply(form=self.form.form(N_("New poll"),
                                             submit_label=N_("Start")))
        missing = [k for k in ("question", "options") if not ctx.options.get(k)]
        if missing:
            raise UserError(catalog.option_missing(
                "poll", missing[0],
                N_('/poll question="Which day suits?" options="Monday|Tuesday" closes=3d')))
        return await self.create(ctx, dict(ctx.options))

    async def create_from_form(self, ctx: Context) -> Reply:
        """The new-poll form was sent: an answer that cannot be used is asked for again,
        with the others kept, rather than the whole form being lost."""
        problems = form_problems(ctx.options, ctx.now(), ctx.settings.zone)
        if problems:
            return Reply(messages=(), field_errors=problems)
        return await self.create(ctx, dict(ctx.options))

    async def create(self, ctx: Context, values: dict[str, object]) -> Reply:
        """Check everything, then store the poll and its post together."""
        question = str(values.get("question", "")).strip()
        if not has_visible_text(question):
            raise UserError(catalog.field_required(wording.POLL_FIELD_QUESTION))
        if len(question) > QUESTION_LIMIT:
            raise UserError(catalog.field_too_long(wording.POLL_FIELD_QUESTION,
                                                   QUESTION_LIMIT, len(question)))
        options = parse_options(str(values.get("options", "")))
        now = ctx.now()
        raw_closes = str(values.get("closes") or "").strip()
        closes = (parse_closes(raw_closes, now, ctx.settings.zone) if raw_closes
                  else now + DEFAULT_OPEN)
        anonymous = read_yes(values.get("anonymous"), True)
        multiple = read_yes(values.get("multiple"), False)
        poll = NewPoll(secrets.token_hex(5), ctx.group_id, neutralise(question),
                       tuple(neutralise(o) for o in options), anonymous, multiple, closes,
                       ctx.settings.updates_channel, secrets.token_urlsafe(32),
                       coarse_day(now))
        with speaking(ctx.settings.language):  # a channel post: the group's language
            post = NewDelivery(f"poll-post:{poll.poll_id}",
                               Destination.to_channel(ctx.group_id, poll.channel),
                               self.post_message(poll))
        await self.store.create_poll(poll, [post], now)
        self.host.deliveries_waiting()
        self.closings.schedule(poll.poll_id, closes)
        log_event(log, logging.INFO, "poll.created", group=ctx.group_id, poll=poll.poll_id)
        return Reply.text(wording.poll_created(poll.channel, self.when(closes, ctx.settings.zone)))

    @staticmethod
    def when(moment: datetime, tz: ZoneInfo) -> str:
        """A time as people read it, in the group's zone and the language in force."""
        return wording.poll_when(moment, tz)

    def post_message(self, poll: NewPoll | Poll) -> Message:
        """The poll as posted: buttons for one choice, a menu for several."""
        zone = self.host.group(poll.group_id).zone
        text = wording.poll_post(poll.question, poll.options, poll.anonymous, poll.multiple,
                                 self.when(poll.closes_at, zone))
        labels = [f"{i + 1}. {_plain(o)}"[:80] for i, o in enumerate(poll.options)]
        if poll.multiple:
            select = Select(PICK_ACTION, N_("Choose your options"),
                            tuple(Choice(label, f"{poll.poll_id}:{i}")
                                  for i, label in enumerate(labels)),
                            min_values=1, max_values=len(labels))
            return Message(text, select=select)
        return Message(text, buttons=tuple(Button(label, VOTE_ACTION, f"{poll.poll_id}:{i}")
                                           for i, label in enumerate(labels)))

    # ---- voting --------------------------------------------------------------------------

    async def vote(self, ctx: Context) -> Reply:
        """A button: one choice."""
        poll_id, choice = _split(str(ctx.options.get("value", "")))
        return await self.cast(ctx, poll_id, (choice,))

    async def pick(self, ctx: Context) -> Reply:
        """The menu: one or more choices."""
        picked = [_split(str(v)) for v in ctx.options.get("values", ()) or ()]
        if not picked or len({p for p, _ in picked}) != 1:
            raise UserError(wording.POLL_GONE)
        return await self.cast(ctx, picked[0][0], tuple(sorted({c for _, c in picked})))

    async def cast(self, ctx: Context, poll_id: str, choices: tuple[int, ...]) -> Reply:
        """Record a vote (anonymous: tag and sealed choice only) and tell only the voter."""
        poll = await self.store.get_poll(poll_id) if poll_id else None
        if poll is None or poll.group_id != ctx.group_id:
            raise UserError(wording.POLL_GONE)
        now = ctx.now()
        if not poll.open or now >= poll.closes_at:
            raise UserError(wording.POLL_CLOSED)
        if not choices or any(not 0 <= c < len(poll.options) for c in choices):
            raise UserError(wording.POLL_GONE)
        if len(choices) > 1 and not poll.multiple:
            raise UserError(N_("This poll takes one choice. Please pick just one option."))
        if poll.anonymous:
            ballot = anonymous_ballot(poll.poll_id, poll.voter_secret, ctx.group_id,
                                      ctx.actor.user_id, choices, self.sealer)
        else:
            ballot = Ballot(poll.poll_id, ctx.actor.user_id, choices,
                            name=ctx.actor.display_name)
        result = await self.store.cast_vote(ballot, now)
        names = [poll.options[c] for c in choices]
        return vote_reply(
            result, counted=wording.poll_vote_counted(
                names, self.when(poll.closes_at, ctx.settings.zone)),
            changed=wording.poll_vote_changed(names),
            same=N_("That's already your vote, so nothing changed."),
            closed=wording.POLL_CLOSED, gone=wording.POLL_GONE)

    # ---- closing ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Schedule open polls, and close those whose time has passed (`Closings`): a poll
        must always close and post its results. Seal with the key the other processes
        hold, so a vote can be changed through any of them."""
        await self.sealer.join(self.host.peers)
        await self.closings.resume((poll.poll_id, poll.closes_at)
                                   for poll in await self.store.open_polls())

    async def close(self, poll_id: str, firing: Firing) -> bool:
        """Close once: results as text and as a chart, posted with the closing."""
        results = await self.store.poll_results(poll_id)
        if results is None or not results.poll.open:
            return False
        with speaking(self.host.group(results.poll.group_id).language):
            message = self.results_message(results, firing.late)
        delivery = NewDelivery(f"poll-results:{poll_id}",
                               Destination.to_channel(results.poll.group_id,
                                                      results.poll.channel), message)
        now = self.host.clock.now()
        closed = await self.store.close_poll(poll_id, firing.key, self.owner,
                                                   results.tallies, [delivery], now)
        if closed:
            self.host.deliveries_waiting()
            log_event(log, logging.INFO, "poll.closed", group=results.poll.group_id,
                      poll=poll_id, voters=results.voters)
        return closed

    def results_message(self, results: PollResults, late: bool) -> Message:
        """The results: a line per option (names only for a named poll), and a chart."""
        poll = results.poll
        total = sum(results.tallies)
        lines = []
        for i, option in enumerate(poll.options):
            names = [neutralise(name) for name, chosen in results.named if i in chosen]
            lines.append(wording.poll_result_line(option, results.tallies[i], total, names))
        text = wording.poll_results(poll.question, lines, results.voters, late)
        images: tuple[Image, ...] = ()
        try:
            png = bar_chart_png(_plain(poll.question), [_plain(o) for o in poll.options],
                                results.tallies, tr(N_("votes")))
        except Exception as exc:  # the results still go out as text
            log_event(log, logging.WARNING, "poll.chart_failed", poll=poll.poll_id,
                      error=type(exc).__name__)
        else:
            parts = [f"{_plain(o)}: {n}" for o, n in zip(poll.options, results.tallies,
                                                          strict=True)]
            images = (Image(f"poll-{poll.poll_id}.png", png,
                            _("Bar chart of the poll results for “{question}”: {parts}.")
                            .format(question=_plain(poll.question), parts="; ".join(parts))),)
        return Message(text, images=images)


def _split(value: str) -> tuple[str, int]:
    poll_id, _, choice = value.partition(":")
    try:
        return poll_id, int(choice)
    except ValueError:
        return "", -1


def build(host: PollsHost) -> Feature:
    """The polls feature, built from its host."""
    polls = Polls(host)
    options = (
        OptionSpec("question", N_("what to ask (needed, unless you type /poll alone to fill in a "
                                  "form)"), max_length=QUESTION_LIMIT),
        OptionSpec("options", N_("the choices, separated by | (needed, unless you type /poll alone "
                                 "to fill in a form)"), max_length=OPTIONS_LIMIT),
        OptionSpec("closes", wording.POLL_OPTION_CLOSES, max_length=40),
        OptionSpec("anonymous", N_("yes (the default) or no"), OptionType.BOOLEAN),
        OptionSpec("multiple", N_("yes if people may choose several"), OptionType.BOOLEAN),
    )
    spec = CommandSpec("poll", wording.POLL_HELP, polls.command,
                       N_('/poll  or  /poll question="Which day suits?" '
                          'options="Monday|Tuesday" closes=3d'),
                       options=options, feature="polls", opens_form=True)
    return Feature("polls", commands=[spec],
                   actions={VOTE_ACTION: polls.vote, PICK_ACTION: polls.pick},
                   forms=[polls.form], start=polls.start,
                   # A vote, which may be anonymous: when someone voted is not shown.
                   timing_sensitive=frozenset({f"action:{VOTE_ACTION}",
                                               f"action:{PICK_ACTION}"}))
