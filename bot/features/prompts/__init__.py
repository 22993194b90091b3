"""Discussion prompts: a list facilitators keep, one posted at the configured cadence.

`feature` has the commands and the scheduled posts; `wording` what it says; `store` its
record and store port; `config` `[prompts]`. Its table is in storage/agreement/.
"""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.prompts.config import PromptsConfig
from bot.features.prompts.feature import build

PACKAGE = FeaturePackage("prompts", build, channel="updates_channel", config=PromptsConfig)
"""Prompts, as the registry lists it."""
