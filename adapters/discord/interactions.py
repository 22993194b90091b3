"""Discord interactions and direct messages turned into core events, and the core's
replies turned into Discord's interaction responses.

A form must be the first response to an interaction, so a command that opens a form is
answered with its modal and never deferred. Everything else gets a short grace period
(`defer_after`, under Discord's 3-second limit): a handler that is done by then is
answered directly; a slower one is deferred and followed up. A form returned after a
deferral, or after a modal (which cannot open another modal), comes as a private button
that opens it. Buttons are read from their `custom_id`, so they work after a restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import discord

from adapters.discord import customid
from adapters.discord.commands import CommandSet
from adapters.discord.commands import read_invocation
from adapters.discord.forms import FormDesk
from adapters.discord.forms import Ticket
from adapters.discord.forms import values_from
from adapters.discord.members import GroupFinder
from adapters.discord.members import Servers
from adapters.discord.members import actor_of
from adapters.discord.render import Rendered
from adapters.discord.render import channel_links
from adapters.discord.render import no_mentions
from adapters.discord.render import render
from bot import catalog
from bot.app import App
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import DirectMessageReceived
from bot.events import Event
from bot.events import FormSubmission
from bot.events import Invocation
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.i18n import SOURCE
from bot.i18n import from_platform
from bot.i18n import speaking
from bot.i18n import tr
from bot.logs import log_event
from bot.messages import Form
from bot.messages import Reply
from bot.parsing import parse_id

log = logging.getLogger(__name__)

DEFER_AFTER_SECONDS = 2.0
_T = discord.InteractionType


class Interactions:
    """Routes Discord interactions and DMs to the app and answers them."""

    def __init__(self, app: App, commands: CommandSet, desk: FormDesk, finder: GroupFinder,
                 servers: Servers, defer_after: float = DEFER_AFTER_SECONDS) -> None:
        self.app = app
        self.commands = commands
        self.desk = desk
        self.finder = finder
        self.servers = servers
        self.defer_after = defer_after
        self._received: dict[int, float] = {}  # interaction id -> loop time it arrived

    # ---- entry points --------------------------------------------------------------------

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Handle any interaction; failures are logged by type and apologised for, and a
        payload this adapter cannot read is logged (ids only) and answered kindly."""
        self._received[interaction.id] = asyncio.get_running_loop().time()
        # Until the app knows the member, the adapter's own words are in their client's
        # language where it is a translation (the app then speaks the member's own).
        locale = str(getattr(interaction.locale, "value", "") or "")
        with speaking(from_platform(locale) or SOURCE):
            await self._interaction(interaction)

    async def _interaction(self, interaction: discord.Interaction[Any]) -> None:
        try:
            problem = unreadable(interaction)
            if problem:
                log_event(log, logging.WARNING, "discord.payload_ignored",
                          dispatch="INTERACTION_CREATE", id=interaction.id, problem=problem)
                await self._apologise(interaction, catalog.PLATFORM_UNREADABLE)
                return
            data: dict[str, Any] = dict(interaction.data or {})
            if interaction.type is _T.application_command:
                if data.get("type") == 3:
                    await self._shortcut(interaction, data)
                else:
                    await self._command(interaction, data)
            elif interaction.type is _T.autocomplete:
                await self._autocomplete(interaction, data)
            elif interaction.type is _T.component:
                await self._component(interaction, data)
            elif interaction.type is _T.modal_submit:
                await self._modal(interaction, data)
        except Exception as exc:
            log_event(log, logging.ERROR, "discord.interaction_failed",
                      id=interaction.id, error=type(exc).__name__)
            log.debug("discord.interaction_failed.detail", exc_info=True)
            await self._apologise(interaction, catalog.SOMETHING_WENT_WRONG)
        finally:
            self._received.pop(interaction.id, None)

    async def _apologise(self, interaction: discord.Interaction[Any], text: str) -> None:
        """Say sorry privately, if the interaction can still be answered (a payload
        too broken to answer is only logged)."""
        if interaction.type not in _ANSWERABLE:
            return
        try:
            await self._say(interaction, [Rendered(tr(text))], True)
        except Exception as exc:
            log_event(log, logging.WARNING, "discord.answer_failed", id=interaction.id,
                      error=type(exc).__name__)

    async def on_message(self, message: discord.Message) -> None:
        """A direct message to the bot (messages in servers are not read at all); one
        that cannot be answered is logged by ids."""
        try:
            await self._direct_message(message)
        except Exception as exc:
            log_event(log, logging.WARNING, "discord.dm_failed", id=message.id,
                      error=type(exc).__name__)

    async def _direct_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot:
            return
        found = await self.finder.find(message.author.id)
        if found is None:
            await message.channel.send(tr(catalog.DISCORD_NO_SHARED_GROUP),
                                       allowed_mentions=no_mentions())
            return
        group_id, actor = found
        log_event(log, logging.INFO, "discord.dm_received", group=group_id)
        reply = await self.app.handle(DirectMessageReceived(group_id, actor, message.content))
        links = await self._links(group_id)
        with speaking(reply.language):
            outputs = self._outputs(reply, actor, None, links)
        if reply.update is not None:
            outputs += render(reply.update, links=links)
        for rendered in outputs:
            await message.channel.send(**rendered.kwargs())
            _release(rendered)

    # ---- who and where -------------------------------------------------------------------

    async def _who(self, interaction: discord.Interaction[Any]) -> tuple[str, Actor] | None:
        # The member's client language comes with every interaction: the starting guess
        # for the language the bot writes to them in.
        locale = str(getattr(interaction.locale, "value", "") or "")[:35]
        if interaction.guild_id is not None:
            return str(interaction.guild_id), replace(
                actor_of(interaction.user, interaction.permissions), locale=locale)
        found = await self.finder.find(interaction.user.id)
        return None if found is None else (found[0], replace(found[1], locale=locale))

    @staticmethod
    def _channel(interaction: discord.Interaction[Any]) -> str | None:
        if interaction.guild_id is None or interaction.channel_id is None:
            return None
        return str(interaction.channel_id)

    # ---- kinds of interaction ------------------------------------------------------------

    async def _command(self, interaction: discord.Interaction[Any], data: dict[str, Any],
                       ) -> None:
        path, values, _ = read_invocation(data)
        name = self.commands.spec_name(path) or " ".join(path)
        spec = self.app.registry.get(name)
        who = await self._who(interaction)
        if who is None:
            await self._say(interaction, [Rendered(tr(catalog.DISCORD_NO_SHARED_GROUP))], True)
            return
        event = Invocation(who[0], who[1], name, values, self._channel(interaction))
        opens_form = spec is not None and spec.opens_form
        private = spec is None or spec.private
        await self._answer(interaction, event, who[1], defer=not opens_form,
                           ephemeral=private)

    async def _autocomplete(self, interaction: discord.Interaction[Any],
                            data: dict[str, Any]) -> None:
        path, values, focused = read_invocation(data)
        spec = self.app.registry.get(self.commands.spec_name(path) or "")
        option = spec.option(focused) if spec is not None and focused else None
        typed = str(values.get(focused or "", "") or "").casefold()
        choices = [] if option is None else [
            discord.app_commands.Choice(name=c.label[:100], value=c.value)
            for c in option.choices
            if typed in c.label.casefold() or typed in c.value.casefold()][:25]
        await interaction.response.autocomplete(choices)

    async def _shortcut(self, interaction: discord.Interaction[Any], data: dict[str, Any],
                        ) -> None:
        who = await self._who(interaction)
        shortcut = self.commands.shortcuts.get(str(data.get("name", "")), "")
        target = str(data.get("target_id", ""))
        messages = (data.get("resolved") or {}).get("messages")
        raw = messages.get(target) if isinstance(messages, dict) else None
        raw = raw if isinstance(raw, dict) else {}
        author = raw.get("author")
        if who is None:
            await self._say(interaction, [Rendered(tr(catalog.DISCORD_NO_SHARED_GROUP))], True)
            return
        channel = str(raw.get("channel_id") or interaction.channel_id or "")
        quoted = QuotedMessage(
            text=str(raw.get("content", "")),
            author_id=str(author.get("id", "")) if isinstance(author, dict) else "",
            channel=channel,
            link=f"https://discord.com/channels/{who[0]}/{channel}/{target}",
            message_id=target)
        event = MessageShortcut(who[0], who[1], shortcut, quoted, self._channel(interaction))
        await self._answer(interaction, event, who[1], defer=True, ephemeral=True)

    async def _component(self, interaction: discord.Interaction[Any], data: dict[str, Any],
                         ) -> None:
        parsed = customid.parse(str(data.get("custom_id", "")))
        user_id = str(interaction.user.id)
        if parsed is None:
            await self._say(interaction, [Rendered(catalog.form_expired())], True)
            return
        if parsed.kind in ("n", "r"):
            ticket_id = parsed.parts[0]
            ticket = self.desk.get(ticket_id, user_id)
            step = (parse_id(parsed.parts[1]) or 0) if parsed.kind == "n" else 0
            if ticket is None or step >= len(ticket.steps):
                await self._say(interaction, [Rendered(catalog.form_expired())], True)
                return
            await interaction.response.send_modal(self.desk.modal(ticket_id, ticket, step))
            return
        who = await self._who(interaction)
        if who is None:
            await self._say(interaction, [Rendered(tr(catalog.DISCORD_NO_SHARED_GROUP))], True)
            return
        message_ref = ""
        if interaction.message is not None:
            message_ref = f"{interaction.message.channel.id}:{interaction.message.id}"
        if parsed.kind == "s":
            event = ButtonPress(who[0], who[1], parsed.parts[0],
                                values=tuple(str(v) for v in data.get("values", [])),
                                channel=self._channel(interaction), message_ref=message_ref)
        else:
            event = ButtonPress(who[0], who[1], parsed.parts[0], parsed.parts[1],
                                channel=self._channel(interaction), message_ref=message_ref)
        await self._answer(interaction, event, who[1], defer=True, ephemeral=True)

    async def _modal(self, interaction: discord.Interaction[Any], data: dict[str, Any],
                     ) -> None:
        parsed = customid.parse(str(data.get("custom_id", "")))
        if parsed is None or parsed.kind != "f":
            await self._say(interaction, [Rendered(catalog.form_expired())], True)
            return
        ticket_id, where, form_id, state = parsed.parts
        step_text, _, steps_text = where.partition("/")
        step = parse_id(step_text) or 0
        one_step = steps_text == "1"
        values = values_from(list(data.get("components", [])))
        ticket = self.desk.get(ticket_id, str(interaction.user.id))
        if ticket is not None:
            ticket.values.update(values)
            if step + 1 < len(ticket.steps):
                with speaking(ticket.form.language):
                    saved = _own_button(
                        catalog.discord_step_saved(step + 1, len(ticket.steps)),
                        catalog.DISCORD_CONTINUE, customid.next_step(ticket_id, step + 1))
                await self._say(interaction, [saved], True)
                return
            form_id, state, values = ticket.form.form_id, ticket.form.state, ticket.values
        elif not form_id or not one_step:  # a half-done long form: its start is gone
            await self._say(interaction, [Rendered(catalog.form_expired())], True)
            return
        who = await self._who(interaction)
        if who is None:
            await self._say(interaction, [Rendered(tr(catalog.DISCORD_NO_SHARED_GROUP))], True)
            return
        event = FormSubmission(who[0], who[1], form_id, dict(values), state,
                               self._channel(interaction))
        await self._answer(interaction, event, who[1], defer=True, ephemeral=True,
                           ticket=(ticket_id, ticket))

    # ---- answering -----------------------------------------------------------------------

    async def _answer(self, interaction: discord.Interaction[Any], event: Event, actor: Actor,
                      *, defer: bool, ephemeral: bool,
                      ticket: tuple[str, Ticket | None] | None = None) -> None:
        task = asyncio.ensure_future(self.app.handle(event))
        if defer:
            # The grace period counts from arrival: finding a DM's group took some of it.
            loop = asyncio.get_running_loop()
            spent = loop.time() - self._received.get(interaction.id, loop.time())
            done, _ = await asyncio.wait({task}, timeout=max(0.0, self.defer_after - spent))
            if not done:
                if interaction.type is _T.component:
                    await interaction.response.defer()
                else:
                    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        reply = await task
        if ticket is not None and not reply.field_errors:
            self.desk.close(ticket[0])
        ephemeral = ephemeral and not reply.public
        if reply.form is not None and self._may_open_modal(interaction):
            ticket_id = self.desk.open(reply.form, actor.user_id)
            found = self.desk.get(ticket_id, actor.user_id)
            assert found is not None
            await interaction.response.send_modal(self.desk.modal(ticket_id, found, 0))
            reply = Reply(messages=reply.messages, update=reply.update, public=reply.public)
        links = await self._links(event.group_id)
        with speaking(reply.language):
            outputs = self._outputs(reply, actor, ticket, links)
            if reply.update is not None:
                if interaction.type is _T.component and interaction.message is not None:
                    await self._update(interaction, render(reply.update, links=links)[0])
                else:
                    outputs = render(reply.update, links=links) + outputs
            await self._say(interaction, outputs, ephemeral)

    async def _links(self, group_id: str) -> Callable[[str], str]:
        """How channel references show in answers to this group (links where the
        server's channels are known; a failed look-up only costs the links)."""
        try:
            return channel_links(await self.servers.get(group_id))
        except discord.HTTPException:
            return channel_links(None)

    def _may_open_modal(self, interaction: discord.Interaction[Any]) -> bool:
        return (not interaction.response.is_done()
                and interaction.type is not _T.modal_submit)

    def _outputs(self, reply: Reply, actor: Actor, ticket: tuple[str, Ticket | None] | None,
                 links: Callable[[str], str]) -> list[Rendered]:
        outputs: list[Rendered] = []
        if reply.field_errors:
            text = catalog.form_has_problems(list(reply.field_errors.values()))
            if ticket is not None and ticket[1] is not None:
                outputs.append(_own_button(text, catalog.DISCORD_TRY_AGAIN,
                                           customid.retry(ticket[0])))
            else:
                outputs.append(Rendered(text))
        for message in reply.messages:
            outputs += render(message, links=links)
        if reply.form is not None:
            outputs.append(self._form_button(reply.form, actor))
        return outputs

    def _form_button(self, form: Form, actor: Actor) -> Rendered:
        ticket = self.desk.open(form, actor.user_id)
        with speaking(form.language):
            return _own_button(catalog.DISCORD_FORM_READY, catalog.DISCORD_OPEN_FORM,
                               customid.next_step(ticket, 0))

    async def _update(self, interaction: discord.Interaction[Any], rendered: Rendered) -> None:
        kwargs: dict[str, Any] = {"content": rendered.content, "view": rendered.view,
                                  "allowed_mentions": rendered.allowed_mentions}
        if rendered.files:
            kwargs["attachments"] = rendered.files
        if interaction.response.is_done():
            await interaction.edit_original_response(**kwargs)
        else:
            await interaction.response.edit_message(**kwargs)
        _release(rendered)

    async def _say(self, interaction: discord.Interaction[Any], outputs: list[Rendered],
                   ephemeral: bool) -> None:
        if not outputs:
            if interaction.response.is_done():
                deferred = discord.InteractionResponseType.deferred_channel_message
                if interaction.response.type is deferred:
                    outputs = [Rendered(tr(catalog.DISCORD_DONE))]
                else:
                    return
            elif interaction.type is _T.component:
                await interaction.response.defer()
                return
            else:
                outputs = [Rendered(tr(catalog.DISCORD_DONE))]
        for rendered in outputs:
            if interaction.response.is_done():
                await interaction.followup.send(ephemeral=ephemeral, **rendered.kwargs())
            else:
                await interaction.response.send_message(ephemeral=ephemeral,
                                                        **rendered.kwargs())
            _release(rendered)


_ANSWERABLE = (_T.application_command, _T.component, _T.modal_submit)


def unreadable(interaction: discord.Interaction[Any]) -> str:
    """Why an interaction's payload cannot be read ("" when it can): an unknown kind,
    nobody who acted, or data not in the shape Discord documents for its kind. Checked
    before anything reads it, so the rest of the adapter sees only well-formed data."""
    if interaction.type not in (*_ANSWERABLE, _T.autocomplete):
        return "unknown_type"
    if not isinstance(getattr(interaction, "user", None), discord.User | discord.Member):
        return "no_user"
    data = interaction.data
    if not isinstance(data, dict):
        return "no_data"
    if interaction.type in (_T.application_command, _T.autocomplete):
        if not isinstance(data.get("name"), str):
            return "no_name"
        if not _options_ok(data.get("options")):
            return "bad_options"
        if data.get("type") == 3 and not isinstance(data.get("resolved") or {}, dict):
            return "bad_resolved"
        return ""
    if not isinstance(data.get("custom_id"), str):
        return "no_custom_id"
    if interaction.type is _T.component:
        values = data.get("values", [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return "bad_values"
        return ""
    if not _rows_ok(data.get("components")):
        return "bad_components"
    return ""


def _options_ok(options: Any, depth: int = 0) -> bool:
    if options is None:
        return True
    if not isinstance(options, list) or depth > 2:
        return False
    return all(isinstance(o, dict) and isinstance(o.get("name"), str)
               and _options_ok(o.get("options"), depth + 1) for o in options)


def _rows_ok(rows: Any) -> bool:
    if not isinstance(rows, list):
        return False
    for row in rows:
        if not isinstance(row, dict):
            return False
        children = row.get("components", [])
        child = row.get("component")
        if not isinstance(children, list) or not all(isinstance(c, dict) for c in children):
            return False
        if child is not None and not isinstance(child, dict):
            return False
    return True


def _own_button(text: str, label: str, custom_id: str) -> Rendered:
    """A private message with one button of the adapter's own (its words put into the
    language in force)."""
    text, label = tr(text), tr(label)
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label=label, style=discord.ButtonStyle.primary,
                                    custom_id=custom_id))
    return Rendered(text, view=view)


def _release(rendered: Rendered) -> None:
    """Presses are read from the custom id, so discord.py need not keep the view."""
    if rendered.view is not None:
        rendered.view.stop()

