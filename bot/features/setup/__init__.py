"""`/setup`: a group's settings, seen and changed in chat by facilitators (and the
safeguarding settings by leads)."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.setup.feature import build

PACKAGE = FeaturePackage("setup", build, switchable=False)
