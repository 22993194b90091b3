"""The buddies feature's declaration: what the registry lists, and what other features
may use (`JOIN_ACTION`, the button that joins buddy pairing, which the welcome offers)."""

from __future__ import annotations

from bot.features.buddies.config import BuddiesConfig
from bot.features.buddies.feature import JOIN_ACTION
from bot.features.buddies.feature import build
from bot.features.buddies.store import BuddyStore
from bot.features.buddies.wording import BUDDIES_EXPORT_TITLES
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("buddies", build, config=BuddiesConfig,
                         export_titles=BUDDIES_EXPORT_TITLES, store=BuddyStore)
"""The buddies feature, as the registry lists it."""

__all__ = ["JOIN_ACTION", "PACKAGE", "build"]
