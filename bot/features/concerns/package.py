"""The concerns feature's declaration: what the registry lists, and what other features
may use: `setup_line` and `LEADS_CHANNEL` (/setup) and `DRAFT_LIFETIME` and
`ConcernsConfig` (the retention sweep)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import cast

from bot.features.concerns import reach
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.feature import NAME
from bot.features.concerns.feature import build
from bot.features.concerns.intake import DRAFT_LIFETIME
from bot.features.concerns.routing import LEADS_CHANNEL
from bot.features.concerns.store import ConcernStore
from bot.features.concerns.wording import CONCERNS_EXPORT_TITLES
from bot.features.concerns.wording import CONCERNS_NOT_IN_EXPORT
from bot.features.concerns.wording import SETTING_LEADS_CHANNEL
from bot.features.package import FeaturePackage
from bot.settings import GroupSettings

if TYPE_CHECKING:
    from bot.context import Services
    from bot.people import PeopleBook

__all__ = ["DRAFT_LIFETIME", "LEADS_CHANNEL", "NAME", "PACKAGE", "ConcernsConfig", "build",
           "setup_line"]

PACKAGE = FeaturePackage(NAME, build, channel=LEADS_CHANNEL,
                         channel_description=SETTING_LEADS_CHANNEL,
                         channel_default="safeguarding-leads",
                         channel_private_to="the safeguarding leads",
                         needs=("lead_roles",), config=ConcernsConfig,
                         export_titles=CONCERNS_EXPORT_TITLES,
                         not_in_export=CONCERNS_NOT_IN_EXPORT, store=ConcernStore, core_host=True)
"""The concerns feature, as the registry lists it."""


@dataclass(frozen=True, slots=True)
class _LeadsFromServices:
    """The bot's services seen as what finding leads needs (for /setup, which is given
    the services rather than this feature's host)."""

    services: Services

    @property
    def store(self) -> ConcernStore:
        """The database, which implements the concerns store port."""
        return cast(ConcernStore, self.services.storage)

    @property
    def config(self) -> ConcernsConfig:
        """`[concerns]`."""
        return self.services.config.section(ConcernsConfig)

    @property
    def people(self) -> PeopleBook:
        """The platform's people lookups."""
        return self.services.people

    def group(self, group_id: str) -> GroupSettings:
        """A group's settings."""
        return self.services.settings.for_group(group_id)


async def setup_line(services: Services, group_id: str) -> tuple[str, bool]:
    """/setup's line about the safeguarding leads (concerns switched on): how many a
    concern can reach now, and whether that is a problem to fix (nobody)."""
    return await reach.setup_line(_LeadsFromServices(services), group_id)
