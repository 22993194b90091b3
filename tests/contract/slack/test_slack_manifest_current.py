"""The committed Slack manifest is the one `coprod slack manifest` makes, so a new command
cannot be forgotten there (regenerate: `coprod slack manifest > adapters/slack/manifest.yml`).
"""

from __future__ import annotations

from pathlib import Path

from adapters.slack.manifest import manifest_for_config
from bot.config import Config

MANIFEST = Path(__file__).resolve().parents[3] / "adapters" / "slack" / "manifest.yml"


def test_committed_manifest_is_current() -> None:
    assert MANIFEST.read_text(encoding="utf-8") == manifest_for_config(Config(), ""), (
        "adapters/slack/manifest.yml is out of date: run "
        "`coprod slack manifest > adapters/slack/manifest.yml`")
