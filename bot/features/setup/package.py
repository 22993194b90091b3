"""/setup's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.setup.feature import build

PACKAGE = FeaturePackage("setup", build, switchable=False, core_host=True)
