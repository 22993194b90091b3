"""A fake Slack on 127.0.0.1: the Web API methods the adapter calls, Socket Mode, and
`response_url` endpoints, for contract tests through the real slack-bolt and slack-sdk.

- Web API: `POST|GET /api/<method>` with Slack's `{"ok": ...}` bodies; every call is
  recorded (method, arguments, token). A test can queue failures per method: HTTP 429
  with Retry-After (`ratelimited`), a 5xx, or an `ok: false` error code.
- Socket Mode: `apps.connections.open` (app token only) returns `ws://.../socket`, which
  sends `hello`, takes envelopes a test injects (`send`), and records each ack.
- `response_url`s (`/respond/<n>`) record what the app answered there.
- File uploads as Slack has them since files.upload was retired: files.getUploadURLExternal
  (an upload URL on this server), the bytes POSTed there, files.completeUploadExternal
  sharing them in a channel; `shared` holds each shared file with its bytes.
- Several workspaces (teams) installing one app through OAuth v2: `/oauth/v2/authorize`
  is Slack's page asking the person signed in (to `signed_in_team`) to allow the app,
  whose "Allow" sends the browser back to the redirect URL with a one-use code and
  "Cancel" with `error=access_denied`; `oauth.v2.access` trades the code (and the app's
  client id and secret) for a bot token of that team. `auth.test` answers for the team
  of the token used, and `uninstall` revokes a team's tokens. The token given in
  `Secrets.slack_bot_token` (any token not issued here) belongs to `TEAM_ID`.
- `signed_post` plays Slack's HTTP mode: a request signed with the signing secret (or
  deliberately badly signed, or with an old timestamp). `signed_request` makes one
  without sending it and `post_signed` sends it, so a test can send the very same bytes
  and headers again, as someone replaying a request they saw would.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import itertools
import json
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.chaos import CLOSED_DM
from tests.fakes.chaos import RATE_LIMIT
from tests.fakes.chaos import SERVER_ERROR
from tests.fakes.chaos import TIMEOUT
from tests.fakes.chaos import Chaos
from tests.fakes.local_server import LocalServer

TEAM_ID = "T0TEST01"
BOT_USER = "U0BOT0001"
BOT_ID = "B0BOT0001"
APP_ID = "A0APP0001"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"


# The calls that chaos (when set) may trouble: those that send, and opening a DM.
CHAOS_METHODS = frozenset({"chat.postMessage", "conversations.open"})


@dataclass
class Call:
    """One Web API call the app made."""

    method: str
    args: dict[str, Any]
    token: str


@dataclass
class Failure:
    """A queued failure for a method (or, with `delay`, a stall before answering)."""

    status: int = 200
    error: str = ""
    retry_after: float | None = None
    delay: float = 0.0


@dataclass
class Upload:
    """A file on its way in: announced by files.getUploadURLExternal, its bytes POSTed
    to the upload URL, then shared (or not) by files.completeUploadExternal."""

    id: str
    filename: str
    length: int
    alt_txt: str = ""
    content: bytes | None = None


@dataclass
class SharedFile:
    """A file shared in a conversation: what a member would see and download."""

    id: str
    channel: str
    filename: str
    title: str
    content: bytes
    initial_comment: str
    alt_txt: str = ""


@dataclass
class FakeUser:
    """A member of the fake workspace."""

    id: str
    name: str
    is_admin: bool = False
    is_bot: bool = False
    deleted: bool = False
    # A handle, a display name and a full name of their own (default: from `name`).
    username: str = ""
    display_name: str = ""
    real_name: str = ""
    # The language of their Slack client, as users.info gives it with include_locale.
    locale: str = "en-US"


@dataclass
class FakeSlack(LocalServer):
    """The fake workspace and its servers. Use `async with FakeSlack() as slack:`."""

    API_PATH = "/api/"

    users: dict[str, FakeUser] = field(default_factory=dict)
    usergroups: list[dict[str, Any]] = field(default_factory=list)
    channels: dict[str, str] = field(default_factory=dict)  # name -> id
    calls: list[Call] = field(default_factory=list)
    responses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups_error: str = ""
    chaos: Chaos | None = None
    # Members whose direct messages are closed to the bot (chat.postMessage refuses).
    dms_closed: set[str] = field(default_factory=set)
    # Every message posted (chat.postMessage that succeeded): channel, ts, text, blocks.
    posted: list[dict[str, Any]] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    shared: list[SharedFile] = field(default_factory=list)
    # OAuth: the team whoever opens the authorize page is signed in to, team names, the
    # bot tokens issued (token -> team), and tokens revoked by an uninstall.
    signed_in_team: str = TEAM_ID
    team_names: dict[str, str] = field(default_factory=dict)
    issued: dict[str, str] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._failures: dict[str, deque[Failure]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._sockets: list[web.WebSocketResponse] = []
        self._ack_waiters: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._connected = asyncio.Event()
        self._changed = asyncio.Condition()
        self.triggers: set[str] = set()
        self._codes: dict[str, str] = {}
        self._token_now = ""

    # ---- life cycle --------------------------------------------------------------------

    async def __aenter__(self) -> FakeSlack:
        await self._listen([
            web.route("*", "/api/{method}", self._api),
            web.get("/socket", self._socket),
            web.post("/respond/{n}", self._respond),
            web.post("/upload/{file}", self._upload),
            web.get("/oauth/v2/authorize", self._authorize_page),
            web.get("/oauth/v2/authorize/answer", self._authorize_answer),
        ], access_log=None)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._close(list(self._sockets))

    # ---- test controls -------------------------------------------------------------------

    @property
    def authorize_url(self) -> str:
        """What `[slack] authorize_url` should be to reach this fake's authorize page."""
        return f"{self.url}/oauth/v2/authorize"

    def team_of(self, token: str) -> str:
        """The team a bot token belongs to."""
        return self.issued.get(token, TEAM_ID)

    def tokens_of(self, team: str) -> list[str]:
        """The bot tokens issued to a team through OAuth."""
        return [token for token, owner in self.issued.items() if owner == team]

    def uninstall(self, team: str) -> None:
        """The app is removed from a team: its tokens stop working."""
        self.revoked.update(self.tokens_of(team))

    def add_user(self, user_id: str, name: str, *, admin: bool = False) -> FakeUser:
        """A member of the workspace."""
        user = FakeUser(user_id, name, is_admin=admin)
        self.users[user_id] = user
        return user

    def fail_next(self, method: str, *, status: int = 200, error: str = "",
                  retry_after: float | None = None, times: int = 1) -> None:
        """Make the next calls of a method fail (429 + Retry-After, 5xx, or an error)."""
        queue = self._failures.setdefault(method, deque())
        for _ in range(times):
            queue.append(Failure(status, error, retry_after))

    def stall_next(self, method: str, seconds: float) -> None:
        """Make the next call of a method answer only after `seconds` (a timeout)."""
        self._failures.setdefault(method, deque()).append(Failure(delay=seconds))

    def calls_to(self, method: str) -> list[Call]:
        """Successful-or-not calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def new_trigger(self) -> str:
        """A trigger id Slack would put in an interaction (valid for views.open)."""
        trigger = f"{next(self._ids)}.{int(time.time())}.trigger"
        self.triggers.add(trigger)
        return trigger

    def response_url(self) -> str:
        """A fresh response_url on this server."""
        return f"{self.url}/respond/{next(self._ids)}"

    def responded(self, url: str) -> list[dict[str, Any]]:
        """What the app posted to one response_url."""
        return [body for u, body in self.responses if u == url]

    async def wait_for(self, predicate: Any, limit: float = 5.0) -> None:
        """Wait (bounded) until `predicate()` holds after some call or response."""
        async with asyncio.timeout(limit), self._changed:
            await self._changed.wait_for(predicate)

    async def _note_change(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- Web API -------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        authorization = request.headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ").strip()
        token = token or str(args.pop("token", ""))
        self.calls.append(Call(method, args, token))
        await self._note_change()
        if method == "oauth.v2.access":
            return web.json_response(self._oauth_access(args, authorization))
        if token in self.revoked:
            return web.json_response({"ok": False, "error": "token_revoked"})
        queue = self._failures.get(method)
        if queue and queue[0].delay:
            await asyncio.sleep(queue.popleft().delay)
        elif queue:
            failure = queue.popleft()
            headers = {}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(int(failure.retry_after))
            if failure.status >= 500:
                return web.Response(status=failure.status, text="upstream trouble",
                                    headers=headers)
            error = failure.error or ("ratelimited" if failure.status == 429 else "fatal")
            return web.json_response({"ok": False, "error": error}, status=failure.status,
                                     headers=headers)
        if self.chaos is not None and method in CHAOS_METHODS:
            trouble = await self._chaos(self.chaos, method, args, token)
            if trouble is not None:
                return trouble
        return self._answer(method, args, token)

    def _answer(self, method: str, args: dict[str, Any], token: str) -> web.Response:
        if method == "api.test":  # Slack answers it without a token
            return web.json_response({"ok": True, "args": args})
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        expects_app_token = method == "apps.connections.open"
        if expects_app_token != token.startswith("xapp-") or not token:
            return web.json_response({"ok": False, "error": "not_allowed_token_type"})
        self._token_now = token
        result: dict[str, Any] = handler(args)
        return web.json_response(result)

    async def _chaos(self, chaos: Chaos, method: str, args: dict[str, Any], token: str,
                     ) -> web.Response | None:
        """Trouble for a call, as `chaos` decides (Slack has no idempotency key, so a
        call that timed out is carried out all the same, later)."""
        channel = str(args.get("channel", ""))
        dm = method == "chat.postMessage" and channel.startswith("D")
        kind = chaos.roll(dm=dm)
        if kind == RATE_LIMIT:
            wait = max(1, round(chaos.retry_after))  # Retry-After is whole seconds on Slack
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(wait)})
        if kind == SERVER_ERROR:
            return web.Response(status=chaos.pick([500, 502, 503]), text="upstream trouble")
        if kind == CLOSED_DM:
            self.dms_closed.add("U" + channel[1:])
        if kind == TIMEOUT:
            return await chaos.late(self._later(method, args, token))
        return None

    def _later(self, method: str, args: dict[str, Any], token: str) -> Any:
        async def answer() -> web.Response:
            return self._answer(method, args, token)
        return answer

    def _ts_next(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        team = self.team_of(self._token_now)
        return {"ok": True, "url": "https://fake.slack.test/",
                "team": self.team_names.get(team, "Fake group"), "user": "coprod",
                "team_id": team, "user_id": BOT_USER, "bot_id": BOT_ID}

    def _m_auth_revoke(self, args: dict[str, Any]) -> dict[str, Any]:
        self.revoked.add(self._token_now)
        return {"ok": True, "revoked": True}

    # ---- OAuth v2 ----------------------------------------------------------------------

    async def _authorize_page(self, request: web.Request) -> web.Response:
        """Slack's "allow this app?" page, for the team signed in."""
        query = dict(request.query)
        if query.get("client_id") != CLIENT_ID:
            return web.Response(status=400, text="invalid client_id")
        team = self.signed_in_team
        allow = urllib.parse.urlencode({**query, "allow": "1"})
        cancel = urllib.parse.urlencode({**query, "allow": "0"})
        name = html.escape(self.team_names.get(team, team))
        page = ('<!DOCTYPE html><html lang="en"><head><title>Slack</title></head><body>'
                f"<h1>coprod is asking to join {name}</h1>"
                f'<p>Scopes: {html.escape(query.get("scope", ""))}</p>'
                f'<a id="allow" href="/oauth/v2/authorize/answer?{html.escape(allow)}">Allow</a> '
                f'<a id="cancel" href="/oauth/v2/authorize/answer?{html.escape(cancel)}">Cancel</a>'
                "</body></html>")
        return web.Response(text=page, content_type="text/html")

    async def _authorize_answer(self, request: web.Request) -> web.Response:
        """The person's answer: back to the redirect URL with a code, or a refusal."""
        query = dict(request.query)
        back = query.get("redirect_uri", "")
        answer: dict[str, str] = {"state": query.get("state", "")}
        if query.get("allow") == "1":
            code = f"code-{next(self._ids)}"
            self._codes[code] = self.signed_in_team
            answer["code"] = code
        else:
            answer["error"] = "access_denied"
        raise web.HTTPFound(f"{back}?{urllib.parse.urlencode(answer)}")

    def _oauth_access(self, args: dict[str, Any], authorization: str) -> dict[str, Any]:
        """oauth.v2.access: a code (once) and the app's credentials for a bot token."""
        client_id, client_secret = str(args.get("client_id", "")), str(
            args.get("client_secret", ""))
        if authorization.startswith("Basic "):
            decoded = base64.b64decode(authorization[6:]).decode("utf-8")
            client_id, _, client_secret = decoded.partition(":")
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return {"ok": False, "error": "invalid_client_id"}
        team = self._codes.pop(str(args.get("code", "")), None)
        if team is None:
            return {"ok": False, "error": "invalid_code"}
        token = f"xoxb-{team}-{next(self._ids)}"
        self.issued[token] = team
        return {"ok": True, "app_id": APP_ID, "authed_user": {"id": "U0INSTALL"},
                "scope": "commands,chat:write", "token_type": "bot", "access_token": token,
                "bot_user_id": BOT_USER,
                "team": {"id": team, "name": self.team_names.get(team, team)},
                "enterprise": None, "is_enterprise_install": False}

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket?ticket=t1"}

    def _channel_ok(self, channel: str) -> dict[str, Any] | None:
        known = set(self.channels.values())
        if not channel or not (channel in known or channel.startswith(("D", "G"))):
            return {"ok": False, "error": "channel_not_found"}
        return None

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        refused = self._channel_ok(channel)
        if refused:
            return refused
        if channel.startswith("D") and "U" + channel[1:] in self.dms_closed:
            return {"ok": False, "error": "messages_tab_disabled"}
        ts = self._ts_next()
        self.posted.append({"channel": channel, "ts": ts, "text": args.get("text", ""),
                            "token": self._token_now,
                            "blocks": args.get("blocks")})
        return {"ok": True, "channel": channel, "ts": ts,
                "message": {"text": args.get("text", ""), "ts": ts, "bot_id": BOT_ID}}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        refused = self._channel_ok(str(args.get("channel", "")))
        return refused or {"ok": True, "message_ts": self._ts_next()}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("message_ts", ""))
        return {"ok": True, "channel": channel,
                "permalink": f"https://fake.slack.test/archives/{channel}/p{ts.replace('.', '')}"}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        if len(users) > 1:  # a multi-person DM (mpim)
            if not all(u in self.users for u in users):
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "channel": {"id": "G" + "".join(u[1:4] for u in users)}}
        user = self.users.get(str(args.get("users", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        if user.is_bot:
            return {"ok": False, "error": "cannot_dm_bot"}
        if user.deleted:
            return {"ok": False, "error": "user_disabled"}
        return {"ok": True, "channel": {"id": "D" + user.id[1:]}}

    def _m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channels": [{"id": cid, "name": name, "is_archived": False}
                                         for name, cid in self.channels.items()],
                "response_metadata": {"next_cursor": ""}}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        real = user.real_name or user.name
        return {"ok": True, "user": {
            "id": user.id, "team_id": TEAM_ID, "name": user.username or user.name.lower(),
            "real_name": real, "is_admin": user.is_admin, "is_owner": False,
            "is_bot": user.is_bot, "deleted": user.deleted,
            "profile": {"display_name": user.display_name or user.name, "real_name": real},
            **({"locale": user.locale} if str(args.get("include_locale")).lower()
               in ("1", "true") else {})}}

    def _m_usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.usergroups_error:
            return {"ok": False, "error": self.usergroups_error}
        return {"ok": True, "usergroups": [
            {"id": g["id"], "team_id": TEAM_ID, "handle": g["handle"], "name": g["name"],
             **({"users": list(g["users"])} if str(args.get("include_users")).lower()
                in ("1", "true") else {})}
            for g in self.usergroups]}

    def _m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.usergroups_error:
            return {"ok": False, "error": self.usergroups_error}
        for g in self.usergroups:
            if g["id"] == args.get("usergroup"):
                return {"ok": True, "users": list(g["users"])}
        return {"ok": False, "error": "no_such_subteam"}

    def _view(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        return {"ok": True, "view": {**(view or {}), "id": f"V{next(self._ids):08d}"}}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("trigger_id") not in self.triggers:
            return {"ok": False, "error": "expired_trigger_id"}
        self.triggers.discard(str(args.get("trigger_id")))
        return self._view(args)

    _m_views_push = _m_views_open

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view(args)

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = str(args.get("filename") or "")
        length = str(args.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):08d}"
        self.uploads[file_id] = Upload(file_id, filename, int(length),
                                       str(args.get("alt_txt") or ""))
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        channel = str(args.get("channel_id") or "")
        if channel:
            refused = self._channel_ok(channel)
            if refused:
                return refused
        done = []
        for item in files:
            upload = self.uploads.get(str(item.get("id", "")))
            if upload is None or upload.content is None:
                return {"ok": False, "error": "file_not_found"}
            done.append((upload, str(item.get("title") or upload.filename)))
        for upload, title in done:
            del self.uploads[upload.id]
            if channel:
                self.shared.append(SharedFile(
                    upload.id, channel, upload.filename, title, upload.content,
                    str(args.get("initial_comment") or ""), upload.alt_txt))
        return {"ok": True, "files": [{"id": u.id, "name": u.filename, "title": t,
                                       "size": u.length} for u, t in done]}

    async def _upload(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["file"])
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            part = next((v for v in form.values() if isinstance(v, web.FileField)), None)
            data = part.file.read() if part is not None else b""
        else:
            data = await request.read()
        if upload is None:
            return web.Response(status=404, text="unknown upload")
        if len(data) != upload.length:
            return web.Response(status=400, text="length does not match")
        upload.content = data
        await self._note_change()
        return web.Response(text="OK - " + str(len(data)), content_type="text/plain")

    def files_in(self, channel: str) -> list[SharedFile]:
        """Files shared in one conversation, oldest first."""
        return [f for f in self.shared if f.channel == channel]

    # ---- response_url --------------------------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append((str(request.url.with_query(None)).replace(
            f"http://{request.host}", self.url), await request.json()))
        await self._note_change()
        return web.Response(text="ok", content_type="text/plain")

    # ---- Socket Mode ---------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                            "connection_info": {"app_id": APP_ID}})
        self._connected.set()
        try:
            async for message in ws:
                if message.type is not aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                envelope = data.get("envelope_id")
                if envelope:
                    self.acks[envelope] = data.get("payload") or {}
                    waiter = self._ack_waiters.pop(envelope, None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(self.acks[envelope])
        finally:
            self._sockets.remove(ws)
        return ws

    async def connected(self, limit: float = 5.0) -> None:
        """Wait (bounded) until the app has connected over Socket Mode."""
        async with asyncio.timeout(limit):
            await self._connected.wait()

    async def ask_to_reconnect(self) -> None:
        """Send Slack's `disconnect` (refresh_requested): the client must reconnect to a
        new URL from apps.connections.open."""
        await self.connected()
        self._connected.clear()
        await self._sockets[-1].send_json({"type": "disconnect", "reason": "refresh_requested",
                                           "debug_info": {"host": "fake"}})

    async def send(self, kind: str, payload: dict[str, Any], envelope: str = "") -> str:
        """Send one Socket Mode envelope (`slash_commands`, `interactive`, `events_api`);
        with `envelope`, under that id (an id sent before: Slack delivering it again, whose
        new acknowledgement `ack` then waits for)."""
        await self.connected()
        envelope = envelope or f"env-{next(self._ids)}"
        self.acks.pop(envelope, None)
        self._ack_waiters[envelope] = asyncio.get_running_loop().create_future()
        await self._sockets[-1].send_json({
            "envelope_id": envelope, "type": kind, "payload": payload,
            "accepts_response_payload": kind != "events_api",
            **({"retry_attempt": 0, "retry_reason": ""} if kind == "events_api" else {}),
        })
        return envelope

    async def send_raw(self, frame: Any) -> None:
        """Send any frame on the Socket Mode connection as it is: a JSON value (an
        envelope Slack would never send), or text or bytes that are not JSON at all."""
        await self.connected()
        ws = self._sockets[-1]
        if isinstance(frame, bytes):
            await ws.send_bytes(frame)
        elif isinstance(frame, str):
            await ws.send_str(frame)
        else:
            await ws.send_json(frame)

    async def ack(self, envelope: str, limit: float = 5.0) -> dict[str, Any]:
        """The app's acknowledgement of an envelope (waits, bounded)."""
        if envelope in self.acks:
            return self.acks[envelope]
        async with asyncio.timeout(limit):
            return await self._ack_waiters[envelope]

    async def send_and_ack(self, kind: str, payload: dict[str, Any],
                           limit: float = 5.0) -> dict[str, Any]:
        """Send an envelope and wait for its ack."""
        return await self.ack(await self.send(kind, payload), limit)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: v0=HMAC-SHA256(secret, "v0:TS:BODY")."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignedRequest:
    """One request as Slack's HTTP mode sends it: its exact bytes and headers."""

    body: bytes
    headers: dict[str, str]

    @property
    def timestamp(self) -> int:
        """The signed timestamp (seconds since the epoch)."""
        return int(self.headers["X-Slack-Request-Timestamp"])


def signed_request(secret: str, *, form: dict[str, str] | None = None,
                   json_body: dict[str, Any] | None = None, age_seconds: float = 0,
                   bad_signature: bool = False, retry: int = 0) -> SignedRequest:
    """A request signed the way Slack's HTTP mode signs it (`retry`: Slack's retry
    number, as when it did not see an answer in time), not yet sent."""
    if json_body is not None:
        body = json.dumps(json_body).encode()
        content_type = "application/json"
    else:
        body = urllib.parse.urlencode(form or {}).encode()
        content_type = "application/x-www-form-urlencoded"
    timestamp = str(int(time.time() - age_seconds))
    signature = sign(secret, timestamp, body)
    if bad_signature:
        signature = sign(secret + "-wrong", timestamp, body)
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
               "X-Slack-Signature": signature}
    if retry:
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
    return SignedRequest(body, headers)


async def post_signed(url: str, request: SignedRequest) -> tuple[int, str]:
    """Send a signed request (again, if it was sent before); returns (status, body)."""
    async with aiohttp.ClientSession() as session, session.post(
            url, data=request.body, headers=request.headers) as response:
        return response.status, await response.text()


async def signed_post(url: str, secret: str, *, form: dict[str, str] | None = None,
                      json_body: dict[str, Any] | None = None, age_seconds: float = 0,
                      bad_signature: bool = False, retry: int = 0) -> tuple[int, str]:
    """POST a request the way Slack's HTTP mode does; returns (status, body text)."""
    return await post_signed(url, signed_request(
        secret, form=form, json_body=json_body, age_seconds=age_seconds,
        bad_signature=bad_signature, retry=retry))
