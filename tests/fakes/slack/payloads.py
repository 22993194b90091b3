"""Slack's documented payload shapes, as the fake sends them (Socket Mode envelopes'
`payload`, or HTTP mode bodies): slash commands, block_actions, view_submission,
message_action, and the `app_home_opened` and `message.im` events."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from tests.fakes.slack.server import APP_ID
from tests.fakes.slack.server import BOT_USER
from tests.fakes.slack.server import TEAM_ID
from tests.fakes.slack.server import FakeSlack


def slash_command(slack: FakeSlack, command: str, text: str, *, user: str,
                  channel: str = "C0GENERAL1", channel_name: str = "general",
                  ) -> dict[str, Any]:
    """A slash command (form fields; a dict in Socket Mode)."""
    return {
        "token": "legacy-verification-token", "team_id": TEAM_ID, "team_domain": "fake",
        "channel_id": channel, "channel_name": channel_name, "user_id": user,
        "user_name": user.lower(), "command": command, "text": text, "api_app_id": APP_ID,
        "is_enterprise_install": "false", "response_url": slack.response_url(),
        "trigger_id": slack.new_trigger(),
    }


def _user(user: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}


def block_actions(slack: FakeSlack, action: dict[str, Any], *, user: str,
                  channel: str = "C0GENERAL1", message_ts: str = "1700000000.000100",
                  view: dict[str, Any] | None = None) -> dict[str, Any]:
    """A button press or select choice, in a message (or in a view when `view` is set)."""
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": TEAM_ID, "domain": "fake"},
        "user": _user(user), "api_app_id": APP_ID, "token": "legacy-verification-token",
        "trigger_id": slack.new_trigger(),
        "actions": [{**action, "block_id": "b1", "action_ts": f"{time.time():.6f}"}],
        "is_enterprise_install": False,
    }
    if view is None:
        payload.update({
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                          "is_ephemeral": False},
            "channel": {"id": channel, "name": "general"},
            "message": {"type": "message", "ts": message_ts, "text": "", "bot_id": "B0BOT0001"},
            "response_url": slack.response_url(),
        })
    else:
        payload.update({"container": {"type": "view", "view_id": view.get("id", "V1")},
                        "view": view})
    return payload


def button(action_id: str, value: str, label: str = "Press") -> dict[str, Any]:
    """The `actions[]` entry of a pressed button."""
    return {"type": "button", "action_id": action_id, "value": value,
            "text": {"type": "plain_text", "text": label, "emoji": True}}


def static_select(action_id: str, value: str) -> dict[str, Any]:
    """The `actions[]` entry of a static select choice."""
    return {"type": "static_select", "action_id": action_id,
            "selected_option": {"text": {"type": "plain_text", "text": value},
                                "value": value}}


def view_submission(view: dict[str, Any], values: dict[str, Any], *,
                    user: str) -> dict[str, Any]:
    """A modal sent: `view` as the app opened it, with the state Slack fills in.

    `values` maps block id to a text, or to ("select", value) for a select/radio field.
    """
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        block_id = block.get("block_id")
        element = block.get("element", {})
        if block_id not in values:
            continue
        raw = values[block_id]
        kind = element.get("type", "plain_text_input")
        if kind in ("static_select", "radio_buttons"):
            option = ({"text": {"type": "plain_text", "text": str(raw)}, "value": str(raw)}
                      if raw else None)
            state[block_id] = {element["action_id"]: {"type": kind, "selected_option": option}}
        else:
            state[block_id] = {element["action_id"]: {"type": kind, "value": raw}}
    submitted = {**view, "id": view.get("id", "V0SUBMIT1"), "team_id": TEAM_ID,
                 "state": {"values": state}, "hash": "1700000000.abc",
                 "app_id": APP_ID, "bot_id": "B0BOT0001"}
    return {"type": "view_submission", "team": {"id": TEAM_ID, "domain": "fake"},
            "user": _user(user), "api_app_id": APP_ID, "token": "legacy-verification-token",
            "trigger_id": "1.2.view-trigger", "view": submitted, "response_urls": [],
            "is_enterprise_install": False}


def message_action(slack: FakeSlack, callback_id: str, *, user: str, text: str,
                   author: str, channel: str = "C0GENERAL1",
                   ts: str = "1700000001.000200") -> dict[str, Any]:
    """A message shortcut chosen on someone's message."""
    return {
        "type": "message_action", "token": "legacy-verification-token",
        "action_ts": f"{time.time():.6f}", "team": {"id": TEAM_ID, "domain": "fake"},
        "user": _user(user), "channel": {"id": channel, "name": "general"},
        "is_enterprise_install": False, "callback_id": callback_id,
        "trigger_id": slack.new_trigger(), "response_url": slack.response_url(),
        "message_ts": ts,
        "message": {"type": "message", "user": author, "ts": ts, "text": text},
    }


def event_callback(event: dict[str, Any]) -> dict[str, Any]:
    """An Events API wrapper around one event."""
    return {
        "token": "legacy-verification-token", "team_id": TEAM_ID, "api_app_id": APP_ID,
        "event": event, "type": "event_callback", "event_id": f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
    }


def app_home_opened(user: str) -> dict[str, Any]:
    """The member opened the app's Home tab."""
    return event_callback({"type": "app_home_opened", "user": user, "channel": "D" + user[1:],
                           "tab": "home", "event_ts": f"{time.time():.6f}"})


def direct_message(user: str, text: str) -> dict[str, Any]:
    """A message in the bot's DM channel (`message.im`)."""
    ts = f"{time.time():.6f}"
    return event_callback({"type": "message", "channel": "D" + user[1:], "user": user,
                           "text": text, "ts": ts, "event_ts": ts, "channel_type": "im"})


def interactive_form(payload: dict[str, Any]) -> dict[str, str]:
    """An interactive payload as Slack's HTTP mode posts it (`payload=<json>`)."""
    return {"payload": json.dumps(payload)}
