"""Loading and checking `config.toml` and the secrets from the environment.

Everything is checked at start-up, before anything touches the database: a problem
stops the bot with one line per problem naming the key, what is wrong and how to fix
it (exit code 2). No config file at all is fine: the console on a local SQLite file.

Each section is a pydantic model (`bot.config_model`): the core's own sections are in
`bot.config_sections`, and each feature declares its section in the registry, so this
module names no feature. Group settings ([group], [groups."id"]) are checked by the
setting specs in `bot.settings`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path
from typing import Any
from typing import TypeVar

from dotenv import dotenv_values
from pydantic import BaseModel

from bot.config_model import ConfigSection
from bot.config_model import read_section
from bot.config_model import replace_sections
from bot.config_model import section_of
from bot.config_model import shown
from bot.config_model import toml_name
from bot.config_model import unknown_key
from bot.config_sections import CORE_SECTIONS
from bot.config_sections import DEFAULT_CONSOLE_MEMBERS
from bot.config_sections import LOG_LEVELS
from bot.config_sections import BotSection
from bot.config_sections import ConsoleMember
from bot.config_sections import ConsoleSection
from bot.config_sections import DeliverySection
from bot.config_sections import DiscordConfig
from bot.config_sections import HealthSection
from bot.config_sections import RecordConfig
from bot.config_sections import SchedulerSection
from bot.config_sections import SlackConfig
from bot.config_sections import check_url
from bot.config_sections import health_env_switch
from bot.config_sections import health_switch
from bot.config_sections import listen_host
from bot.config_sections import shard_problems
from bot.feature_catalogue import installed_features
from bot.settings import GroupSettings
from bot.settings import SettingError
from bot.settings import apply_settings
from bot.settings import channel_keys
from bot.settings import private_channels
from bot.settings import settings_specs
from storage.factory import check_database_setting
from storage.factory import describe_database

M = TypeVar("M", bound=BaseModel)

_GROUP_ID = re.compile(r"[0-9]{17,20}|[TE][A-Z0-9]{6,}|demo")
SECRET_NAMES = (
    "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
    "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET",
    "COPROD_DATABASE_URL", "COPROD_ENCRYPTION_KEY", "COPROD_LOG_LEVEL",
    "DISCORD_API_BASE", "DISCORD_GATEWAY_URL", "SLACK_API_BASE",
    "COPROD_HEALTH", "COPROD_HEALTH_HOST", "COPROD_HEALTH_PORT",
)


EXIT_CONFIG = 2
"""The exit status of a `coprod` command refused for a configuration problem."""


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
class Secrets:
    """Tokens and keys, only ever from the environment or a `.env` file."""

    discord_token: str = ""
    slack_bot_token: str = ""
    slack_app_token: str = ""
    slack_signing_secret: str = ""
    # One app for many workspaces (Slack's OAuth flow): set both, instead of a bot token.
    slack_client_id: str = ""
    slack_client_secret: str = ""
    database_url: str = ""
    encryption_key: str = ""
    log_level: str = ""
    discord_api_base: str = ""
    discord_gateway_url: str = ""
    slack_api_base: str = ""
    # Not secrets: [health] enabled, host and port, from the environment (they win).
    health: str = ""
    health_host: str = ""
    health_port: str = ""

    def __repr__(self) -> str:
        return "Secrets(<hidden>)"


def feature_sections() -> dict[str, type[ConfigSection]]:
    """Each feature's config section model, by section name, as the registry declares
    them (from the installed catalogue: this module imports no feature)."""
    return dict(installed_features().sections)


def _default_sections() -> dict[str, BaseModel]:
    return {name: model() for name, model in feature_sections().items()}


def known_keys() -> dict[str, tuple[str, ...]]:
    """Every section the file may have (besides [group] and [groups]) with its keys."""
    return {name: tuple(model.model_fields)
            for name, model in {**CORE_SECTIONS, **feature_sections()}.items()}


@dataclass(frozen=True, slots=True)
class Config:
    """The whole checked configuration: the core's settings as fields, and each
    feature's section in `sections` (read with `section(TheFeaturesModel)`)."""

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
    console_group_name: str = "Demo group"
    console_members: tuple[ConsoleMember, ...] = DEFAULT_CONSOLE_MEMBERS
    console_channel: str = "general"
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    slack: SlackConfig = field(default_factory=SlackConfig)
    health: HealthSection = field(default_factory=HealthSection)
    record: RecordConfig = field(default_factory=RecordConfig)
    sections: Mapping[str, BaseModel] = field(default_factory=_default_sections)
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

    def section(self, model: type[M]) -> M:
        """A feature's section, by its model (its defaults if the config has none)."""
        return section_of(self.sections, model)

    def with_sections(self, *models: BaseModel) -> Config:
        """This config with these sections in place of the ones of the same model (for
        tests and benchmarks that need a feature set up differently), settled as a
        loaded file is (a key under an older name fills the new one)."""
        sections = replace_sections({**_default_sections(), **self.sections}, *models)
        return replace(self, sections=_settled(sections))


def _settled(sections: Mapping[str, BaseModel]) -> dict[str, BaseModel]:
    """Sections as each feature's `settle` leaves them once every section is read."""
    settled = dict(sections)
    for model in feature_sections().values():
        settled = replace_sections(settled, *model.settle(settled))
    return settled


def _group_checks() -> dict[str, Any]:
    return {spec.key: spec.check for spec in settings_specs()}


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
        slack_client_id=source.get("SLACK_CLIENT_ID", "").strip(),
        slack_client_secret=source.get("SLACK_CLIENT_SECRET", "").strip(),
        database_url=source.get("COPROD_DATABASE_URL", "").strip(),
        encryption_key=source.get("COPROD_ENCRYPTION_KEY", "").strip(),
        log_level=source.get("COPROD_LOG_LEVEL", "").strip().lower(),
        discord_api_base=source.get("DISCORD_API_BASE", "").strip().rstrip("/"),
        discord_gateway_url=source.get("DISCORD_GATEWAY_URL", "").strip().rstrip("/"),
        slack_api_base=source.get("SLACK_API_BASE", "").strip().rstrip("/"),
        health=source.get("COPROD_HEALTH", "").strip(),
        health_host=source.get("COPROD_HEALTH_HOST", "").strip(),
        health_port=source.get("COPROD_HEALTH_PORT", "").strip(),
    )


def default_config_path() -> Path | None:
    """`config.toml` in the working directory, if there is one."""
    path = Path("config.toml")
    return path if path.is_file() else None


def load_config(path: Path | None, env: Mapping[str, str] | None = None) -> Config:
    """Read, check and return the configuration; raise `ConfigError` listing every problem.

    `path=None` means no file: every default applies.
    """
    data = _read_file(path) if path is not None else {}
    secrets = load_secrets(env, (path.parent if path else Path(".")) / ".env")
    features = feature_sections()
    models: dict[str, type[ConfigSection]] = {**CORE_SECTIONS, **features}
    tables = _Tables(models)
    for section, body in data.items():
        tables.read(section, body)
    problems = tables.problems
    sections: dict[str, BaseModel] = {name: tables.sections.get(name) or model()
                                      for name, model in models.items()}

    problems += _environment_problems(secrets)
    if not any(p.startswith("[discord] shard_count:") for p in problems):
        problems += shard_problems(section_of(sections, DiscordConfig))

    defaults = apply_settings(GroupSettings(group_id=""), tables.group_values)
    problems += _missing_channels("group", defaults.missing())
    problems += _group_problems("group", defaults)
    for gid, vals in tables.per_group.items():
        merged = apply_settings(defaults, vals)
        own = [m for m in merged.missing() if m not in defaults.missing()]
        problems += _missing_channels(f'groups."{gid}"', own)
        problems += [p for p in _group_problems(f'groups."{gid}"', merged)
                     if p.split("]", 1)[1] not in
                     {q.split("]", 1)[1] for q in _group_problems("group", defaults)}]

    for model in features.values():
        problems += model.cross_problems(sections)

    bot = section_of(sections, BotSection)
    database_problem = check_database_setting(secrets.database_url or bot.database)
    if database_problem:
        where = "COPROD_DATABASE_URL" if secrets.database_url else "[bot] database"
        problems.append(f"{where}: {database_problem}")

    if problems:
        raise ConfigError(problems)
    sections = _settled(sections)
    return _config(sections, {name: sections[name] for name in features}, defaults,
                   tables.per_group, secrets, path)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
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


class _Tables:
    """The file's tables read one by one, each problem noted in the file's order."""

    def __init__(self, models: Mapping[str, type[ConfigSection]]) -> None:
        self.models = models
        self.sections: dict[str, ConfigSection] = {}
        self.group_values: dict[str, Any] = {}
        self.per_group: dict[str, dict[str, Any]] = {}
        self.problems: list[str] = []
        self.group_checks = _group_checks()

    def read(self, section: str, body: Any) -> None:
        if section in self.models or section == "group":
            if not isinstance(body, dict):
                self.problems.append(f"[{section}]: must be a table (a line [{section}] "
                                     "followed by key = value lines)")
            elif section == "group":
                _check_table(section, body, self.group_checks, self.group_values,
                             self.problems)
            else:
                self.sections[section], found = read_section(section, body,
                                                             self.models[section])
                self.problems += found
        elif section == "groups":
            self._read_groups(body)
        elif not isinstance(body, dict):
            self.problems.append(f"{toml_name(section)}: a setting outside any section. Put "
                                 "it under the section it belongs to, like [bot] or [group]")
        else:
            self.problems.append(
                f"[{toml_name(section)}]: unknown section. Known sections are "
                + ", ".join(f"[{s}]" for s in ("bot", "group", "groups",
                                               *(s for s in self.models if s != "bot"))))

    def _read_groups(self, body: Any) -> None:
        if not isinstance(body, dict):
            self.problems.append('[groups]: must hold one table per group, like '
                                 '[groups."123456789"]')
            return
        for group_id, group_body in body.items():
            where = f"groups.{toml_name(str(group_id), quote=True)}"
            if not _GROUP_ID.fullmatch(str(group_id)):
                self.problems.append(f"[{where}]: “{shown(str(group_id))}” is not a group "
                                     "id. Use a "
                                     "Discord server id (17 to 20 digits), a Slack "
                                     "workspace id (like T0123ABCD), or \"demo\" for the "
                                     "console")
                continue
            if not isinstance(group_body, dict):
                self.problems.append(f"[{where}]: must be a table of group settings")
                continue
            self.per_group[str(group_id)] = {}
            _check_table(where, group_body, self.group_checks, self.per_group[str(group_id)],
                         self.problems)


def _environment_problems(secrets: Secrets) -> list[str]:
    problems = []
    if secrets.log_level and secrets.log_level not in LOG_LEVELS:
        problems.append(f"COPROD_LOG_LEVEL: must be one of {', '.join(LOG_LEVELS)}; "
                        f"it is “{secrets.log_level}”")
    for name, url in (("DISCORD_API_BASE", secrets.discord_api_base),
                      ("DISCORD_GATEWAY_URL", secrets.discord_gateway_url),
                      ("SLACK_API_BASE", secrets.slack_api_base)):
        try:
            check_url(url)
        except SettingError as exc:
            problems.append(f"{name}: {exc}")
    for name, value, check in (("COPROD_HEALTH", secrets.health, health_env_switch),
                               ("COPROD_HEALTH_HOST", secrets.health_host, listen_host),
                               ("COPROD_HEALTH_PORT", secrets.health_port, _port)):
        try:
            if value:
                check(value)
        except SettingError as exc:
            problems.append(f"{name}: {exc}")
    return problems


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise SettingError(f"must be a port number from 1 to 65535; it is “{value}”")
    return int(value)


def _health(section: HealthSection, secrets: Secrets) -> HealthSection:
    """`[health]` with COPROD_HEALTH, COPROD_HEALTH_HOST and COPROD_HEALTH_PORT over it
    (each already checked)."""
    update: dict[str, Any] = {}
    if secrets.health:
        update["enabled"] = health_switch(secrets.health)
    if secrets.health_host:
        update["host"] = listen_host(secrets.health_host)
    if secrets.health_port:
        update["port"] = _port(secrets.health_port)
    return section.model_copy(update=update) if update else section


def _config(sections: Mapping[str, BaseModel], features: Mapping[str, BaseModel],
            group: GroupSettings, per_group: Mapping[str, Mapping[str, Any]],
            secrets: Secrets, path: Path | None) -> Config:
    bot, delivery = section_of(sections, BotSection), section_of(sections, DeliverySection)
    console, discord = section_of(sections, ConsoleSection), section_of(sections, DiscordConfig)
    slack = section_of(sections, SlackConfig)
    return Config(
        log_level=secrets.log_level or bot.log_level,
        log_format=bot.log_format,
        database=bot.database,
        database_pool_size=bot.database_pool_size,
        key_file=bot.key_file,
        group=group,
        groups=per_group,
        delivery_concurrency=delivery.concurrency,
        delivery_max_backoff_seconds=delivery.max_backoff_seconds,
        delivery_lease_seconds=delivery.lease_seconds,
        delivery_retry_base_seconds=delivery.retry_base_seconds,
        scheduler_grace_minutes=section_of(sections, SchedulerSection).grace_minutes,
        console_group_name=console.group_name,
        console_channel=console.channel,
        console_members=console.members,
        discord=discord.model_copy(update={
            "api_base": secrets.discord_api_base or discord.api_base,
            "gateway_url": secrets.discord_gateway_url or discord.gateway_url}),
        slack=slack.model_copy(update={"api_base": secrets.slack_api_base or slack.api_base}),
        health=_health(section_of(sections, HealthSection), secrets),
        record=section_of(sections, RecordConfig),
        sections=dict(features),
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
    private = private_channels()
    problems = [f"[{where}] {key}: must be private to {private[key]}, so it can't be the "
                f"{_either(k.removesuffix('_channel') for k in channel_keys() if k != key)}"
                " channel" for key in settings.privacy_problems()]
    if not settings.facilitator_roles:
        problems.append(f"[{where}] facilitator_roles: at least one role is needed, or "
                        "nobody could run /setup")
    return problems


def _either(names: Iterable[str]) -> str:
    """'a, b or c'."""
    *rest, last = names
    return f"{', '.join(rest)} or {last}" if rest else last


def _check_table(section: str, body: Mapping[str, Any], checks: Mapping[str, Any],
                 target: dict[str, Any], problems: list[str]) -> None:
    for key, value in body.items():
        check = checks.get(key)
        if check is None:
            problems.append(unknown_key(section, key, list(checks)))
            continue
        try:
            target[key] = check(value)
        except SettingError as exc:
            problems.append(f"[{section}] {key}: {exc}")


__all__ = ["Config", "ConfigError", "ConsoleMember", "DiscordConfig", "HealthSection",
           "RecordConfig", "Secrets", "SlackConfig", "known_keys", "load_config", "toml_name"]
