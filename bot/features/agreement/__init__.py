"""The group agreement: shown on request, versioned, amended by an anonymous vote.

`feature` has the commands, buttons, forms and the scheduled decisions; `rules` the
outcome rule and what an amendment does; `wording` what it says; `store` its records
and store port; `config` `[agreement]`. Its tables are in storage/agreement/.
"""

from __future__ import annotations

from bot.features.agreement.config import AgreementConfig
from bot.features.agreement.feature import build
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("agreement", build, channel="updates_channel", config=AgreementConfig)
"""The agreement, as the registry lists it."""
