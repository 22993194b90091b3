"""The core sections of `config.toml` as pydantic models: [bot], [delivery], [scheduler],
[health], [discord], [slack], [record] and [console], each key checked by a function that says what
is wrong in plain words. Feature sections live with their features (see the registry).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from typing import Literal

from bot.config_model import ConfigSection
from bot.config_model import checked
from bot.config_model import one_of
from bot.config_model import whole_number
from bot.settings import SettingError
from bot.settings import check_channel

# An upper bound for `[discord] shard_count` that catches typos.
MAX_SHARDS = 10000
LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True, slots=True)
class ConsoleMember:
    """A simulated member of the console's demo group."""

    name: str
    roles: tuple[str, ...] = ()
    admin: bool = False


DEFAULT_CONSOLE_MEMBERS: tuple[ConsoleMember, ...] = (
    ConsoleMember("alice"),
    ConsoleMember("bob"),
    ConsoleMember("carol", ("Facilitator",)),
    ConsoleMember("dev", ("Safeguarding lead",)),
    ConsoleMember("erin", ("Safeguarding lead",)),
    ConsoleMember("sam", (), admin=True),
)


# ---- the checks -------------------------------------------------------------------------

def _expect(kind: type | tuple[type, ...], what: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, bool) and kind is not bool:
            raise SettingError(f"must be {what}")
        if not isinstance(value, kind):
            raise SettingError(f"must be {what}")
        return value
    return check


def _seconds(low: float, high: float) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingError(f"must be a number of seconds from {low:g} to {high:g}, "
                               "like 2 or 0.5")
        if not low <= value <= high:
            raise SettingError(f"must be from {low:g} to {high:g} seconds; it is {value:g}")
        return float(value)
    return check


def _text(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        raise SettingError('must be a non-empty text in quotes, like "coprod.db"')
    return value.strip()


def _optional_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise SettingError('must be a text in quotes, like "coprod.key" ("" for not set)')
    return value.strip()


def health_switch(value: Any) -> Any:
    """`[health] enabled`: true, false or "auto" (COPROD_HEALTH also takes on, off)."""
    if isinstance(value, bool):
        return value
    word = value.strip().lower() if isinstance(value, str) else None
    if word in ("auto", "on", "off", "true", "false"):
        return "auto" if word == "auto" else word in ("on", "true")
    raise SettingError('must be true, false or "auto" (on for Discord and Slack, off for '
                       "the console)")


def health_env_switch(value: Any) -> Any:
    """COPROD_HEALTH: on, off or auto (true and false are taken too), named as the
    environment variable takes them."""
    try:
        return health_switch(value)
    except SettingError:
        raise SettingError('must be on, off or auto (auto: on for Discord and Slack, off '
                           "for the console)") from None


def listen_host(value: Any) -> Any:
    """An address to listen on: a host name or an IP address, without a port."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.:\-]+|\[[0-9A-Fa-f:.]+\]",
                                                      value.strip()):
        raise SettingError('must be an address to listen on in quotes, like "127.0.0.1" '
                           '(this machine only) or "0.0.0.0" (every network)')
    return value.strip().strip("[]")


def _console_channel(value: Any) -> Any:
    name = check_channel(value)
    if not name:
        raise SettingError('must name a channel, like "general"')
    return name


def check_url(value: Any) -> Any:
    """A URL for an API or gateway base ("" for the platform's own), without a
    trailing slash."""
    if not isinstance(value, str):
        raise SettingError('must be a URL in quotes, like "https://example.org/api" '
                           '("" for the platform\'s own)')
    value = value.strip()
    if value and not re.fullmatch(r"(https?|wss?)://[^\s/]+(/\S*)?", value):
        raise SettingError("must start with https://, http://, wss:// or ws:// and have "
                           "no spaces")
    return value.rstrip("/")


def _url_path(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"/[A-Za-z0-9._~/-]*", value.strip()):
        raise SettingError('must be a path on this server starting with /, like '
                           '"/slack/install"')
    return value.strip()


def _words(pattern: str, problem: str) -> Callable[[Any], Any]:
    """A check for a list of strings each matching `pattern`, kept as a tuple."""

    def check(value: Any) -> Any:
        if not isinstance(value, list) or not all(
                isinstance(item, str) and re.fullmatch(pattern, item.strip())
                for item in value):
            raise SettingError(problem)
        return tuple(item.strip() for item in value)

    return check


_scopes = _words(r"[a-z_.]+(:[a-z_.]+)*",
                 'must be a list of Slack scopes in quotes, like ["commands", '
                 '"chat:write"] ([] for the manifest\'s own)')
_team_ids = _words(r"[TE][A-Z0-9]{2,20}",
                   'must be a list of Slack workspace ids in quotes, like ["T0123ABCD"] '
                   '([] lets any workspace install the app)')


def _snowflakes(value: Any) -> Any:
    if not isinstance(value, list):
        raise SettingError('must be a list of server ids in quotes, like ["123456789012345678"]')
    ids = []
    for item in value:
        text = str(item).strip() if isinstance(item, str | int) and not isinstance(
            item, bool) else ""
        if not re.fullmatch(r"[0-9]{15,21}", text):
            raise SettingError(f"“{item}” is not a Discord server id (15 to 21 digits); "
                               "copy it with right-click > Copy Server ID")
        ids.append(text)
    return tuple(ids)


def _shard_count(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingError(f'must be a whole number from 0 to {MAX_SHARDS}, or "auto"')
    if not 0 <= value <= MAX_SHARDS:
        raise SettingError(f'must be from 0 to {MAX_SHARDS}, or "auto"; it is {value}')
    return value


def _shard_ids(value: Any) -> Any:
    if not isinstance(value, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in value):
        raise SettingError("must be a list of shard numbers, like [0, 1]")
    twice = next((i for n, i in enumerate(value) if i in value[:n]), None)
    if twice is not None:
        raise SettingError(f"lists shard {twice} twice; list each shard once, like [0, 1]")
    return tuple(value)


def _members(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        raise SettingError('must be a list of tables, like [{ name = "alice" }]')
    members = []
    seen = set()
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SettingError(f"item {i + 1} needs a name, like {{ name = \"alice\" }}")
        extra = set(item) - {"name", "roles", "admin"}
        if extra:
            raise SettingError(f"item {i + 1} has unknown keys {', '.join(sorted(extra))}; "
                               "allowed are name, roles, admin")
        name = item["name"].strip().lower()
        if not name or not name.replace("-", "").replace("_", "").isalnum():
            raise SettingError(f"item {i + 1}: a name is one word of letters and digits")
        if name in seen:
            raise SettingError(f"item {i + 1}: the name {name} appears twice")
        seen.add(name)
        roles = item.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise SettingError(f"item {i + 1}: roles must be a list of role names")
        admin = item.get("admin", False)
        if not isinstance(admin, bool):
            raise SettingError(f"item {i + 1}: admin must be true or false")
        members.append(ConsoleMember(name, tuple(roles), admin))
    return tuple(members)


# ---- the sections ----------------------------------------------------------------------

class BotSection(ConfigSection):
    """`[bot]`: logging, the database and the key file."""

    # Empty means "not set": the platform adapters then log at info, the console at warning.
    log_level: Annotated[str, checked(one_of(*LOG_LEVELS, allow_unset=True))] = ""
    log_format: Annotated[str, checked(one_of("keyvalue", "json"))] = "keyvalue"
    database: Annotated[str, checked(_text)] = "coprod.db"
    # PostgreSQL only: the most connections one process holds.
    database_pool_size: Annotated[int, checked(whole_number(1, 100))] = 10
    key_file: Annotated[str, checked(_optional_text)] = ""


class DeliverySection(ConfigSection):
    """`[delivery]`: how many deliveries are sent at once, and how they are retried."""

    concurrency: Annotated[int, checked(whole_number(1, 64))] = 4
    max_backoff_seconds: Annotated[int, checked(whole_number(5, 86400))] = 600
    lease_seconds: Annotated[int, checked(whole_number(10, 3600))] = 120
    retry_base_seconds: Annotated[float, checked(_seconds(0.01, 600))] = 2.0


class SchedulerSection(ConfigSection):
    """`[scheduler]`: how late a missed occurrence may still be sent."""

    grace_minutes: Annotated[int, checked(whole_number(0, 10080))] = 60


class HealthSection(ConfigSection):
    """`[health]`: the HTTP server for monitoring (`/healthz`, `/readyz`, `/metrics`).

    `enabled` "auto" means on for Discord and Slack, off for the console and the
    recording platform. COPROD_HEALTH, COPROD_HEALTH_HOST and COPROD_HEALTH_PORT win
    over the file.
    """

    enabled: Annotated[bool | Literal["auto"], checked(health_switch)] = "auto"
    host: Annotated[str, checked(listen_host)] = "127.0.0.1"
    port: Annotated[int, checked(whole_number(1, 65535))] = 9464


class DiscordConfig(ConfigSection):
    """`[discord]`: where the Discord adapter connects and how it registers commands.

    `api_base` and `gateway_url` empty mean Discord's own; they exist for REST proxies
    at scale and for local test servers (also from DISCORD_API_BASE and
    DISCORD_GATEWAY_URL). `shard_count` 0 means no sharding (one gateway connection);
    a number N splits the bot's servers over N shards, of which this process runs
    `shard_ids` (all of them when empty), so several processes can share them; "auto"
    runs as many shards as Discord recommends, all in this process.
    `requests_per_second` is this process's share of Discord's global rate limit (50
    per bot, shared by all its processes).
    """

    guild_ids: Annotated[tuple[str, ...], checked(_snowflakes)] = ()
    command_sync: Annotated[str, checked(one_of("guild", "global"))] = "guild"
    api_base: Annotated[str, checked(check_url)] = ""
    gateway_url: Annotated[str, checked(check_url)] = ""
    shard_count: Annotated[int | Literal["auto"], checked(_shard_count)] = 0
    shard_ids: Annotated[tuple[int, ...], checked(_shard_ids)] = ()
    # Needs the privileged Server Members intent (switched on in the Developer Portal);
    # without it newcomers get their welcome by running /welcome.
    member_join_events: Annotated[bool, checked(_expect(bool, "true or false"))] = False
    requests_per_second: Annotated[int, checked(whole_number(1, 10000))] = 50


class SlackConfig(ConfigSection):
    """`[slack]`: Socket Mode (default) or HTTP mode, and the Web API base URL; and, for
    one app installed in many workspaces (SLACK_CLIENT_ID set), where the install page
    and Slack's OAuth redirect land, the scopes asked for, and Slack's authorize page.

    `api_base` empty means Slack's own (also from SLACK_API_BASE); `scopes` empty means
    the manifest's bot scopes; `redirect_url` empty means the one set in the app's
    settings; `authorize_url` empty means Slack's own; `allowed_workspaces` empty means
    any workspace may install the app (a warning is logged at start).
    """

    mode: Annotated[str, checked(one_of("socket", "http"))] = "socket"
    http_host: Annotated[str, checked(_text)] = "0.0.0.0"
    http_port: Annotated[int, checked(whole_number(1, 65535))] = 3000
    api_base: Annotated[str, checked(check_url)] = ""
    install_path: Annotated[str, checked(_url_path)] = "/slack/install"
    redirect_path: Annotated[str, checked(_url_path)] = "/slack/oauth_redirect"
    redirect_url: Annotated[str, checked(check_url)] = ""
    scopes: Annotated[tuple[str, ...], checked(_scopes)] = ()
    authorize_url: Annotated[str, checked(check_url)] = ""
    allowed_workspaces: Annotated[tuple[str, ...], checked(_team_ids)] = ()


class RecordConfig(ConfigSection):
    """`[record]`: the recording platform (`coprod run --platform record`), a test and
    operations tool that reads events as JSON lines and records what the bot answers and
    delivers to files (docs/testing.md).

    `input` "-" is standard input; `{pid}` in the file names becomes the process id, so
    several processes can share one config and each record to its own files.
    """

    input: Annotated[str, checked(_text)] = "-"
    replies: Annotated[str, checked(_text)] = "record-replies-{pid}.jsonl"
    deliveries: Annotated[str, checked(_text)] = "record-deliveries-{pid}.jsonl"
    group_id: Annotated[str, checked(_text)] = "demo"
    channel: Annotated[str, checked(_console_channel)] = "general"
    send_latency_ms: Annotated[int, checked(whole_number(0, 600000))] = 0
    keep_running: Annotated[bool, checked(_expect(bool, "true or false"))] = False
    # A file shared by several processes in which the pretend platform remembers each
    # delivery key it took, dropping a repeat as Discord drops a repeated nonce.
    nonce_ledger: Annotated[str, checked(_optional_text)] = ""


class ConsoleSection(ConfigSection):
    """`[console]`: the console's demo group, its channel and its simulated members."""

    group_name: Annotated[str, checked(_text)] = "Demo group"
    channel: Annotated[str, checked(_console_channel)] = "general"
    members: Annotated[tuple[ConsoleMember, ...], checked(_members)
                       ] = DEFAULT_CONSOLE_MEMBERS


CORE_SECTIONS: dict[str, type[ConfigSection]] = {
    "bot": BotSection,
    "delivery": DeliverySection,
    "scheduler": SchedulerSection,
    "health": HealthSection,
    "discord": DiscordConfig,
    "slack": SlackConfig,
    "record": RecordConfig,
    "console": ConsoleSection,
}
"""The sections the core reads itself, by name, in the order they are listed."""


def shard_problems(discord: DiscordConfig) -> list[str]:
    """`shard_ids` against `shard_count` (each key is checked alone first)."""
    count, ids = discord.shard_count, discord.shard_ids
    if not ids:
        return []
    if count == "auto":
        return ['[discord] shard_ids: cannot go with shard_count = "auto". To split the '
                "shards across processes, give every process the same shard_count (a "
                "number) and each its own shard_ids"]
    if not count:
        return ["[discord] shard_ids: needs shard_count, the total number of shards "
                "across all processes. Set it the same in every process, like "
                "shard_count = 2"]
    bad = [i for i in ids if i >= count]
    if bad:
        return [f"[discord] shard_ids: {bad[0]} is not below shard_count ({count}); shard "
                "numbers run from 0 to shard_count - 1"]
    return []


