"""Slack's failures as the core's typed delivery errors.

The dispatcher decides from the type alone: `RateLimited` waits exactly Retry-After,
`Transient` backs off and retries, `Forbidden`/`NotFound` reroute to the delivery's
fallbacks, `UnsupportedMessage` is a rendering bug. Only error codes and statuses are
kept in the message, never text.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.errors import SlackClientError

from bot.errors import DeliveryError
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.errors import RateLimited
from bot.errors import Transient
from bot.errors import UnsupportedMessage

NOT_FOUND = frozenset({
    "channel_not_found", "user_not_found", "users_not_found", "message_not_found",
    "thread_not_found", "no_such_subteam", "user_disabled", "account_inactive_user",
})
FORBIDDEN = frozenset({
    "not_in_channel", "cannot_dm_bot", "is_archived", "restricted_action",
    "restricted_action_read_only_channel", "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel", "channel_is_archived", "user_is_restricted",
    "ekm_access_denied", "team_access_not_granted", "missing_scope", "not_authed",
    "invalid_auth", "account_inactive", "token_revoked", "token_expired", "no_permission",
    "not_allowed_token_type", "messages_tab_disabled", "cannot_find_service",
    "method_deprecated", "org_login_required", "team_not_found",
})
TRANSIENT = frozenset({
    "internal_error", "fatal_error", "service_unavailable", "request_timeout",
    "ratelimited_by_proxy", "team_added_to_org",
})
UNSUPPORTED = frozenset({
    "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text",
    "too_many_attachments", "invalid_attachments", "invalid_arguments",
    "invalid_arg_name", "invalid_array_arg", "invalid_form_data", "invalid_post_type",
})


def error_code(exc: SlackApiError) -> str:
    """The `error` field of a failed call ("" when the body had none)."""
    data = getattr(exc.response, "data", None)
    if isinstance(data, dict):
        return str(data.get("error", ""))
    return ""


def status_of(exc: SlackApiError) -> int:
    """The HTTP status of a failed call."""
    response: Any = exc.response
    status = getattr(response, "status_code", None) or getattr(response, "status", 0)
    return int(status or 0)


def retry_after(exc: SlackApiError, default: float = 1.0) -> float:
    """Seconds Slack asked us to wait (the Retry-After header)."""
    headers: Any = getattr(exc.response, "headers", None) or {}
    for key in ("Retry-After", "retry-after"):
        value = headers.get(key) if hasattr(headers, "get") else None
        if value is not None:
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return default
    return default


def translate(exc: BaseException) -> DeliveryError:
    """The core's typed error for whatever a Web API call raised."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, SlackApiError):
        code = error_code(exc)
        status = status_of(exc)
        detail = f"slack {code or 'error'} (http {status})"
        if status == 429 or code == "ratelimited":
            return RateLimited(retry_after(exc), detail)
        if status >= 500 or code in TRANSIENT:
            return Transient(detail)
        if code in NOT_FOUND:
            return NotFound(detail)
        if code in UNSUPPORTED:
            return UnsupportedMessage(detail)
        return Forbidden(detail)
    if isinstance(exc, TimeoutError | asyncio.TimeoutError | aiohttp.ClientError
                  | ConnectionError | SlackClientError):
        return Transient(f"slack {type(exc).__name__}")
    return Transient(f"slack unexpected {type(exc).__name__}")
