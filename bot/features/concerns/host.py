"""What the concerns modules are given of the running bot: the feature's host, typed with
its store port and config section, and the narrower part that finding leads needs."""

from __future__ import annotations

from typing import Protocol

from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.store import ConcernStore
from bot.features.host import CoreHost
from bot.features.host import FeatureHost
from bot.features.host import GroupLookups
from bot.features.host import Owning

ConcernsHost = FeatureHost[ConcernStore, ConcernsConfig]
"""Everything the concerns modules use, but for the direct message intake."""

ConcernsCoreHost = CoreHost[ConcernStore, ConcernsConfig]
"""The concerns feature's host. Wider than an ordinary feature's because the choice
offered on a direct message hands on to other features' commands and buttons (a
one-to-one, feedback, check-in settings), as if the member had used them."""


class LeadsHost(Owning[ConcernStore, ConcernsConfig], GroupLookups, Protocol):
    """What finding a group's leads, and how many a concern can reach, needs: the
    concerns store and config, the people lookups and group settings. A concerns host
    has them; so does `/setup` (through `bot.features.concerns.package.setup_line`)."""
