"""The meetings feature's declaration: what the registry lists, and what other
features may use (`MeetingsStore`; `meeting_on_day`, and `MeetingWhen`, what it reads of
a meeting)."""

from __future__ import annotations

from bot.features.meetings.config import MeetingsConfig
from bot.features.meetings.feature import FEATURE
from bot.features.meetings.feature import build
from bot.features.meetings.occurrences import MeetingWhen
from bot.features.meetings.occurrences import meeting_on_day
from bot.features.meetings.store import MeetingsStore
from bot.features.meetings.wording import MEETINGS_EXPORT_TITLES
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage(FEATURE, build, channel="updates_channel", config=MeetingsConfig,
                         export_titles=MEETINGS_EXPORT_TITLES, store=MeetingsStore)
"""The meetings feature, as the registry lists it."""

__all__ = ["FEATURE", "PACKAGE", "MeetingWhen", "MeetingsStore", "build", "meeting_on_day"]
