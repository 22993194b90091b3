"""The agreement's declaration: what the registry lists, and what other features may use
(`AGREEMENT_SHOW_BUTTON` and `SHOW_ACTION`: the button that shows the agreement, which
the welcome offers)."""

from __future__ import annotations

from bot.anonymity import SEALING_SECRET
from bot.features.agreement.config import AgreementConfig
from bot.features.agreement.feature import SHOW_ACTION
from bot.features.agreement.feature import build
from bot.features.agreement.store import AgreementStore
from bot.features.agreement.wording import AGREEMENT_EXPORT_TITLES
from bot.features.agreement.wording import AGREEMENT_SHOW_BUTTON
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("agreement", build, channel="updates_channel", config=AgreementConfig,
                         export_titles=AGREEMENT_EXPORT_TITLES, store=AgreementStore,
                         peer_names=(SEALING_SECRET,))
"""The agreement, as the registry lists it."""

__all__ = ["AGREEMENT_SHOW_BUTTON", "PACKAGE", "SHOW_ACTION", "build"]
