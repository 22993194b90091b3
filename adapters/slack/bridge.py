"""Slack interactions in, the core's events out, and its replies back to Slack.

One method per kind of interaction (slash command, modal submission, block action,
message shortcut, App Home, direct message). Each acknowledges Slack within its
3-second limit: work that finishes within `ack_budget` seconds answers in the
acknowledgement itself (so field errors show inline on a modal), and anything slower is
acknowledged first and answered afterwards through `response_url`, a modal update, or a
direct message. None of those answers can carry a file, so a reply's files are shared
first (`_files_out`): in its channel if it is public, else by direct message to the
person, with a note in the reply saying so. No business rule lives here: the core
decides; this only translates.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from typing import TypeVar

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import home_view
from adapters.slack.blocks import message_payload
from adapters.slack.blocks import read_action
from adapters.slack.commands import NativeNames
from adapters.slack.commands import command_line
from adapters.slack.errors import translate
from adapters.slack.files import file_names
from adapters.slack.modals import field_errors
from adapters.slack.modals import form_view
from adapters.slack.modals import notice_view
from adapters.slack.modals import read_submission
from adapters.slack.mrkdwn import from_slack
from adapters.slack.people import Directory
from adapters.slack.sender import SlackSender
from bot import catalog
from bot.app import App
from bot.events import ButtonPress
from bot.events import DirectMessageReceived
from bot.events import Event
from bot.events import FormSubmission
from bot.events import MemberJoined
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.i18n import speaking
from bot.logs import log_event
from bot.messages import Form
from bot.messages import Message
from bot.messages import Reply

log = logging.getLogger(__name__)

T = TypeVar("T")
Ack = Callable[..., Awaitable[Any]]
Respond = Callable[..., Awaitable[Any]]

# Slack wants an acknowledgement within 3 s; keep a margin for the network.
ACK_BUDGET_SECONDS = 2.0


def dm_or_channel(channel_id: str | None) -> str | None:
    """The core's channel: None for the bot's direct messages (ids starting with D)."""
    if not channel_id or channel_id.startswith("D"):
        return None
    return channel_id


def group_of(context: Mapping[str, Any], body: Mapping[str, Any]) -> str:
    """The group id: the Slack workspace (team) id."""
    team = context.get("team_id") or body.get("team_id") or (body.get("team") or {}).get("id")
    return str(team or (body.get("user") or {}).get("team_id") or context.get("enterprise_id")
               or "")


def reply_payload(reply: Reply) -> dict[str, Any]:
    """A reply as a slash-command acknowledgement or response_url body."""
    messages = list(reply.messages)
    if reply.update is not None:
        messages.insert(0, reply.update)
    if not messages:
        return {}
    payload = message_payload(messages)
    payload["response_type"] = "in_channel" if reply.public else "ephemeral"
    return payload


class Bridge:
    """Translates between Bolt listeners and the core `App`."""

    def __init__(self, core: App, client: AsyncWebClient, directory: Directory, *,
                 ack_budget: float = ACK_BUDGET_SECONDS) -> None:
        self.core = core
        self.client = client
        self.directory = directory
        self.ack_budget = ack_budget
        self.names = NativeNames(core)
        self.sender = SlackSender(client, directory, self.names)
        self._tasks: set[asyncio.Task[Any]] = set()

    # ---- helpers -----------------------------------------------------------------------

    async def _handle(self, event: Event, conversation: str | None = None) -> Reply:
        channel = None if isinstance(event, DirectMessageReceived) else event.channel
        return await self._finish(await self.core.handle(event), event.actor.user_id,
                                  channel, conversation)

    async def _finish(self, reply: Reply, user: str, channel: str | None,
                      conversation: str | None = None) -> Reply:
        """The core's reply made ready for Slack: command names Slack keeps for itself
        rewritten, channel names made links, files shared (`_files_out`)."""
        reply = self.names.reply(reply)
        link = self.directory.link_channels
        reply = replace(reply, messages=tuple([await link(m) for m in reply.messages]),
                        update=None if reply.update is None else await link(reply.update))
        return await self._files_out(reply, user, channel, conversation)

    async def _files_out(self, reply: Reply, user: str, channel: str | None,
                         conversation: str | None = None) -> Reply:
        """Share the files of a reply now, since no answer to an interaction (an
        acknowledgement, a response_url, a modal) can carry one: a public reply's message
        with its files goes to its channel; a private one's to the person by direct
        message, leaving in the reply a note saying so. `conversation` is where the
        reply is posted anyway (a direct message to the bot): its files go there."""
        if not any(m.files for m in reply.messages):
            return reply
        kept: list[Message] = []
        for message in reply.messages:
            if not message.files:
                kept.append(message)
                continue
            where = conversation or (channel if reply.public else None)
            if where is not None:
                try:
                    await self.sender.post(where, message)
                    continue
                except Exception as exc:
                    log_event(log, logging.WARNING, "slack.files_not_shared",
                              error=str(translate(exc)))
            names = file_names(message.files)
            try:
                dm = await self.directory.dm_channel(user)
                await self.sender.post(dm, replace(message, allow_role_mentions=()))
            except Exception as exc:
                log_event(log, logging.WARNING, "slack.files_not_sent",
                          error=str(translate(exc)))
                with speaking(message.language):
                    kept.append(Message(catalog.slack_files_not_sent(names)))
            else:
                with speaking(message.language):
                    kept.append(Message(catalog.slack_files_sent_by_dm(names)))
        return replace(reply, messages=tuple(kept))

    async def _handle_event(self, body: Mapping[str, Any], event: Event,
                            conversation: str | None = None) -> Reply | None:
        """An Events API event, handled once even if Slack sends it again."""
        event_id = body.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            return await self._handle(event, conversation)
        reply = await self.core.handle_once(f"slack-event:{event_id}", event)
        if reply is None:
            return None
        channel = None if isinstance(event, DirectMessageReceived) else event.channel
        return await self._finish(reply, event.actor.user_id, channel, conversation)

    def _spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _within_budget(self, task: asyncio.Task[T]) -> T | None:
        done, _ = await asyncio.wait({task}, timeout=self.ack_budget)
        return task.result() if task in done else None

    @property
    def busy(self) -> bool:
        """Whether answers are still being worked on after their acknowledgement."""
        return bool(self._tasks)

    async def settle(self, limit_seconds: float = 10.0) -> None:
        """Wait for answers still being worked on after their acknowledgement (tests)."""
        if self._tasks:
            async with asyncio.timeout(limit_seconds):
                await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _call(self, what: str, call: Awaitable[Any]) -> Any:
        """A Web API call whose failure is logged (by code, never text), not raised."""
        try:
            return await call
        except Exception as exc:
            log_event(log, logging.WARNING, "slack.call_failed", call=what,
                      error=str(translate(exc)))
            return None

    async def _respond(self, respond: Respond | None, what: str, **payload: Any) -> bool:
        if respond is None:
            return False
        try:
            response = await respond(**payload)
        except Exception as exc:
            log_event(log, logging.WARNING, "slack.respond_failed", call=what,
                      error=type(exc).__name__)
            return False
        status = getattr(response, "status_code", 200)
        if status != 200:
            log_event(log, logging.WARNING, "slack.respond_failed", call=what, status=status)
            return False
        return True

    async def _dm(self, user: str, messages: list[Message]) -> None:
        if not messages:
            return
        try:
            channel = await self.directory.dm_channel(user)
        except Exception as exc:
            log_event(log, logging.WARNING, "slack.dm_failed",
                      error=str(translate(exc)))
            return
        await self._call("chat.postMessage", self.client.chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False,
            **message_payload(messages)))

    async def _open_form(self, form: Form, trigger_id: str, channel: str | None,
                         respond: Respond | None, user: str, *, push: bool = False) -> None:
        view = form_view(form, channel)
        try:
            if push:
                await self.client.views_push(trigger_id=trigger_id, view=view)
            else:
                await self.client.views_open(trigger_id=trigger_id, view=view)
        except Exception as exc:
            log_event(log, logging.WARNING, "slack.form_not_opened", form=form.form_id,
                      error=str(translate(exc)))
            tell = [Message(catalog.SLACK_FORM_TOO_SLOW, language=form.language)]
            if not await self._respond(respond, "form_too_slow",
                                       **reply_payload(Reply(messages=tuple(tell)))):
                await self._dm(user, tell)

    async def _answer_later(self, reply: Reply, *, user: str, channel: str | None,
                            trigger_id: str, respond: Respond | None) -> None:
        """Answer after the acknowledgement: open the form, or send the messages."""
        if reply.form is not None:
            await self._open_form(reply.form, trigger_id, channel, respond, user)
        messages = [*((reply.update,) if reply.update else ()), *reply.messages]
        if not messages and reply.field_errors:  # too late to show them on the form
            messages = [Message("\n".join(reply.field_errors.values()))]
        if not messages:
            return
        payload = reply_payload(Reply(messages=tuple(messages), public=reply.public))
        if not await self._respond(respond, "answer", **payload):
            await self._dm(user, messages)

    # ---- slash commands -----------------------------------------------------------------

    async def on_command(self, ack: Ack, body: dict[str, Any], respond: Respond | None,
                         context: Mapping[str, Any]) -> None:
        """A slash command: run it, answer in the ack if quick, else through response_url."""
        group = group_of(context, body)
        user = str(body.get("user_id", ""))
        channel = dm_or_channel(body.get("channel_id"))
        line = command_line(self.core, str(body.get("command", "")), str(body.get("text", "")))

        async def work() -> Reply:
            actor = await self.directory.actor(user, str(body.get("user_name", "")))
            reply = await self.core.handle_text(group, actor, line, channel)
            return await self._finish(reply, user, channel)

        task = self._spawn(work())
        reply = await self._within_budget(task)
        if reply is not None and reply.form is None:
            await ack(**reply_payload(reply))
            return
        await ack()
        reply = reply if reply is not None else await task
        await self._answer_later(reply, user=user, channel=channel,
                                 trigger_id=str(body.get("trigger_id", "")), respond=respond)

    # ---- modals -------------------------------------------------------------------------

    async def on_view_submission(self, ack: Ack, body: dict[str, Any],
                                 context: Mapping[str, Any]) -> None:
        """A modal sent: field errors inline, else close it (or show the reply in it)."""
        view: dict[str, Any] = body.get("view") or {}
        group = group_of(context, body)
        user = str((body.get("user") or {}).get("id", ""))
        modal, values = read_submission(view)

        async def work() -> Reply:
            actor = await self.directory.actor(user, str((body.get("user") or {}).get(
                "name", "")))
            return await self._handle(FormSubmission(
                group, actor, modal.form_id, values, modal.state, modal.channel))

        task = self._spawn(work())
        reply = await self._within_budget(task)
        if reply is None:
            await ack()
            late = await task
            if late.public and modal.channel:
                await self._post(modal.channel, list(late.messages))
                late = Reply(form=late.form, field_errors=late.field_errors,
                             language=late.language)
            await self._answer_later(late, user=user, channel=modal.channel,
                                     trigger_id="", respond=None)
            return
        if reply.field_errors:
            inline, rest = field_errors(view, reply.field_errors)
            if inline:
                await ack(response_action="errors", errors=inline)
                return
            with speaking(reply.language):
                reply = Reply(messages=tuple(Message(t) for t in rest))
        if reply.form is not None:
            await ack(response_action="update", view=form_view(reply.form, modal.channel))
            return
        messages = [*((reply.update,) if reply.update else ()), *reply.messages]
        if reply.public and modal.channel:
            await ack()
            await self._post(modal.channel, messages)
        elif messages:
            await ack(response_action="update",
                      view=notice_view(catalog.SLACK_FORM_DONE_TITLE, messages))
        else:
            await ack()

    async def _post(self, channel: str, messages: list[Message]) -> None:
        if messages:
            await self._call("chat.postMessage", self.client.chat_postMessage(
                channel=channel, unfurl_links=False, unfurl_media=False,
                **message_payload(messages)))

    # ---- buttons and select menus -------------------------------------------------------

    async def on_action(self, ack: Ack, body: dict[str, Any], action: dict[str, Any],
                        respond: Respond | None, context: Mapping[str, Any]) -> None:
        """A button pressed or a choice picked, in a message, a modal or App Home."""
        await ack()
        core_action, value, values = read_action(action)
        group = group_of(context, body)
        user_info: dict[str, Any] = body.get("user") or {}
        user = str(user_info.get("id", ""))
        view: dict[str, Any] = body.get("view") or {}
        where = view.get("type")
        channel_id = str((body.get("channel") or {}).get("id", "")) or None
        container: dict[str, Any] = body.get("container") or {}
        ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")
        actor = await self.directory.actor(user, str(user_info.get("name", "")))
        reply = await self._handle(ButtonPress(
            group, actor, core_action, value, values, channel=dm_or_channel(channel_id),
            message_ref=f"{channel_id}:{ts}" if channel_id and ts else ""))
        trigger_id = str(body.get("trigger_id", ""))
        if reply.form is not None:
            await self._open_form(reply.form, trigger_id, dm_or_channel(channel_id),
                                  respond, user, push=where == "modal")
        if where == "home":
            await self._dm(user, [*((reply.update,) if reply.update else ()),
                                  *reply.messages])
            await self.publish_home(group, user, user_info.get("name", ""))
            return
        if reply.update is not None:
            update = message_payload([reply.update])
            replaced = await self._respond(respond, "update", replace_original=True, **update)
            if not replaced and channel_id and ts:
                await self._call("chat.update", self.client.chat_update(
                        channel=channel_id, ts=ts, **update))
        if not reply.messages:
            return
        if reply.public and channel_id:
            await self._post(channel_id, list(reply.messages))
            return
        quiet = reply_payload(Reply(messages=reply.messages))
        if not await self._respond(respond, "answer", replace_original=False, **quiet):
            await self._dm(user, list(reply.messages))

    # ---- message shortcut ---------------------------------------------------------------

    async def on_shortcut(self, ack: Ack, body: dict[str, Any], respond: Respond | None,
                          context: Mapping[str, Any]) -> None:
        """A message shortcut ("Raise a concern about this message")."""
        await ack()
        if body.get("type") != "message_action":
            return
        group = group_of(context, body)
        user_info: dict[str, Any] = body.get("user") or {}
        user = str(user_info.get("id", ""))
        channel_id = str((body.get("channel") or {}).get("id", ""))
        message: dict[str, Any] = body.get("message") or {}
        ts = str(message.get("ts") or body.get("message_ts") or "")
        link = await self._call("chat.getPermalink", self.client.chat_getPermalink(
            channel=channel_id, message_ts=ts)) if channel_id and ts else None
        quoted = QuotedMessage(
            text=from_slack(str(message.get("text", ""))),
            author_id=str(message.get("user") or message.get("bot_id") or ""),
            channel=channel_id,
            link=str(link.get("permalink", "")) if link is not None else "",
            message_id=ts)
        actor = await self.directory.actor(user, str(user_info.get("name", "")))
        reply = await self._handle(MessageShortcut(
            group, actor, str(body.get("callback_id", "")), quoted,
            channel=dm_or_channel(channel_id)))
        await self._answer_later(reply, user=user, channel=dm_or_channel(channel_id),
                                 trigger_id=str(body.get("trigger_id", "")), respond=respond)

    # ---- App Home and direct messages ---------------------------------------------------

    async def publish_home(self, group: str, user: str, name: str = "") -> None:
        """Show a member their own page (App Home): their settings, with buttons."""
        actor = await self.directory.actor(user, name)
        sections = [await self.directory.link_channels(self.names.message(m))
                    for m in await self.core.home(group, actor)]
        await self._call("views.publish", self.client.views_publish(
            user_id=user, view=home_view(sections)))

    async def on_home_opened(self, event: dict[str, Any], context: Mapping[str, Any],
                             body: dict[str, Any]) -> None:
        """The member opened the bot's Home tab."""
        if event.get("tab", "home") != "home":
            return
        await self.publish_home(group_of(context, body), str(event.get("user", "")))

    async def on_team_join(self, event: dict[str, Any], context: Mapping[str, Any],
                           body: dict[str, Any]) -> None:
        """Someone joined the workspace: the core welcomes them (bots and apps are not
        welcomed). `member_joined_channel` is not used: joining each channel would
        welcome the same person again and again."""
        user = event.get("user") or {}
        if not isinstance(user, dict) or not user.get("id") or user.get("is_bot"):
            return
        profile = user.get("profile") or {}
        name = str(profile.get("display_name") or profile.get("real_name")
                   or user.get("real_name") or user.get("name") or "")
        actor = await self.directory.actor(str(user["id"]), name)
        await self._handle_event(body, MemberJoined(group_of(context, body), actor))

    async def on_message(self, event: dict[str, Any], context: Mapping[str, Any],
                         body: dict[str, Any]) -> None:
        """A direct message to the bot (not an edit, not from a bot)."""
        if (event.get("channel_type") != "im" or event.get("subtype")
                or event.get("bot_id")):
            return
        user = str(event.get("user", ""))
        actor = await self.directory.actor(user)
        channel = str(event.get("channel", ""))
        reply = await self._handle_event(body, DirectMessageReceived(
            group_of(context, body), actor, from_slack(str(event.get("text", "")))),
            conversation=channel or None)
        if reply is None:
            return
        messages = [*((reply.update,) if reply.update else ()), *reply.messages]
        if messages and channel:
            await self._post(channel, messages)
