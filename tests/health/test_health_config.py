"""`[health]` and COPROD_HEALTH, COPROD_HEALTH_HOST, COPROD_HEALTH_PORT: read, checked
(one plain line per problem), the environment winning; where the server runs; and what
`coprod healthcheck` asks and says."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Config
from bot.config import ConfigError
from bot.config import HealthSection
from bot.config import load_config
from bot.healthcheck import readyz_url
from bot.healthcheck import run_healthcheck
from bot.listening import health_wanted
from tests.health.helpers import free_port


def _config(tmp_path: Path, text: str, **env: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env=env)


def _problems(tmp_path: Path, text: str, **env: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        _config(tmp_path, text, **env)
    return info.value.problems


def test_defaults_file_and_environment(tmp_path: Path) -> None:
    assert load_config(None, env={}).health == HealthSection(enabled="auto",
                                                             host="127.0.0.1", port=9464)
    from_file = _config(tmp_path, '[health]\nenabled = true\nhost = "0.0.0.0"\nport = 9100\n')
    assert from_file.health == HealthSection(enabled=True, host="0.0.0.0", port=9100)
    from_env = _config(tmp_path, "[health]\nenabled = true\nport = 9100\n",
                       COPROD_HEALTH="off", COPROD_HEALTH_HOST="::",
                       COPROD_HEALTH_PORT="9200")
    assert from_env.health == HealthSection(enabled=False, host="::", port=9200)
    assert _config(tmp_path, "", COPROD_HEALTH=" Auto ").health.enabled == "auto"
    assert _config(tmp_path, "", COPROD_HEALTH="ON").health.enabled is True


def test_each_bad_value_is_one_line(tmp_path: Path) -> None:
    assert _problems(tmp_path, '[health]\nenabled = "sometimes"\nport = 0\nhost = "a b"\n'
                     ) == [
        '[health] enabled: must be true, false or "auto" (on for Discord and Slack, off '
        "for the console)",
        "[health] port: must be from 1 to 65535; it is 0",
        '[health] host: must be an address to listen on in quotes, like "127.0.0.1" '
        '(this machine only) or "0.0.0.0" (every network)']
    problems = _problems(tmp_path, "", COPROD_HEALTH="maybe", COPROD_HEALTH_PORT="http",
                         COPROD_HEALTH_HOST="no such/host")
    assert [p.split(":", 1)[0] for p in problems] == [
        "COPROD_HEALTH", "COPROD_HEALTH_HOST", "COPROD_HEALTH_PORT"]
    assert problems[2] == "COPROD_HEALTH_PORT: must be a port number from 1 to 65535; it is “http”"


@pytest.mark.parametrize("enabled,platform,wanted", [
    ("auto", "discord", True), ("auto", "slack", True), ("auto", "console", False),
    ("auto", "record", False), (True, "console", True), (False, "discord", False)])
def test_where_the_server_runs(enabled: bool | str, platform: str, wanted: bool) -> None:
    config = replace(Config(), health=HealthSection(enabled=enabled))  # type: ignore[arg-type]
    assert health_wanted(config, platform) is wanted


@pytest.mark.parametrize("host,url", [
    ("127.0.0.1", "http://127.0.0.1:9464/readyz"), ("0.0.0.0", "http://127.0.0.1:9464/readyz"),
    ("::", "http://[::1]:9464/readyz"), ("bot.internal", "http://bot.internal:9464/readyz")])
def test_healthcheck_asks_this_machine_for_an_every_address_host(host: str, url: str) -> None:
    assert readyz_url(replace(Config(), health=HealthSection(host=host))) == url


def test_healthcheck_with_nothing_listening_or_switched_off_is_one_line() -> None:
    port = free_port()
    out, err = io.StringIO(), io.StringIO()
    config = replace(Config(), health=HealthSection(port=port))
    assert run_healthcheck(config, out, err, timeout=5) == 1
    assert err.getvalue() == (
        f"Not ready: no answer from the health server at http://127.0.0.1:{port}/readyz "
        "(nothing is listening there). Is coprod running, with the same [health] host "
        "and port?\n")
    err = io.StringIO()
    off = replace(Config(), health=HealthSection(enabled=False))
    assert run_healthcheck(off, out, err) == 1
    assert len(err.getvalue().splitlines()) == 1 and "switched off" in err.getvalue()
    assert out.getvalue() == ""
