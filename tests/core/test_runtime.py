"""Choosing the platform at start-up, and what each needs from the environment."""

from __future__ import annotations

import gc
import io
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Config
from bot.config import ConfigError
from bot.config import Secrets
from bot.config import SlackConfig
from bot.runtime import build_app
from bot.runtime import choose_platform
from bot.runtime import make_cipher
from bot.runtime import missing_secrets
from bot.runtime import platform_available
from bot.runtime import start_app
from storage.crypto import KeyFileCipher
from storage.crypto import generate_key
from storage.interface import Storage


def test_no_token_means_the_console() -> None:
    assert choose_platform(None, Config(), io.StringIO()) == "console"
    assert platform_available("console")


def test_a_platform_without_an_adapter_is_a_clear_error_or_a_note(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.runtime.platform_available", lambda name: name == "console")
    notes = io.StringIO()
    config = Config(secrets=Secrets(discord_token="x"))
    assert choose_platform(None, config, notes) == "console"
    assert "Discord adapter is not part of this version yet" in notes.getvalue()
    with pytest.raises(ConfigError, match="not part of this version"):
        choose_platform("discord", config, notes)


def test_a_token_picks_its_platform_and_its_secrets_are_checked() -> None:
    assert platform_available("discord") and platform_available("slack")
    config = Config(secrets=Secrets(discord_token="x", encryption_key="k"))
    assert choose_platform(None, config, io.StringIO()) == "discord"
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        choose_platform("slack", config, io.StringIO())


def test_missing_secrets_name_each_variable_and_the_fix() -> None:
    assert missing_secrets("console", Config()) == []
    discord = missing_secrets("discord", Config())
    assert [p.split(":")[0] for p in discord] == ["DISCORD_TOKEN", "COPROD_ENCRYPTION_KEY"]
    assert "coprod generate-key" in discord[1]
    socket = missing_secrets("slack", Config(secrets=Secrets(slack_bot_token="x",
                                                             encryption_key="k")))
    assert [p.split(":")[0] for p in socket] == ["SLACK_APP_TOKEN"]
    http = missing_secrets("slack", Config(slack=SlackConfig(mode="http")))
    assert [p.split(":")[0] for p in http] == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
                                               "COPROD_ENCRYPTION_KEY"]


def test_one_slack_app_for_many_workspaces_needs_its_secrets_and_http_mode() -> None:
    many = Secrets(slack_client_id="1.2", encryption_key="k")
    socket = missing_secrets("slack", Config(secrets=many))
    assert len(socket) == 1 and socket[0].startswith("SLACK_CLIENT_ID is set")
    assert 'mode = "http"' in socket[0] and "--http HOST:PORT" in socket[0]
    http = missing_secrets("slack", Config(slack=SlackConfig(mode="http"), secrets=many))
    assert [p.split(":")[0] for p in http] == ["SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"]
    whole = Secrets(slack_client_id="1.2", slack_client_secret="s",
                    slack_signing_secret="t", encryption_key="k")
    config = Config(slack=SlackConfig(mode="http"), secrets=whole)
    assert missing_secrets("slack", config) == []  # no SLACK_BOT_TOKEN needed
    assert choose_platform(None, config, io.StringIO()) == "slack"


def test_one_workspace_and_many_at_once_is_refused_with_the_fix() -> None:
    both = Secrets(slack_bot_token="xoxb-1", slack_client_id="1.2", slack_client_secret="s",
                   slack_signing_secret="t", encryption_key="k")
    config = Config(slack=SlackConfig(mode="http"), secrets=both)
    [line] = missing_secrets("slack", config)
    assert "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set" in line
    assert "Unset one of them" in line and "docs/slack.md" in line
    with pytest.raises(ConfigError):
        choose_platform(None, config, io.StringIO())


@pytest.mark.parametrize(("url", "wrong"), [
    ("http://bot.example.org/slack/oauth_redirect", "must start with https://"),
    ("wss://bot.example.org/slack/oauth_redirect", "must start with https://"),
    ("https://bot.example.org/slack/oauth", "is not redirect_path"),
    ("https://bot.example.org", "is not redirect_path"),
])
def test_a_redirect_url_slack_cannot_use_is_one_line(url: str, wrong: str) -> None:
    whole = Secrets(slack_client_id="1.2", slack_client_secret="s",
                    slack_signing_secret="t", encryption_key="k")
    config = Config(slack=SlackConfig(mode="http", redirect_url=url), secrets=whole)
    [line] = missing_secrets("slack", config)
    assert line.startswith("[slack] redirect_url: ") and wrong in line
    assert "\n" not in line
    with pytest.raises(ConfigError):
        choose_platform("slack", config, io.StringIO())


@pytest.mark.parametrize("url", ["https://bot.example.org/slack/oauth_redirect",
                                 "http://127.0.0.1:3000/slack/oauth_redirect",
                                 "http://localhost:3000/slack/oauth_redirect"])
def test_a_good_redirect_url_passes(url: str) -> None:
    whole = Secrets(slack_client_id="1.2", slack_client_secret="s",
                    slack_signing_secret="t", encryption_key="k")
    config = Config(slack=SlackConfig(mode="http", redirect_url=url), secrets=whole)
    assert missing_secrets("slack", config) == []


def test_a_key_file_serves_discord_and_slack_too(tmp_path: Path) -> None:
    path = tmp_path / "bot.key"
    config = Config(key_file=str(path), secrets=Secrets(discord_token="x"))
    assert missing_secrets("discord", config) == []
    with pytest.raises(ConfigError, match=r"\[bot\] key_file: there is no key file"):
        make_cipher(config, "discord", io.StringIO())
    assert not path.exists()  # never made for a real platform: a wrong path would hide data
    path.write_text(generate_key() + "\n", encoding="ascii")
    cipher = make_cipher(config, "discord", io.StringIO())
    assert isinstance(cipher, KeyFileCipher)
    assert cipher.decrypt(cipher.encrypt("x")) == "x"


async def test_start_app_starts_the_schedules_then_freezes_the_heap(storage: Storage) -> None:
    app = await build_app(Config(), storage, FakeClock())
    gc.unfreeze()
    try:
        await start_app(app)
        assert app.scheduler._aps is not None  # the timers run
        assert gc.get_freeze_count() > 0  # what start-up made is no longer scanned
    finally:
        await app.stop()
        gc.unfreeze()
