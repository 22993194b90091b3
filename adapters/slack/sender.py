"""The outbound half of the Slack adapter: the delivery dispatcher's `send`.

Channel messages go through `chat.postMessage`, direct messages through
`conversations.open` then `chat.postMessage`, private replies through
`chat.postEphemeral`. Images and files are uploaded first (`files_upload_v2`: an upload
URL, the bytes, then the share), so that a retry after a failed upload never repeats
the words; a message of words and files only is one share, the words as its comment
(its reference is then `CHANNEL:FILE_ID`). A private reply cannot carry a file on
Slack: the message and its files go to the person by direct message, and the private
reply says so. Every failure is raised as the core's typed error
(`adapters.slack.errors.translate`).

Slack has no idempotency key, so a send is never abandoned half-way: when Slack is slow
to answer, the dispatcher is told "transient" after `wait_seconds`, but the request goes
on (up to the Web API client's own, longer, timeout), and the retry of that delivery
takes its outcome instead of posting again. Only a request Slack never answers at all
can still end in a second post.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import FALLBACK_LIMIT
from adapters.slack.blocks import message_payload
from adapters.slack.blocks import sections
from adapters.slack.commands import NativeNames
from adapters.slack.errors import translate
from adapters.slack.files import file_names
from adapters.slack.files import share_files
from adapters.slack.people import Directory
from bot import catalog
from bot.errors import DeliveryError
from bot.errors import Transient
from bot.i18n import speaking
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Message

# How long a send is waited for before the dispatcher hears "transient" (the request
# itself goes on, up to the Web API client's timeout).
WAIT_SECONDS = 15.0
# Sends still in hand (or finished, not yet collected) kept at most this long.
KEEP_SECONDS = 3600.0


@dataclass
class _InHand:
    """A send the dispatcher stopped waiting for: the request, still going or done."""

    destination: Destination
    task: asyncio.Task[str]
    since: float


class SlackSender:
    """Sends neutral messages to Slack; returns `CHANNEL:TS` as the message reference."""

    def __init__(self, client: AsyncWebClient, directory: Directory,
                 names: NativeNames | None = None, *,
                 wait_seconds: float = WAIT_SECONDS) -> None:
        self.client = client
        self.directory = directory
        self.names = names
        self.wait_seconds = wait_seconds
        self._in_hand: dict[str, _InHand] = {}

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        """Send one delivery (see `bot.ports.Sender`); a retry of a delivery whose
        earlier send is still in hand takes that send's outcome."""
        earlier = self._in_hand.pop(key, None)
        if earlier is not None and earlier.destination == destination and not (
                earlier.task.done() and (earlier.task.cancelled()
                                         or earlier.task.exception() is not None)):
            task = earlier.task
        else:
            task = asyncio.ensure_future(self._send_translated(destination, message))
            task.add_done_callback(_retrieve)
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.wait_seconds)
        except TimeoutError:
            self._keep(key, _InHand(destination, task, time.monotonic()))
            raise Transient(f"slack slower than {self.wait_seconds:g}s; still in hand"
                            ) from None

    def _keep(self, key: str, in_hand: _InHand) -> None:
        now = time.monotonic()
        for old in [k for k, v in self._in_hand.items() if now - v.since > KEEP_SECONDS]:
            self._in_hand.pop(old).task.cancel()
        self._in_hand[key] = in_hand

    async def _send_translated(self, destination: Destination, message: Message) -> str:
        try:
            return await self._send(destination, message)
        except DeliveryError:
            raise
        except Exception as exc:
            raise translate(exc) from None

    async def _send(self, destination: Destination, message: Message) -> str:
        if destination.kind is DestinationKind.DM:
            channel = await self.directory.dm_channel(destination.user)
        elif destination.kind is DestinationKind.GROUP_DM:
            # A multi-person DM: conversations.open with every member's id, comma-separated.
            opened = await self.client.conversations_open(users=destination.user)
            channel = str((opened.get("channel") or {}).get("id", ""))
        else:
            channel = await self.directory.channel_id(destination.channel)
        if self.names is not None:
            message = self.names.message(message)
        message = await self.directory.link_channels(message)
        if destination.kind is DestinationKind.EPHEMERAL:
            return await self._send_ephemeral(channel, destination.user, message)
        return await self.post(channel, message)

    async def post(self, channel: str, message: Message) -> str:
        """A message in a conversation (by id). Images and files are shared before the words, so
        a retry after a failed upload never repeats them; a message of words and files
        only is one message, the words shown above the files."""
        files = message.files
        payload = message_payload([message])
        await self._add_mentions(payload, message)
        if files and not message.buttons and message.select is None and not message.images \
                and len(payload["text"]) < FALLBACK_LIMIT:
            file_id = await share_files(self.client, channel, files, payload["text"])
            return f"{channel}:{file_id}"
        for image in message.images:
            await self.client.files_upload_v2(
                channel=channel, content=image.data, filename=image.filename,
                alt_txt=image.alt_text[:1000])
        if files:
            await share_files(self.client, channel, files)
        response = await self.client.chat_postMessage(
            channel=channel, unfurl_links=False, unfurl_media=False, **payload)
        return f"{response.get('channel', channel)}:{response.get('ts', '')}"

    async def _send_ephemeral(self, channel: str, user: str, message: Message) -> str:
        """A private reply. A shared file is seen by everyone in the conversation, so the
        message with its files goes to the person by direct message, and the private
        reply says where it went."""
        if message.files:
            dm = await self.directory.dm_channel(user)
            await self.post(dm, replace(message, allow_role_mentions=()))
            with speaking(message.language):  # the stored message's reader's language
                message = Message(catalog.slack_files_sent_by_dm(file_names(message.files)))
        payload = message_payload([message])
        await self._add_mentions(payload, message)
        if message.images:
            # Files are shared with the whole channel: a private reply says what the
            # pictures show instead of posting them where others can see them.
            payload["blocks"].extend(_alt_text_blocks(message))
        response = await self.client.chat_postEphemeral(channel=channel, user=user, **payload)
        return f"{channel}:{response.get('message_ts', '')}"

    async def _add_mentions(self, payload: dict[str, Any], message: Message) -> None:
        """Ping the user groups a feature asked to ping (and only those)."""
        mentions = [m for m in [await self.directory.group_mention(name)
                                for name in message.allow_role_mentions] if m]
        if not mentions:
            return
        line = " ".join(mentions)
        payload["text"] = f"{line} {payload['text']}"
        payload["blocks"].insert(0, {"type": "section",
                                     "text": {"type": "mrkdwn", "text": line}})


def _retrieve(task: asyncio.Task[str]) -> None:
    """Mark a send's failure as seen (it is raised to whoever awaits it, if anyone)."""
    if not task.cancelled():
        with contextlib.suppress(Exception):
            task.exception()


def _alt_text_blocks(message: Message) -> list[dict[str, Any]]:
    with speaking(message.language):
        return [block for image in message.images
                for block in sections(catalog.slack_image_alt(image.alt_text))]
