"""`/prompt`: fresh discussion and reflection prompts ("keep it fresh").

Facilitators keep the list (`/prompt add`, `/prompt list`). The bot posts one at the
cadence in `[prompts]`, in its channel (default: the updates channel), choosing the
least-used prompt (oldest first among equals), so none repeats until all have been used.
With `skip_meeting_days`, a day with a meeting gets no prompt: `meeting_on_day` asks
the meetings feature (its `meeting_on_day`, over the meetings store); tests and other
set-ups may pass their own check.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot import catalog
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.config_model import WEEKDAYS
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features.host import FeatureHost
from bot.features.prompts import wording
from bot.features.prompts.config import PromptsConfig
from bot.features.prompts.store import Prompt
from bot.features.prompts.store import PromptsStores
from bot.features.prompts.wording import N_
from bot.features.prompts.wording import _
from bot.i18n import speaking
from bot.logs import log_event
from bot.messages import Destination
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.text import has_visible_text
from bot.text import neutralise
from scheduler import Firing

log = logging.getLogger(__name__)

PROMPT_LIMIT = 500
MAX_PROMPTS = 200
FACILITATORS = frozenset({Role.FACILITATOR})
MeetingDayCheck = Callable[[str, date], Awaitable[bool]]
"""Whether a group has a meeting on a (local) day."""


def next_slot(after: datetime, zone: ZoneInfo, config: PromptsConfig) -> datetime | None:
    """The first posting time strictly after `after` for the configured cadence.
    Fortnightly posts fall on even ISO weeks."""
    if config.cadence == "never":
        return None
    at = config.clock_time
    day = after.astimezone(zone).date()
    for step in range(22):
        candidate_day = day + timedelta(days=step)
        if config.cadence != "daily":
            if candidate_day.weekday() != WEEKDAYS.index(config.day):
                continue
            if config.cadence == "fortnightly" and candidate_day.isocalendar().week % 2:
                continue
        candidate = datetime.combine(candidate_day, at, tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("a slot always comes within three weeks")


def pick_next(prompts: Sequence[Prompt]) -> Prompt | None:
    """The least-used prompt, oldest first among equals: none repeats until all are used."""
    if not prompts:
        return None
    return min(prompts, key=lambda p: (p.times_used, p.added_at, p.prompt_id))


def meeting_on_day(host: FeatureHost[PromptsStores, PromptsConfig]) -> MeetingDayCheck:
    """A check against the meetings storage (every active meeting's times)."""

    async def check(group_id: str, day: date) -> bool:
        from bot.features.meetings.package import meeting_on_day

        return await meeting_on_day(host.store, group_id, day, host.group(group_id).zone)

    return check


class Prompts:
    """The prompts feature's handlers and scheduled posts."""

    def __init__(self, host: FeatureHost[PromptsStores, PromptsConfig],
                 meeting_days: MeetingDayCheck | None = None) -> None:
        self.host = host
        self.config: PromptsConfig = host.config
        self.meeting_days = meeting_days or meeting_on_day(host)
        self.owner = f"prompts-{secrets.token_hex(4)}"
        self.scheduled: set[str] = set()

    async def add(self, ctx: Context) -> Reply:
        """/prompt add: store a prompt (and start posting for this group)."""
        text = " ".join(str(ctx.options.get("text", "")).replace("\\n", " ").split())
        if not has_visible_text(text):
            raise UserError(N_("The prompt is empty. Please write the question or idea. Nothing "
                               "was saved."))
        if len(text) > PROMPT_LIMIT:
            raise UserError(catalog.field_too_long(N_("Prompt"), PROMPT_LIMIT,
                                                   len(text)))
        existing = await self.host.store.prompts(ctx.group_id)
        if len(existing) >= MAX_PROMPTS:
            raise UserError(_("The list holds up to {limit} prompts. Nothing was saved.").format(
                limit=MAX_PROMPTS))
        stored = neutralise(text)
        if any(p.text.casefold() == stored.casefold() for p in existing):
            raise UserError(N_("That prompt is already on the list. Nothing was saved."))
        # Strictly after the newest, so the rotation keeps the order they were added in.
        added = max([ctx.now(), *(p.added_at + timedelta(microseconds=1) for p in existing)])
        await self.host.store.add_prompt(Prompt(secrets.token_hex(4), ctx.group_id, stored,
                                                added))
        self.schedule(ctx.group_id)
        return Reply.text(wording.prompt_added(len(existing) + 1, self.config.cadence,
                                               self.channel(ctx.group_id)))

    async def listing(self, ctx: Context) -> Reply:
        """/prompt list: every prompt, how often used, and which comes next."""
        prompts = await self.host.store.prompts(ctx.group_id)
        if not prompts:
            return Reply.text(N_("There are no prompts yet. Add one with /prompt add."))
        upcoming = pick_next(prompts)
        lines = [wording.prompt_line(i + 1, p.text, p.times_used, p is upcoming)
                 for i, p in enumerate(prompts)]
        return Reply(messages=(Message(wording.prompts_list(lines, self.config.cadence)),))

    def channel(self, group_id: str) -> str:
        """Where this group's prompts are posted."""
        return self.config.channel or self.host.group(group_id).updates_channel

    # ---- posting -----------------------------------------------------------------------

    def schedule(self, group_id: str) -> None:
        """Post this group's prompts at the configured cadence (once per group)."""
        if group_id in self.scheduled or self.config.cadence == "never":
            return
        zone = self.host.group(group_id).zone

        def next_due(after: datetime) -> datetime | None:
            return next_slot(after, zone, self.config)

        async def job(firing: Firing) -> None:
            await self.post(group_id, firing)

        self.host.scheduler.add(f"prompts:{group_id}", next_due, job)
        self.scheduled.add(group_id)

    async def load(self) -> None:
        """At start: schedule every group that has prompts."""
        for group_id in await self.host.store.prompt_groups():
            self.schedule(group_id)

    async def post(self, group_id: str, firing: Firing) -> Prompt | None:
        """Post the next prompt, unless the feature is off or (if preferred) the group
        meets that day."""
        settings = self.host.group(group_id)
        if "prompts" not in settings.features:
            return None
        if self.config.skip_meeting_days:
            local_day = firing.due.astimezone(settings.zone).date()
            try:
                meeting = await self.meeting_days(group_id, local_day)
            except Exception as exc:  # no meeting data is no reason to stop prompts
                log_event(log, logging.WARNING, "prompt.meeting_check_failed",
                          group=group_id, error=type(exc).__name__)
                meeting = False
            if meeting:
                log_event(log, logging.INFO, "prompt.skipped_meeting_day", group=group_id)
                return None
        where = Destination.to_channel(group_id, self.channel(group_id))

        def pick(prompts: list[Prompt]) -> tuple[Prompt, Sequence[NewDelivery]] | None:
            chosen = pick_next(prompts)
            if chosen is None:
                return None
            with speaking(settings.language):  # a channel post: the group's language
                post = Message(wording.prompt_post(chosen.text))
            return chosen, (NewDelivery(f"prompt:{firing.key}", where, post),)

        posted = await self.host.store.post_prompt(group_id, firing.key, self.owner, pick,
                                                   self.host.clock.now())
        if posted is not None:
            self.host.deliveries_waiting()
            log_event(log, logging.INFO, "prompt.posted", group=group_id)
        return posted


def build(host: FeatureHost[PromptsStores, PromptsConfig],
          meeting_days: MeetingDayCheck | None = None) -> Feature:
    """The prompts feature, built from its host (`meeting_days`: another check for days
    with a meeting, for tests)."""
    prompts = Prompts(host, meeting_days)
    return Feature("prompts", commands=[
        CommandSpec("prompt add", N_("Facilitators: add a discussion or reflection prompt to the "
                                     "list."), prompts.add,
                    N_('/prompt add text="What helped you feel heard this month?"'),
                    options=(OptionSpec("text", N_("the prompt"), required=True,
                                        max_length=PROMPT_LIMIT),),
                    roles=FACILITATORS, feature="prompts"),
        CommandSpec("prompt list", N_("Facilitators: see the prompts, and which comes next."),
                    prompts.listing, "/prompt list", roles=FACILITATORS, feature="prompts"),
    ], start=prompts.load, families=wording.PROMPTS_HELP_FAMILIES)
