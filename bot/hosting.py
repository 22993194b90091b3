"""The hosts features are built from: a narrow one (`FeatureHost`) for every feature,
and a wider one (`CoreHost`) only for those whose declaration says they need it
(`FeaturePackage.core_host`). The narrow host holds the few things it hands on, and
closures for what it asks of the app: no attribute of it leads to the app, the whole
config, the registry, the settings book or the other features. Its store is a view
exposing only the feature's declared port (`bot.port_view`)."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any
from typing import NamedTuple
from typing import Protocol

from bot.commands import CommandSpec
from bot.commands import Registry
from bot.context import Services
from bot.events import Actor
from bot.events import Event
from bot.features.host import CoreHost
from bot.features.host import FeatureHost
from bot.features.host import Handling
from bot.features.host import NoticeProvider
from bot.features.host import Scheduling
from bot.messages import Reply
from bot.peers import NamedPeers
from bot.peers import PeerAccess
from bot.peers import Peers
from bot.people import PeopleLookup
from bot.port_view import port_view
from bot.roles import Role
from bot.settings import GroupSettings
from bot.settings import SettingsBook

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.config import Config
    from bot.context import Context
    from bot.features import Feature
    from bot.messages import Message
    from scheduler import Scheduler


class Hosting(Services, Handling, Protocol):
    """What the app gives its hosts: what a handler's context reaches (`Services`), and
    the scheduler, the running features, the notice providers and event handling. The
    app implements it; a protocol, so this module needs nothing of `bot.app` and no
    import cycle runs through it."""

    scheduler: Scheduler
    peers: Peers
    features: dict[str, Feature]
    notices: list[Callable[[Context], Awaitable[list[Message]]]]


class _AppCalls(NamedTuple):
    """What a narrow host asks of the app, as closures over it (read through at each
    call, as the app's own methods are), so the host holds no attribute naming it."""

    group: Callable[[str], GroupSettings]
    defaults: Callable[[], GroupSettings]
    config_groups: Callable[[], tuple[str, ...]]
    known_groups: Callable[[], tuple[str, ...]]
    wake: Callable[[], None]
    language_of: Callable[[str, str], Awaitable[str]]
    add_notice: Callable[[NoticeProvider], None]


def _app_calls(app: Hosting) -> _AppCalls:
    def group(group_id: str) -> GroupSettings:
        return app.settings.for_group(group_id)

    def defaults() -> GroupSettings:
        return app.settings.defaults

    def config_groups() -> tuple[str, ...]:
        return tuple(app.settings.config_groups)

    def known_groups() -> tuple[str, ...]:
        book = app.settings
        return tuple(dict.fromkeys([*book.config_groups, *book.stored]))

    def wake() -> None:
        app.deliveries_waiting()

    async def language_of(group_id: str, user_id: str) -> str:
        return await app.language_of(group_id, user_id)

    def add_notice(provider: NoticeProvider) -> None:
        app.notices.append(provider)

    return _AppCalls(group, defaults, config_groups, known_groups, wake, language_of,
                     add_notice)


@dataclass(frozen=True, slots=True)
class NarrowHost:
    """An ordinary feature's host: implements `FeatureHost` and nothing more. Its store
    is the feature's declared port over the backend (None if it declares none), its
    scheduler the `Scheduling` port over the app's scheduler. Frozen, with slots: no
    attribute can be added to it, nor changed."""

    store: Any
    config: Any
    clock: Clock
    scheduler: Scheduling
    people: PeopleLookup
    peers: PeerAccess
    _calls: _AppCalls = field(repr=False)

    def group(self, group_id: str) -> GroupSettings:
        """The settings in force for one group."""
        return self._calls.group(group_id)

    def defaults(self) -> GroupSettings:
        """The config's `[group]` settings."""
        return self._calls.defaults()

    def config_group_ids(self) -> tuple[str, ...]:
        """The groups the config file names."""
        return self._calls.config_groups()

    def known_group_ids(self) -> tuple[str, ...]:
        """The groups the config file names or that have settings made in chat."""
        return self._calls.known_groups()

    def deliveries_waiting(self) -> None:
        """Wake the dispatcher."""
        self._calls.wake()

    async def language_of(self, group_id: str, user_id: str) -> str:
        """The language to write to one member in."""
        return await self._calls.language_of(group_id, user_id)

    def add_notice(self, provider: NoticeProvider) -> None:
        """Add a notice provider."""
        self._calls.add_notice(provider)


@dataclass(frozen=True, slots=True)
class WideHost(NarrowHost):
    """The host of a feature that declares it needs the core's view (`CoreHost`: help,
    setup, welcome, concerns, retention): the narrow host, and the app's registry, features,
    settings, whole config, roles and event handling."""

    _app: Hosting = field(repr=False)

    @property
    def registry(self) -> Registry:
        """Every command of every feature."""
        return self._app.registry

    @property
    def features(self) -> Mapping[str, Feature]:
        """The running features by name."""
        return self._app.features

    @property
    def settings(self) -> SettingsBook:
        """Every group's settings."""
        return self._app.settings

    @property
    def whole_config(self) -> Config:
        """The whole checked config."""
        return self._app.config

    @property
    def services(self) -> Services:
        """The app's services."""
        return self._app

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


class HostParts(NamedTuple):
    """What every host of one app shares, made once per app (not once per feature: a
    view is a class of its own, and each one more is more for the garbage collector to
    walk): the scheduler and the people seen through their ports, and the app's calls."""

    scheduling: Scheduling
    people: PeopleLookup
    calls: _AppCalls


def host_parts(app: Hosting) -> HostParts:
    """The parts the app's hosts share."""
    return HostParts(port_view(app.scheduler, Scheduling), port_view(app.people, PeopleLookup),
                     _app_calls(app))


def host_for(app: Hosting, store: object, port: type | None, config: object, *,
             core: bool, peer_names: tuple[str, ...] = (),
             parts: HostParts | None = None) -> NarrowHost:
    """A feature's host: the narrow one, or the core host if the feature declares it
    (`FeaturePackage.core_host`); its store a view of `store` as `port` (None if the
    feature declares no port), its peers only the names it declares; `parts` shared with
    the app's other hosts (made here if not given)."""
    shared = parts or host_parts(app)
    held = (None if port is None else port_view(store, port), config, app.clock,
            shared.scheduling, shared.people, NamedPeers(app.peers, peer_names),
            shared.calls)
    return WideHost(*held, app) if core else NarrowHost(*held)


if TYPE_CHECKING:
    def _narrow(host: NarrowHost) -> FeatureHost[Any, Any]:
        """Never run: mypy checks here that a `NarrowHost` is a `FeatureHost`."""
        return host

    def _wide(host: WideHost) -> CoreHost[Any, Any]:
        """Never run: mypy checks here that a `WideHost` is a `CoreHost`."""
        return host
