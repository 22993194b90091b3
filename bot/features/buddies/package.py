"""The buddies feature's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.buddies.config import BuddiesConfig
from bot.features.buddies.feature import build
from bot.features.buddies.wording import BUDDIES_EXPORT_TITLES
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("buddies", build, config=BuddiesConfig,
                         export_titles=BUDDIES_EXPORT_TITLES)
"""The buddies feature, as the registry lists it."""

__all__ = ["PACKAGE", "build"]
