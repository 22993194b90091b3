"""The recording platform's line formats: JSON in (events), JSON out (replies, sends)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.config import Config
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import DirectMessageReceived
from bot.events import Event
from bot.events import FormSubmission
from bot.events import MemberJoined
from bot.events import MessageShortcut
from bot.events import QuotedMessage
from bot.messages import Destination
from bot.messages import Message
from bot.messages import Reply
from bot.messages import destination_to_dict

KINDS = ("command", "press", "form", "dm", "join", "shortcut", "settle")


class InputError(ValueError):
    """An input line the recording platform cannot read (said in the replies file)."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One input line, read: its id, and either an event or a command line to parse."""

    request_id: str
    kind: str
    event: Event | None = None
    group_id: str = ""
    actor: Actor | None = None
    text: str = ""
    channel: str | None = None


def _text(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise InputError(f"{key!r} must be a string")
    return value


def _actor(data: dict[str, Any], config: Config) -> Actor:
    """`"actor": "carol"` (a [console] member: their roles and admin flag) or
    `"actor": {"id": ..., "name": ..., "roles": [...], "admin": false}`."""
    raw = data.get("actor")
    if isinstance(raw, str) and raw.strip():
        name = raw.strip().lower()
        member = next((m for m in config.console_members if m.name == name), None)
        roles = frozenset(member.roles) if member else frozenset()
        return Actor(name, name.capitalize(), roles, bool(member and member.admin))
    if isinstance(raw, dict):
        user_id = _text(raw, "id")
        roles = raw.get("roles", [])
        if not user_id or not isinstance(roles, list) or not all(
                isinstance(r, str) for r in roles):
            raise InputError("'actor' needs an 'id', and 'roles' must be a list of strings")
        admin = raw.get("admin", False)
        if not isinstance(admin, bool):
            raise InputError("'actor.admin' must be true or false")
        return Actor(user_id, _text(raw, "name", user_id.capitalize()), frozenset(roles),
                     admin)
    raise InputError("'actor' must name a member, or be an object with an 'id'")


def event_from_line(line: str, config: Config, number: int) -> Incoming:
    """Read one input line. Raises `InputError` (with the line's id if it had one)."""
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        raise InputError("not a JSON object") from None
    if not isinstance(data, dict):
        raise InputError("not a JSON object")
    request_id = str(data.get("id", f"line-{number}"))
    kind = data.get("type")
    if kind not in KINDS:
        raise InputError(f"'type' must be one of {', '.join(KINDS)}")
    if kind == "settle":
        return Incoming(request_id, kind)
    record = config.record
    group_id = _text(data, "group", record.group_id)
    actor = _actor(data, config)
    channel_value = data.get("channel", record.channel)
    if channel_value is not None and not isinstance(channel_value, str):
        raise InputError("'channel' must be a string, or null for a direct message")
    channel: str | None = channel_value
    event: Event
    if kind == "command":
        return Incoming(request_id, kind, group_id=group_id, actor=actor,
                        text=_text(data, "text"), channel=channel)
    if kind == "press":
        values = data.get("values", [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputError("'values' must be a list of strings")
        event = ButtonPress(group_id, actor, _text(data, "action"), _text(data, "value", ""),
                            tuple(values), channel, _text(data, "message_ref", ""))
    elif kind == "form":
        values = data.get("values", {})
        if not isinstance(values, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in values.items()):
            raise InputError("'values' must be an object of strings")
        event = FormSubmission(group_id, actor, _text(data, "form_id"), dict(values),
                               _text(data, "state", ""), channel)
    elif kind == "dm":
        event = DirectMessageReceived(group_id, actor, _text(data, "text"))
    elif kind == "join":
        event = MemberJoined(group_id, actor, channel)
    else:
        quoted = data.get("message", {})
        if not isinstance(quoted, dict):
            raise InputError("'message' must be an object")
        event = MessageShortcut(group_id, actor, _text(data, "shortcut"), QuotedMessage(
            _text(quoted, "text", ""), _text(quoted, "author", ""),
            _text(quoted, "channel", channel or ""), _text(quoted, "link", ""),
            _text(quoted, "message_id", "")), channel)
    return Incoming(request_id, kind, event=event)


def message_dict(message: Message) -> dict[str, Any]:
    """A message as recorded: its text, buttons and menu (images and files counted)."""
    select = message.select
    return {
        "text": message.text,
        "buttons": [[b.label, b.action, b.value] for b in message.buttons],
        "select": None if select is None else {
            "action": select.action, "choices": [[c.label, c.value] for c in select.choices]},
        "images": len(message.images),
        "files": len(message.files),
    }


def reply_dict(request_id: str, pid: int, reply: Reply) -> dict[str, Any]:
    """An answer to an input line, as recorded."""
    form = reply.form
    return {
        "id": request_id, "pid": pid, "kind": "reply",
        "messages": [message_dict(m) for m in reply.messages],
        "public": reply.public,
        "update": None if reply.update is None else message_dict(reply.update),
        "form": None if form is None else {
            "form_id": form.form_id, "title": form.title, "state": form.state,
            "fields": [f.key for f in form.fields]},
        "field_errors": dict(reply.field_errors),
    }


def delivery_dict(key: str, pid: int, destination: Destination, message: Message,
                  ref: str) -> dict[str, Any]:
    """A message the bot sent, as recorded."""
    return {"key": key, "pid": pid, "destination": destination_to_dict(destination),
            "ref": ref, **message_dict(message)}
