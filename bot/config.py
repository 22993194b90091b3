"""Loading and checking `config.toml` and the secrets from the environment.

Everything is checked at start-up, before anything touches the database: a problem
stops the bot with one line per problem naming the key, what is wrong and how to fix
it (exit code 2). No config file at all is fine: the console on a local SQLite file.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from dotenv import dotenv_values

from bot.agreement_config import (
    AGREEMENT_SCHEMA,
    PROMPTS_SCHEMA,
    AgreementConfig,
    PromptsConfig,
    agreement_config,
    prompts_config,
)
from bot.checkins_config import (
    BUDDIES_SCHEMA,
    CHECKINS_SCHEMA,
    BuddiesConfig,
    CheckinsConfig,
    buddies_config,
    checkins_config,
)
from bot.concerns_config import CONCERNS_SCHEMA, ConcernsConfig, concerns_config
from bot.features.feedback.config import FEEDBACK_SCHEMA, FeedbackConfig, feedback_config
from bot.retention_config import (
    RETENTION_SCHEMA,
    RetentionConfig,
    retention_config,
    retention_problems,
)
from bot.settings import (
    FEATURE_CHANNELS,
    SETTING_KEYS,
    GroupSettings,
    SettingError,
    apply_settings,
    check_channel,
    setting_spec,
)
from storage.factory import check_database_setting, describe_database

_GROUP_ID = re.compile(r"[0-9]{17,20}|[TE][A-Z0-9]{6,}|demo")
# An upper bound for `[discord] shard_count` that catches typos.
MAX_SHARDS = 10000
LOG_LEVELS = ("debug", "info", "warning", "error")
SECRET_NAMES = (
    "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
    "COPROD_DATABASE_URL", "COPROD_ENCRYPTION_KEY", "COPROD_LOG_LEVEL",
    "DISCORD_API_BASE", "DISCORD_GATEWAY_URL", "SLACK_API_BASE",
)


class ConfigError(Exception):
    """The configuration cannot be used; `problems` holds one plain line each."""

    def __init__(self, problems: list[str]) -> None:
        problems = [_printable(p) for p in problems]
        super().__init__("\n".join(problems))
        self.problems = problems


def _printable(text: str) -> str:
    """One line, with anything unprintable (newlines, terminal escapes) shown escaped."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


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


@dataclass(frozen=True, slots=True)
class Secrets:
    """Tokens and keys, only ever from the environment or a `.env` file."""

    discord_token: str = ""
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_signing_secret: str = ""
    database_url: str = ""
    encryption_key: str = ""
    log_level: str = ""
    discord_api_base: str = ""
    discord_gateway_url: str = ""
    slack_api_base: str = ""

    def __repr__(self) -> str:
        return "Secrets(<hidden>)"


@dataclass(frozen=True, slots=True)
class DiscordConfig:
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

    guild_ids: tuple[str, ...] = ()
    command_sync: str = "guild"
    api_base: str = ""
    gateway_url: str = ""
    shard_count: int | Literal["auto"] = 0
    shard_ids: tuple[int, ...] = ()
    # Needs the privileged Server Members intent (switched on in the Developer Portal);
    # without it newcomers get their welcome by running /welcome.
    member_join_events: bool = False
    requests_per_second: int = 50


@dataclass(frozen=True, slots=True)
class SlackConfig:
    """`[slack]`: Socket Mode (default) or HTTP mode, and the Web API base URL.

    `api_base` empty means Slack's own (also from SLACK_API_BASE).
    """

    mode: str = "socket"
    http_host: str = "0.0.0.0"
    http_port: int = 3000
    api_base: str = ""


@dataclass(frozen=True, slots=True)
class RecordConfig:
    """`[record]`: the recording platform (`coprod run --platform record`), a test and
    operations tool that reads events as JSON lines and records what the bot answers and
    delivers to files (docs/testing.md).

    `input` "-" is standard input; `{pid}` in the file names becomes the process id, so
    several processes can share one config and each record to its own files.
    """

    input: str = "-"
    replies: str = "record-replies-{pid}.jsonl"
    deliveries: str = "record-deliveries-{pid}.jsonl"
    group_id: str = "demo"
    channel: str = "general"
    send_latency_ms: int = 0
    keep_running: bool = False
    # A file shared by several processes in which the pretend platform remembers each
    # delivery key it took, dropping a repeat as Discord drops a repeated nonce.
    nonce_ledger: str = ""


@dataclass(frozen=True, slots=True)
class Config:
    """The whole checked configuration."""

    # Empty means "not set": the platform adapters then log at info, the console at warning.
    log_level: str = ""
    log_format: str = "keyvalue"
    database: str = "coprod.db"
    # PostgreSQL only: the most connections one process holds.
    database_pool_size: int = 10
    key_file: str = ""
    group: GroupSettings = field(default_factory=lambda: GroupSettings(group_id=""))
    groups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    delivery_concurrency: int = 4
    delivery_max_backoff_seconds: int = 600
    delivery_lease_seconds: int = 120
    delivery_retry_base_seconds: float = 2.0
    scheduler_grace_minutes: int = 60
    meetings_reminder_minutes: tuple[int, ...] = (1440, 60)
    meetings_coming_up_day: str = "monday"
    meetings_coming_up_time: str = "09:00"
    meetings_minutes_by: str = "facilitators"
    console_group_name: str = "Demo group"
    console_members: tuple[ConsoleMember, ...] = DEFAULT_CONSOLE_MEMBERS
    console_channel: str = "general"
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    record: RecordConfig = field(default_factory=RecordConfig)
    feedback: FeedbackConfig = field(default_factory=FeedbackConfig)
    agreement: AgreementConfig = field(default_factory=AgreementConfig)
    prompts: PromptsConfig = field(default_factory=PromptsConfig)
    checkins: CheckinsConfig = field(default_factory=CheckinsConfig)
    buddies: BuddiesConfig = field(default_factory=BuddiesConfig)
    concerns: ConcernsConfig = field(default_factory=ConcernsConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    secrets: Secrets = field(default_factory=Secrets)
    source: str = ""

    @property
    def database_target(self) -> str:
        """Where the data lives: COPROD_DATABASE_URL if set, else `[bot] database`."""
        return self.secrets.database_url or self.database

    @property
    def database_label(self) -> str:
        """The database named for people to read: a URL's password is never shown."""
        return describe_database(self.database_target)



# ---- the schema ---------------------------------------------------------------------------

def _minute_list(value: Any) -> Any:
    if (not isinstance(value, list) or len(value) > 5
            or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 40320
                       for v in value)):
        raise SettingError("must be a list of up to five numbers of minutes from 1 to 40320 "
                           "(four weeks), like [1440, 60]")
    return tuple(sorted(set(value), reverse=True))


def _clock_time(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value.strip()):
        raise SettingError('must be a 24-hour time in quotes, like "09:00"')
    return value.strip()


def _expect(kind: type | tuple[type, ...], what: str) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, bool) and kind is not bool:
            raise SettingError(f"must be {what}")
        if not isinstance(value, kind):
            raise SettingError(f"must be {what}")
        return value
    return check


def _one_of(*choices: str, allow_unset: bool = False) -> Any:
    def check(value: Any) -> Any:
        if allow_unset and value == "":
            return ""
        if not isinstance(value, str) or value.lower() not in choices:
            raise SettingError("must be one of " + ", ".join(f'"{c}"' for c in choices))
        return value.lower()
    return check


def _int_range(low: int, high: int) -> Any:
    def check(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingError(f"must be a whole number from {low} to {high}")
        if not low <= value <= high:
            raise SettingError(f"must be from {low} to {high}; it is {value}")
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


def _console_channel(value: Any) -> Any:
    name = check_channel(value)
    if not name:
        raise SettingError('must name a channel, like "general"')
    return name


def _url(value: Any) -> Any:
    if not isinstance(value, str):
        raise SettingError('must be a URL in quotes, like "https://example.org/api" '
                           '("" for the platform\'s own)')
    value = value.strip()
    if value and not re.fullmatch(r"(https?|wss?)://[^\s/]+(/\S*)?", value):
        raise SettingError("must start with https://, http://, wss:// or ws:// and have "
                           "no spaces")
    return value.rstrip("/")


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


def _shard_problems(discord: dict[str, Any]) -> list[str]:
    """`shard_ids` against `shard_count` (each key is checked alone first)."""
    count, ids = discord.get("shard_count", 0), discord.get("shard_ids", ())
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


SCHEMA: dict[str, dict[str, Any]] = {
    "bot": {
        "log_level": _one_of(*LOG_LEVELS, allow_unset=True),
        "log_format": _one_of("keyvalue", "json"),
        "database": _text,
        "database_pool_size": _int_range(1, 100),
        "key_file": _optional_text,
    },
    "delivery": {
        "concurrency": _int_range(1, 64),
        "max_backoff_seconds": _int_range(5, 86400),
        "lease_seconds": _int_range(10, 3600),
        "retry_base_seconds": _seconds(0.01, 600),
    },
    "scheduler": {
        "grace_minutes": _int_range(0, 10080),
    },
    "meetings": {
        "reminder_minutes": _minute_list,
        "coming_up_day": _one_of("monday", "tuesday", "wednesday", "thursday", "friday",
                                 "saturday", "sunday", "never"),
        "coming_up_time": _clock_time,
        "minutes_by": _one_of("facilitators", "members"),
    },
    "discord": {
        "guild_ids": _snowflakes,
        "command_sync": _one_of("guild", "global"),
        "api_base": _url,
        "gateway_url": _url,
        "shard_count": _shard_count,
        "shard_ids": _shard_ids,
        "member_join_events": _expect(bool, "true or false"),
        "requests_per_second": _int_range(1, 10000),
    },
    "slack": {
        "mode": _one_of("socket", "http"),
        "http_host": _text,
        "http_port": _int_range(1, 65535),
        "api_base": _url,
    },
    "record": {
        "input": _text,
        "replies": _text,
        "deliveries": _text,
        "group_id": _text,
        "channel": _console_channel,
        "send_latency_ms": _int_range(0, 600000),
        "keep_running": _expect(bool, "true or false"),
        "nonce_ledger": _optional_text,
    },
    "feedback": FEEDBACK_SCHEMA,
    "agreement": AGREEMENT_SCHEMA,
    "prompts": PROMPTS_SCHEMA,
    "checkins": CHECKINS_SCHEMA,
    "buddies": BUDDIES_SCHEMA,
    "concerns": CONCERNS_SCHEMA,
    "retention": RETENTION_SCHEMA,
    "console": {
        "group_name": _text,
        "channel": _console_channel,
        "members": _members,
    },
}


def _group_checks() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in SETTING_KEYS:
        spec = setting_spec(key)
        assert spec is not None
        out[key] = spec.check
    return out


# ---- loading -----------------------------------------------------------------------------

def load_secrets(env: Mapping[str, str] | None = None, dotenv_path: Path | None = None,
                 ) -> Secrets:
    """Secrets from the environment, falling back to a `.env` file (environment wins)."""
    source: dict[str, str] = {}
    if dotenv_path is not None and dotenv_path.is_file():
        try:
            values = dotenv_values(dotenv_path, encoding="utf-8")
        except UnicodeDecodeError:
            raise ConfigError([f"{dotenv_path}: the file is not UTF-8 text. Save it as UTF-8."]
                              ) from None
        except OSError as exc:
            raise ConfigError([f"{dotenv_path}: cannot read the file ({exc.strerror})."]
                              ) from None
        source.update({k: v for k, v in values.items() if v is not None})
    # A variable set but empty does not hide a value from .env.
    source.update({k: v for k, v in (os.environ if env is None else env).items() if v})
    return Secrets(
        discord_token=source.get("DISCORD_TOKEN", "").strip(),
        slack_bot_token=source.get("SLACK_BOT_TOKEN", "").strip(),
        slack_app_token=source.get("SLACK_APP_TOKEN", "").strip(),
        slack_signing_secret=source.get("SLACK_SIGNING_SECRET", "").strip(),
        database_url=source.get("COPROD_DATABASE_URL", "").strip(),
        encryption_key=source.get("COPROD_ENCRYPTION_KEY", "").strip(),
        log_level=source.get("COPROD_LOG_LEVEL", "").strip().lower(),
        discord_api_base=source.get("DISCORD_API_BASE", "").strip().rstrip("/"),
        discord_gateway_url=source.get("DISCORD_GATEWAY_URL", "").strip().rstrip("/"),
        slack_api_base=source.get("SLACK_API_BASE", "").strip().rstrip("/"),
    )


def default_config_path() -> Path | None:
    """`config.toml` in the working directory, if there is one."""
    path = Path("config.toml")
    return path if path.is_file() else None


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Read, check and return the configuration; raise `ConfigError` listing every problem.

    `path=None` means no file: every default applies.
    """
    data: dict[str, Any] = {}
    problems: list[str] = []
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError([f"{path}: there is no such file. Check the path, or copy "
                               "config.example.toml to config.toml to start one."]) from None
        except UnicodeDecodeError:
            raise ConfigError([f"{path}: the file is not UTF-8 text. Save it as UTF-8."]
                              ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([f"{path}: this is not valid TOML ({exc}). Fix the line it "
                               "names; text values need quotes, like timezone = \"UTC\"."]
                              ) from None
        except RecursionError:
            raise ConfigError([f"{path}: this is not valid TOML (lists or tables are nested "
                               "too deeply)."]) from None
        except OSError as exc:
            raise ConfigError([f"{path}: cannot read the file ({exc.strerror})."]) from None
    secrets = load_secrets(env, (path.parent if path else Path(".")) / ".env")
    values: dict[str, dict[str, Any]] = {name: {} for name in SCHEMA}
    group_values: dict[str, Any] = {}
    per_group: dict[str, dict[str, Any]] = {}
    group_checks = _group_checks()

    for section, body in data.items():
        if section in SCHEMA or section == "group":
            if not isinstance(body, dict):
                problems.append(f"[{section}]: must be a table (a line [{section}] "
                                "followed by key = value lines)")
                continue
            checks = group_checks if section == "group" else SCHEMA[section]
            target = group_values if section == "group" else values[section]
            _check_table(section, body, checks, target, problems)
        elif section == "groups":
            if not isinstance(body, dict):
                problems.append('[groups]: must hold one table per group, like '
                                '[groups."123456789"]')
                continue
            for group_id, group_body in body.items():
                where = f"groups.{toml_name(str(group_id), quote=True)}"
                if not _GROUP_ID.fullmatch(str(group_id)):
                    problems.append(f"[{where}]: “{_shown(str(group_id))}” is not a group "
                                    "id. Use a "
                                    "Discord server id (17 to 20 digits), a Slack "
                                    "workspace id (like T0123ABCD), or \"demo\" for the "
                                    "console")
                    continue
                if not isinstance(group_body, dict):
                    problems.append(f"[{where}]: must be a table of group settings")
                    continue
                per_group[str(group_id)] = {}
                _check_table(where, group_body, group_checks, per_group[str(group_id)],
                             problems)
        elif not isinstance(body, dict):
            problems.append(f"{toml_name(section)}: a setting outside any section. Put it "
                            "under the section it belongs to, like [bot] or [group]")
        else:
            problems.append(f"[{toml_name(section)}]: unknown section. Known sections are "
                            + ", ".join(f"[{s}]" for s in ("bot", "group", "groups",
                                                           *(s for s in SCHEMA if s != "bot"))))

    if secrets.log_level and secrets.log_level not in LOG_LEVELS:
        problems.append(f"COPROD_LOG_LEVEL: must be one of {', '.join(LOG_LEVELS)}; "
                        f"it is “{secrets.log_level}”")
    for name, url in (("DISCORD_API_BASE", secrets.discord_api_base),
                      ("DISCORD_GATEWAY_URL", secrets.discord_gateway_url),
                      ("SLACK_API_BASE", secrets.slack_api_base)):
        try:
            _url(url)
        except SettingError as exc:
            problems.append(f"{name}: {exc}")
    if not any(p.startswith("[discord] shard_count:") for p in problems):
        problems += _shard_problems(values["discord"])

    defaults = apply_settings(GroupSettings(group_id=""), group_values)
    problems += _missing_channels("group", defaults.missing())
    problems += _group_problems("group", defaults)
    for gid, vals in per_group.items():
        merged = apply_settings(defaults, vals)
        own = [m for m in merged.missing() if m not in defaults.missing()]
        problems += _missing_channels(f'groups."{gid}"', own)
        problems += [p for p in _group_problems(f'groups."{gid}"', merged)
                     if p.split("]", 1)[1] not in
                     {q.split("]", 1)[1] for q in _group_problems("group", defaults)}]

    problems += retention_problems(values["retention"], values["concerns"])

    database_problem = check_database_setting(secrets.database_url
                                              or values["bot"].get("database", "coprod.db"))
    if database_problem:
        where = "COPROD_DATABASE_URL" if secrets.database_url else "[bot] database"
        problems.append(f"{where}: {database_problem}")

    if problems:
        raise ConfigError(problems)
    discord, slack = values["discord"], values["slack"]
    shard_count = discord.get("shard_count", 0)
    bot, delivery, console = values["bot"], values["delivery"], values["console"]
    retention = retention_config(values["retention"], values["concerns"].get("retention_days"))
    concerns = replace(concerns_config(values["concerns"]),
                       retention_days=retention.closed_cases_days)
    return Config(
        log_level=secrets.log_level or bot.get("log_level", ""),
        log_format=bot.get("log_format", "keyvalue"),
        database=bot.get("database", "coprod.db"),
        database_pool_size=bot.get("database_pool_size", 10),
        key_file=bot.get("key_file", ""),
        group=defaults,
        groups=per_group,
        delivery_concurrency=delivery.get("concurrency", 4),
        delivery_max_backoff_seconds=delivery.get("max_backoff_seconds", 600),
        delivery_lease_seconds=delivery.get("lease_seconds", 120),
        delivery_retry_base_seconds=delivery.get("retry_base_seconds", 2.0),
        scheduler_grace_minutes=values["scheduler"].get("grace_minutes", 60),
        meetings_reminder_minutes=values["meetings"].get("reminder_minutes", (1440, 60)),
        meetings_coming_up_day=values["meetings"].get("coming_up_day", "monday"),
        meetings_coming_up_time=values["meetings"].get("coming_up_time", "09:00"),
        meetings_minutes_by=values["meetings"].get("minutes_by", "facilitators"),
        console_group_name=console.get("group_name", "Demo group"),
        console_channel=console.get("channel", "general").lstrip("#"),
        console_members=console.get("members", DEFAULT_CONSOLE_MEMBERS),
        discord=DiscordConfig(
            guild_ids=discord.get("guild_ids", ()),
            command_sync=discord.get("command_sync", "guild"),
            api_base=secrets.discord_api_base or discord.get("api_base", ""),
            gateway_url=secrets.discord_gateway_url or discord.get("gateway_url", ""),
            shard_count=shard_count,
            shard_ids=discord.get("shard_ids", ()),
            member_join_events=discord.get("member_join_events", False),
            requests_per_second=discord.get("requests_per_second", 50),
        ),
        slack=SlackConfig(
            mode=slack.get("mode", "socket"),
            http_host=slack.get("http_host", "0.0.0.0"),
            http_port=slack.get("http_port", 3000),
            api_base=secrets.slack_api_base or slack.get("api_base", ""),
        ),
        record=RecordConfig(**{**values["record"], "channel": values["record"].get(
            "channel", "general").lstrip("#")}),
        feedback=feedback_config(values["feedback"]),
        agreement=agreement_config(values["agreement"]),
        prompts=prompts_config(values["prompts"]),
        checkins=checkins_config(values["checkins"]),
        buddies=buddies_config(values["buddies"]),
        concerns=concerns,
        retention=retention,
        secrets=secrets,
        source=str(path) if path else "",
    )


def _missing_channels(where: str, missing: list[tuple[str, str]]) -> list[str]:
    by_key: dict[str, list[str]] = {}
    for feature, key in missing:
        by_key.setdefault(key, []).append(feature)
    return [f"[{where}] {key}: {' and '.join(features)} "
            f"{'is' if len(features) == 1 else 'are'} switched on but {key} is empty. "
            + (f"Set {key} = [\"Role name\"]" if key.endswith("_roles")
               else f"Set {key} = \"channel-name\"")
            + f", or take {' and '.join(features)} out of features"
            for key, features in by_key.items()]


def _group_problems(where: str, settings: GroupSettings) -> list[str]:
    problems = []
    if settings.privacy_problems():
        problems.append(f"[{where}] leads_channel: must be private to the safeguarding "
                        "leads, so it can't be the updates or feedback channel")
    if not settings.facilitator_roles:
        problems.append(f"[{where}] facilitator_roles: at least one role is needed, or "
                        "nobody could run /setup")
    return problems


def _check_table(section: str, body: Mapping[str, Any], checks: Mapping[str, Any],
                 target: dict[str, Any], problems: list[str]) -> None:
    for key, value in body.items():
        check = checks.get(key)
        if check is None:
            problems.append(f"[{section}] {toml_name(key)}: unknown key. Known keys here are "
                            + ", ".join(checks) + _close_hint(key, list(checks)))
            continue
        try:
            target[key] = check(value)
        except SettingError as exc:
            problems.append(f"[{section}] {key}: {exc}")


def toml_name(name: str, *, quote: bool = False) -> str:
    """A section or key name as it is written in the file: bare if it can be, else in
    quotes (so an empty or odd name is still visible in a problem line), cut short."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", name) and not quote:
        return name
    return '"' + _shown(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shown(text: str, limit: int = 60) -> str:
    """A value from the file, cut short for a problem line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _close_hint(key: str, known: list[str]) -> str:
    match = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {match[0]}?)" if match else ""


__all__ = ["FEATURE_CHANNELS", "Config", "ConfigError", "RecordConfig", "Secrets",
           "load_config"]
