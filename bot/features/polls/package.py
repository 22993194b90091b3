"""The polls feature's declaration: what the registry lists, and what other features
may use (`parse_closes`, `CLOSE_EXAMPLE`, `vote_reply`, `anonymous_ballot`, `Closings`)."""

from __future__ import annotations

from bot.features.package import FeaturePackage
from bot.features.polls.ballots import anonymous_ballot
from bot.features.polls.closing import Closings
from bot.features.polls.feature import build
from bot.features.polls.reading import CLOSE_EXAMPLE
from bot.features.polls.reading import parse_closes
from bot.features.polls.replies import vote_reply

PACKAGE = FeaturePackage("polls", build, channel="updates_channel")
"""The polls feature, as the registry lists it."""

__all__ = ["CLOSE_EXAMPLE", "PACKAGE", "Closings", "anonymous_ballot", "build", "parse_closes",
           "vote_reply"]
