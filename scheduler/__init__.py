"""Scheduling: meetings' reminders, check-ins, digests, escalations.

Domain schedules live in storage; features add them here at start and when they change.
Each firing first claims its occurrence in storage (key: schedule id + due time), so a
restart or a second process never sends it twice. See `scheduler.core`.
"""

from scheduler.core import Firing
from scheduler.core import FiringJob
from scheduler.core import NextDue
from scheduler.core import Scheduler
from scheduler.schedules import once

__all__ = ["Firing", "FiringJob", "NextDue", "Scheduler", "once"]
