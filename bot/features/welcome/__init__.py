"""The welcome: a short private message for a newcomer, in the group's own words.

A core feature (always on). It shows what the other features offer, so it is built from
a `CoreHost`. `feature` has the commands and the join handler; `wording` what it says;
`store` its store port. Its table is in storage/agreement/.
"""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.welcome.feature import build

PACKAGE = FeaturePackage("welcome", build, switchable=False)
"""The welcome, as the registry lists it."""
