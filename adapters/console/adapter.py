"""The console adapter: a terminal chat for one demo group with several simulated members.

It reads typed lines (from a person at a terminal, or a piped script) and turns them
into events for the core, prints every bot message with where it went, and plays the
part of a platform for the delivery dispatcher (`send`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from collections.abc import Sequence
from typing import TextIO

from adapters.console import controls
from adapters.console.forms import FormFill
from adapters.console.forms import opening
from adapters.console.forms import question
from adapters.console.reading import catching_ctrl_c
from adapters.console.reading import is_terminal as _is_terminal
from adapters.console.reading import next_line
from adapters.console.reading import reader_for
from adapters.console.render import Screen
from adapters.console.render import channel_prefix
from adapters.console.render import dm_prefix
from adapters.console.render import private_prefix
from adapters.console.session import GROUP_ID
from adapters.console.session import Member
from adapters.console.session import Session
from adapters.console.session import describe_member
from bot import catalog
from bot.app import App
from bot.config import Config
from bot.events import DirectMessageReceived
from bot.events import Event
from bot.events import FormSubmission
from bot.i18n import speaking
from bot.i18n import tr
from bot.logs import log_event
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Form
from bot.messages import Message
from bot.messages import Reply
from bot.ports import Person

log = logging.getLogger(__name__)

# How long to wait, after each line, for the deliveries it caused to be printed.
SETTLE_SECONDS = 15.0

WELCOME_HINT = catalog.CONSOLE_WELCOME_HINT
GOODBYE = catalog.CONSOLE_GOODBYE
PLAIN_IN_CHANNEL = catalog.CONSOLE_PLAIN_IN_CHANNEL
CONSOLE_PROBLEM = catalog.CONSOLE_PROBLEM


def _person(member: Member) -> Person:
    return Person(member.name, member.display_name, username=member.name)


class ConsoleAdapter:
    """A terminal chat: you act as simulated members of one group, in channels and DMs.

    Implements the `Sender` protocol for the delivery dispatcher, and `run(app)` reads
    lines until the end of input and returns the exit code.
    """

    def __init__(self, config: Config, input_stream: TextIO, output_stream: TextIO, *,
                 interactive: bool | None = None) -> None:
        self.config = config
        self.group_id = GROUP_ID
        self.session = Session(config.console_members, config.console_channel)
        self.screen = Screen(output_stream)
        self.interactive = (_is_terminal(input_stream) if interactive is None
                            else interactive)
        self.deliveries = 0
        self._input = input_stream
        self._app: App | None = None

    @property
    def app(self) -> App:
        """The app being run (only during `run`)."""
        if self._app is None:
            raise RuntimeError("the console is not running")
        return self._app

    # ---- outbound: the dispatcher calls this ---------------------------------------

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        """Print a delivery with where it went; return its reference (`#12`)."""
        with self.screen.sending():
            await self.screen.wait_released()
            number = self.screen.show(self._prefix(destination), message,
                                      self._channel_of(destination),
                                      self._visible_to(destination))
            self.deliveries += 1
        return f"#{number}"

    def _prefix(self, destination: Destination) -> str:
        if destination.kind is DestinationKind.CHANNEL:
            return channel_prefix(destination.channel)
        if destination.kind is DestinationKind.GROUP_DM:
            return dm_prefix(", ".join(self.session.display_name(u) for u in destination.users))
        name = self.session.display_name(destination.user)
        if destination.kind is DestinationKind.DM:
            return dm_prefix(name)
        return private_prefix(name)

    @staticmethod
    def _channel_of(destination: Destination) -> str | None:
        if destination.kind in (DestinationKind.DM, DestinationKind.GROUP_DM):
            return None
        return destination.channel

    @staticmethod
    def _visible_to(destination: Destination) -> str:
        return "" if destination.kind is DestinationKind.CHANNEL else destination.user

    # ---- who holds a role (the `People` port, from the demo members) ----------------

    async def holders(self, group_id: str, roles: Sequence[str]) -> list[Person]:
        """The demo members holding any of these platform roles."""
        if group_id != GROUP_ID:
            return []
        return [_person(m) for m in self.session.members.values()
                if any(m.has_role(r) for r in roles)]

    async def person(self, group_id: str, user_id: str) -> Person | None:
        """A demo member by id (their lower-case name)."""
        member = self.session.members.get(user_id) if group_id == GROUP_ID else None
        return _person(member) if member is not None else None

    # ---- the loop ------------------------------------------------------------------

    async def run(self, app: App) -> int:
        """Read and handle lines until the end of input, `:quit` or Ctrl-C; return 0."""
        self._app = app
        app.use_people(self, ttl=0)
        interrupted = asyncio.Event()
        with speaking(await self._language()):
            self.screen.note(self.welcome())
        await app.connected([GROUP_ID])
        with catching_ctrl_c(interrupted):
            try:
                await self._settle()
                await self._loop(interrupted)
            except KeyboardInterrupt:
                interrupted.set()
            if interrupted.is_set() and self.interactive:
                self.screen.note("")
            await self._settle()
        with speaking(await self._language()):
            self.screen.note(tr(GOODBYE))
        return 0

    async def _language(self) -> str:
        """The language of the member you are acting as: the console's own words are
        said in it."""
        return await self.app.language_of(GROUP_ID, self.session.me.actor().user_id)

    async def _loop(self, interrupted: asyncio.Event) -> None:
        reader = reader_for(self._input)
        while True:
            if self.interactive:
                self.screen.show_prompt(self.session.prompt())
            line = await next_line(reader, interrupted)
            self.screen.prompt_answered()
            if line is None or self.screen.broken:
                return
            if not await self.handle_line(line.rstrip("\r\n")):
                return
            await self._settle()

    def welcome(self) -> str:
        """What the console says first: the group, who you are, the members."""
        settings = self.app.settings.for_group(GROUP_ID)
        me = self.session.me
        members = [describe_member(m, settings) for m in self.session.members.values()]
        return (catalog.console_welcome(self.config.console_group_name, me.display_name,
                                        me.where_in_words(), members)
                + "\n" + tr(WELCOME_HINT))

    async def handle_line(self, text: str) -> bool:
        """Handle one typed line; return False when the console should stop."""
        me = self.session.me
        blank = not text.strip()
        if blank and me.form is None:
            return True
        if not self.interactive:
            self.screen.echo(self.session.prompt(), text)
            if text.lstrip().startswith("#"):
                return True
        try:
            with speaking(await self._language()):
                return await self._route(text)
        except Exception as exc:  # never a traceback on the screen
            log_event(log, logging.ERROR, "console.line_failed", error=type(exc).__name__)
            log.debug("console.line_failed.detail", exc_info=True)
            self.screen.note(tr(CONSOLE_PROBLEM))
            return True

    async def _route(self, text: str) -> bool:
        me = self.session.me
        stripped = text.strip()
        if stripped.startswith(":"):
            return await controls.run_control(self, stripped)
        if me.form is not None and self._names_a_command(stripped, me.form):
            self.close_form(me)
        if me.form is not None:
            await self.answer_form(me, text)
        elif stripped.startswith("/"):
            await self.act(self.app.handle_text(GROUP_ID, me.actor(), stripped, me.place),
                           me, me.place)
        elif me.place is None:
            await self.direct_message(me, stripped)
        else:
            self.screen.note(tr(PLAIN_IN_CHANNEL))
        return True

    async def _settle(self) -> None:
        """Wait until the deliveries caused so far are printed (bounded)."""
        dispatcher = self._app.dispatcher if self._app is not None else None
        if dispatcher is None:
            return
        try:
            async with asyncio.timeout(SETTLE_SECONDS):
                while True:
                    before = self.deliveries
                    await dispatcher.drain()
                    for _ in range(5):  # let a concurrent batch reach `send`
                        await asyncio.sleep(0)
                    await self.screen.wait_quiet()
                    if self.deliveries == before:
                        return
        except Exception as exc:
            log_event(log, logging.WARNING, "console.settle_failed",
                      error=type(exc).__name__)

    # ---- events and replies ----------------------------------------------------------

    async def act(self, call: Awaitable[Reply], member: Member, channel: str | None,
                  pressed: int | None = None) -> None:
        """Run one event (holding deliveries back) and print its reply.

        `channel` is where the reply shows (None: the member's DM with the bot);
        `pressed` is the number of the message whose button was pressed.
        """
        with self.screen.holding():
            reply = await call
            self.show_reply(reply, member, channel, pressed)

    async def handle_event(self, event: Event, member: Member, channel: str | None,
                           pressed: int | None = None) -> None:
        """Hand an event to the core and print the reply."""
        await self.act(self.app.handle(event), member, channel, pressed)

    async def direct_message(self, member: Member, text: str) -> None:
        """Send the bot a direct message as `member`."""
        await self.handle_event(DirectMessageReceived(GROUP_ID, member.actor(), text),
                                member, None)

    def show_reply(self, reply: Reply, member: Member, channel: str | None,
                   pressed: int | None = None) -> None:
        """Print a reply where the member sees it (an updated message first), then open
        its form if it has one."""
        if reply.update is not None:
            if pressed is not None and self.screen.get(pressed) is not None:
                self.screen.update(pressed, reply.update)
            else:
                self._show_reply_message(reply.update, member, channel, reply.public)
        for message in reply.messages:
            self._show_reply_message(message, member, channel, reply.public)
        if reply.field_errors:
            self.screen.note("\n".join(f"{k}: {v}" for k, v in reply.field_errors.items()))
        if reply.form is not None:
            self.open_form(member, reply.form, channel)

    def _show_reply_message(self, message: Message, member: Member, channel: str | None,
                            public: bool) -> None:
        if channel is None:
            self.screen.show(dm_prefix(member.display_name), message, None, member.name)
        elif public:
            self.screen.show(channel_prefix(channel), message, channel)
        else:
            self.screen.show(private_prefix(member.display_name), message, channel,
                             member.name)

    # ---- forms ---------------------------------------------------------------------

    def open_form(self, member: Member, form: Form, channel: str | None) -> None:
        """Open a form for a member and ask its first question."""
        self.close_form(member)
        member.form = FormFill.start(form, channel)
        self.screen.note(opening(form))
        self.ask(member)

    def _names_a_command(self, line: str, fill: FormFill) -> bool:
        """Whether a line typed while a form asks a one-line question is a command
        instead (`/meeting list`): a slash and the name of one of the bot's commands.
        Chat apps show a form in a window of its own, which a command typed in the chat
        closes; a long answer being written may start with a slash."""
        if fill.writing or not line.startswith("/"):
            return False
        first = line[1:].split(maxsplit=1)[0].lower() if line[1:].strip() else ""
        registry = self.app.registry
        return bool(first) and (registry.get(first) is not None or bool(registry.under(first)))

    def close_form(self, member: Member) -> None:
        """Close the member's form unsent, saying so."""
        if member.form is not None:
            with speaking(member.form.form.language):
                self.screen.note(catalog.console_form_replaced(member.form.form.title))
            member.form = None

    def ask(self, member: Member) -> None:
        """Print the member's current form question, if any."""
        if member.form is not None and member.form.current is not None:
            self.screen.note(question(member.form, interactive=self.interactive))

    async def answer_form(self, member: Member, text: str) -> None:
        """A typed line answers the current question; the last answer sends the form."""
        fill = member.form
        if fill is None:
            return
        problem = fill.answer(text)
        if problem:
            self.screen.note(problem)
        if fill.current is None:
            await self.submit_form(member)
        elif not fill.writing:
            self.ask(member)

    async def submit_form(self, member: Member) -> None:
        """Send the member's form; on field errors, ask those questions again."""
        fill = member.form
        if fill is None:
            return
        event = FormSubmission(GROUP_ID, member.actor(), fill.form.form_id,
                               dict(fill.values), fill.form.state, fill.channel)
        with self.screen.holding():
            reply = await self.app.handle(event)
            if reply.field_errors:
                self._refused(member, fill, reply)
                return
            member.form = None
            self.show_reply(reply, member, fill.channel)

    def _refused(self, member: Member, fill: FormFill, reply: Reply) -> None:
        for message in reply.messages:
            self._show_reply_message(message, member, fill.channel, reply.public)
        lines = fill.ask_again(reply.field_errors)
        with speaking(reply.language):
            self.screen.note(catalog.console_answers_refused(lines))
        self.ask(member)
