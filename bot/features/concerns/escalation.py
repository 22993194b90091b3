"""Escalation, on `host.scheduler` (closed cases are deleted by the daily retention
sweep, `bot/features/retention.py`).

Each unacknowledged case has a schedule: first due when the acknowledgement time has
passed since it was raised, then every repeat interval. A firing claims its occurrence
together with its notifications (one transaction), so across processes and restarts
each escalation is sent once. Acknowledging a case removes its schedule; a firing that
finds the case acknowledged claims the occurrence, sends nothing and stops.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.features.concerns import routing
from bot.features.concerns.store import CaseStatus
from bot.features.concerns.store import Concern
from bot.logs import log_event
from bot.metrics import Reading
from scheduler import Firing
from scheduler.core import FiringJob
from scheduler.core import NextDue

if TYPE_CHECKING:
    from bot.features.concerns.host import ConcernsHost

log = logging.getLogger(__name__)

def schedule_id(ref: str) -> str:
    """The escalation schedule of a case."""
    return f"concern-escalate:{ref}"


def escalation_times(created: datetime, first: timedelta, repeat: timedelta) -> NextDue:
    """Due at created + first, then every `repeat`, strictly after the given time."""

    def next_due(after: datetime) -> datetime | None:
        start = created + first
        if after < start:
            return start
        steps = (after - start) // repeat + 1
        return start + steps * repeat

    return next_due


class Escalations:
    """Keeps one schedule per unacknowledged case."""

    def __init__(self, host: ConcernsHost) -> None:
        self.host = host
        self.owner = f"concerns-{secrets.token_hex(4)}"

    @property
    def first(self) -> timedelta:
        """How long a case may wait for a lead before it is escalated."""
        return timedelta(minutes=self.host.config.acknowledge_minutes)

    @property
    def repeat(self) -> timedelta:
        """How often an escalation is repeated."""
        return timedelta(minutes=self.host.config.escalation_repeat_minutes)

    async def start(self) -> None:
        """Add a schedule for every case still waiting."""
        for case in await self.host.store.unacknowledged_concerns():
            self.track_ref(case.case_id, case.created_at)

    def track(self, concern: Concern) -> None:
        """Start escalating a new case."""
        self.track_ref(concern.case_id, concern.created_at)

    def track_ref(self, ref: str, created: datetime) -> None:
        """Start escalating a case by reference."""
        self.host.scheduler.add(schedule_id(ref),
                                escalation_times(created, self.first, self.repeat),
                                self._job(ref))

    def stop(self, ref: str) -> None:
        """Stop escalating a case (acknowledged, assigned, closed or deleted)."""
        self.host.scheduler.remove(schedule_id(ref))

    def _job(self, ref: str) -> FiringJob:
        async def job(firing: Firing) -> None:
            await self.run(ref, firing)
        return job

    async def run(self, ref: str, firing: Firing) -> bool:
        """Send one escalation if the case still waits; True if it was sent."""
        host = self.host
        concern = await host.store.concern(ref)
        now = host.clock.now()
        if concern is None or concern.status is not CaseStatus.OPEN:
            await host.store.escalate_concern(ref, firing.key, self.owner, (), now)
            self.stop(ref)
            return False
        settings = host.group(concern.group_id)
        people = await routing.known_leads(host, concern.group_id)
        route = routing.route_for(host.config, people,
                                  routing.barred(concern, people))
        minutes = int((firing.due - concern.created_at).total_seconds() // 60)
        # No member acted: each lead reads it in their own language, the channel in the
        # group's.
        languages = await routing.readers(host, concern.group_id, route.everyone)
        deliveries = routing.escalation_deliveries(
            concern, route, firing.key, minutes, settings.timezone,
            settings.channel(routing.LEADS_CHANNEL), languages)
        sent = await host.store.escalate_concern(ref, firing.key, self.owner, deliveries,
                                                 now)
        if sent:
            host.deliveries_waiting()
            level = logging.CRITICAL if not deliveries else logging.WARNING
            log_event(log, level, "concern.escalated", group=concern.group_id, case=ref,
                      people=len(deliveries))
        return sent

    async def readings(self) -> list[Reading]:
        """For the operator's monitoring: how many cases wait for a lead to acknowledge
        them, how long the oldest has waited, and how long a case may wait before it is
        escalated (so an alert can compare the two). Counts and ages only."""
        waiting = await self.host.store.unacknowledged_concerns()
        now = self.host.clock.now()
        oldest = min((case.created_at for case in waiting), default=None)
        return [
            Reading("concerns_unacknowledged", "Concerns no safeguarding lead has "
                    "acknowledged yet.", len(waiting)),
            Reading("concerns_unacknowledged_oldest_age_seconds", "How long the oldest "
                    "unacknowledged concern has waited, in seconds (0 if none waits).",
                    max(0.0, (now - oldest).total_seconds()) if oldest else 0.0),
            Reading("concerns_escalation_after_seconds", "How long a concern may wait "
                    "for acknowledgement before it is escalated ([concerns] "
                    "acknowledge_minutes), in seconds.", self.first.total_seconds()),
        ]
