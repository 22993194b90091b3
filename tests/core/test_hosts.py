"""A feature is built from the host its package declares, at run time as in the type
checker: an ordinary feature gets a narrow host, with no attribute leading to the app,
the whole config, the registry, the settings book or the other features, and a store
that is a view of its declared port only; help, setup, welcome, concerns and retention,
which say they need more, get the core host (issue 19)."""

from __future__ import annotations

import typing

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.commands import CommandSpec
from bot.config import Config
from bot.context import Context
from bot.events import Actor
from bot.events import Invocation
from bot.features import Feature
from bot.features.host import CoreHost
from bot.features.host import FeatureHost
from bot.features.host import Scheduling
from bot.features.package import FeaturePackage
from bot.features.registry import PACKAGES
from bot.hosting import NarrowHost
from bot.hosting import WideHost
from bot.messages import Reply
from bot.port_view import port_members
from bot.port_view import port_view
from storage.interface import Storage

WIDER = ("whole_config", "registry", "features", "settings", "roles_of", "commands_for",
         "handle", "services", "_app")
OUTSIDE_EVERY_PORT = ("member_records", "erase_member", "migrate", "load_all_group_settings")


def _by_name(name: str) -> FeaturePackage:
    (package,) = [p for p in PACKAGES if p.name == name]
    return package


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_each_declaration_matches_what_its_build_takes(package: FeaturePackage) -> None:
    hint = typing.get_type_hints(package.build)["host"]
    origin = typing.get_origin(hint)
    store, config = typing.get_args(hint)
    assert origin is (CoreHost if package.core_host else FeatureHost)
    assert store is (type(None) if package.store is None else package.store)
    assert config is (type(None) if package.config is None else package.config)


def test_only_the_core_features_take_the_core_host() -> None:
    assert {p.name for p in PACKAGES if p.core_host} == {"help", "setup", "welcome",
                                                         "concerns", "retention"}


async def test_every_declared_port_is_met_by_the_real_backend(storage: Storage) -> None:
    app = App(Config(), storage, clock=FakeClock())
    for package in PACKAGES:
        host = app.host_for(package)
        if package.store is None:
            assert host.store is None, package.name
            continue
        assert isinstance(host.store, package.store), package.name
        backend = app.languages if package.name == "language" else storage
        assert isinstance(backend, package.store), package.name
        for name in port_members(package.store):
            getattr(host.store, name)


async def test_a_narrow_host_reaches_nothing_of_the_app(storage: Storage) -> None:
    app = App(Config(), storage, clock=FakeClock())
    host = app.host_for(_by_name("meetings"))
    assert type(host) is NarrowHost
    for name in WIDER:
        with pytest.raises(AttributeError):
            getattr(host, name)
    for name in OUTSIDE_EVERY_PORT:
        assert hasattr(storage, name)
        with pytest.raises(AttributeError):
            getattr(host.store, name)
    with pytest.raises(AttributeError):
        host.scheduler.run_due  # noqa: B018
    with pytest.raises(TypeError):
        vars(host)
    with pytest.raises(AttributeError):
        host.store = storage  # type: ignore[misc]
    with pytest.raises((AttributeError, TypeError)):  # TypeError: frozen slots, Python 3.11
        host.anything_new = 1  # type: ignore[attr-defined]
    held = [getattr(host, slot) for cls in type(host).__mro__
            for slot in getattr(cls, "__slots__", ())]
    reachable = [app, app.config, app.registry, app.settings, app.features, app.storage,
                 app.scheduler]
    assert not [value for value in held for whole in reachable if value is whole]
    assert await host.store.active_meetings("g1") == []


async def test_a_handlers_context_reaches_neither_the_app_nor_the_database(
        storage: Storage) -> None:
    """What a handler is given: the app seen as `Running` (the time, deliveries, a
    member's language) and the database seen as `ContextStorage` (deliveries, /setup's
    settings), so `app = ctx.app; app.storage...` fails at run time as for mypy."""
    app = App(Config(), storage, clock=FakeClock())
    seen: list[Context] = []

    async def handler(ctx: Context) -> Reply:
        seen.append(ctx)
        return Reply.text("ok")

    app.add_feature(Feature("probe", commands=[CommandSpec("probe", "p", handler, "/probe")]))
    await app.handle(Invocation("g1", Actor("U1", "Ann"), "probe"))
    (ctx,) = seen
    for name in ("storage", "config", "settings", "people", "roles_of", "features"):
        with pytest.raises(AttributeError):
            getattr(ctx.app, name)
    for name in OUTSIDE_EVERY_PORT:
        with pytest.raises(AttributeError):
            getattr(ctx.storage, name)
    assert ctx.app.clock is app.clock
    assert await ctx.app.language_of("g1", "U1") == "en"


async def test_no_feature_can_change_who_holds_a_role(storage: Storage) -> None:
    """The people a host hands a feature answer who holds a role and who someone is;
    attaching another lookup (which would decide who the safeguarding leads are) or
    reading the platform's port is refused, on the narrow host and the core host alike."""
    app = App(Config(), storage, clock=FakeClock())
    for name in ("meetings", "concerns"):
        people = app.host_for(_by_name(name)).people
        for refused in ("attach", "forget", "port"):
            with pytest.raises(AttributeError):
                getattr(people, refused)
        assert people.can_ask is False
        assert (await people.holders("g1", ("Safeguarding lead",))).people == ()


async def test_a_feature_shares_only_the_peer_names_it_declares(storage: Storage) -> None:
    """A feature's peers use only the secrets and topics its package declares: polls get
    the vote-sealing key; the meetings, which declare none, get no secret at all, and
    nobody may answer the core's own "secret" topic (which hands secrets over)."""
    app = App(Config(), storage, clock=FakeClock())
    polls = app.host_for(_by_name("polls")).peers
    assert len(await polls.secret("vote-seal")) == 32
    meetings = app.host_for(_by_name("meetings")).peers
    with pytest.raises(PermissionError):
        await meetings.secret("vote-seal")
    with pytest.raises(PermissionError):
        meetings.answer("secret", lambda body: [])
    feedback = app.host_for(_by_name("feedback")).peers
    assert len(await feedback.secret("feedback-limit:2026-12-06", logged=False)) == 32
    with pytest.raises(PermissionError):
        await feedback.secret("feedback-limits")


def test_only_polls_and_the_agreement_share_a_peer_name() -> None:
    """A peer name is one feature's, except the vote-sealing key, which polls and the
    agreement's votes share by design (bot/anonymity.py)."""
    owners: dict[str, set[str]] = {}
    for package in PACKAGES:
        for name in package.peer_names:
            # A name covers `name:anything`, so "feedback-limit:2026-12-06" is the
            # feedback limit's own: names are compared by their root.
            owners.setdefault(name.split(":", 1)[0], set()).add(package.name)
    assert {n: o for n, o in owners.items() if len(o) > 1} == {
        "vote-seal": {"polls", "agreement"}}


async def test_the_core_host_reaches_what_it_declares(storage: Storage) -> None:
    app = App(Config(), storage, clock=FakeClock())
    host = app.host_for(_by_name("welcome"))
    assert type(host) is WideHost
    assert host.whole_config is app.config
    assert host.registry is app.registry
    assert host.features is app.features
    assert host.settings is app.settings
    with pytest.raises(AttributeError):
        host.store.member_records  # noqa: B018
    assert await host.store.welcome_text("g1") is None


def test_a_view_forwards_its_port_and_nothing_else() -> None:
    class Scheduler:
        grace = 5

        def add(self) -> str:
            return "added"

        def remove(self) -> None: ...

        def next_due(self) -> None: ...

        def run_due(self) -> None: ...

    view = port_view(Scheduler(), Scheduling)
    assert view.add() == "added"
    assert view.grace == 5
    assert port_members(Scheduling) == {"add", "remove", "next_due", "grace"}
    with pytest.raises(AttributeError, match="not part of Scheduling"):
        view.run_due  # noqa: B018
