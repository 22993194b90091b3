"""The resources' declaration: what the registry lists."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.resources.feature import build
from bot.features.resources.store import ResourceStore
from bot.features.resources.wording import RESOURCES_EXPORT_TITLES

PACKAGE = FeaturePackage("resources", build, export_titles=RESOURCES_EXPORT_TITLES,
                         store=ResourceStore)
"""Resources, as the registry lists it."""
