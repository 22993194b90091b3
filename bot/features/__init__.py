"""What every feature offers the app (`Feature`), and the specs of its forms and message
shortcuts. Each feature is a package below this one (`bot/features/<feature>/`), built
from its host (`host.py`) and listed in `registry.py`; it talks to storage only through
its own store port."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from bot import catalog
from bot.commands import CommandSpec
from bot.messages import Form
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.metrics import Reading
from bot.retention_cutoffs import RetentionPeriod

if TYPE_CHECKING:
    from bot.context import Context

ActionHandler = Callable[["Context"], Awaitable[Reply]]
FormHandler = Callable[["Context"], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class FormSpec:
    """A form a feature can open, and the handler its submission goes to.

    The core checks every submitted field against `fields` (required, lengths, choices)
    before the handler runs, so a handler only sees values within the form's limits.
    `command`: the command that opens the form; the core refuses the form to anyone who
    may not run that command, since a platform lets anyone send any form id ("": open
    to every member, and the handler checks whatever it needs).
    """

    form_id: str
    fields: tuple[FormField, ...]
    handler: FormHandler
    command: str = ""

    def form(self, title: str, *, state: str = "", submit_label: str = catalog.FORM_SEND,
             defaults: dict[str, str] | None = None) -> Form:
        """The form to show, optionally pre-filled."""
        fields = self.fields
        if defaults:
            from dataclasses import replace

            fields = tuple(replace(f, default=defaults.get(f.key, f.default)) for f in fields)
        return Form(self.form_id, title, fields, submit_label, state)

    async def open_or_run(self, ctx: Context, title: str, *, submit_label: str) -> Reply:
        """For the command that opens this form: the form when the command came with no
        options, else the form's handler at once, with the options as its values."""
        if not ctx.options:
            return Reply(form=self.form(title, submit_label=submit_label))
        return await self.handler(ctx)


@dataclass(frozen=True, slots=True)
class ShortcutSpec:
    """A message action people can choose on any message (a Discord message context
    menu, a Slack message shortcut). `label` is what they see, at most 32 characters.
    `reports_message`: it raises the message with whoever must know (the concerns
    feature's), so a platform with no menu of its own finds it by that (the console's
    `:report`), not by its label."""

    shortcut_id: str
    label: str
    handler: ActionHandler
    feature: str = "core"
    reports_message: bool = False


HomeProvider = Callable[["Context"], Awaitable["Message | None"]]


@dataclass
class Feature:
    """What a feature module offers the app.

    `home` contributes a section to a member's own overview (Slack's App Home): their
    settings for this feature and buttons to change them. `start` loads the feature's
    schedules into `app.scheduler`.
    """

    name: str
    commands: list[CommandSpec] = field(default_factory=list)
    actions: dict[str, ActionHandler] = field(default_factory=dict)
    forms: list[FormSpec] = field(default_factory=list)
    shortcuts: list[ShortcutSpec] = field(default_factory=list)
    home: HomeProvider | None = None
    # Runs once at start, after storage is ready and before the scheduler starts: the
    # place to add the feature's schedules from storage (`app.scheduler.add`).
    start: Callable[[], Awaitable[None]] | None = None
    # Runs every few seconds while the bot runs (with the settings refresh, every
    # `bot.app.SETTINGS_REFRESH_SECONDS`): the place to pick up what another process
    # sharing the database changed, such as a member's schedule.
    refresh: Callable[[], Awaitable[object]] | None = None
    # Answers a direct message to the bot that is not a command (None: not for this
    # feature). The first switched-on feature that answers wins; `ctx.options["text"]`.
    direct_message: Callable[[Context], Awaitable[Reply | None]] | None = None
    # Runs when someone joins the group (`MemberJoined`), e.g. to send a welcome.
    on_join: ActionHandler | None = None
    # Buttons that do what a command does: action -> command name. The core refuses the
    # press to anyone who may not run that command (a button's id and value can be
    # forged). Buttons not listed are open to every member; their handlers check the
    # object they act on (whose check-in, whose draft, which group).
    action_commands: dict[str, str] = field(default_factory=dict)
    # Runs once the adapter is connected, with the groups it serves: the place for
    # checks that need the platform (who can be reached). Returns plain lines for
    # whoever started the bot (`App.notes`).
    connected: Callable[[Sequence[str]], Awaitable[list[str]]] | None = None
    # What each family of the feature's commands (`/meeting schedule`, `/meeting list`,
    # ...) is for, on its /help line. A family with a command of its own name
    # (`/checkin`) uses that command's description instead.
    families: dict[str, str] = field(default_factory=dict)
    # Numbers for the operator's monitoring, worked out when it asks (`/metrics`): counts
    # and ages only, never an id, a name or anyone's words (see `bot.metrics`).
    readings: Callable[[], Awaitable[Sequence[Reading]]] | None = None
    # What someone does anonymously, whose moment must not show (`command:<name>`,
    # `form:<id>`, `action:<id>`): counted in the metrics under family `other`, like an
    # unknown command, and never logged by name (docs/threat-model.md, metrics and logs).
    timing_sensitive: frozenset[str] = frozenset()
    # How long the records this feature keeps are kept before the daily retention sweep
    # deletes them, by the cutoff name its storage package's purge hook reads (that
    # package's `cutoffs`); each period is read from the feature's config when the sweep
    # runs (None: keep). A storage cutoff no running feature declares stops the bot at
    # start (`bot.retention_cutoffs.RetentionUndeclared`).
    retention: Mapping[str, RetentionPeriod] = field(default_factory=dict)


FeatureFactory = Callable[[Any], Feature]
"""A feature made from the running app itself, for tests that add a probe feature of
their own (`App(features=[...])`); a real feature is a package built from its host."""
