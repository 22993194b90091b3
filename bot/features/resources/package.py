"""The resources' declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.resources.feature import build

PACKAGE = FeaturePackage("resources", build)
"""Resources, as the registry lists it."""
