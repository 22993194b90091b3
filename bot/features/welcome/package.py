"""The welcome's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.welcome.feature import build
from bot.features.welcome.store import WelcomeStores
from bot.features.welcome.wording import WELCOME_EXPORT_TITLES

PACKAGE = FeaturePackage("welcome", build, switchable=False,
                         export_titles=WELCOME_EXPORT_TITLES, store=WelcomeStores, core_host=True)
"""The welcome, as the registry lists it."""
