"""A fake Discord on 127.0.0.1: enough of REST API v10 and Gateway v10 for the unmodified
discord.py client to log in, connect, resume, receive injected events and answer them.

Each gateway connection identifies with its shard [id, count]; guild events go to the
shard that holds the guild ((guild id >> 22) % count) and direct messages to shard 0, as
Discord sends them, so several clients splitting the shards can be tested.

Every REST request is recorded (method, path, JSON body; multipart uploads with their
files). List Guild Members answers in id pages (`limit`, `after`) only while the
application's Server Members Intent is on (`members_intent`), else 403 Missing Access,
as Discord does. Tests inject gateway events
(interactions, DMs), drop the socket, and make the next matching request fail with a
429, a 5xx or Discord's error 50007 ("Cannot send messages to this user"), or hold it
back until released. A post to a channel that is not there is answered 404 Unknown
Channel (10003), and one to a channel that takes no messages (a category or a forum)
400 code 50008 ("Cannot send messages in a non-text channel"). Message
nonces with `enforce_nonce` are honoured as Discord documents: a second message with the
same nonce from the same author in the same channel returns the first one. Discord's
global rate limit (50 requests per second per bot) is enforced only when a test or
benchmark asks for it (`enforce_global_limit`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import time
import zlib
from collections import deque
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from aiohttp import WSMsgType
from aiohttp import web

from tests.fakes.chaos import CLOSED_DM
from tests.fakes.chaos import RATE_LIMIT
from tests.fakes.chaos import SERVER_ERROR
from tests.fakes.chaos import TIMEOUT
from tests.fakes.chaos import Chaos
from tests.fakes.discord import payloads as p
from tests.fakes.local_server import LocalServer

HEARTBEAT_INTERVAL_MS = 41250
HOLD_SECONDS = 10.0  # a held request is answered after this long if not released
DISCORD_GLOBAL_LIMIT = 50  # requests per second per bot token, as Discord documents
# Interaction responses and follow-ups are not bound by the global limit on Discord.
GLOBAL_EXEMPT = ("/interactions/", "/webhooks/")
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
# Discord's channel types the fake's worlds use.
TEXT = 0
CATEGORY = 4
FORUM = 15
# Channel types that take no messages (category, forum): Discord answers 400 code 50008.
# (Voice channels do take them now: text chat in voice.)
NO_MESSAGES = (CATEGORY, FORUM)


@dataclass
class Recorded:
    """One REST request as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Attachment:
    """A file the bot attached to a message (multipart `files[n]`), with its bytes."""

    filename: str
    content: bytes
    description: str = ""
    content_type: str = ""


@dataclass
class Failure:
    """A queued failure for the next request matching `method` and `path` (a regex)."""

    method: str
    path: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Hold:
    """The next request matching `method` and `path` (a regex), held back unanswered:
    `arrived` is set when it comes, and it is answered once the test calls `release`."""

    method: str
    path: str
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        """Let the held request be answered."""
        self.released.set()


@dataclass
class Session:
    """A gateway session: its id, its shard [id, count], and every dispatched event, for
    RESUME."""

    session_id: str
    shard: tuple[int, int] = (0, 1)
    events: list[tuple[int, str, Any]] = field(default_factory=list)

    @property
    def seq(self) -> int:
        return self.events[-1][0] if self.events else 0


class _Socket:
    """One gateway connection, compressed as the client asked."""

    def __init__(self, ws: web.WebSocketResponse, zlib_stream: bool) -> None:
        self.ws = ws
        self._deflate = zlib.compressobj() if zlib_stream else None

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        if self._deflate is None:
            await self.ws.send_str(text)
        else:
            data = self._deflate.compress(text.encode()) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)


class FakeDiscord(LocalServer):
    """The fake platform: a world (one guild, members, channels), REST and a gateway."""

    API_PATH = "/api/v10"

    def __init__(self, *, guild_shard: tuple[int, int] | None = None) -> None:
        self.application_id = p.snowflake()
        self.bot_user = p.user(self.application_id, "coprod", bot=True)
        self.token = "fake-token"
        # The guild's id decides its shard: (id >> 22) % shard count, as Discord's is.
        self.guild_id = (p.snowflake() if guild_shard is None
                         else p.snowflake_on_shard(*guild_shard))
        self.recommended_shards = 1  # what GET /gateway/bot answers
        self.owner_id = p.snowflake()
        self.roles: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, Any]] = {}
        # Each member's client language, sent as every interaction's `locale` (by id).
        self.locales: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.requests: list[Recorded] = []
        self.failures: list[Failure] = []
        self.holds: list[Hold] = []
        self.dms_closed: set[str] = set()
        # The application's privileged Server Members Intent (Developer Portal): without
        # it, List Guild Members answers 403 Missing Access.
        self.members_intent = True
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.interactions: dict[str, dict[str, Any]] = {}
        self.callbacks: dict[str, dict[str, Any]] = {}
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.connections = 0
        self.heartbeats = 0
        self.compression: list[str] = []  # what each gateway connection asked for
        self._originals: dict[str, str] = {}  # interaction token -> message id
        self._nonces: dict[tuple[str, str], str] = {}
        self._dm_by_user: dict[str, str] = {}
        self._sessions: dict[int, Session] = {}  # shard id -> its session
        self._sockets: dict[int, _Socket] = {}  # shard id -> its identified connection
        self._open: set[_Socket] = set()  # every connection not yet closed
        self.global_limit = 0  # requests per second; 0: not enforced (the default)
        self.global_429s = 0  # requests answered with the global 429
        self.accepted_at: list[float] = []  # monotonic arrival of each request let through
        self._window: deque[float] = deque()
        self.chaos: Chaos | None = None
        self.role("@everyone", role_id=self.guild_id, position=0)
        for name in ("general", "updates", "leads"):
            self.channel(name)

    # ---- the world -------------------------------------------------------------------

    def role(self, name: str, permissions: int = 0, *, role_id: str | None = None,
             position: int = 1) -> str:
        """Add a role to the guild; returns its id."""
        rid = role_id or p.snowflake()
        self.roles[rid] = p.role(rid, name, permissions, position)
        return rid

    def channel(self, name: str, kind: int = TEXT) -> str:
        """Add a channel to the guild (a text channel unless `kind` says otherwise, e.g.
        CATEGORY, whose messages Discord refuses with 50008); returns its id."""
        cid = p.snowflake()
        self.channels[cid] = p.text_channel(cid, self.guild_id, name, kind)
        self.by_name[f"#{name}"] = cid
        return cid

    def delete_channel(self, name: str) -> str:
        """Delete a channel, telling no gateway (as when the delete event has not reached
        the bot yet, or went to another process's shard): from now on Discord answers
        404 Unknown Channel (10003) for it. Its name still gives its old id; returns it."""
        cid = self.by_name[f"#{name}"]
        del self.channels[cid]
        return cid

    def member(self, name: str, *role_names: str, admin: bool = False, nick: str = "",
               global_name: str = "") -> str:
        """Add a member to the guild (with roles by name, made if new; a server nickname
        and a global display name if given); returns the id."""
        uid = p.snowflake()
        self.users[uid] = p.user(uid, name)
        if global_name:
            self.users[uid]["global_name"] = global_name
        role_ids = []
        for role_name in role_names:
            found = [r for r, d in self.roles.items() if d["name"] == role_name]
            role_ids.append(found[0] if found else self.role(role_name))
        perms = ADMINISTRATOR | MANAGE_GUILD if admin else 0
        self.members[uid] = p.member(self.users[uid], role_ids, perms)
        if nick:
            self.members[uid]["nick"] = nick
        self.by_name[name] = uid
        return uid

    def guild_payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload of the world's guild."""
        return p.guild(self.guild_id, "Demo group", list(self.roles.values()),
                       list(self.channels.values()), self.owner_id)

    def dm_channel_of(self, user_id: str) -> str | None:
        """The id of the DM channel the bot opened with this user, if any."""
        return self._dm_by_user.get(user_id)

    def messages_in(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages in a channel, oldest first."""
        return [m for m in self.messages.values() if m["channel_id"] == channel_id]

    def public_posts(self, channel_name: str) -> list[dict[str, Any]]:
        """What the bot posted in a channel that everyone there can read (not ephemeral)."""
        return [m for m in self.messages_in(self.by_name[channel_name])
                if m["author"]["id"] == self.application_id and not m["flags"] & 64]

    @staticmethod
    def files_of(message: dict[str, Any]) -> list[Attachment]:
        """The files the bot attached to a message (name, description, bytes)."""
        files: list[Attachment] = message.get("_attachments") or []
        return files

    def dms_to(self, name: str) -> list[dict[str, Any]]:
        """Direct messages the bot sent to a member (by name)."""
        channel = self.dm_channel_of(self.by_name[name])
        return self.messages_in(channel) if channel else []

    def requested(self, method: str, path: str) -> int:
        """How many requests the bot made with this method to exactly this path."""
        return sum(1 for r in self.requests if r.method == method and r.path == path)

    # ---- failures on demand ----------------------------------------------------------

    def fail_next(self, method: str, path: str, status: int,
                  body: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
                  ) -> None:
        """Answer the next request matching method and path regex with this error."""
        self.failures.append(Failure(method, path, status, body or {
            "message": "fake failure", "code": 0}, headers or {}))

    def hold_next(self, method: str, path: str) -> Hold:
        """Hold back the next request matching method and path regex until the test
        releases it (at most HOLD_SECONDS), to make a request finish after later ones."""
        hold = Hold(method, path)
        self.holds.append(hold)
        return hold

    def rate_limit_next(self, method: str, path: str, retry_after: float) -> None:
        """Answer the next matching request with a documented 429."""
        self.fail_next(method, path, 429, {"message": "You are being rate limited.",
                                           "retry_after": retry_after, "global": False},
                       {"Retry-After": str(retry_after), "Via": "1.1 google",
                        "X-RateLimit-Scope": "user"})

    def enforce_global_limit(self, per_second: int = DISCORD_GLOBAL_LIMIT) -> None:
        """From now on, answer any REST request past `per_second` in the last second with
        Discord's global 429 (`"global": true`, `retry_after` in the body, `Retry-After`
        and `X-RateLimit-Global` headers). Interaction endpoints stay exempt, as on
        Discord; requests refused with a 429 do not count toward the limit."""
        self.global_limit = per_second
        self._window.clear()

    def _over_global_limit(self, path: str) -> web.Response | None:
        if not self.global_limit or path.startswith(GLOBAL_EXEMPT):
            return None
        now = time.monotonic()
        while self._window and self._window[0] <= now - 1.0:
            self._window.popleft()
        if len(self._window) < self.global_limit:
            self._window.append(now)
            self.accepted_at.append(now)
            return None
        self.global_429s += 1
        retry_after = max(0.001, self._window[0] + 1.0 - now)
        return _json({"message": "You are being rate limited.",
                      "retry_after": round(retry_after, 3), "global": True, "code": 0},
                     status=429,
                     headers={"Retry-After": str(math.ceil(retry_after)),
                              "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global",
                              "Via": "1.1 google"})

    # ---- life cycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        await self._listen([web.get("/gateway", self._gateway),
                            web.route("*", "/api/v10/{tail:.*}", self._rest)])

    async def stop(self) -> None:
        """Close sockets and stop listening."""
        await self._close([sock.ws for sock in self._open])

    @property
    def gateway_url(self) -> str:
        """What DISCORD_GATEWAY_URL should be."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def wait_for(self, check: Callable[[], Any], limit: float = 5.0,
                       what: str = "condition") -> Any:
        """Poll until `check()` is truthy (bounded); return its value."""
        try:
            async with asyncio.timeout(limit):
                while True:
                    value = check()
                    if value:
                        return value
                    await asyncio.sleep(0.01)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    # ---- gateway ---------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a client is on the gateway now (any shard)."""
        return any(not sock.ws.closed for sock in self._open)

    def shard_of(self, guild_id: str | None) -> int:
        """The shard Discord sends a guild's events on ((id >> 22) % shard count);
        events outside guilds (direct messages) go to shard 0, as Discord's do, and so
        does a malformed event whose guild id is no number (tests inject those)."""
        count = next(iter(self._sessions.values())).shard[1] if self._sessions else 1
        if not (guild_id and guild_id.isascii() and guild_id.isdigit()):
            return 0
        return (int(guild_id) >> 22) % count

    async def dispatch(self, event: str, data: Any, *, shard: int | None = None) -> None:
        """Send a DISPATCH event on the shard it belongs to (kept for RESUME if that
        shard's socket is down)."""
        if shard is None:
            guild = data.get("guild_id") if isinstance(data, dict) else None
            shard = self.shard_of(str(guild) if guild else None)
        session = self._sessions.get(shard)
        assert session is not None, f"no gateway session for shard {shard}"
        seq = session.seq + 1
        session.events.append((seq, event, data))
        sock = self._sockets.get(shard)
        if sock is not None and not sock.ws.closed:
            await sock.send({"op": 0, "s": seq, "t": event, "d": data})

    async def drop(self, code: int = 4000, *, forget_session: bool = False) -> None:
        """Close the client's sockets as Discord does on a server-side hiccup; with
        `forget_session`, their RESUME is refused (INVALID_SESSION) so they must IDENTIFY."""
        if forget_session:
            self._sessions.clear()
        for sock in list(self._open):
            await sock.ws.close(code=code)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.compression.append(request.query.get("compress", ""))
        sock = _Socket(ws, request.query.get("compress") == "zlib-stream")
        self._open.add(sock)
        self.connections += 1
        try:
            await self._serve(sock)
        finally:
            self._open.discard(sock)
        return ws

    async def _serve(self, sock: _Socket) -> None:
        ws = sock.ws
        await sock.send({"op": 10, "s": None, "t": None,
                         "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                self.heartbeats += 1
                await sock.send({"op": 11, "s": None, "t": None, "d": None})
            elif op == 2:
                if payload["d"].get("token") != self.token:
                    await ws.close(code=4004)  # Authentication failed
                    return
                shard = payload["d"].get("shard") or [0, 1]
                if not (isinstance(shard, list) and len(shard) == 2
                        and 0 <= shard[0] < shard[1]):
                    await ws.close(code=4010)  # Invalid shard
                    return
                await self._identify(sock, payload["d"], (int(shard[0]), int(shard[1])))
            elif op == 6:
                await self._resume(sock, payload["d"])

    async def _identify(self, sock: _Socket, data: dict[str, Any],
                        shard: tuple[int, int]) -> None:
        self.identifies.append(data)
        session = Session(p.snowflake(), shard)
        self._sessions[shard[0]] = session
        self._sockets[shard[0]] = sock
        mine = self.shard_of(self.guild_id) == shard[0]
        ready = {"v": 10, "user": self.bot_user,
                 "guilds": [{"id": self.guild_id, "unavailable": True}] if mine else [],
                 "session_id": session.session_id,
                 "resume_gateway_url": self.gateway_url,
                 "shard": list(shard),
                 "application": {"id": self.application_id, "flags": 0},
                 "private_channels": [], "relationships": []}
        await self.dispatch("READY", ready, shard=shard[0])
        if mine:
            await self.dispatch("GUILD_CREATE", self.guild_payload(), shard=shard[0])

    async def _resume(self, sock: _Socket, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        session = next((s for s in self._sessions.values()
                        if s.session_id == data.get("session_id")), None)
        if session is None:
            await sock.send({"op": 9, "s": None, "t": None, "d": False})
            return
        self._sockets[session.shard[0]] = sock
        for seq, event, body in session.events:
            if seq > int(data.get("seq") or 0):
                await sock.send({"op": 0, "s": seq, "t": event, "d": body})
        await self.dispatch("RESUMED", {}, shard=session.shard[0])

    # ---- events a test injects -------------------------------------------------------

    def _member_of(self, name: str) -> dict[str, Any]:
        return self.members[self.by_name[name]]

    async def interact(self, kind: int, who: str, data: dict[str, Any], *,
                       channel: str | None = "#general",
                       message_obj: dict[str, Any] | None = None) -> dict[str, Any]:
        """Inject an INTERACTION_CREATE from member `who` (channel None: in their DM)."""
        uid = self.by_name[who]
        locale = self.locales.get(uid, "en-GB")
        if channel is None:
            dm = self._open_dm(uid)
            payload = p.interaction(kind, data, application_id=self.application_id,
                                    guild_id=None, channel=self.channels[dm],
                                    user_obj=self.users[uid], message_obj=message_obj,
                                    locale=locale)
        else:
            payload = p.interaction(kind, data, application_id=self.application_id,
                                    guild_id=self.guild_id,
                                    channel=self.channels[self.by_name[channel]],
                                    member_obj=self._member_of(who), message_obj=message_obj,
                                    locale=locale)
        self.interactions[payload["id"]] = payload
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def slash(self, who: str, name: str, options: list[dict[str, Any]] | None = None,
                    channel: str | None = "#general") -> dict[str, Any]:
        """`who` runs a slash command (options in Discord's nested shape)."""
        cmd = self._registered(name, 1)
        return await self.interact(2, who, {"id": cmd["id"], "name": name, "type": 1,
                                            "options": options or []}, channel=channel)

    async def press(self, who: str, message_obj: dict[str, Any], custom_id: str,
                    values: list[str] | None = None) -> dict[str, Any]:
        """`who` presses a button (or picks `values` in a select) on a message."""
        data: dict[str, Any] = {"custom_id": custom_id,
                                "component_type": 2 if values is None else 3}
        if values is not None:
            data["values"] = values
        channel = next((n for n, c in self.by_name.items()
                        if c == message_obj["channel_id"] and n.startswith("#")), None)
        return await self.interact(3, who, data, channel=channel, message_obj=message_obj)

    async def submit(self, who: str, modal: dict[str, Any], values: dict[str, str],
                     channel: str | None = "#general") -> dict[str, Any]:
        """`who` submits a modal the bot opened, with text per input custom_id."""
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
                for key, value in values.items()]
        return await self.interact(5, who, {"custom_id": modal["custom_id"],
                                            "components": rows}, channel=channel)

    async def message_command(self, who: str, name: str, target: dict[str, Any],
                              channel: str = "#general") -> dict[str, Any]:
        """`who` picks the message context menu `name` on message `target`."""
        cmd = self._registered(name, 3)
        return await self.interact(2, who, {
            "id": cmd["id"], "name": name, "type": 3, "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}}}, channel=channel)

    async def user_dm(self, who: str, content: str) -> dict[str, Any]:
        """`who` writes a direct message to the bot (MESSAGE_CREATE in their DM)."""
        uid = self.by_name[who]
        channel = self._open_dm(uid)
        msg = p.message(p.snowflake(), channel, self.users[uid], content)
        self.messages[msg["id"]] = msg
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    async def join(self, name: str, *role_names: str) -> str:
        """A new member joins the guild (GUILD_MEMBER_ADD, sent by Discord only to bots
        with the members intent); returns their id."""
        uid = self.member(name, *role_names)
        await self.dispatch("GUILD_MEMBER_ADD", {**self.members[uid], "guild_id": self.guild_id})
        return uid

    def post(self, name: str, content: str, channel: str = "#general") -> dict[str, Any]:
        """A message `name` wrote in a channel (to point a context menu at)."""
        msg = p.message(p.snowflake(), self.by_name[channel], self.users[self.by_name[name]],
                        content, guild_id=self.guild_id)
        self.messages[msg["id"]] = msg
        return msg

    def _registered(self, name: str, kind: int) -> dict[str, Any]:
        for cmds in self.commands.values():
            for cmd in cmds:
                if cmd["name"] == name and cmd.get("type", 1) == kind:
                    return cmd
        raise AssertionError(f"command {name!r} was not registered")

    def response_to(self, interaction: dict[str, Any]) -> dict[str, Any] | None:
        """The callback the bot posted for this interaction, if any yet."""
        return self.callbacks.get(interaction["id"])

    async def wait_response(self, interaction: dict[str, Any], limit: float = 5.0,
                            ) -> dict[str, Any]:
        """Wait (bounded) for the bot's first response to an interaction."""
        result: dict[str, Any] = await self.wait_for(
            lambda: self.response_to(interaction), limit, "an interaction response")
        return result

    def followups(self, interaction: dict[str, Any]) -> list[dict[str, Any]]:
        """Messages created through the interaction's webhook (follow-ups)."""
        return [m for m in self.messages.values()
                if m.get("_token") == interaction["token"]]

    # ---- REST ------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            body = await _multipart(request)
        self.requests.append(Recorded(request.method, path, dict(request.query), body))
        if request.method == "GET":  # a GET's handler reads its query string
            body = dict(request.query)
        if request.headers.get("Authorization") != f"Bot {self.token}" and not (
                path.startswith(("/interactions/", "/webhooks/"))):
            return _error(401, 0, "401: Unauthorized")
        limited = self._over_global_limit(path)
        if limited is not None:
            return limited
        for hold in self.holds:
            if hold.method == request.method and re.fullmatch(hold.path, path):
                self.holds.remove(hold)
                hold.arrived.set()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(HOLD_SECONDS):
                        await hold.released.wait()
                break
        for failure in self.failures:
            if failure.method == request.method and re.fullmatch(failure.path, path):
                self.failures.remove(failure)
                return _json(failure.body, status=failure.status,
                                         headers=failure.headers)
        if self.chaos is not None:
            trouble = await self._chaos(self.chaos, request.method, path, body)
            if trouble is not None:
                return trouble
        return await self._route(request.method, path, body)

    async def _chaos(self, chaos: Chaos, method: str, path: str, body: Any,
                     ) -> web.Response | None:
        """Trouble for a call that creates a message or opens a DM, as `chaos` decides.

        A message whose nonce this channel has already seen is a replay: Discord answers
        it with the first message whatever else is going on, so it is never troubled."""
        if method != "POST":
            return None
        posted = re.fullmatch(r"/channels/(\d+)/messages", path)
        if posted is None and path != "/users/@me/channels":
            return None
        channel = self.channels.get(posted.group(1)) if posted else None
        dm = channel is not None and channel["type"] == 1
        if posted is not None and isinstance(body, dict) and body.get("nonce") is not None \
                and (posted.group(1), str(body["nonce"])) in self._nonces:
            return None
        kind = chaos.roll(dm=dm)
        if kind == RATE_LIMIT:
            return _json({"message": "You are being rate limited.",
                          "retry_after": chaos.retry_after, "global": False}, status=429,
                         headers={"Retry-After": str(chaos.retry_after),
                                  "X-RateLimit-Scope": "user"})
        if kind == SERVER_ERROR:
            status = chaos.pick([500, 502, 503])
            trouble = _error(status, 0, f"{status}: fake trouble")
            trouble.headers.update(_bucket_headers(method, path))
            return trouble
        if kind == CLOSED_DM and channel is not None:
            self.dms_closed.add(channel["recipients"][0]["id"])
        if kind == TIMEOUT:
            return await chaos.late(lambda: self._route(method, path, body))
        return None

    async def _route(self, method: str, path: str, body: Any) -> web.Response:
        for method_, pattern, handler in self._routes():
            match = re.fullmatch(pattern, path)
            if match and method_ == method:
                response = await handler(body, *match.groups())
                # Generous, as Discord documents them, and on an error answer too (as
                # Discord sends them): discord.py sends one request at a time in a
                # bucket it knows nothing about.
                response.headers.update(_bucket_headers(method, path))
                return response
        return _error(404, 0, f"fake Discord has no route {method} {path}")

    def _routes(self) -> list[tuple[str, str, Callable[..., Awaitable[web.Response]]]]:
        return [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._app_info),
            ("GET", r"/gateway(?:/bot)?", self._gateway_info),
            ("PUT", r"/applications/(\d+)/commands", self._put_global),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._put_guild),
            ("POST", r"/users/@me/channels", self._create_dm),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit_message),
            ("GET", r"/guilds/(\d+)/members/(\d+)", self._get_member),
            ("GET", r"/guilds/(\d+)/members", self._list_members),
            ("GET", r"/guilds/(\d+)", self._get_guild),
            ("GET", r"/guilds/(\d+)/channels", self._get_channels),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
        ]

    async def _me(self, body: Any) -> web.Response:
        return _json(self.bot_user)

    async def _app_info(self, body: Any) -> web.Response:
        return _json({
            "id": self.application_id, "name": "coprod", "description": "", "icon": None,
            "bot_public": False, "bot_require_code_grant": False,
            "owner": p.user(self.owner_id, "owner"), "verify_key": "00", "flags": 0,
            "team": None})

    async def _gateway_info(self, body: Any) -> web.Response:
        return _json({"url": self.gateway_url, "shards": self.recommended_shards,
                                  "session_start_limit": {"total": 1000, "remaining": 999,
                                                          "reset_after": 0,
                                                          "max_concurrency": 1}})

    def _store_commands(self, scope: str, body: list[dict[str, Any]]) -> web.Response:
        out = []
        for cmd in body:
            out.append({**cmd, "id": p.snowflake(), "application_id": self.application_id,
                        "version": p.snowflake(), "type": cmd.get("type", 1)})
        self.commands[scope] = out
        return _json(out)

    async def _put_global(self, body: Any, app_id: str) -> web.Response:
        return self._store_commands("global", body)

    async def _put_guild(self, body: Any, app_id: str, guild_id: str) -> web.Response:
        return self._store_commands(guild_id, body)

    def _open_dm(self, user_id: str) -> str:
        if user_id not in self._dm_by_user:
            cid = p.snowflake()
            self.channels[cid] = p.dm_channel(cid, self.users[user_id])
            self._dm_by_user[user_id] = cid
        return self._dm_by_user[user_id]

    async def _create_dm(self, body: Any) -> web.Response:
        uid = str(body["recipient_id"])
        if uid not in self.users:
            return _error(400, 50033, "Invalid Recipient(s)")
        return _json(self.channels[self._open_dm(uid)])

    async def _create_message(self, body: Any, channel_id: str) -> web.Response:
        channel = self.channels.get(channel_id)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            seen = self._nonces.get((channel_id, str(nonce)))
            if seen is not None:
                return _json(_public(self.messages[seen]))
        if channel["type"] == 1 and channel["recipients"][0]["id"] in self.dms_closed:
            return _error(403, 50007, "Cannot send messages to this user")
        if channel["type"] in NO_MESSAGES:
            return _error(400, 50008, "Cannot send messages in a non-text channel")
        msg = self._new_message(channel_id, body, nonce=nonce)
        if nonce is not None:
            self._nonces[(channel_id, str(nonce))] = msg["id"]
        return _json(_public(msg))

    def _new_message(self, channel_id: str, body: dict[str, Any], *,
                     nonce: str | None = None, token: str | None = None,
                     files: dict[int, Attachment] | None = None) -> dict[str, Any]:
        guild_id = self.channels.get(channel_id, {}).get("guild_id")
        msg = p.message(p.snowflake(), channel_id, self.bot_user, body.get("content") or "",
                        components=body.get("components"), guild_id=guild_id, nonce=nonce,
                        flags=int(body.get("flags") or 0))
        msg["_body"] = body
        uploads = files if files is not None else body.get("_files") or {}
        msg["attachments"], msg["_attachments"] = _attachments(body, uploads)
        if token is not None:
            msg["_token"] = token
        self.messages[msg["id"]] = msg
        return msg

    def _edit(self, message_id: str, body: dict[str, Any]) -> web.Response:
        msg = self.messages.get(message_id)
        if msg is None:
            return _error(404, 10008, "Unknown Message")
        if "content" in body:
            msg["content"] = body["content"] or ""
        if "components" in body:
            msg["components"] = body["components"]
        if "attachments" in body or body.get("_files"):
            kept = [a for a, f in zip(msg["attachments"], msg["_attachments"], strict=True)
                    if any(str(k.get("id")) == str(a["id"]) for k in body.get("attachments") or [])]
            kept_files = [f for a, f in zip(msg["attachments"], msg["_attachments"], strict=True)
                          if a in kept]
            added, added_files = _attachments(body, body.get("_files") or {})
            msg["attachments"] = kept + added
            msg["_attachments"] = kept_files + added_files
        msg.setdefault("_edits", []).append(body)
        return _json({k: v for k, v in msg.items() if not k.startswith("_")})

    async def _edit_message(self, body: Any, channel_id: str, message_id: str,
                            ) -> web.Response:
        return self._edit(message_id, body)

    async def _get_guild(self, body: Any, guild_id: str) -> web.Response:
        if guild_id != self.guild_id:
            return _error(404, 10004, "Unknown Guild")
        payload = self.guild_payload()
        for only_in_gateway in ("channels", "members", "threads", "presences",
                                "voice_states", "joined_at", "large", "member_count"):
            payload.pop(only_in_gateway, None)
        return _json(payload)

    async def _get_channels(self, body: Any, guild_id: str) -> web.Response:
        if guild_id != self.guild_id:
            return _error(404, 10004, "Unknown Guild")
        return _json([c for c in self.channels.values() if c.get("guild_id") == guild_id])

    async def _get_channel(self, body: Any, channel_id: str) -> web.Response:
        found = self.channels.get(channel_id)
        return _json(found) if found is not None else _error(404, 10003, "Unknown Channel")

    async def _get_member(self, body: Any, guild_id: str, user_id: str) -> web.Response:
        found = self.members.get(user_id)
        if guild_id != self.guild_id or found is None:
            return _error(404, 10007, "Unknown Member")
        return _json(found)

    async def _list_members(self, body: Any, guild_id: str) -> web.Response:
        """List Guild Members: `limit` (1-1000, default 1) members with ids above
        `after`, in id order; 403 Missing Access unless the application has the
        privileged Server Members Intent turned on (`members_intent`)."""
        if guild_id != self.guild_id:
            return _error(404, 10004, "Unknown Guild")
        if not self.members_intent:
            return _error(403, 50001, "Missing Access")
        query = body if isinstance(body, dict) else {}
        try:
            limit = int(query.get("limit", 1))
            after = int(query.get("after", 0))
        except ValueError:
            return _error(400, 50035, "Invalid Form Body")
        if not 1 <= limit <= 1000:
            return _error(400, 50035, "Invalid Form Body")
        page = sorted((m for uid, m in self.members.items() if int(uid) > after),
                      key=lambda m: int(m["user"]["id"]))[:limit]
        return _json(page)

    async def _callback(self, body: Any, interaction_id: str, token: str) -> web.Response:
        payload = self.interactions.get(interaction_id)
        if payload is None or payload["token"] != token:
            return _error(404, 10062, "Unknown interaction")
        if interaction_id in self.callbacks:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        self.callbacks[interaction_id] = body
        kind = body["type"]
        data = body.get("data") or {}
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            msg = self._new_message(self._channel_of(payload), data, token=token,
                                    files=body.get("_files") or {})
            self._originals[token] = msg["id"]
            resource["message"] = _public(msg)
        elif kind in (6, 7) and "message" in payload:
            self._originals[token] = payload["message"]["id"]
            if kind == 7:
                self._edit(payload["message"]["id"],
                           {**data, "_files": body.get("_files") or {}})
                resource["message"] = _public(self.messages[payload["message"]["id"]])
        return _json({"interaction": {"id": interaction_id,
                                                  "type": payload["type"]},
                                  "resource": resource})

    def _channel_of(self, payload: dict[str, Any]) -> str:
        """Where an interaction happened. Discord knows this whatever the gateway
        payload the bot was shown looked like, so a payload with its channel missing or
        mangled (the malformed-input tests send those) still gets its answer posted."""
        channel = payload.get("channel")
        if isinstance(channel, dict) and isinstance(channel.get("id"), str):
            return str(channel["id"])
        if isinstance(payload.get("channel_id"), str):
            return str(payload["channel_id"])
        return self.by_name["#general"]

    def _interaction_by_token(self, token: str) -> dict[str, Any] | None:
        return next((i for i in self.interactions.values() if i["token"] == token), None)

    async def _followup(self, body: Any, app_id: str, token: str) -> web.Response:
        payload = self._interaction_by_token(token)
        if payload is None:
            return _error(404, 10015, "Unknown Webhook")
        original = self._originals.get(token)
        callback = self.callbacks.get(payload["id"], {})
        if callback.get("type") == 5 and original and not self.messages[original].get(
                "_answered"):
            self.messages[original]["_answered"] = True
            return self._edit(original, body)
        return _json(_public(self._new_message(self._channel_of(payload), body,
                                                           token=token)))

    async def _edit_original(self, body: Any, app_id: str, token: str) -> web.Response:
        original = self._originals.get(token)
        if original is None:
            return _error(404, 10008, "Unknown Message")
        return self._edit(original, body)


async def _multipart(request: web.Request) -> dict[str, Any]:
    """A multipart/form-data body as Discord reads it: the JSON in `payload_json` and
    each upload in `files[n]`, kept (with its bytes) under `_files` by its index n."""
    form = await request.post()
    raw = form.get("payload_json")
    body: dict[str, Any] = json.loads(str(raw)) if raw is not None else {}
    files: dict[int, web.FileField] = {}
    for key, value in form.items():
        if key == "payload_json":
            continue
        match = re.fullmatch(r"files\[(\d+)\]", key)
        if match is None or not isinstance(value, web.FileField):
            raise web.HTTPBadRequest(text=f"fake Discord: unexpected form field {key}")
        files[int(match.group(1))] = value
    body["_files"] = {n: Attachment(f.filename, f.file.read(),
                                    content_type=f.content_type or "")
                      for n, f in files.items()}
    return body


def _attachments(body: dict[str, Any], uploads: dict[int, Attachment],
                 ) -> tuple[list[dict[str, Any]], list[Attachment]]:
    """Attachment objects and recorded files for new uploads: the payload's
    `attachments` entry whose `id` is n describes `files[n]` (its filename and
    description); an upload the payload does not describe is attached as it is."""
    described = {int(a["id"]): a for a in body.get("attachments") or []
                 if str(a.get("id", "")).isdigit() and int(a["id"]) in uploads}
    objects: list[dict[str, Any]] = []
    recorded: list[Attachment] = []
    for n, upload in sorted(uploads.items()):
        meta = described.get(n, {})
        name = str(meta.get("filename") or upload.filename)
        file = Attachment(name, upload.content, str(meta.get("description") or ""),
                          upload.content_type)
        aid = p.snowflake()
        objects.append({"id": aid, "filename": name, "description": file.description or None,
                        "content_type": file.content_type or None,
                        "size": len(file.content),
                        "url": f"https://cdn.fake.discord.test/attachments/{aid}/{name}",
                        "proxy_url": f"https://media.fake.discord.test/attachments/{aid}/{name}"})
        recorded.append(file)
    return objects, recorded


def _public(msg: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in msg.items() if not k.startswith("_")}


def _bucket_headers(method: str, path: str) -> dict[str, str]:
    """The rate-limit headers Discord sends with an answer: a generous bucket, one per
    route (ids left out; discord.py keys a bucket by the channel or server itself)."""
    route = re.sub(r"\d+", "id", path)
    return {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "999",
            "X-RateLimit-Reset-After": "0.01", "X-RateLimit-Bucket": f"fake-{method}-{route}"}


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status=status)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None,
          ) -> web.Response:
    """A JSON response with exactly `application/json`, as discord.py checks."""
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={**(headers or {}), "Content-Type": "application/json"})
