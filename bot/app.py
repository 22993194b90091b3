"""The app: routes each event to its feature, checks permissions and input, and owns the
delivery dispatcher. Adapters call `handle` (or `handle_text` for typed command lines)
and render the `Reply` they get back."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
import uuid
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import TextIO

from bot import catalog
from bot.answers import read_yes_no
from bot.answers import shown_yes_no
from bot.clock import Clock
from bot.clock import SystemClock
from bot.commands import CommandSpec
from bot.commands import Registry
from bot.commands import is_listed
from bot.commands import may_run
from bot.commands import refusal
from bot.commands import who_may_run
from bot.config import Config
from bot.connection import Connection
from bot.connection import ConnectionProbe
from bot.context import Context
from bot.context import ContextStorage
from bot.context import Running
from bot.dispatcher import Dispatcher
from bot.errors import UserError
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import DirectMessageReceived
from bot.events import Event
from bot.events import FormSubmission
from bot.events import Invocation
from bot.events import MemberJoined
from bot.events import MessageShortcut
from bot.events import made_valid
from bot.events import valid_text
from bot.features import ActionHandler
from bot.features import Feature
from bot.features import FeatureFactory
from bot.features import FormSpec
from bot.features import ShortcutSpec
from bot.features.package import FeaturePackage
from bot.hosting import HostParts
from bot.hosting import NarrowHost
from bot.hosting import host_for
from bot.hosting import host_parts
from bot.i18n import SOURCE
from bot.i18n import speaking
from bot.languages import LanguageBook
from bot.languages import LanguageStore
from bot.logs import log_event
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.metrics import EVENT_KINDS
from bot.metrics import NO_METRICS
from bot.metrics import OTHER
from bot.metrics import Metrics
from bot.parsing import parse_command_line
from bot.peers import Peers
from bot.people import PeopleBook
from bot.port_view import port_view
from bot.ports import People
from bot.ports import Sender
from bot.roles import Role
from bot.roles import resolve_roles
from bot.settings import GroupSettings
from bot.settings import SettingsBook
from bot.settings import feature_names
from bot.text import has_visible_text
from bot.typed_words import read_choice
from scheduler import Scheduler
from storage.interface import Storage
from storage.interface import StorageError
from storage.members import EVENTS_OWNER

log = logging.getLogger(__name__)

# How often a process looks for settings changed by another process sharing the database.
SETTINGS_REFRESH_SECONDS = 15.0


class App:
    """One running bot: its features, settings, storage and delivery dispatcher."""

    def __init__(
        self,
        config: Config,
        storage: Storage,
        *,
        clock: Clock | None = None,
        features: Iterable[FeatureFactory | FeaturePackage] | None = None,
    ) -> None:
        self.config = config
        self.storage = storage
        self.clock: Clock = clock or SystemClock()
        self.settings = SettingsBook(config.group, config.groups)
        self.registry = Registry()
        self.features: dict[str, Feature] = {}
        self._switchable = frozenset(feature_names())
        self._actions: dict[str, ActionHandler] = {}
        self._forms: dict[str, FormSpec] = {}
        # Which feature each button action and form belongs to, for its feature switch.
        self._owner: dict[str, str] = {}
        # Commands, forms and buttons whose moment must not show (`Feature.timing_sensitive`).
        self._timing_sensitive: set[str] = set()
        # The command whose permission a button or form needs ("action:x", "form:y").
        self._guard: dict[str, str] = {}
        self._visible: dict[tuple[object, ...], tuple[CommandSpec, ...]] = {}
        self.shortcuts: dict[str, ShortcutSpec] = {}
        # Private notices waiting for whoever runs a command (for example "your check-in
        # could not reach you"): features append providers; each sees the command's context.
        self.notices: list[Callable[[Context], Awaitable[list[Message]]]] = []
        self.dispatcher: Dispatcher | None = None
        # Who is who on the platform (the adapter attaches its port with `use_people`).
        self.people = PeopleBook()
        # What a handler's context reaches of the app and the database (`bot.context`).
        self._context_app: Running = port_view(self, Running)
        self._context_storage: ContextStorage = port_view(storage, ContextStorage)
        self._host_parts: HostParts | None = None
        # The other processes sharing the database (none on SQLite): secrets and counts
        # that must be the same in every process but never stored (`bot.peers`).
        self.peers = Peers(storage.peer_link() if isinstance(storage, Storage) else None)
        # Each member's chosen language (read on every event, remembered briefly).
        self.languages = LanguageBook(storage if isinstance(storage, LanguageStore) else None)
        # Where start-up lines for whoever runs the bot go (the CLI sets stderr).
        self.notes: TextIO | None = None
        self._stopping = False
        self.scheduler = Scheduler(storage, self.clock, owner=f"scheduler-{uuid.uuid4().hex[:12]}",
                                   grace=timedelta(minutes=config.scheduler_grace_minutes))
        self._dispatch_task: asyncio.Task[None] | None = None
        self._settings_task: asyncio.Task[None] | None = None
        self._settings_version = 0
        # For the operator's monitoring (`bot.health`, `bot.metrics`): what the adapter
        # says about its connection, and where counts and durations go.
        self.connection = Connection()
        self.metrics: Metrics = NO_METRICS
        if features is None:
            from bot.features.registry import PACKAGES

            features = PACKAGES
        for item in features:
            if isinstance(item, FeaturePackage):
                self.add_feature(item.build(self.host_for(item)))
            else:
                self.add_feature(item(self))

    def host_for(self, package: FeaturePackage) -> NarrowHost:
        """The host a feature is built from: the narrow host with the feature's declared
        store port and config section, or the wider core host if it declares that."""
        config = self.config.section(package.config) if package.config else None
        # `/language` keeps members' choices through the app's book, so the app sees a
        # new choice at once; every other feature's port is over the database itself.
        store = self.languages if package.name == "language" else self.storage
        if self._host_parts is None:
            self._host_parts = host_parts(self)
        return host_for(self, store, package.store, config, core=package.core_host,
                        peer_names=package.peer_names, parts=self._host_parts)

    def _context(self, event: Event, settings: GroupSettings, roles: frozenset[Role],
                 options: dict[str, Any] | None = None) -> Context:
        """A handler's context: the app seen as `Running` and the database as
        `ContextStorage`, never the app or the database themselves."""
        return Context(self._context_app, self._context_storage, event, settings, roles,
                       {} if options is None else options)

    def add_feature(self, feature: Feature) -> None:
        """Register a feature's commands, buttons and forms."""
        self.features[feature.name] = feature
        self.registry.extend(feature.commands)
        for action, handler in feature.actions.items():
            if action in self._actions:
                raise ValueError(f"button action {action!r} registered twice")
            self._actions[action] = handler
            self._owner[f"action:{action}"] = feature.name
        for action, command in feature.action_commands.items():
            if action not in feature.actions:
                raise ValueError(f"guarded button action {action!r} is not the feature's")
            self._guard[f"action:{action}"] = self._guarding(command)
        for spec in feature.forms:
            if spec.form_id in self._forms:
                raise ValueError(f"form {spec.form_id!r} registered twice")
            self._forms[spec.form_id] = spec
            self._owner[f"form:{spec.form_id}"] = feature.name
            if spec.command:
                self._guard[f"form:{spec.form_id}"] = self._guarding(spec.command)
        names = {f"command:{spec.name}" for spec in feature.commands}
        for owned in feature.timing_sensitive:
            if self._owner.get(owned) != feature.name and owned not in names:
                raise ValueError(f"timing-sensitive {owned!r} is not the feature's")
            self._timing_sensitive.add(owned)
        for shortcut in feature.shortcuts:
            if shortcut.shortcut_id in self.shortcuts:
                raise ValueError(f"shortcut {shortcut.shortcut_id!r} registered twice")
            self.shortcuts[shortcut.shortcut_id] = shortcut

    def _guarding(self, command: str) -> str:
        if self.registry.get(command) is None:
            raise ValueError(f"a button or form is guarded by {command!r}, which is not a "
                             "registered command")
        return command

    @property
    def actions(self) -> dict[str, ActionHandler]:
        """Every button action, by id (for tests that go through all of them)."""
        return dict(self._actions)

    @property
    def forms(self) -> dict[str, FormSpec]:
        """Every form, by id (for tests that go through all of them)."""
        return dict(self._forms)

    def guard_of(self, kind: str, ident: str) -> CommandSpec | None:
        """The command whose permission a button ("action") or form ("form") needs."""
        name = self._guard.get(f"{kind}:{ident}")
        return self.registry.get(name) if name else None

    # ---- life cycle --------------------------------------------------------------------

    async def load(self) -> None:
        """Read chat-made settings into memory (call after storage is migrated)."""
        self._settings_version = await self.storage.settings_version()
        self.settings.replace_stored(await self.storage.load_all_group_settings())

    async def refresh_settings(self) -> bool:
        """Reload chat-made settings if any process changed them since the last load;
        return whether they were reloaded."""
        version = await self.storage.settings_version()
        if version == self._settings_version:
            return False
        self._settings_version = version
        self.settings.replace_stored(await self.storage.load_all_group_settings())
        return True

    async def start_scheduler(self) -> None:
        """Let each feature add its schedules, then catch up on downtime and start; and
        keep settings in step with other processes sharing the database."""
        await self.peers.open()
        for feature in self.features.values():
            if feature.start is not None:
                await feature.start()
        await self.scheduler.start()
        if self._settings_task is None:
            self._settings_task = asyncio.create_task(self._watch_settings(),
                                                      name="coprod-settings")

    async def _watch_settings(self) -> None:
        while True:
            await asyncio.sleep(SETTINGS_REFRESH_SECONDS)
            try:
                await self.refresh_settings()
            except StorageError as exc:
                log_event(log, logging.WARNING, "settings.refresh_failed",
                          error=type(exc).__name__)
            for feature in self.features.values():
                if feature.refresh is None:
                    continue
                try:
                    await feature.refresh()
                except StorageError as exc:
                    log_event(log, logging.WARNING, "feature.refresh_failed",
                              feature=feature.name, error=type(exc).__name__)

    def use_people(self, port: People | None, ttl: float | None = None) -> None:
        """The adapter's way of saying who is who (who holds a role, someone's names);
        `ttl`: how long answers are kept (see `PeopleBook.attach`)."""
        self.people.attach(port, ttl)

    async def connected(self, groups: Sequence[str]) -> list[str]:
        """The adapter is connected and serves these groups: let each feature check
        what needs the platform, print their lines to `notes`, and return them. A
        feature whose check fails is logged and skipped; start-up goes on."""
        lines: list[str] = []
        for feature in self.features.values():
            if feature.connected is None:
                continue
            try:
                lines += await feature.connected(list(groups))
            except Exception as exc:
                log_event(log, logging.ERROR, "feature.connected_failed",
                          feature=feature.name, error=type(exc).__name__)
        if self.notes is not None:
            for line in lines:
                print(line, file=self.notes, flush=True)
        return lines

    def use_connection(self, platform: str, probe: ConnectionProbe | None) -> None:
        """The adapter's way of saying whether it is connected to its platform now (asked
        by the readiness check); None once it has stopped."""
        self.connection.use(platform, probe)

    def use_metrics(self, metrics: Metrics) -> None:
        """Record counts and durations here from now on (the health server's)."""
        self.metrics = metrics
        self.scheduler.metrics = metrics
        if self.dispatcher is not None:
            self.dispatcher.metrics = metrics

    @property
    def delivering(self) -> bool:
        """Whether the delivery dispatcher is running (for the readiness check)."""
        task = self._dispatch_task
        return task is not None and not task.done() and not self._stopping

    def start_delivery(self, sender: Sender,
                       preferred: Callable[[], Collection[str] | None] | None = None,
                       ) -> Dispatcher:
        """Start draining the outbox through this adapter, in the background; the
        deliveries of the `preferred` groups first (see `bot.outbox.Preference`)."""
        self._stopping = False
        self.dispatcher = Dispatcher(
            self.storage, sender, self.clock,
            concurrency=self.config.delivery_concurrency,
            max_backoff_seconds=self.config.delivery_max_backoff_seconds,
            lease_seconds=self.config.delivery_lease_seconds,
            retry_base_seconds=self.config.delivery_retry_base_seconds,
            metrics=self.metrics,
            preferred=preferred,
        )
        self._run_dispatcher()
        return self.dispatcher

    def _run_dispatcher(self) -> None:
        assert self.dispatcher is not None
        self._dispatch_task = asyncio.create_task(self.dispatcher.run(),
                                                  name="coprod-dispatcher")
        self._dispatch_task.add_done_callback(self._dispatcher_ended)

    def _dispatcher_ended(self, task: asyncio.Task[None]) -> None:
        """The dispatcher must never stop by itself: if it does, log and start it again."""
        if task.cancelled() or task is not self._dispatch_task or self._stopping:
            return
        error = task.exception()
        log_event(log, logging.CRITICAL, "dispatcher.ended",
                  error=type(error).__name__ if error else "none")
        self._run_dispatcher()

    async def stop(self) -> None:
        """Stop scheduling and delivering (what is pending stays stored for next start)."""
        self._stopping = True
        if self._settings_task is not None:
            self._settings_task.cancel()
            await asyncio.gather(self._settings_task, return_exceptions=True)
            self._settings_task = None
        await self.scheduler.shutdown()
        if self.dispatcher is not None:
            self.dispatcher.stop()
        if self._dispatch_task is not None:
            try:
                async with asyncio.timeout(10):
                    await self._dispatch_task
            except TimeoutError:
                self._dispatch_task.cancel()
            self._dispatch_task = None
        await self.peers.close()

    def deliveries_waiting(self) -> None:
        """Tell the dispatcher new deliveries were stored."""
        if self.dispatcher is not None:
            self.dispatcher.wake()

    # ---- events ------------------------------------------------------------------------

    def roles_of(self, actor: Actor, settings: GroupSettings) -> frozenset[Role]:
        """The group roles of someone, from their platform roles."""
        try:
            return _roles(actor.platform_roles, settings.facilitator_roles,
                          settings.lead_roles)
        except TypeError:  # a list where a tuple is expected: not worth remembering
            return resolve_roles(actor.platform_roles, settings.facilitator_roles,
                                 settings.lead_roles)

    def commands_for(self, settings: GroupSettings, roles: frozenset[Role],
                     is_admin: bool) -> tuple[CommandSpec, ...]:
        """The commands /help shows someone with these roles under these settings: those
        they may run and that are meant for them (`CommandSpec.listed_for`), of switched-on
        features, sorted by name. Kept until the registry changes, since /help asks on
        every call."""
        key = (settings.features, roles, is_admin, self.registry.version)
        found = self._visible.get(key)
        if found is None:
            if len(self._visible) >= _VISIBLE_CACHE:
                self._visible.clear()
            found = tuple(s for s in self.registry.sorted()
                          if _feature_on(s, settings) and is_listed(s, roles, is_admin))
            self._visible[key] = found
        return found

    async def handle_text(self, group_id: str, actor: Actor, line: str,
                          channel: str | None) -> Reply:
        """Handle a typed command line, for text platforms (console, Slack)."""
        line = valid_text(line)
        started = time.perf_counter()
        with speaking(await self.language_for(group_id, actor)):
            try:
                parsed = parse_command_line(self.registry, line)
            except Exception as exc:
                # An unknown command or a line that does not parse: counted, never named.
                self.metrics.event_handled("command", OTHER, time.perf_counter() - started)
                if isinstance(exc, UserError):
                    return Reply.text(exc.text)
                log_event(log, logging.ERROR, "command.parse_failed", group=group_id,
                          error=type(exc).__name__)
                return Reply.text(catalog.SOMETHING_WENT_WRONG)
        return await self.handle(Invocation(group_id, actor, parsed.spec.name,
                                            parsed.options, channel))

    async def language_for(self, group_id: str, actor: Actor) -> str:
        """The language someone reads: their choice, their platform's, the group's
        (`bot.languages`). A database that cannot say means the group's language."""
        group = self.settings.for_group(group_id).language
        try:
            return await self.languages.of(group_id, actor.user_id, group, actor.locale)
        except Exception as exc:
            log_event(log, logging.WARNING, "language.lookup_failed",
                      error=type(exc).__name__)
            return group or SOURCE

    async def language_of(self, group_id: str, user_id: str) -> str:
        """The language to write to one member in (a direct message, a reminder): their
        choice, else the group's (no platform locale is known away from their event)."""
        return await self.language_for(group_id, Actor(user_id, ""))

    async def handle_once(self, key: str, event: Event) -> Reply | None:
        """Handle an event the platform may send again (Slack retries an event whose
        acknowledgement it did not see): once one copy was handled to the end, in any
        process, copies with the same key are ignored (None). A copy that arrives while
        the first is still being handled is handled too: a repeat is better than a
        direct message lost with a process that died half-way."""
        if await self.storage.occurrence_claimed(key):
            log_event(log, logging.INFO, "event.repeat_ignored")
            return None
        reply = await self.handle(event)
        await self.storage.claim_occurrence(key, EVENTS_OWNER, self.clock.now())
        return reply

    async def first_request(self, proof: str, now: datetime, until: datetime) -> bool:
        """Whether a platform request is new: False if any process sharing the database
        already took it (a replay). `proof` is what makes the request unique (for Slack,
        its signature over its timestamp and body); only its SHA-256 digest is stored,
        until `until`, when the platform's own check refuses the request anyway. Raises
        `StorageError` if the claim cannot be stored: the request is then not handled."""
        digest = hashlib.sha256(proof.encode("utf-8", "surrogatepass")).hexdigest()
        return await self.storage.claim_request(digest, now, until)

    async def handle(self, event: Event) -> Reply:
        """Handle one event and return what to show the person who acted.

        Kind refusals (`UserError`) become a private reply; anything unexpected is logged
        by type and answered with an apology, and whatever the handler did not commit is
        not stored. Everything is said in the language of the person who acted. How long
        it took goes to `metrics`, by kind and command family.
        """
        started = time.perf_counter()
        try:
            with speaking(await self.language_for(event.group_id, event.actor)):
                return await self._handle(event)
        finally:
            kind, family = self._family_of(event)
            self.metrics.event_handled(kind, family, time.perf_counter() - started)

    def _family_of(self, event: Event) -> tuple[str, str]:
        """The kind of event and its family for metrics: a registered command's first
        word, or the feature that owns a button, form or shortcut; `other` for anything
        not registered (so no label ever holds what someone typed), and for what a
        feature declared timing-sensitive (so no count tells when it was done)."""
        family = ""
        if isinstance(event, Invocation):
            kind = "command"
            spec = self.registry.get(event.command)
            if spec is not None and f"command:{spec.name}" not in self._timing_sensitive:
                family = spec.name.split(" ", 1)[0]
        elif isinstance(event, ButtonPress):
            kind, family = "button", self._family(f"action:{event.action}")
        elif isinstance(event, FormSubmission):
            kind, family = "form", self._family(f"form:{event.form_id}")
        elif isinstance(event, MessageShortcut):
            kind = "shortcut"
            shortcut = self.shortcuts.get(event.shortcut)
            family = shortcut.feature if shortcut is not None else ""
        elif isinstance(event, MemberJoined):
            kind, family = "join", "core"
        else:
            kind, family = "message", "core"
        return (kind if kind in EVENT_KINDS else OTHER), (family or OTHER)

    def _family(self, owned: str) -> str:
        """The feature owning a button or form, for metrics ("" if timing-sensitive)."""
        return "" if owned in self._timing_sensitive else self._owner.get(owned, "")

    async def _handle(self, event: Event) -> Reply:
        try:
            event = made_valid(event)
            if isinstance(event, Invocation):
                return await self._invoke(event)
            if isinstance(event, ButtonPress):
                return await self._press(event)
            if isinstance(event, FormSubmission):
                return await self._submit(event)
            if isinstance(event, MessageShortcut):
                return await self._shortcut(event)
            if isinstance(event, MemberJoined):
                return await self._joined(event)
            return await self._direct_message(event)
        except UserError as exc:
            return Reply.text(exc.text)
        except Exception as exc:
            log_event(log, logging.ERROR, "event.failed", kind=type(event).__name__,
                      group=event.group_id, error=type(exc).__name__)
            log.debug("event.failed.detail", exc_info=True)
            return Reply.text(catalog.SOMETHING_WENT_WRONG)

    async def _invoke(self, event: Invocation) -> Reply:
        spec = self.registry.get(event.command)
        if spec is None:
            raise UserError(catalog.unknown_command(event.command,
                                                    self.registry.suggest(event.command)))
        settings = self.settings.for_group(event.group_id)
        roles = self.roles_of(event.actor, settings)
        if not may_run(spec, roles, event.actor.is_admin):
            log_event(log, logging.INFO, "permission.refused", kind="command", id=spec.name,
                      group=event.group_id)
            raise UserError(refusal(spec))
        if not _feature_on(spec, settings):
            raise UserError(catalog.feature_off(spec.name))
        options = spec.check_options(event.options)
        if f"command:{spec.name}" not in self._timing_sensitive:
            log_event(log, logging.INFO, "command.run", command=spec.name,
                      group=event.group_id)
        ctx = self._context(event, settings, roles, options)
        if not self.notices or spec.opens_form or not spec.private:
            return await spec.handler(ctx)
        # Gathered first, so nothing is awaited between the handler storing its
        # deliveries and the reply; shown after the handler's own answer.
        extra: list[Message] = []
        for provider in self.notices:
            try:
                extra += await provider(ctx)
            except Exception as exc:
                log_event(log, logging.WARNING, "notice.failed", error=type(exc).__name__)
        try:
            reply = await spec.handler(ctx)
        except UserError as exc:
            reply = Reply.text(exc.text)
        if not extra or reply.form is not None or reply.public or reply.field_errors:
            return reply
        return replace(reply, messages=reply.messages + tuple(extra))

    def _check_switched_on(self, owned: str, group_id: str) -> None:
        """Buttons and forms of a switched-off feature stop working, as its commands do."""
        feature = self._owner.get(owned, "core")
        settings = self.settings.for_group(group_id)
        if feature in self._switchable and feature not in settings.features:
            raise UserError(catalog.FEATURE_SWITCHED_OFF)

    def _check_allowed(self, owned: str, event: ButtonPress | FormSubmission,
                       roles: frozenset[Role]) -> None:
        """A button or form that does what a command does needs that command's
        permission, whatever the platform let through (ids and values can be forged)."""
        name = self._guard.get(owned)
        spec = self.registry.get(name) if name else None
        if spec is not None and not may_run(spec, roles, event.actor.is_admin):
            kind, _, ident = owned.partition(":")
            log_event(log, logging.INFO, "permission.refused", kind=kind, id=ident,
                      group=event.group_id)
            raise UserError(catalog.button_not_allowed(who_may_run(spec))
                            if kind == "action" else refusal(spec))

    def _let_through(self, owned: str, event: ButtonPress | FormSubmission,
                     ) -> tuple[GroupSettings, frozenset[Role]]:
        """Refuse a button or form of a switched-off feature, or one the person may not
        use; otherwise the group's settings and the person's roles."""
        self._check_switched_on(owned, event.group_id)
        settings = self.settings.for_group(event.group_id)
        roles = self.roles_of(event.actor, settings)
        self._check_allowed(owned, event, roles)
        return settings, roles

    async def _press(self, event: ButtonPress) -> Reply:
        handler = self._actions.get(event.action)
        if handler is None:
            raise UserError(catalog.form_expired())
        settings, roles = self._let_through(f"action:{event.action}", event)
        ctx = self._context(event, settings, roles,
                            {"value": event.value, "values": event.values})
        return await handler(ctx)

    async def _submit(self, event: FormSubmission) -> Reply:
        spec = self._forms.get(event.form_id)
        if spec is None:
            raise UserError(catalog.form_expired())
        settings, roles = self._let_through(f"form:{event.form_id}", event)
        values, errors = check_form(spec.fields, event.values)
        if errors:
            return Reply(messages=(), field_errors=errors)
        ctx = self._context(event, settings, roles, values)
        return await spec.handler(ctx)

    async def _shortcut(self, event: MessageShortcut) -> Reply:
        shortcut = self.shortcuts.get(event.shortcut)
        settings = self.settings.for_group(event.group_id)
        if shortcut is None or not (shortcut.feature == "core"
                                    or shortcut.feature in settings.features):
            raise UserError(catalog.form_expired())
        ctx = self._context(event, settings, self.roles_of(event.actor, settings))
        return await shortcut.handler(ctx)

    async def _joined(self, event: MemberJoined) -> Reply:
        settings = self.settings.for_group(event.group_id)
        ctx = self._context(event, settings, self.roles_of(event.actor, settings))
        messages: list[Message] = []
        for feature in self.features.values():
            if feature.on_join is not None and (feature.name not in self._switchable
                                                or feature.name in settings.features):
                messages += (await feature.on_join(ctx)).messages
        return Reply(messages=tuple(messages))

    async def home(self, group_id: str, actor: Actor) -> list[Message]:
        """A member's own overview (Slack's App Home): a section per switched-on feature."""
        actor = made_valid(actor)
        with speaking(await self.language_for(group_id, actor)):
            return await self._home(group_id, actor)

    async def _home(self, group_id: str, actor: Actor) -> list[Message]:
        settings = self.settings.for_group(group_id)
        ctx = self._context(Invocation(group_id, actor, "home"), settings,
                            self.roles_of(actor, settings))
        sections = [Message(catalog.home_intro(actor.display_name))]
        for feature in self.features.values():
            if feature.home is None or (feature.name in self._switchable
                                        and feature.name not in settings.features):
                continue
            section = await feature.home(ctx)
            if section is not None:
                sections.append(section)
        return sections

    async def _direct_message(self, event: DirectMessageReceived) -> Reply:
        settings = self.settings.for_group(event.group_id)
        for feature in self.features.values():
            if feature.direct_message is not None and feature.name in settings.features:
                ctx = self._context(event, settings, self.roles_of(event.actor, settings),
                                    {"text": event.text})
                reply = await feature.direct_message(ctx)
                if reply is not None:
                    return reply
        return Reply.text(catalog.DM_NOT_A_COMMAND)


def _feature_on(spec: CommandSpec, settings: GroupSettings) -> bool:
    return spec.feature == "core" or spec.feature in settings.features


# Distinct (features switched on, roles, admin) combinations kept; a handful in practice.
_VISIBLE_CACHE = 1024


@functools.lru_cache(maxsize=4096)
def _roles(platform_roles: frozenset[str], facilitator_roles: tuple[str, ...],
           lead_roles: tuple[str, ...]) -> frozenset[Role]:
    """`resolve_roles`, remembered: asked on every event, with few distinct answers."""
    return resolve_roles(platform_roles, facilitator_roles, lead_roles)


def check_form(fields: tuple[FormField, ...], raw: dict[str, str],
               ) -> tuple[dict[str, str], dict[str, str]]:
    """Check submitted values against the form's fields.

    Returns (values, errors): values for every field (missing optional ones as ""), and
    a kind message per field key that is wrong. Unknown keys are ignored.
    """
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for f in fields:
        value = str(raw.get(f.key, "") or "").strip()
        if f.choices and value:
            chosen = read_choice(value, f.choices)
            if chosen is None:
                errors[f.key] = catalog.field_not_a_choice(f.label, [c.label for c in f.choices])
                continue
            value = chosen
        if f.kind == "yes_no" and value:
            answer = read_yes_no(value)
            if answer is None:
                errors[f.key] = catalog.field_not_a_choice(f.label, list(shown_yes_no()))
                continue
            value = "yes" if answer else "no"
        if f.required and not has_visible_text(value):
            errors[f.key] = catalog.field_required(f.label)
        elif len(value) > f.max_length:
            errors[f.key] = catalog.field_too_long(f.label, f.max_length, len(value))
        elif value and len(value) < f.min_length:
            errors[f.key] = catalog.field_too_short(f.label, f.min_length)
        values[f.key] = value
    return values, errors
