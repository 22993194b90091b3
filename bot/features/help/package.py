"""/help's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.help.feature import build
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("help", build, switchable=False, core_host=True)
