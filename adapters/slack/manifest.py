"""The Slack app manifest: everything a group admin pastes to create the app.

Built from the running app's registry, so it always lists every command and message
shortcut this version has (`coprod slack manifest`); `adapters/slack/manifest.yml` is
this output for the default features, kept in the repository for convenience.

Scopes are the smallest set that works, each for one reason:
- `commands`: the slash commands and the message shortcut;
- `chat:write`: messages, private (ephemeral) replies, updating a pressed message;
- `im:write`: opening a direct message with a member (`conversations.open`);
- `im:history`: reading direct messages people send the bot (`message.im`);
- `users:read`: a member's names (display name, username, real name: a concern that
  names a lead any of these ways is kept from them) and whether they are a workspace
  admin; also brings `team_join` (someone joined the workspace: the bot welcomes them);
- `usergroups:read`: which user groups someone is in, and who is in the leads' user
  group (`usergroups.users.list`), so every lead gets a concern without acting first;
- `channels:read`, `groups:read`: finding a channel set by name (public, private);
- `files:write`: posting images (always with their alt text).
"""

from __future__ import annotations

import json
from typing import Any
from typing import cast

from adapters.slack.commands import slash_commands
from bot.app import App
from bot.config import Config
from storage.interface import Storage

BOT_SCOPES = ("commands", "chat:write", "im:write", "im:history", "users:read",
              "usergroups:read", "channels:read", "groups:read", "files:write")
# app_uninstalled and tokens_revoked: a workspace that removes the app has its token
# deleted and its deliveries stopped (one app for many workspaces, docs/slack.md).
BOT_EVENTS = ("app_home_opened", "message.im", "team_join", "app_uninstalled",
              "tokens_revoked")
APP_NAME = "Coprod bot"
APP_DESCRIPTION = ("Helps your co-production group work well together: updates, feedback, "
                   "check-ins and safeguarding.")


def manifest(app: App, request_url: str = "") -> dict[str, Any]:
    """The manifest as data: Socket Mode, or HTTP mode when `request_url` is given."""
    commands: list[dict[str, Any]] = []
    for command in slash_commands(app):
        entry: dict[str, Any] = {"command": f"/{command.name}",
                                 "description": command.description}
        if request_url:
            entry["url"] = request_url
        if command.usage_hint:
            entry["usage_hint"] = command.usage_hint
        entry["should_escape"] = True
        commands.append(entry)
    features: dict[str, Any] = {
        "app_home": {"home_tab_enabled": True, "messages_tab_enabled": True,
                     "messages_tab_read_only_enabled": False},
        "bot_user": {"display_name": "coprod", "always_online": True},
        "slash_commands": commands,
    }
    shortcuts = [{"name": s.label, "type": "message", "callback_id": s.shortcut_id,
                  "description": s.label} for s in app.shortcuts.values()]
    if shortcuts:
        features["shortcuts"] = shortcuts
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        events = {"request_url": request_url, **events}
        interactivity["request_url"] = request_url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": APP_NAME, "description": APP_DESCRIPTION},
        "features": features,
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": not request_url,
            "token_rotation_enabled": False,
        },
    }


def to_yaml(data: Any, indent: int = 0) -> str:
    """A small YAML writer for the manifest (strings JSON-quoted, which YAML accepts)."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict | list) and value:
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(value, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(value)}")
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and item:
                inner = to_yaml(item, indent + 1).split("\n")
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(pad + _scalar(data))
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return json.dumps(str(value), ensure_ascii=False)


def manifest_yaml(app: App, request_url: str = "") -> str:
    """The manifest as YAML, with a header saying how to use it."""
    header = ("# Slack app manifest for coprod-bot. Paste it at https://api.slack.com/apps\n"
              "# (Create New App > From a manifest). Made by `coprod slack manifest`;\n"
              "# see docs/slack.md for the steps.\n")
    return header + to_yaml(manifest(app, request_url)) + "\n"


def manifest_for_config(config: Config, request_url: str = "") -> str:
    """The manifest for the features this config runs (`coprod slack manifest`).

    Only the registry is needed, so the app is built without opening the database.
    """
    app = App(config, cast(Storage, None))
    return manifest_yaml(app, request_url)
