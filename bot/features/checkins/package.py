"""The check-ins feature's declaration: what the registry lists, and what other
features may use (`Facilitators`; `ON_ACTION`, the button that switches a member's
check-ins on, which the welcome offers)."""

from __future__ import annotations

from bot.features.checkins.config import CheckinsConfig
from bot.features.checkins.facilitators import Facilitators
from bot.features.checkins.feature import ON_ACTION
from bot.features.checkins.feature import build
from bot.features.checkins.store import CheckinStore
from bot.features.checkins.wording import CHECKINS_EXPORT_TITLES
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("checkins", build, config=CheckinsConfig,
                         export_titles=CHECKINS_EXPORT_TITLES, store=CheckinStore)
"""The check-ins feature, as the registry lists it."""

__all__ = ["ON_ACTION", "PACKAGE", "CheckinsConfig", "Facilitators", "build"]
