"""What a feature may use of the running bot: its host.

A feature is built from a `FeatureHost` (`build(host)`), never from the whole app, so
what it can touch is written down here: its config section, its store, the clock,
scheduling, group settings, deliveries and the people lookups. Help, setup, welcome,
concerns and retention need to see the other features; they take a `CoreHost`, which
says so, and their packages declare it (`core_host=True`). At run time an ordinary
feature's host has nothing more, and its store only the port its package declares
(`bot.hosting`).
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING
from typing import Generic
from typing import Protocol
from typing import TypeVar

from bot.commands import CommandSpec
from bot.commands import Registry
from bot.context import Running
from bot.context import Services
from bot.events import Actor
from bot.events import Event
from bot.messages import Message
from bot.messages import Reply
from bot.peers import PeerAccess
from bot.roles import Role
from bot.settings import GroupSettings
from bot.settings import SettingsBook
from scheduler.core import FiringJob
from scheduler.core import NextDue

if TYPE_CHECKING:
    from bot.config import Config
    from bot.context import Context
    from bot.features import Feature
    from bot.people import PeopleLookup

StoreT = TypeVar("StoreT", covariant=True)
ConfigT = TypeVar("ConfigT", covariant=True)

NoticeProvider = Callable[["Context"], Awaitable[list[Message]]]
"""Private notices for whoever runs a command (for example "your check-in could not
reach you"), given that command's context."""


class Scheduling(Protocol):
    """The scheduler, as a feature sees it: schedules added and removed by id."""

    def add(self, schedule_id: str, next_due: NextDue, job: FiringJob, *,
            catch_up: bool = False, ahead: timedelta = timedelta(0)) -> None:
        """Add or replace a schedule (`catch_up`: its job is safe to run however late, so
        its latest occurrence missed while down still runs, once; `ahead`: each
        occurrence is also fired this long before it is due, marked early, to prepare)."""

    def remove(self, schedule_id: str) -> None:
        """Stop a schedule."""

    def next_due(self, schedule_id: str) -> datetime | None:
        """When a schedule fires next, if known."""

    @property
    def grace(self) -> timedelta:
        """How long after it was due a firing may still run (so how long its claim must
        be kept)."""


class Owning(Protocol, Generic[StoreT, ConfigT]):
    """What a feature owns of the bot: its store and its config section."""

    @property
    def store(self) -> StoreT:
        """The feature's own store (its port, implemented by the database)."""

    @property
    def config(self) -> ConfigT:
        """The feature's config section, checked."""


class GroupLookups(Protocol):
    """Who is who in a group: the people lookups and the group's settings."""

    @property
    def people(self) -> PeopleLookup:
        """Who holds a role, and people's names, as the platform says."""

    def group(self, group_id: str) -> GroupSettings:
        """The settings in force for one group."""


class FeatureHost(Owning[StoreT, ConfigT], GroupLookups, Running, Protocol):
    """Everything an ordinary feature may use: what it owns, the group lookups, what
    every part of the bot reaches (`Running`: the clock, deliveries, languages), and
    besides them scheduling, the other processes, which groups there are and notices."""

    @property
    def scheduler(self) -> Scheduling:
        """Where the feature's jobs are scheduled."""

    @property
    def peers(self) -> PeerAccess:
        """The other bot processes on the database: secrets and counts shared in memory
        only, never stored (`bot.peers`)."""

    def defaults(self) -> GroupSettings:
        """The settings a group has when nothing is set for it (the config's `[group]`),
        for schedules that must cover groups not yet seen."""

    def config_group_ids(self) -> tuple[str, ...]:
        """The groups the config file names (`[groups."id"]`)."""

    def known_group_ids(self) -> tuple[str, ...]:
        """The groups the config file names or that have settings made in chat."""

    def add_notice(self, provider: NoticeProvider) -> None:
        """Add private notices shown to whoever runs a command."""


class Handling(Protocol):
    """The app's commands and events, as the app gives them to its hosts (`Hosting`) and
    a core host passes them on (`CoreHost`)."""

    @property
    def registry(self) -> Registry:
        """Every command of every feature."""

    def commands_for(self, settings: GroupSettings, roles: frozenset[Role],
                     is_admin: bool) -> tuple[CommandSpec, ...]:
        """The commands someone may see under these settings."""

    async def handle(self, event: Event) -> Reply:
        """Handle an event as the platform would have it handled."""


class CoreHost(FeatureHost[StoreT, ConfigT], Handling, Protocol):
    """What help, setup and welcome need beyond an ordinary feature: the other features,
    the command registry, every setting and the whole config, and handling an event as
    if it came from the platform."""

    @property
    def features(self) -> Mapping[str, Feature]:
        """The running features by name."""

    @property
    def settings(self) -> SettingsBook:
        """Every group's settings (config defaults and chat-made changes)."""

    @property
    def whole_config(self) -> Config:
        """The whole checked config."""

    @property
    def services(self) -> Services:
        """The app's services (the database, the whole config, the settings, the
        people), for a core feature that works across the others (/setup's line about
        the leads)."""

    def roles_of(self, actor: Actor, settings: GroupSettings) -> frozenset[Role]:
        """Someone's group roles."""

