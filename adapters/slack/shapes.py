"""Is a Slack request in the shape Slack documents? Checked before Bolt reads it.

Slack sends slash commands, interactive payloads (buttons, modals, the message
shortcut) and Events API events. A payload with a missing field or a field of the
wrong type (which Slack never sends, but a proxy, a replay or a forger might) would
otherwise fail inside Bolt or a listener half-way through. `unreadable` says why a
payload cannot be read, so the adapter can log it by ids, acknowledge it (so Slack does
not send it again) and carry on. Only shapes are checked here: what a value means is the
core's business.
"""

from __future__ import annotations

import re
from typing import Any

from bot import catalog

SLASH = "slash_commands"
INTERACTIVE = "interactive"
EVENTS = "events_api"

# The interactive payloads and events the adapter listens for (see `runner._bolt`).
INTERACTIVE_TYPES = ("block_actions", "view_submission", "message_action")
EVENT_TYPES = ("app_home_opened", "message", "team_join", "app_uninstalled",
               "tokens_revoked")
_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def kind_of(body: Any) -> str:
    """Which of the three a request taken over HTTP is (the Socket Mode envelope says
    it itself); "" for anything else (url_verification, ssl_check: Bolt's own)."""
    if not isinstance(body, dict):
        return ""
    if "command" in body:
        return SLASH
    if body.get("type") == "event_callback":
        return EVENTS
    if body.get("type") in ("url_verification", "ssl_check"):
        return ""
    return INTERACTIVE


def unreadable(kind: str, body: Any) -> str:
    """Why a payload of this kind cannot be read (a short code), or "" if it can."""
    if kind not in (SLASH, INTERACTIVE, EVENTS):
        return ""
    if not isinstance(body, dict):
        return "not_a_table"
    if kind == SLASH:
        return _slash(body)
    if kind == INTERACTIVE:
        return _interactive(body)
    return _event(body)


def ack_payload(kind: str) -> dict[str, Any]:
    """What to acknowledge an unreadable payload with: a kind word for a slash command
    (Slack shows it to the person), nothing for the others."""
    if kind == SLASH:
        return {"response_type": "ephemeral", "text": catalog.PLATFORM_UNREADABLE}
    return {}


def log_ids(body: Any) -> dict[str, str]:
    """The team id of a payload, if it looks like one, for a log line (never text)."""
    if not isinstance(body, dict):
        return {}
    team: Any = body.get("team_id")
    if team is None and isinstance(body.get("team"), dict):
        team = body["team"].get("id")
    if isinstance(team, str) and _ID.fullmatch(team):
        return {"team": team}
    return {}


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _optional(body: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> bool:
    return body.get(key) is None or isinstance(body[key], kind)


def _slash(body: dict[str, Any]) -> str:
    command = body.get("command")
    if not isinstance(command, str) or not re.fullmatch(r"/\S+", command):
        return "bad_command"
    if not _text(body.get("user_id")) or not body["user_id"]:
        return "no_user"
    for key in ("text", "channel_id", "team_id", "user_name", "trigger_id", "response_url"):
        if not _optional(body, key, str):
            return f"bad_{key}"
    return ""


def _interactive(body: dict[str, Any]) -> str:
    kind = body.get("type")
    if kind not in INTERACTIVE_TYPES:
        return "unhandled_type"
    user = body.get("user")
    if not isinstance(user, dict) or not _text(user.get("id")) or not user["id"]:
        return "no_user"
    for key in ("team", "channel", "container", "message", "view", "enterprise"):
        if not _optional(body, key, dict):
            return f"bad_{key}"
    for key in ("trigger_id", "response_url", "team_id", "callback_id"):
        if not _optional(body, key, str):
            return f"bad_{key}"
    if kind == "block_actions":
        return _actions(body.get("actions"))
    if kind == "view_submission":
        return _view(body.get("view"))
    return ""  # message_action: its message is optional, and checked to be a table


def _actions(actions: Any) -> str:
    if not isinstance(actions, list) or not actions:
        return "no_actions"
    for action in actions:
        if not isinstance(action, dict) or not _text(action.get("action_id")):
            return "bad_action"
        if not _optional(action, "type", str) or not _optional(action, "value", str):
            return "bad_action"
        if not _optional(action, "selected_option", dict):
            return "bad_action"
        picked = action.get("selected_options")
        if picked is not None and not (isinstance(picked, list)
                                       and all(isinstance(o, dict) for o in picked)):
            return "bad_action"
    return ""


def _view(view: Any) -> str:
    if not isinstance(view, dict) or not _text(view.get("callback_id")) or not _text(
            view.get("type")):
        return "bad_view"
    if not _optional(view, "private_metadata", str) or not _optional(view, "blocks", list):
        return "bad_view"
    state = view.get("state")
    values = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values, dict):
        return "bad_view_state"
    for actions in values.values():
        if not isinstance(actions, dict) or not all(isinstance(a, dict)
                                                     for a in actions.values()):
            return "bad_view_state"
        for answer in actions.values():
            if not _optional(answer, "selected_option", dict):
                return "bad_view_state"
    return ""


def _event(body: dict[str, Any]) -> str:
    event = body.get("event")
    if not isinstance(event, dict) or not _text(event.get("type")):
        return "no_event"
    for key in ("team_id", "api_app_id", "event_id", "enterprise_id"):
        if not _optional(body, key, str):
            return f"bad_{key}"
    authorizations = body.get("authorizations")
    if authorizations is not None and not (isinstance(authorizations, list) and all(
            isinstance(a, dict) for a in authorizations)):
        return "bad_authorizations"
    kind = event["type"]
    if kind not in EVENT_TYPES:
        return "unhandled_event"
    if kind == "tokens_revoked":
        tokens = event.get("tokens")
        if not isinstance(tokens, dict) or not all(
                isinstance(v, list) for v in tokens.values()):
            return "bad_tokens"
        return ""
    if kind == "team_join":
        user = event.get("user")
        if not isinstance(user, dict) or not _text(user.get("id")):
            return "bad_user"
        if not _optional(user, "profile", dict):
            return "bad_user"
        return ""
    for key in ("user", "text", "channel", "channel_type", "subtype", "bot_id", "tab"):
        if not _optional(event, key, str):
            return f"bad_{key}"
    from_someone = kind == "app_home_opened" or (
        event.get("channel_type") == "im" and not event.get("subtype")
        and not event.get("bot_id"))
    if from_someone and not event.get("user"):
        return "no_user"
    return ""
