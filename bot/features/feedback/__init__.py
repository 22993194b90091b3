"""Anonymous feedback: `/feedback`, facilitators' review, digests and "you said, we did".

- `feature`: the commands and the form members send feedback with;
- `digests`: releasing a day's feedback for review, and the scheduled digests;
- `review`: the facilitators' list, hiding and "you said, we did";
- `store`: the records and the store port (SQL in storage/feedback/);
- `config`: the `[feedback]` section; `wording`: what the feature says;
- `limiter`: the daily limit that cannot say whose count is whose.

What other features may use: `FeedbackConfig` (welcome tells the facilitators' channel
about newcomers) and the store's records (`bot.features.feedback.store`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.features import Feature
from bot.features.feedback.config import FeedbackConfig
from bot.features.package import FeaturePackage

if TYPE_CHECKING:
    from bot.features.feedback.digests import FeedbackHost


def build(host: FeedbackHost) -> Feature:
    """The feedback feature, built from its host.

    The feature module is imported here, not at the top, so that importing the store
    port (as storage does) does not import the feature: the feature imports the
    scheduler, which imports storage.
    """
    from bot.features.feedback.feature import build as build_feedback

    return build_feedback(host)


PACKAGE = FeaturePackage("feedback", build, channel="feedback_channel",
                         config=FeedbackConfig)
"""The feedback feature, as the registry lists it."""

__all__ = ["PACKAGE", "FeedbackConfig", "build"]
