"""The feedback feature's declaration: what the registry lists, and what other
features may use (`FeedbackConfig`)."""

from __future__ import annotations

from bot.features.feedback.config import FeedbackConfig
from bot.features.feedback.digests import FEEDBACK_CHANNEL
from bot.features.feedback.feature import build
from bot.features.feedback.limiter import TOPIC as LIMIT_TOPIC
from bot.features.feedback.store import FeedbackStore
from bot.features.feedback.wording import FEEDBACK_EXPORT_TITLES
from bot.features.feedback.wording import FEEDBACK_NOT_IN_EXPORT
from bot.features.feedback.wording import SETTING_FEEDBACK_CHANNEL
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("feedback", build, channel=FEEDBACK_CHANNEL,
                         channel_description=SETTING_FEEDBACK_CHANNEL, channel_default="feedback",
                         config=FeedbackConfig, export_titles=FEEDBACK_EXPORT_TITLES,
                         not_in_export=FEEDBACK_NOT_IN_EXPORT, store=FeedbackStore,
                         peer_names=(LIMIT_TOPIC,))
"""The feedback feature, as the registry lists it."""

__all__ = ["PACKAGE", "FeedbackConfig", "build"]
