"""Slack installations: the workspaces that installed the app through Slack's OAuth flow
(each one a group), their bot tokens sealed at rest, and the one-use OAuth states that
let any process finish a flow another began. Migration 20. Not member data: an
installation names the workspace and its bot, never the person who installed it."""

from __future__ import annotations

from storage.package import declare
from storage.package import sealed
from storage.slack_installs.records import SlackInstall
from storage.slack_installs.records import SlackInstallStore
from storage.slack_installs.schema import MIGRATIONS
from storage.slack_installs.sql import SqlSlackInstalls

STORAGE = declare(__name__, SqlSlackInstalls, MIGRATIONS,
                  encrypted=sealed("slack_installs", "sealed", key=("workspace",)))

__all__ = ["STORAGE", "SlackInstall", "SlackInstallStore", "SqlSlackInstalls"]
