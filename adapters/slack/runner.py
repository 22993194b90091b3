"""Putting the Slack adapter together: the Web API client (pointed at `api_base`), Bolt's
`AsyncApp` with our listeners, and the connection: Socket Mode (default; the WebSocket
URL comes from `apps.connections.open` on the same base) or HTTP (an aiohttp server
whose requests are verified: a bad signature or a timestamp more than five minutes away
is refused with 401 and nothing is processed).

Every request taken is handled at most once, by any process sharing the database: an
HTTP request whose signature holds is claimed by its signature (unique to its timestamp
and body) before anything else reads it, and a Socket Mode envelope by its id. A copy
(someone replaying a request they saw, or Slack redelivering an envelope) gets an empty
acknowledgement and changes nothing. Slack's own retries of an event are signed afresh,
so they pass this claim and are then handled once by the event's id (`App.handle_once`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sys
from collections.abc import Awaitable
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.aiohttp import to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import shapes
from adapters.slack.bridge import ACK_BUDGET_SECONDS
from adapters.slack.bridge import Bridge
from adapters.slack.bridge import group_of
from adapters.slack.errors import translate
from adapters.slack.install_pages import callbacks
from adapters.slack.install_pages import error_response
from adapters.slack.install_pages import install_page
from adapters.slack.install_receipts import Receipts
from adapters.slack.installs import STATE_SECONDS
from adapters.slack.installs import NotOffered
from adapters.slack.installs import StoredInstallations
from adapters.slack.installs import StoredStates
from adapters.slack.installs import workspace_key
from adapters.slack.manifest import BOT_SCOPES
from adapters.slack.modals import CALLBACK_PREFIX
from adapters.slack.people import Directory
from adapters.slack.sender import WAIT_SECONDS
from adapters.slack.sender import SlackSender
from adapters.slack.workspaces import WorkspaceListeners
from adapters.slack.workspaces import WorkspacePeople
from adapters.slack.workspaces import Workspaces
from adapters.slack.workspaces import WorkspaceSender
from bot import catalog
from bot.app import App
from bot.config import Config
from bot.errors import Forbidden
from bot.logs import log_event
from bot.ports import Sender
from storage.slack_installs import SlackInstallStore

log = logging.getLogger(__name__)

SLACK_API_BASE = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
# The Web API client gives up on a request after this long. Sends are waited for less
# (`SlackSender.wait_seconds`) and retried, and a retry takes the outcome of the request
# still in hand, so this is long: only a request Slack never answers may be posted twice.
CLIENT_TIMEOUT_SECONDS = 60
# Slack's signature check refuses a request whose timestamp is further than this from now.
SIGNATURE_WINDOW_SECONDS = 5 * 60
# A request's claim is kept past the window by this much (processes' clocks differ a
# little), and its end is rounded up to a whole bucket, so that the stored time says
# little about when the request came.
CLAIM_MARGIN_SECONDS = 2 * 60
CLAIM_BUCKET_SECONDS = 10 * 60
# Slack redelivers a Socket Mode envelope it saw no acknowledgement for within minutes
# (its retries of an event come at once, after a minute and after five).
ENVELOPE_CLAIM_SECONDS = 10 * 60
# Third-party loggers print payloads (member text) at debug level: keep them above it.
_QUIET_LOGGERS = ("slack_bolt", "slack_sdk", "adapters.slack.bolt", "adapters.slack.sdk")


def api_base_url(configured: str) -> str:
    """The Web API base with the trailing slash the SDK joins method names onto."""
    base = (configured or SLACK_API_BASE).strip()
    return base if base.endswith("/") else base + "/"


def claim_until(moment: float) -> int:
    """When a claim on a request must last until, at the least `moment` (seconds since
    the epoch) plus the margin, rounded up to a whole bucket."""
    end = int(moment) + CLAIM_MARGIN_SECONDS
    return -(-end // CLAIM_BUCKET_SECONDS) * CLAIM_BUCKET_SECONDS


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _quiet(name: str, level: int = logging.WARNING) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.setLevel(level)
    if not any(isinstance(f, _LibraryFailures) for f in logger.filters):
        logger.addFilter(_LibraryFailures())
    return logger


class _LibraryFailures(logging.Filter):
    """slack-sdk and Bolt log their failures with the exception's text and traceback,
    which can quote a payload; ours carry ids only. Their error lines are kept, as an
    event name and the error's type."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            error = record.exc_info[1] if record.exc_info else None
            record.msg, record.args = "slack.library_error", ()
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            record.fields = {"error": type(error).__name__ if error else "unknown"}
        return True


class CheckedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, with each envelope's payload checked first: one that
    cannot be read is logged by ids, acknowledged (so Slack does not resend it) and
    ignored; and each envelope claimed by its id (`first`), so one Slack delivers again
    is acknowledged and not handled twice."""

    def __init__(self, *args: Any,
                 first: Callable[[str], Awaitable[bool]] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._first = first
        self.client.message_listeners.append(self._unusable_envelope)

    async def _unusable_envelope(self, client: Any, message: Any, raw: Any) -> None:
        """An envelope the Socket Mode client will not hand on (no id, no payload, a
        payload of no known type): logged, as it cannot be acknowledged."""
        if not isinstance(message, dict) or message.get("type") in ("hello", "disconnect"):
            return
        problem = ""
        if not all(key in message for key in ("type", "envelope_id", "payload")):
            problem = "incomplete_envelope"
        elif not isinstance(message["payload"], dict | str):
            problem = "bad_payload"
        if problem:
            log_event(log, logging.WARNING, "slack.payload_ignored",
                      kind=str(message.get("type"))[:40], problem=problem)

    async def handle(self, client: Any, req: SocketModeRequest) -> None:
        problem = ("unknown_kind" if req.type not in (shapes.SLASH, shapes.INTERACTIVE,
                                                      shapes.EVENTS)
                   else shapes.unreadable(req.type, req.payload))
        if not problem:
            if self._first is None or await self._first(req.envelope_id):
                await super().handle(client, req)
                return
            log_event(log, logging.INFO, "slack.redelivery_ignored")
            await client.send_socket_mode_response(SocketModeResponse(
                envelope_id=req.envelope_id))
            return
        log_event(log, logging.WARNING, "slack.payload_ignored", kind=str(req.type)[:40],
                  problem=problem, **shapes.log_ids(req.payload))
        await client.send_socket_mode_response(SocketModeResponse(
            envelope_id=req.envelope_id, payload=shapes.ack_payload(req.type) or None))


class InstallFlow(AsyncOAuthFlow):
    """Bolt's OAuth flow, showing our install page (with its one "Add to Slack" link),
    and refusing, before its token is kept, an install from a workspace the bot is not
    offered to (`offered`); the token Slack gave it is revoked at once, so the app does
    not stay behind in that workspace."""

    offered: Callable[[str], bool] = staticmethod(lambda team: True)

    async def build_install_page_html(self, url: str, request: AsyncBoltRequest) -> str:
        return install_page(url)

    async def store_installation(self, request: AsyncBoltRequest,
                                 installation: Installation) -> None:
        team = workspace_key(installation.enterprise_id, installation.team_id,
                             installation.is_enterprise_install)
        if not self.offered(team):
            log_event(log, logging.WARNING, "slack.install_refused", team=team,
                      reason="not_in_allowed_workspaces")
            try:
                await self.client.auth_revoke(token=installation.bot_token)
            except Exception as exc:
                log_event(log, logging.WARNING, "slack.revoke_failed", team=team,
                          error=type(exc).__name__)
            raise NotOffered(team)
        await super().store_installation(request, installation)


class SlackRunner:
    """The Slack adapter: start, run, stop. With a bot token from the environment it
    serves that one workspace; with SLACK_CLIENT_ID (one app for many workspaces) it
    serves every workspace that installed it through the install page, each its own
    group, each with its own token (`adapters.slack.workspaces`)."""

    def __init__(self, core: App, config: Config, *,
                 ack_budget: float = ACK_BUDGET_SECONDS, directory_ttl: float = 60.0,
                 client_timeout: int = CLIENT_TIMEOUT_SECONDS,
                 send_wait: float = WAIT_SECONDS) -> None:
        for name in _QUIET_LOGGERS:
            _quiet(name, logging.ERROR if name.endswith("bolt") else logging.WARNING)
        self.core = core
        self.config = config
        self.distributed = bool(config.secrets.slack_client_id)
        base = api_base_url(config.slack.api_base)

        def make_client(token: str | None) -> AsyncWebClient:
            return AsyncWebClient(token=token, base_url=base, timeout=client_timeout,
                                  logger=_quiet("adapters.slack.sdk"))

        self.client = make_client(None if self.distributed else config.secrets.slack_bot_token)
        self.directory = Directory(self.client, ttl=directory_ttl)
        self.bridge = Bridge(core, self.client, self.directory, ack_budget=ack_budget)
        self.sender = SlackSender(self.client, self.directory, self.bridge.names,
                                  wait_seconds=send_wait)
        self.bridge.sender = self.sender  # replies' files go through the same sender
        self.workspaces = Workspaces(core, make_client, ack_budget=ack_budget,
                                     directory_ttl=directory_ttl, send_wait=send_wait)
        self.workspaces.allowed = frozenset(config.slack.allowed_workspaces)
        self.installations: StoredInstallations | None = None
        self.delivery_sender: Sender = self.sender
        if self.distributed:
            store = core.storage
            if not isinstance(store, SlackInstallStore):
                raise TypeError("this storage keeps no Slack installations")
            self.installations = StoredInstallations(store, self.workspaces.forget)
            self.workspaces.installations = self.installations
            self._states = StoredStates(store)
            self.delivery_sender = WorkspaceSender(self.workspaces)
            core.use_people(WorkspacePeople(self.workspaces))
        else:
            core.use_people(self.directory)
        self.team_id = ""
        self.startup_lines: list[str] = []
        self.http_port: int | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._http: web.AppRunner | None = None
        self.bolt = self._bolt(http=config.slack.mode == "http")
        self._verifier = SignatureVerifier(
            config.secrets.slack_signing_secret or "not-used-in-socket-mode")

    def _oauth_flow(self) -> InstallFlow | None:
        """Bolt's OAuth flow over our stores, or None for one workspace."""
        if self.installations is None:
            return None
        slack, secrets = self.config.slack, self.config.secrets
        settings = AsyncOAuthSettings(
            client_id=secrets.slack_client_id, client_secret=secrets.slack_client_secret,
            scopes=list(slack.scopes or BOT_SCOPES),
            redirect_uri=slack.redirect_url or None,
            install_path=slack.install_path, redirect_uri_path=slack.redirect_path,
            callback_options=callbacks(slack.install_path, Receipts(
                secrets.slack_client_secret, slack.redirect_path, self._installed)),
            authorization_url=slack.authorize_url or None,
            installation_store=self.installations, installation_store_bot_only=True,
            state_store=self._states, state_expiration_seconds=STATE_SECONDS,
            logger=_quiet("adapters.slack.bolt", logging.ERROR))
        flow = InstallFlow(client=self.client, settings=settings,
                           logger=_quiet("adapters.slack.bolt", logging.ERROR))
        flow.offered = self.workspaces.offered
        return flow

    async def _installed(self, team: str) -> bool:
        """Whether a workspace has an installation now (the neutral page on a reload)."""
        assert self.installations is not None
        return await self.installations.store.slack_install(team) is not None

    def _bolt(self, *, http: bool) -> AsyncApp:
        flow = self._oauth_flow()
        bolt = AsyncApp(
            client=self.client,
            signing_secret=self.config.secrets.slack_signing_secret or "not-used-in-socket-mode",
            request_verification_enabled=http,
            process_before_response=False,
            raise_error_for_unhandled_request=False,
            oauth_flow=flow,
            # Bolt's warnings about unhandled requests include the payload: errors only.
            logger=_quiet("adapters.slack.bolt", logging.ERROR),
        )
        bridge: Bridge | WorkspaceListeners = (
            self.bridge if flow is None else WorkspaceListeners(self.workspaces))
        bolt.command(re.compile(r"^/.+"))(bridge.on_command)
        bolt.view(re.compile("^" + re.escape(CALLBACK_PREFIX)))(bridge.on_view_submission)
        bolt.action(re.compile(".+"))(bridge.on_action)
        bolt.shortcut(re.compile(".+"))(bridge.on_shortcut)
        bolt.event("app_home_opened")(bridge.on_home_opened)
        bolt.event("message")(bridge.on_message)
        bolt.event("team_join")(bridge.on_team_join)
        if flow is not None:
            bolt.event("app_uninstalled")(self._uninstalled)
            bolt.event("tokens_revoked")(self._tokens_revoked)

        async def on_error(error: Exception, body: dict[str, Any]) -> None:
            log_event(log, logging.ERROR, "slack.listener_failed",
                      kind=str(body.get("type", "")), error=type(error).__name__)

        bolt.error(on_error)
        return bolt

    async def check_token(self) -> None:
        """Ask Slack who we are; a refused token is a `Forbidden` with the reason code.
        Many workspaces: nothing to check here (each workspace's token comes from its
        installation)."""
        if self.distributed:
            return
        try:
            answer = await self.client.auth_test()
        except Exception as exc:
            raise translate(exc) from None
        self.team_id = str(answer.get("team_id") or "")

    async def start(self) -> None:
        """Start delivering, then connect (Socket Mode) or listen (HTTP mode)."""
        self.core.start_delivery(self.delivery_sender)
        slack = self.config.slack
        if self.distributed and not slack.allowed_workspaces:
            log_event(log, logging.WARNING, "slack.installs_open",
                      hint="any workspace that finds the install page can add the app; "
                           "set [slack] allowed_workspaces to limit it")
        elif self.distributed:
            log_event(log, logging.INFO, "slack.installs_limited",
                      workspaces=len(slack.allowed_workspaces))
        if slack.mode == "http":
            await self.start_http(slack.http_host, slack.http_port)
        else:
            await self.start_socket_mode()
        await self.startup_checks()

    async def startup_checks(self) -> None:
        """The core's start-up checks that need Slack (who can be reached), for this
        workspace (or every installed workspace); a failure to ask is logged, never a
        reason not to start."""
        if self.installations is not None:
            try:
                teams = await self.installations.store.slack_installed_workspaces()
            except Exception as exc:
                log_event(log, logging.WARNING, "slack.installs_unknown",
                          error=type(exc).__name__)
                teams = []
            self.startup_lines = await self.core.connected(teams)
            return
        if not self.team_id:
            try:
                self.team_id = str((await self.client.auth_test()).get("team_id") or "")
            except Exception as exc:
                log_event(log, logging.WARNING, "slack.team_unknown",
                          error=str(translate(exc)))
        self.startup_lines = await self.core.connected([self.team_id] if self.team_id
                                                       else [])

    async def start_socket_mode(self) -> None:
        """Connect to Socket Mode (its URL from `apps.connections.open` on api_base)."""
        self._socket = CheckedSocketModeHandler(
            self.bolt, self.config.secrets.slack_app_token, web_client=self.client,
            logger=_quiet("adapters.slack.socket"), first=self._first_envelope)
        await self._socket.connect_async()  # type: ignore[no-untyped-call]
        self.core.use_connection("slack", self._socket_connected)
        log_event(log, logging.INFO, "slack.connected", mode="socket")

    async def start_http(self, host: str, port: int) -> int:
        """Serve Slack's signed requests on http://HOST:PORT/slack/events; returns the port."""
        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, self._handle_http)
        web_app.router.add_get("/healthz", self._healthz)
        if self.bolt.oauth_flow is not None:
            web_app.router.add_get(self.config.slack.install_path, self._install)
            web_app.router.add_get(self.config.slack.redirect_path, self._oauth_redirect)
        self._http = web.AppRunner(web_app, access_log=None)
        await self._http.setup()
        site = web.TCPSite(self._http, host, port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []
        self.http_port = int(sockets[0].getsockname()[1]) if sockets else port
        self.core.use_connection("slack", self._listening)
        log_event(log, logging.INFO, "slack.listening", mode="http", port=self.http_port)
        return self.http_port

    async def _handle_http(self, request: web.Request) -> web.Response:
        """A request from Slack: its signature checked first (nothing of an unsigned
        request is read), then claimed (a copy of one already taken, by any process, is
        acknowledged with nothing and goes no further), then its shape (an unreadable one
        is logged by ids and acknowledged), then Bolt."""
        raw = await request.read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            log_event(log, logging.WARNING, "slack.payload_ignored", kind="http",
                      problem="not_utf8")
            return web.Response(status=400, text="")
        if not self._signed(text, request):
            log_event(log, logging.WARNING, "slack.request_refused", status=401)
            return web.Response(status=401, text="")
        first = await self._first_request(request)
        if first is None:
            return web.Response(status=503, text="")
        if not first:
            log_event(log, logging.WARNING, "slack.replay_ignored")
            return web.Response(status=200, text="")
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            log_event(log, logging.WARNING, "slack.payload_ignored", kind="http",
                      problem="unparsable", error=type(exc).__name__)
            return web.Response(status=400, text="")
        kind = shapes.kind_of(bolt_request.body)
        problem = shapes.unreadable(kind, bolt_request.body)
        if problem:
            log_event(log, logging.WARNING, "slack.payload_ignored", kind=kind,
                      problem=problem, **shapes.log_ids(bolt_request.body))
            return web.json_response(shapes.ack_payload(kind))
        bolt_response = await self.bolt.async_dispatch(bolt_request)
        if bolt_response.status == 401:
            log_event(log, logging.WARNING, "slack.request_refused", status=401)
        return await to_aiohttp_response(bolt_response)

    async def _install(self, request: web.Request) -> web.Response:
        """The install page, with a fresh one-use state (and its browser cookie)."""
        flow = self.bolt.oauth_flow
        assert flow is not None
        try:
            response = await flow.handle_installation(await to_bolt_request(request))
        except Exception as exc:
            log_event(log, logging.ERROR, "slack.install_page_failed",
                      error=type(exc).__name__)
            response = error_response(self.config.slack.install_path)
        page = await to_aiohttp_response(response)
        page.headers["Cache-Control"] = "no-store"  # each visit gets its own state
        return page

    async def _oauth_redirect(self, request: web.Request) -> web.Response:
        """Where Slack sends the browser back: the install finished (the success page)
        or not (the failure page, saying what to do next)."""
        flow = self.bolt.oauth_flow
        assert flow is not None
        try:
            response = await flow.handle_callback(await to_bolt_request(request))
        except Exception as exc:
            log_event(log, logging.ERROR, "slack.install_failed", error=type(exc).__name__)
            response = error_response(self.config.slack.install_path)
        return await to_aiohttp_response(response)

    async def _uninstalled(self, context: dict[str, Any], body: dict[str, Any]) -> None:
        """The app was removed from a workspace: its token is deleted, so its deliveries
        stop (each is marked undeliverable, `workspace_not_installed`); the group's
        records stay, ready for a new install."""
        await self._forget_workspace(group_of(context, body), "app_uninstalled")

    async def _tokens_revoked(self, context: dict[str, Any], body: dict[str, Any],
                              event: dict[str, Any]) -> None:
        """Tokens were revoked: if the bot's own are among them, as for an uninstall."""
        if (event.get("tokens") or {}).get("bot"):
            await self._forget_workspace(group_of(context, body), "tokens_revoked")

    async def _forget_workspace(self, team: str, why: str) -> None:
        assert self.installations is not None
        try:
            gone = await self.installations.forget(team)
        except Exception as exc:
            log_event(log, logging.ERROR, "slack.uninstall_failed", team=team,
                      error=type(exc).__name__)
            return
        log_event(log, logging.INFO, "slack.uninstalled", team=team, reason=why,
                  had_install=gone)

    def _signed(self, body: str, request: web.Request) -> bool:
        """Whether Slack signed this request, recently (a missing or malformed
        timestamp or signature is simply not signed)."""
        try:
            return bool(self._verifier.is_valid(
                body, request.headers.get("X-Slack-Request-Timestamp", ""),
                request.headers.get("X-Slack-Signature", "")))
        except (ValueError, TypeError):
            return False

    async def _first_request(self, request: web.Request) -> bool | None:
        """Claim a signed request by its signature, for as long as the signature could
        be accepted: False for a copy of one already taken; None (logged) if the claim
        could not be stored, so the request is not handled (Slack retries an event)."""
        signed_at = int(request.headers["X-Slack-Request-Timestamp"])
        now = self._verifier.clock.now()
        until = claim_until(signed_at + SIGNATURE_WINDOW_SECONDS)
        try:
            return await self.core.first_request(
                "slack-http:" + request.headers["X-Slack-Signature"], _utc(now), _utc(until))
        except Exception as exc:
            log_event(log, logging.ERROR, "slack.claim_failed", error=type(exc).__name__)
            return None

    async def _first_envelope(self, envelope_id: str) -> bool:
        """Claim a Socket Mode envelope by its id: False if one with this id was taken.
        If the claim cannot be stored the envelope is handled all the same (logged):
        envelopes come only from Slack over this bot's own connection, so the claim
        guards against Slack's redelivery, not against an outsider."""
        now = self._verifier.clock.now()
        try:
            return await self.core.first_request(
                "slack-envelope:" + envelope_id, _utc(now),
                _utc(claim_until(now + ENVELOPE_CLAIM_SECONDS)))
        except Exception as exc:
            log_event(log, logging.WARNING, "slack.claim_failed", error=type(exc).__name__)
            return True

    async def _socket_connected(self) -> bool:
        """Socket Mode: whether the WebSocket to Slack is open now."""
        socket = self._socket
        return socket is not None and bool(await socket.client.is_connected())

    async def _listening(self) -> bool:
        """HTTP mode: Slack reaches us, so being connected is listening."""
        return self._http is not None

    @staticmethod
    async def _healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def stop(self) -> None:
        """Disconnect, stop listening, and let answers in progress finish (bounded)."""
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._http is not None:
            await self._http.cleanup()
            self._http = None
        try:
            await self.bridge.settle(5.0)
            await self.workspaces.settle(5.0)
        except TimeoutError:
            log_event(log, logging.WARNING, "slack.stop_unfinished")
        await self.core.stop()


async def run_platform(app: App, config: Config) -> int:
    """The Slack adapter's entry point (see `bot.runtime.PlatformRunner`)."""
    runner = SlackRunner(app, config)
    try:
        await runner.check_token()
    except Forbidden as exc:
        print(catalog.slack_token_refused(str(exc)), file=sys.stderr)
        return 1
    except Exception as exc:  # Slack unreachable: say so, do not start half-way
        print(catalog.slack_unreachable(type(exc).__name__), file=sys.stderr)
        return 1
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await runner.start()
        await stop.wait()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        await runner.stop()
    return 0
