"""The feedback feature's declaration: what the registry lists, and what other
features may use (`FeedbackConfig`)."""

from __future__ import annotations

from bot.features.feedback.config import FeedbackConfig
from bot.features.feedback.feature import build
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("feedback", build, channel="feedback_channel",
                         config=FeedbackConfig)
"""The feedback feature, as the registry lists it."""

__all__ = ["PACKAGE", "FeedbackConfig", "build"]
