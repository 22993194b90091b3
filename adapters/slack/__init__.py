"""The Slack adapter (slack-bolt, Socket Mode or HTTP): slash commands, Block Kit modals,
buttons and select menus, a message shortcut, App Home and direct messages.

`run_platform(app, config)` is the entry point `coprod run --platform slack` uses;
`SlackRunner` is the same adapter for tests and embedding; `SlackSender.send` is the
dispatcher's outbound half.
"""

from adapters.slack.runner import SlackRunner
from adapters.slack.runner import run_platform
from adapters.slack.sender import SlackSender
from adapters.slack.startup import check_platform

__all__ = ["SlackRunner", "SlackSender", "check_platform", "run_platform"]
