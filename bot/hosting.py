"""The host each feature is built from: the app's services, narrowed to what the
feature's declaration says it needs (its store, its config section)."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import Protocol
from typing import TypeVar
from typing import overload

from bot.commands import CommandSpec
from bot.context import Services
from bot.events import Actor
from bot.events import Event
from bot.features.host import CoreHost
from bot.features.host import Handling
from bot.features.host import NoticeProvider
from bot.features.host import Scheduling
from bot.messages import Reply
from bot.peers import Peers
from bot.roles import Role
from bot.settings import GroupSettings

if TYPE_CHECKING:
    from bot.context import Context
    from bot.features import Feature
    from bot.messages import Message
    from scheduler import Scheduler

T = TypeVar("T")


class Hosting(Services, Handling, Protocol):
    """What the app gives its hosts: what a handler's context reaches (`Services`), and
    the scheduler, the running features, the notice providers and event handling. The
    app implements it; a protocol, so this module needs nothing of `bot.app` and no
    import cycle runs through it."""

    scheduler: Scheduler
    peers: Peers
    features: dict[str, Feature]
    notices: list[Callable[[Context], Awaitable[list[Message]]]]


class _FromApp(Generic[T]):
    """A host property that is the app's own, read through (`host.clock` is the app's
    clock): a host narrows what a feature may reach, and passes on what it may."""

    def __init__(self, read: Callable[[Hosting], T]) -> None:
        self._read = read

    @overload
    def __get__(self, host: None, owner: type[Host]) -> _FromApp[T]: ...

    @overload
    def __get__(self, host: Host, owner: type[Host] | None = None) -> T: ...

    def __get__(self, host: Host | None, owner: type[Host] | None = None) -> T | _FromApp[T]:
        return self if host is None else self._read(host._app)


class Host:
    """One feature's host: implements `CoreHost` (and so `FeatureHost`). A feature is
    typed against the protocol it declares, so an ordinary feature cannot reach the
    wider services even though this object has them."""

    clock = _FromApp(lambda app: app.clock)
    scheduler: _FromApp[Scheduling] = _FromApp(lambda app: app.scheduler)
    people = _FromApp(lambda app: app.people)
    peers = _FromApp(lambda app: app.peers)
    registry = _FromApp(lambda app: app.registry)
    features: _FromApp[Mapping[str, Feature]] = _FromApp(lambda app: app.features)
    settings = _FromApp(lambda app: app.settings)
    whole_config = _FromApp(lambda app: app.config)

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


if TYPE_CHECKING:
    def _checked(host: Host) -> CoreHost[Any, Any]:
        """Never run: mypy checks here that a `Host` is every host a feature may declare."""
        return host
