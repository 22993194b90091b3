"""The Slack slash commands: one per top-level command name in the core's registry, plus
`/coprod`, which reaches every command (and help).

Slack refuses a whole app manifest that names one of its built-in commands, so those
names are left out of the manifest; their commands stay reachable as `/coprod NAME ...`.
Any slash command the app receives is read as a command line by the core's parser, so a
feature added later needs no Slack code: only a refreshed manifest
(`coprod slack manifest`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import replace

from adapters.slack.mrkdwn import from_slack
from bot import catalog
from bot.app import App
from bot.messages import Message
from bot.messages import Reply

COPROD_COMMAND = "coprod"

# Slack's own commands (an app may not register these).
RESERVED = frozenset({
    "active", "apps", "archive", "away", "call", "collapse", "dm", "dnd", "expand",
    "feed", "feedback", "giphy", "help", "invite", "join", "kick", "leave", "me", "msg",
    "mute", "open", "prefs", "remind", "remove", "rename", "search", "shortcuts", "shrug",
    "star", "status", "topic", "who",
})


@dataclass(frozen=True, slots=True)
class SlashCommand:
    """One slash command as the manifest declares it."""

    name: str
    description: str
    usage_hint: str


def command_line(app: App, command: str, text: str) -> str:
    """The core's command line for a Slack slash command and its text.

    `/coprod` alone or `/coprod help` is `/help`; `/coprod setup x=y` runs `/setup x=y`;
    `/meeting help` is `/help meeting` (unless a feature has its own `meeting help`).
    """
    name = command.strip().lstrip("/").lower()
    words = from_slack(text).strip()
    if name == COPROD_COMMAND:
        return "/" + (words.lstrip("/") or "help")
    first = words.split(maxsplit=1)[0].lower() if words else ""
    if first == "help" and app.registry.get(f"{name} help") is None:
        return f"/help {name}"
    return f"/{name} {words}".rstrip()


def slash_commands(app: App) -> list[SlashCommand]:
    """`/coprod` and one command per top-level name that Slack allows."""
    out = [SlashCommand(COPROD_COMMAND, catalog.SLACK_HELP_COMMAND, catalog.SLACK_HELP_HINT)]
    for name in app.registry.top_level_names():
        if name in RESERVED or name == COPROD_COMMAND:
            continue
        bare = app.registry.get(name)
        subs = [s for s in app.registry.under(name) if s.name != name]
        if bare is not None:
            description = bare.description
            hint = " ".join(f"[{o.name}]" for o in bare.options)
        else:
            description = catalog.slack_command_group(name, [s.words[1] for s in subs])
            hint = ""
        if subs:
            hint = " | ".join(dict.fromkeys(s.words[1] for s in subs)) + " | help"
        out.append(SlashCommand(name, description[:2000], hint[:1000]))
    return out


class NativeNames:
    """Rewrites the core's `/name` for commands Slack keeps for itself (`/help`,
    `/feedback`, ...) as `/coprod name`, in what the bot says, so every command a
    message suggests can really be typed on Slack."""

    def __init__(self, app: App) -> None:
        names = sorted((n for n in app.registry.top_level_names() if n in RESERVED),
                       key=len, reverse=True)
        self._pattern = (re.compile(r"(?<![\w/])/(" + "|".join(map(re.escape, names))
                                    + r")(?![\w-])") if names else None)

    def text(self, text: str) -> str:
        """One text with reserved command names rewritten."""
        if self._pattern is None:
            return text
        return self._pattern.sub(rf"/{COPROD_COMMAND} \1", text)

    def message(self, message: Message) -> Message:
        """A message with its text rewritten."""
        return replace(message, text=self.text(message.text))

    def reply(self, reply: Reply) -> Reply:
        """A reply with its messages, update and field errors rewritten."""
        return replace(
            reply, messages=tuple(self.message(m) for m in reply.messages),
            update=None if reply.update is None else self.message(reply.update),
            field_errors={k: self.text(v) for k, v in reply.field_errors.items()})
