"""Anonymous feedback: `/feedback`, facilitators' review, digests and "you said, we did".

- `feature`: the commands and the form members send feedback with;
- `digests`: releasing a day's feedback for review, and the scheduled digests;
- `review`: the facilitators' list, hiding and "you said, we did";
- `store`: the records and the store port (SQL in storage/feedback/);
- `config`: the `[feedback]` section; `wording`: what the feature says;
- `limiter`: the daily limit that cannot say whose count is whose.
"""

from __future__ import annotations

from bot.features.feedback.digests import FeedbackHost
from bot.features.feedback.feature import build
from bot.features.package import FeaturePackage

PACKAGE = FeaturePackage("feedback", build, channel="feedback_channel", takes_host=True)
"""The feedback feature, as the registry lists it."""

__all__ = ["PACKAGE", "FeedbackHost", "build"]
