"""Polls: `/poll`, anonymous by default, results posted when the poll closes.

What other features may use: `parse_closes` and `CLOSE_EXAMPLE` (the agreement's votes
close the same way) and the store's records (`bot.features.polls.store`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.features import Feature
from bot.features.package import FeaturePackage
from bot.features.polls.reading import CLOSE_EXAMPLE, parse_closes

if TYPE_CHECKING:
    from bot.features.polls.feature import PollsHost


def build(host: PollsHost) -> Feature:
    """The polls feature, built from its host.

    The feature module is imported here, not at the top, so that importing the store
    port (as storage does) does not import the feature: the feature imports the
    scheduler, which imports storage.
    """
    from bot.features.polls.feature import build as build_polls

    return build_polls(host)


PACKAGE = FeaturePackage("polls", build, channel="updates_channel")

__all__ = ["CLOSE_EXAMPLE", "PACKAGE", "build", "parse_closes"]
