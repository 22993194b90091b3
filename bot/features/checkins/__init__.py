"""Check-ins and one-to-ones: private, scheduled "how are things?" messages on each
member's own cadence, and requests for a one-to-one that reach one facilitator privately.

Declared here for the registry (`PACKAGE`) and for other features: the buddies feature
shares this package's config module (`[checkins]` and `[buddies]` are read together) and
its "HH:MM" reading.
"""

from __future__ import annotations

from bot.features.checkins.config import WEEKDAYS, BuddiesConfig, CheckinsConfig
from bot.features.checkins.feature import build
from bot.features.checkins.schedule import parse_hhmm
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("checkins", build, takes_host=True)
"""The check-ins feature, as the registry lists it."""

__all__ = ["PACKAGE", "WEEKDAYS", "BuddiesConfig", "CheckinsConfig", "build", "parse_hhmm"]
