"""The agreement's declaration: what the registry lists."""

from __future__ import annotations

from bot.features.agreement.config import AgreementConfig
from bot.features.agreement.feature import build
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("agreement", build, channel="updates_channel", config=AgreementConfig)
"""The agreement, as the registry lists it."""
