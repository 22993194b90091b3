"""`/buddy`: opt-in peer support. Every few weeks the members who joined are paired (one
trio if the number is odd), avoiding recent partners where possible and never pairing
anyone with someone on their private avoid list. Each pair or trio gets one private
conversation introducing them, with a suggested first question.

The introduction goes to a group DM destination: Slack opens a multi-person DM; Discord
bots cannot open group DMs, so each member gets the same direct message naming the
others (see `adapters/discord/sender.py`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.config_model import WEEKDAYS
from bot.context import Context
from bot.dates import parse_hhmm
from bot.errors import UserError
from bot.features import Feature
from bot.features.buddies import wording
from bot.features.buddies.config import BuddiesConfig
from bot.features.buddies.pairing import make_groups
from bot.features.buddies.pairing import pairs_in
from bot.features.buddies.store import BuddyRound
from bot.features.buddies.store import BuddyStore
from bot.features.buddies.wording import N_
from bot.features.host import FeatureHost
from bot.i18n import speaking
from bot.logs import log_event
from bot.membership import not_in_group
from bot.messages import Destination
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.text import neutralise
from scheduler import Firing

log = logging.getLogger(__name__)

NAME = "buddies"
ROUND_SCHEDULE = "buddies-round"
_EPOCH_MONDAY = date(2024, 1, 1)
_random = random.SystemRandom()
JOIN_ACTION = "buddy.join"


BuddiesHost = FeatureHost[BuddyStore, BuddiesConfig]
"""What the buddies feature is built from."""


def build(host: BuddiesHost) -> Feature:
    """The buddies feature."""
    return Buddies(host).feature()


class Buddies:
    """Joining, leaving, the avoid list and the pairing rounds."""

    def __init__(self, host: BuddiesHost) -> None:
        self.host = host
        self.store = host.store
        self.config = host.config
        self.owner = f"buddies-{secrets.token_hex(4)}"

    def feature(self) -> Feature:
        """Commands and the pairing schedule."""
        commands = [
            CommandSpec("buddy join", wording.buddy_join_help(self.config.every_weeks),
                        self.join, "/buddy join", feature=NAME),
            CommandSpec("buddy leave", N_("Leave buddy pairing. You won't be paired again unless "
                                          "you rejoin."), self.leave, "/buddy leave",
                        feature=NAME),
            CommandSpec("buddy status", N_("See whether you're in buddy pairing, and who your "
                                           "buddies are now."), self.status,
                        "/buddy status", feature=NAME),
            CommandSpec("buddy avoid", wording.BUDDY_AVOID_HELP, self.avoid,
                        N_("/buddy avoid member=@sam"),
                        options=(OptionSpec("member", N_("who not to be paired with"),
                                            OptionType.USER, required=True, max_length=64),
                                 OptionSpec("undo", N_("yes to take them off your list"),
                                            OptionType.BOOLEAN)),
                        feature=NAME),
        ]
        # The button in the welcome message ("Join buddies") runs the same step.
        return Feature(NAME, commands=commands, actions={JOIN_ACTION: self.join},
                       start=self.start, families=wording.BUDDIES_HELP_FAMILIES)

    # ---- commands ------------------------------------------------------------------------

    async def join(self, ctx: Context) -> Reply:
        """Opt in to pairing."""
        await self.store.buddy_join(ctx.group_id, ctx.actor.user_id, ctx.actor.display_name,
                                     ctx.now())
        return Reply.text(wording.buddy_joined(self.config.every_weeks, self.config.day))

    async def leave(self, ctx: Context) -> Reply:
        """Opt out of pairing (from the next round)."""
        left = await self.store.buddy_leave(ctx.group_id, ctx.actor.user_id)
        return Reply.text(N_("You've left buddy pairing. Type /buddy join whenever you'd like to "
                             "come back.") if left else N_("You're not in buddy pairing. Type "
                                                           "/buddy join if you'd like to be."))

    async def status(self, ctx: Context) -> Reply:
        """Whether you are in, and who your buddies are this round."""
        me = ctx.actor.user_id
        members = await self.store.buddy_members(ctx.group_id)
        rounds = await self.store.buddy_rounds(ctx.group_id, 1)
        current = next((g for r in rounds for g in r.pairs if me in g), ())
        names = [neutralise(members.get(u, "")) or wording.BUDDY_SOMEONE for u in current
                 if u != me]
        avoided = sum(1 for who, _ in await self.store.buddy_avoids(ctx.group_id)
                      if who == me)
        return Reply.text(wording.buddy_status(me in members, names, avoided))

    async def avoid(self, ctx: Context) -> Reply:
        """Privately ask never to be paired with someone (nobody is told)."""
        other = str(ctx.options["member"])
        if other == ctx.actor.user_id:
            raise UserError(N_("You can't be paired with yourself, so there's nothing to avoid."))
        undo = bool(ctx.options.get("undo"))
        if await not_in_group(self.host.people, ctx.group_id, [other]):
            # Someone who left may still be taken off the list, or avoided if they
            # are still opted in to pairing (the bot knows them from that).
            mine = {who for me, who in await self.store.buddy_avoids(ctx.group_id)
                    if me == ctx.actor.user_id}
            known = mine if undo else set(await self.store.buddy_members(ctx.group_id))
            if other not in known:
                raise UserError(wording.buddy_avoid_unknown(other))
        await self.store.buddy_avoid(ctx.group_id, ctx.actor.user_id, other, not undo)
        return Reply.text(N_("Saved: they're off your avoid list.") if undo
                          else wording.BUDDY_AVOIDED)

    # ---- rounds --------------------------------------------------------------------------

    async def start(self) -> None:
        """Add the pairing schedule (weekly at the configured day and time, in each
        group's own time zone; a round runs every `every_weeks` weeks)."""
        self.host.scheduler.add(ROUND_SCHEDULE, self.next_due, self._job)

    def _zones(self) -> set[str]:
        return {self.host.defaults().timezone,
                *(self.host.group(group_id).timezone
                  for group_id in self.host.known_group_ids())}

    def next_due(self, after: datetime) -> datetime | None:
        """The next weekly slot in any group's zone."""
        at = parse_hhmm(self.config.time)
        weekday = WEEKDAYS.index(self.config.day)
        found = []
        for name in sorted(self._zones()):
            zone = ZoneInfo(name)
            local = after.astimezone(zone).date()
            for offset in range(8):
                day = local + timedelta(days=offset)
                due = datetime.combine(day, at, tzinfo=zone)
                if day.weekday() == weekday and due > after:
                    found.append(due.astimezone(after.tzinfo))
                    break
        return min(found) if found else None

    async def _job(self, firing: Firing) -> None:
        for group_id in await self.store.buddy_groups():
            settings = self.host.group(group_id)
            local = firing.due.astimezone(settings.zone)
            week = (local.date() - _EPOCH_MONDAY).days // 7
            if NAME not in settings.features or f"{local:%H:%M}" != self.config.time \
                    or local.weekday() != WEEKDAYS.index(self.config.day) \
                    or week % self.config.every_weeks:
                continue
            await self.run_round(group_id, firing)

    async def run_round(self, group_id: str, firing: Firing,
                        rng: random.Random | None = None) -> BuddyRound | None:
        """Pair a group's members and store the introductions (once per occurrence)."""
        storage = self.store
        members = await storage.buddy_members(group_id)
        if len(members) < 2:
            return None
        avoid = {frozenset(p) for p in await storage.buddy_avoids(group_id)
                 if p[0] != p[1]}
        past = await storage.buddy_rounds(group_id, max(self.config.avoid_rounds, 1))
        recent = [set().union(*[pairs_in(g) for g in r.pairs]) if r.pairs else set()
                  for r in past[:self.config.avoid_rounds]]
        # CPU work (large groups take a moment): off the event loop.
        groups, left_out = await asyncio.to_thread(make_groups, list(members), avoid, recent,
                                                   rng or _random)
        now = self.host.clock.now()
        number = (past[0].number + 1) if past else 1
        round_ = BuddyRound(group_id, number, now, tuple(tuple(sorted(g)) for g in groups))
        deliveries = []
        for index, group in enumerate(round_.pairs):
            names = [neutralise(members[u]) or wording.BUDDY_SOMEONE for u in group]
            question = _random.choice(wording.BUDDY_FIRST_QUESTIONS)
            # One conversation for two or three people: in each of their languages.
            languages = [await self.host.language_of(group_id, u) for u in group]
            deliveries.append(NewDelivery(
                f"buddies:{group_id}:{number}:{index}",
                Destination.to_group_dm(group_id, group),
                Message(wording.buddy_intro_in(languages, names, question,
                                               self.config.every_weeks))))
        for user in left_out:
            with speaking(await self.host.language_of(group_id, user)):
                deliveries.append(NewDelivery(f"buddies:{group_id}:{number}:out:{user}",
                                              Destination.to_dm(group_id, user),
                                              Message(wording.BUDDY_LEFT_OUT)))
        if not await storage.save_buddy_round(f"{firing.key}#{group_id}", self.owner, round_,
                                              deliveries, now):
            return None
        self.host.deliveries_waiting()
        log_event(log, logging.INFO, "buddies.paired", group=group_id, round=number,
                  groups=len(round_.pairs), left_out=len(left_out))
        return round_
