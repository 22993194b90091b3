"""Shared resources: a list of links and short texts the group keeps, with tags.

`feature` has the commands and the checks on links and tags; `wording` what it says;
`store` its record and store port. Its table is in storage/agreement/.
"""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.resources.feature import build

PACKAGE = FeaturePackage("resources", build)
"""Resources, as the registry lists it."""
