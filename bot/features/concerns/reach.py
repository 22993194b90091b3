"""Which leads a concern can reach now, and saying so plainly: to the reporter when
nobody can be reached, to the facilitators (once a day at most), at start-up, in
/setup and in `coprod check-config`. No silent dead end.

A lead "can be reached now" when they are a lead of the group however declared (see
`routing.lead_roster`), are not excluded from the concern, and the platform did not
refuse their latest concern direct message (DMs closed, or gone).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Literal

from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.routing import Roster
from bot.features.concerns.routing import Route
from bot.features.concerns.routing import lead_roster
from bot.i18n import speaking
from bot.logs import log_event
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import NewDelivery
from bot.settings import SettingsBook

if TYPE_CHECKING:
    from bot.config import Config
    from bot.context import Context
    from bot.features.concerns.host import LeadsHost

log = logging.getLogger(__name__)

# At start-up, the groups checked one by one (a bot in thousands of servers would
# otherwise list every server's members before it serves anyone); /setup shows the rest.
STARTUP_GROUPS = 20

ReachKind = Literal["leads", "deputies", "channel", "nobody", "named_deputies",
                    "named_nobody"]


@dataclass(frozen=True, slots=True)
class Reach:
    """The leads a concern can reach now, and why there may be fewer than expected."""

    reachable: tuple[str, ...]
    known: int
    dms_closed: int = 0
    problem: str = ""

    @property
    def count(self) -> int:
        """How many leads can be reached now."""
        return len(self.reachable)


async def reachable_leads(host: LeadsHost, group_id: str, excluded: Iterable[str] = (),
                          roster: Roster | None = None) -> Reach:
    """The one answer to "which leads can a concern reach now" (everyone who shows or
    uses that number asks here)."""
    roster = roster if roster is not None else await lead_roster(host, group_id)
    barred = set(excluded)
    candidates = [u for u in roster.leads if u not in barred]
    closed = await host.store.concern_dms_refused(group_id, candidates)
    return Reach(tuple(u for u in candidates if u not in closed), len(roster.leads),
                 len(closed), roster.problem)


def reach_kind(reach: Reach, route: Route, channel_gets_words: bool) -> ReachKind:
    """What the reporter is told: a lead has it, or (when no lead can be reached) the
    deputies, the leads' channel, or nobody yet; "named_..." when every lead of the
    group is someone the concern is about (so no lead may see it)."""
    if any(lead in reach.reachable for lead in route.leads):
        return "leads"
    if reach.known and not route.leads:
        return "named_deputies" if route.fallbacks else "named_nobody"
    if route.fallbacks:
        return "deputies"
    if channel_gets_words:
        return "channel"
    return "nobody"


async def tell_facilitators(host: LeadsHost, ctx: Context) -> int:
    """Tell the facilitators privately that the group has no lead the bot can reach
    (none declared or found, or every lead's DMs closed; never because a concern is
    about a lead, which the caller checks with no one excluded): at most once a day,
    however many concerns come (the delivery key holds the day). Nothing about any
    concern is said. Returns how many were told."""
    group_id = ctx.group_id
    settings = host.group(group_id)
    found = await host.people.holders(group_id, settings.facilitator_roles)
    day = ctx.now().strftime("%Y-%m-%d")
    deliveries = []
    for person in found.people:
        with speaking(await ctx.app.language_of(group_id, person.user_id)):
            message = Message(wording.CONCERN_NO_LEAD_FOR_FACILITATORS)
        deliveries.append(NewDelivery(f"concern-no-lead:{group_id}:{day}:{person.user_id}",
                                      Destination.to_dm(group_id, person.user_id), message))
    if not deliveries:
        log_event(log, logging.CRITICAL, "concern.no_facilitator_to_tell", group=group_id)
        return 0
    try:
        await ctx.deliver(deliveries)
    except Exception as exc:  # the concern itself is stored: never fail its reporter
        log_event(log, logging.CRITICAL, "concern.facilitators_not_told", group=group_id,
                  error=type(exc).__name__)
        return 0
    log_event(log, logging.WARNING, "concern.facilitators_told_no_lead", group=group_id,
              people=len(deliveries))
    return len(deliveries)


async def startup_lines(host: LeadsHost, groups: Sequence[str]) -> list[str]:
    """Start-up: one plain line with how many leads can be reached now in each group
    (concerns switched on), and a warning line for each group where it is none. (The
    facilitators are told when a concern finds no lead, not at every start.)"""
    wanted = [g for g in dict.fromkeys(groups)
              if "concerns" in host.group(g).features]
    if not wanted:
        return []
    checked = wanted[:STARTUP_GROUPS]
    counts: list[tuple[str, int]] = []
    lines: list[str] = []
    for group_id in checked:
        reach = await reachable_leads(host, group_id)
        counts.append((group_id, reach.count))
        log_event(log, logging.INFO if reach.count else logging.CRITICAL,
                  "concern.leads_reachable", group=group_id, leads=reach.count,
                  known=reach.known, dms_closed=reach.dms_closed)
        if not reach.count:
            lines.append(wording.leads_none_reachable(group_id, reach.problem,
                                                      reach.dms_closed))
        elif reach.problem:
            lines.append(wording.leads_lookup_problem(group_id, reach.problem))
    return [wording.leads_reachable_line(counts, len(wanted) - len(checked)), *lines]


async def setup_line(host: LeadsHost, group_id: str) -> tuple[str, bool]:
    """/setup's line about the leads (concerns switched on), and whether it is a
    problem to fix (nobody can be reached)."""
    reach = await reachable_leads(host, group_id)
    return wording.setup_leads_reachable(reach.count, reach.problem,
                                         reach.dms_closed), reach.count == 0


def config_summary(config: Config) -> str:
    """What `coprod check-config` can say about the leads without a platform
    connection: the ids and roles declared; the live count comes at start."""
    book = SettingsBook(config.group, config.groups)
    every = [config.group, *(book.for_group(g) for g in config.groups)]
    roles = sorted({r for s in every for r in s.lead_roles})
    on = any("concerns" in s.features for s in every)
    return wording.check_config_leads(len(config.section(ConcernsConfig).leads), roles, on)
