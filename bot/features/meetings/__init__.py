"""Meetings that keep people updated: scheduling with a check before saving, reminders
with RSVP buttons, agendas, minutes with tracked action items, and calendar files.

Commands: /meeting schedule|list|edit|cancel|skip|calendar|timezone|remindme,
/agenda add|show, /minutes, /actions (`feature`); their handlers (`flows`); the timed
work (`jobs`); wording (`wording`); the store port (`store`), implemented in
`storage/meetings/`. Other features may use `MeetingsStore` and `meeting_on_day`.
"""

from __future__ import annotations

from bot.features.meetings.config import MeetingsConfig
from bot.features.meetings.feature import FEATURE, build
from bot.features.meetings.occurrences import meeting_on_day
from bot.features.meetings.store import MeetingsStore
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage(FEATURE, build, channel="updates_channel", config=MeetingsConfig)
"""The meetings feature, as the registry lists it."""

__all__ = ["FEATURE", "PACKAGE", "MeetingsStore", "build", "meeting_on_day"]
