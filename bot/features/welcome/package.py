"""The welcome's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.welcome.feature import build

PACKAGE = FeaturePackage("welcome", build, switchable=False)
"""The welcome, as the registry lists it."""
