"""The polls feature's declaration: what the registry lists, and what other features
may use (`parse_closes`, `CLOSE_EXAMPLE`, `vote_reply`, `anonymous_ballot`, `Closings`,
and `VOTE_SECRECY_LIMIT`, which the agreement's votes say in polls' own words)."""

from __future__ import annotations

from bot.anonymity import SEALING_SECRET
from bot.features.package import FeaturePackage
from bot.features.polls.ballots import anonymous_ballot
from bot.features.polls.closing import Closings
from bot.features.polls.feature import build
from bot.features.polls.reading import CLOSE_EXAMPLE
from bot.features.polls.reading import parse_closes
from bot.features.polls.replies import vote_reply
from bot.features.polls.store import PollStore
from bot.features.polls.wording import POLLS_EXPORT_TITLES
from bot.features.polls.wording import POLLS_NOT_IN_EXPORT
from bot.features.polls.wording import VOTE_SECRECY_LIMIT

PACKAGE = FeaturePackage("polls", build, channel="updates_channel",
                         export_titles=POLLS_EXPORT_TITLES, not_in_export=POLLS_NOT_IN_EXPORT,
                         store=PollStore, peer_names=(SEALING_SECRET,))
"""The polls feature, as the registry lists it."""

__all__ = ["CLOSE_EXAMPLE", "PACKAGE", "VOTE_SECRECY_LIMIT", "Closings", "anonymous_ballot",
           "build", "parse_closes", "vote_reply"]
