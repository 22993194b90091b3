"""The host each feature is built from: the app's services, narrowed to what the
feature's declaration says it needs (its store, its config section)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from bot.clock import Clock
from bot.commands import CommandSpec, Registry
from bot.context import Services
from bot.events import Actor, Event
from bot.features.host import NoticeProvider, Scheduling
from bot.messages import Reply
from bot.peers import Peers
from bot.roles import Role
from bot.settings import GroupSettings, SettingsBook

if TYPE_CHECKING:
    from bot.config import Config
    from bot.context import Context
    from bot.features import Feature
    from bot.messages import Message
    from bot.people import PeopleBook
    from scheduler import Scheduler


class Hosting(Services, Protocol):
    """What the app gives its hosts: what a handler's context reaches (`Services`), and
    the scheduler, the running features, the notice providers and event handling. The
    app implements it; a protocol, so this module needs nothing of `bot.app` and no
    import cycle runs through it."""

    scheduler: Scheduler
    peers: Peers
    features: dict[str, Feature]
    notices: list[Callable[[Context], Awaitable[list[Message]]]]

    @property
    def registry(self) -> Registry:
        """Every command."""

    def commands_for(self, settings: GroupSettings, roles: frozenset[Role],
                     is_admin: bool) -> tuple[CommandSpec, ...]:
        """The commands someone may see."""

    async def handle(self, event: Event) -> Reply:
        """Handle an event."""


class Host:
    """One feature's host: implements `CoreHost` (and so `FeatureHost`). A feature is
    typed against the protocol it declares, so an ordinary feature cannot reach the
    wider services even though this object has them."""

    def __init__(self, app: Hosting, store: Any, config: Any) -> None:
        self._app = app
        self._store = store
        self._config = config

    @property
    def store(self) -> Any:
        """The feature's store."""
        return self._store

    @property
    def config(self) -> Any:
        """The feature's config section."""
        return self._config

    @property
    def clock(self) -> Clock:
        """The app's clock."""
        return self._app.clock

    @property
    def scheduler(self) -> Scheduling:
        """The app's scheduler."""
        return self._app.scheduler

    @property
    def people(self) -> PeopleBook:
        """The app's people lookups."""
        return self._app.people

    @property
    def peers(self) -> Peers:
        """The app's link to the other processes."""
        return self._app.peers

    def group(self, group_id: str) -> GroupSettings:
        """The settings in force for one group."""
        return self._app.settings.for_group(group_id)

    def defaults(self) -> GroupSettings:
        """The config's `[group]` settings."""
        return self._app.settings.defaults

    def config_group_ids(self) -> tuple[str, ...]:
        """The groups the config file names."""
        return tuple(self._app.settings.config_groups)

    def known_group_ids(self) -> tuple[str, ...]:
        """The groups the config file names or that have settings made in chat."""
        book = self._app.settings
        return tuple(dict.fromkeys([*book.config_groups, *book.stored]))

    def deliveries_waiting(self) -> None:
        """Wake the dispatcher."""
        self._app.deliveries_waiting()

    async def language_of(self, group_id: str, user_id: str) -> str:
        """The language to write to one member in."""
        return await self._app.language_of(group_id, user_id)

    def add_notice(self, provider: NoticeProvider) -> None:
        """Add a notice provider."""
        self._app.notices.append(provider)

    @property
    def registry(self) -> Registry:
        """The command registry."""
        return self._app.registry

    @property
    def features(self) -> Mapping[str, Feature]:
        """The running features."""
        return self._app.features

    @property
    def settings(self) -> SettingsBook:
        """Every group's settings."""
        return self._app.settings

    @property
    def whole_config(self) -> Config:
        """The whole config."""
        return self._app.config

    def roles_of(self, actor: Actor, settings: GroupSettings) -> frozenset[Role]:
        """Someone's group roles."""
        return self._app.roles_of(actor, settings)

    def commands_for(self, settings: GroupSettings, roles: frozenset[Role],
                     is_admin: bool) -> tuple[CommandSpec, ...]:
        """The commands someone may see."""
        return self._app.commands_for(settings, roles, is_admin)

    async def handle(self, event: Event) -> Reply:
        """Handle an event through the app."""
        return await self._app.handle(event)
