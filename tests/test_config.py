"""Loading `config.toml` and the secrets: the example file, every kind of mistake, fuzzing."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.config import DEFAULT_CONSOLE_MEMBERS
from bot.config import SECRET_NAMES
from bot.config import Config
from bot.config import ConfigError
from bot.config import ConsoleMember
from bot.config import Secrets
from bot.config import known_keys
from bot.config import load_config
from bot.config import load_secrets
from bot.features.meetings.config import MeetingsConfig
from bot.key_path import key_path_for
from bot.settings import GroupSettings
from bot.settings import feature_channels
from bot.settings import feature_names
from bot.settings import setting_keys
from tests.toml_writer import toml_document

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = REPO_ROOT / "config.example.toml"


# ---- helpers -------------------------------------------------------------------------------

def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    """A config file with this text in the test's own folder."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, env: dict[str, str] | None = None) -> list[str]:
    """The problems `load_config` reports for this file (it must report some)."""
    with pytest.raises(ConfigError) as info:
        load_config(path, env={} if env is None else env)
    problems = info.value.problems
    assert problems, "a ConfigError must list at least one problem"
    assert str(info.value) == "\n".join(problems)
    return problems


def only_problem(tmp_path: Path, text: str) -> str:
    """The one and only problem this config text has."""
    problems = problems_of(write(tmp_path, text))
    assert len(problems) == 1, problems
    return problems[0]


def without_source(config: Config) -> Config:
    return dataclasses.replace(config, source="")


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder, so no stray ./config.toml or ./.env is picked up."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


# ---- the example file ----------------------------------------------------------------------

def test_example_file_loads_and_equals_the_defaults(tmp_path: Path, elsewhere: Path) -> None:
    copy = tmp_path / "config.toml"
    shutil.copyfile(EXAMPLE, copy)
    from_example = load_config(copy, env={})
    defaults = load_config(None, env={})
    assert from_example.source == str(copy)
    assert defaults.source == ""
    assert without_source(from_example) == without_source(defaults)
    assert without_source(defaults) == Config()


def test_example_file_documents_every_key() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for section, keys in [*((s, list(checks)) for s, checks in known_keys().items()),
                          ("group", list(setting_keys()))]:
        assert re.search(rf"^\[{section}\]$", text, re.MULTILINE), section
        for key in keys:
            assert re.search(rf"^(# )?{key} = ", text, re.MULTILINE), f"[{section}] {key}"
    assert re.search(r'^# \[groups\."\d+"\]$', text, re.MULTILINE)
    for name in SECRET_NAMES:
        assert re.search(rf"^#\s+{name}\s", text, re.MULTILINE), name
    assert "/setup" in text
    for feature in feature_names():
        assert feature in text


def test_example_file_has_every_section_and_no_secrets() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    # Every section the core and the registered features declare, and no other.
    assert set(data) == {*known_keys(), "group"}
    assert {"bot", "group", "delivery", "scheduler", "health", "discord", "slack", "console",
            "feedback", "meetings", "concerns", "retention", "checkins", "buddies",
            "agreement", "prompts", "record"} <= set(data)
    text = EXAMPLE.read_text(encoding="utf-8").lower()
    for word in ("token =", "secret =", "encryption_key =", "database_url ="):
        assert word not in text


def _uncommented_example() -> str:
    """The example with every commented-out setting (and the per-group table) switched on."""
    setting = re.compile(r'^# ((?:\[groups\."\d+"\])|(?:[a-z_]+ = .*))$')
    return "\n".join(setting.sub(r"\1", line)
                     for line in EXAMPLE.read_text(encoding="utf-8").splitlines())


def test_commented_out_settings_in_the_example_are_valid(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, _uncommented_example()), env={})
    assert len(config.groups) == 1
    (overrides,) = config.groups.values()
    assert overrides["timezone"] == "America/New_York"


def _examples() -> list[tuple[str, str, str]]:
    """(section, key, value) for every `Example: key = value` in the example's comments."""
    found = []
    section = ""
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        header = re.match(r"^\[(\w+)\]$", line)
        if header:
            section = header.group(1)
        example = re.search(r"Example: ([a-z_]+) = (.+)$", line)
        if example:
            found.append((section, example.group(1), example.group(2)))
    return found


def test_the_example_comments_give_an_example_for_most_keys() -> None:
    assert len(_examples()) >= 12


@pytest.mark.parametrize(("section", "key", "value"), _examples())
def test_every_example_in_the_comments_is_accepted(tmp_path: Path, section: str, key: str,
                                                   value: str) -> None:
    config = load_config(write(tmp_path, f"[{section}]\n{key} = {value}\n"), env={})
    assert config != Config(source=config.source, secrets=config.secrets), \
        "an example should show a value other than the default"


# ---- no file, empty file -------------------------------------------------------------------

def test_no_file_means_defaults(elsewhere: Path) -> None:
    config = load_config(None, env={})
    assert config.log_level == ""
    assert config.log_format == "keyvalue"
    assert config.database == "coprod.db"
    assert config.database_target == "coprod.db"
    assert key_path_for(config) == Path("coprod.key")
    assert config.group == GroupSettings(group_id="")
    assert config.group.features == frozenset(feature_names())
    assert config.groups == {}
    assert (config.delivery_concurrency, config.delivery_max_backoff_seconds,
            config.delivery_lease_seconds) == (4, 600, 120)
    assert config.console_group_name == "Demo group"
    assert config.console_channel == "general"
    assert config.console_members == DEFAULT_CONSOLE_MEMBERS
    assert config.secrets == Secrets()


def test_an_empty_file_means_defaults(tmp_path: Path, elsewhere: Path) -> None:
    config = load_config(write(tmp_path, "# nothing here yet\n"), env={})
    assert without_source(config) == without_source(load_config(None, env={}))


def test_a_missing_file_is_one_problem(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nope.toml")
    assert len(problems) == 1
    assert "nope.toml" in problems[0]
    assert "no such file" in problems[0]


def test_a_file_that_is_not_utf8_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[bot]\ndatabase = "caf\xe9.db"\n')
    (problem,) = problems_of(path)
    assert "UTF-8" in problem


# ---- one mistake, one problem --------------------------------------------------------------

def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, "[group]\ntimezone = Europe/London\n")
    assert problem.startswith(str(tmp_path / "config.toml") + ": ")
    assert "not valid TOML" in problem
    assert "line 2" in problem
    assert "quotes" in problem


@pytest.mark.parametrize(("text", "start", "phrases"), [
    ('[botz]\nlog_format = "json"\n', "[botz]: unknown section", ("[bot]", "[console]")),
    ("bot = 3\n", "[bot]: must be a table", ()),
    ('[group]\ntimezon = "UTC"\n', "[group] timezon: unknown key",
     ("(did you mean timezone?)", *setting_keys())),
    ('[group]\nfeatures = ["meetings", "karaoke"]\n',
     "[group] features: there is no feature called karaoke", tuple(feature_names())),
    ('[group]\nupdates_channel = "team news"\n', "[group] updates_channel: ",
     ("without spaces",)),
    ('[groups."T0123ABCD"]\ntimezon = "UTC"\n', '[groups."T0123ABCD"] timezon: unknown key',
     ("(did you mean timezone?)",)),
    ('[groups."T0123ABCD"]\nfeatures = ["karaoke"]\n',
     '[groups."T0123ABCD"] features: there is no feature called karaoke', ()),
])
def test_one_mistake_is_one_problem_saying_where_and_what(
        tmp_path: Path, text: str, start: str, phrases: tuple[str, ...]) -> None:
    problem = only_problem(tmp_path, text)
    assert problem.startswith(start)
    for phrase in phrases:
        assert phrase in problem


@pytest.mark.parametrize(("text", "start"), [
    ("[discord]\nfoo = 1\n", "[discord] foo: unknown key"),
    ('[discord]\nguild_ids = ["abc"]\n', "[discord] guild_ids: “abc” is not a Discord server id"),
    ('[discord]\ncommand_sync = "everywhere"\n', "[discord] command_sync: must be one of"),
    ('[discord]\napi_base = "discord.com/api"\n', "[discord] api_base: must start with"),
    ("[discord]\nshard_count = 2\nshard_ids = [0, 2]\n", "[discord] shard_ids: 2 is not below"),
    ("[discord]\nshard_ids = [0]\n", "[discord] shard_ids: needs shard_count"),
    ('[discord]\nshard_count = "auto"\nshard_ids = [1]\n',
     '[discord] shard_ids: cannot go with shard_count = "auto"'),
    ("[discord]\nshard_count = 4\nshard_ids = [1, 1]\n",
     "[discord] shard_ids: lists shard 1 twice"),
    ('[discord]\nshard_ids = "0"\n', "[discord] shard_ids: must be a list of shard numbers"),
    ('[discord]\nshard_count = "two"\n', '[discord] shard_count: must be a whole number from 0 '
                                         'to 10000, or "auto"'),
    ("[discord]\nshard_count = -1\n", "[discord] shard_count: must be from 0 to 10000"),
    ("[discord]\nshard_count = 2.0\nshard_ids = [1]\n", "[discord] shard_count: must be a"),
    ('[slack]\nmode = "webhook"\n', "[slack] mode: must be one of"),
    ("[slack]\nhttp_port = 70000\n", "[slack] http_port: must be from 1 to 65535"),
    ('[slack]\ninstall_path = "install"\n', "[slack] install_path: must be a path on this"),
    ('[slack]\nredirect_path = "/a b"\n', "[slack] redirect_path: must be a path on this"),
    ('[slack]\nredirect_url = "bot.example.org/x"\n', "[slack] redirect_url: must start"),
    ('[slack]\nscopes = "chat:write"\n', "[slack] scopes: must be a list of Slack scopes"),
    ('[slack]\nscopes = ["chat write"]\n', "[slack] scopes: must be a list of Slack scopes"),
    ('[slack]\nallowed_workspaces = ["my workspace"]\n',
     "[slack] allowed_workspaces: must be a list of Slack workspace ids"),
    ('[slack]\nallowed_workspaces = "T0123ABCD"\n',
     "[slack] allowed_workspaces: must be a list of Slack workspace ids"),
])
def test_platform_sections_are_checked(tmp_path: Path, text: str, start: str) -> None:
    assert only_problem(tmp_path, text).startswith(start)


def test_platform_sections_and_their_environment_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, '[discord]\nguild_ids = ["123456789012345678", 223456789012345678]\n'
                           'api_base = "http://127.0.0.1:9/api/v10/"\n'
                           '[slack]\nmode = "http"\nhttp_port = 8080\n')
    config = load_config(path, env={"DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/gw",
                                    "SLACK_API_BASE": "http://127.0.0.1:8/api/"})
    assert config.discord.guild_ids == ("123456789012345678", "223456789012345678")
    assert config.discord.api_base == "http://127.0.0.1:9/api/v10"
    assert config.discord.gateway_url == "ws://127.0.0.1:9/gw"
    assert (config.slack.mode, config.slack.http_port) == ("http", 8080)
    assert config.slack.api_base == "http://127.0.0.1:8/api"
    (problem,) = problems_of(path, env={"DISCORD_API_BASE": "nope"})
    assert problem.startswith("DISCORD_API_BASE: must start with")


def test_shards_split_across_processes(tmp_path: Path) -> None:
    path = write(tmp_path, "[discord]\nshard_count = 4\nshard_ids = [2, 3]\n")
    config = load_config(path, env={})
    assert (config.discord.shard_count, config.discord.shard_ids) == (4, (2, 3))
    auto = load_config(write(tmp_path, '[discord]\nshard_count = "auto"\n'), env={})
    assert (auto.discord.shard_count, auto.discord.shard_ids) == ("auto", ())
    assert load_config(write(tmp_path, ""), env={}).discord.shard_count == 0


def test_unknown_key_far_from_any_gives_no_hint(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, "[delivery]\nxyzzy = 1\n")
    assert problem.startswith("[delivery] xyzzy: unknown key")
    assert "did you mean" not in problem
    assert "concurrency" in problem


@pytest.mark.parametrize(("text", "start", "phrase"), [
    ('[delivery]\nconcurrency = "4"\n', "[delivery] concurrency: ", "whole number from 1 to 64"),
    ("[delivery]\nconcurrency = 4.0\n", "[delivery] concurrency: ", "whole number"),
    ("[delivery]\nlease_seconds = true\n", "[delivery] lease_seconds: ", "whole number"),
    ("[group]\nfacilitator_roles = 3\n", "[group] facilitator_roles: ", "list of role names"),
    ("[group]\nfeatures = 7\n", "[group] features: ", "list of feature names"),
    ("[group]\nlead_roles = [1, 2]\n", "[group] lead_roles: ", "list of role names"),
    ("[group]\ntimezone = 0\n", "[group] timezone: ", "a time zone is needed"),
    ("[group]\nupdates_channel = 5\n", "[group] updates_channel: ", "channel name"),
    ("[bot]\ndatabase = 1\n", "[bot] database: ", "text in quotes"),
    ("[bot]\nlog_format = true\n", "[bot] log_format: ", '"keyvalue", "json"'),
    ('[bot]\nlog_level = "loud"\n', "[bot] log_level: ", '"debug", "info"'),
    ('[console]\ngroup_name = ""\n', "[console] group_name: ", "non-empty text"),
    ('[console]\nmembers = "alice"\n', "[console] members: ", "list of tables"),
])
def test_wrong_type(tmp_path: Path, text: str, start: str, phrase: str) -> None:
    problem = only_problem(tmp_path, text)
    assert problem.startswith(start)
    assert phrase in problem


@pytest.mark.parametrize(("key", "value", "bounds"), [
    ("concurrency", 0, "from 1 to 64"),
    ("concurrency", 65, "from 1 to 64"),
    ("max_backoff_seconds", 4, "from 5 to 86400"),
    ("lease_seconds", 100000, "from 10 to 3600"),
    ("lease_seconds", -1, "from 10 to 3600"),
])
def test_number_out_of_range(tmp_path: Path, key: str, value: int, bounds: str) -> None:
    problem = only_problem(tmp_path, f"[delivery]\n{key} = {value}\n")
    assert problem == f"[delivery] {key}: must be {bounds}; it is {value}"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe", "GMT+25", "localtime"])
def test_invalid_time_zone(tmp_path: Path, zone: str) -> None:
    problem = only_problem(tmp_path, f'[group]\ntimezone = "{zone}"\n')
    assert problem.startswith("[group] timezone: ")
    assert zone in problem
    assert "Europe/London" in problem


def test_time_zone_case_is_forgiven_and_close_names_suggested(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[group]\ntimezone = "europe/london"\n'), env={})
    assert config.group.timezone == "Europe/London"
    problem = only_problem(tmp_path, '[group]\ntimezone = "Europe/Londn"\n')
    assert "did you mean Europe/London?" in problem


def test_valid_time_zones(tmp_path: Path) -> None:
    for zone in ("UTC", "America/New_York", "Asia/Kolkata"):
        config = load_config(write(tmp_path, f'[group]\ntimezone = "{zone}"\n'), env={})
        assert config.group.timezone == zone
        assert config.group.zone.key == zone


def test_features_are_case_insensitive_and_may_be_empty(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[group]\nfeatures = ["Meetings", " polls "]\n'),
                         env={})
    assert config.group.features == frozenset({"meetings", "polls"})
    config = load_config(write(tmp_path, "[group]\nfeatures = []\n"), env={})
    assert config.group.features == frozenset()


@pytest.mark.parametrize(("feature", "key"), sorted(feature_channels().items()))
def test_enabled_feature_with_empty_channel(tmp_path: Path, feature: str, key: str) -> None:
    problem = only_problem(tmp_path, f'[group]\n{key} = ""\nfeatures = ["{feature}"]\n')
    assert problem.startswith(f"[group] {key}: ")
    assert f"{feature} is switched on but {key} is empty" in problem
    assert f'Set {key} = "channel-name"' in problem
    assert f"take {feature} out of features" in problem


def test_empty_leads_channel_is_fine_without_concerns(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, '[group]\nleads_channel = ""\n')
    assert "concerns" in problem
    others = [f for f in feature_names() if f != "concerns"]
    features = ", ".join(f'"{f}"' for f in others)
    config = load_config(
        write(tmp_path, f'[group]\nleads_channel = ""\nfeatures = [{features}]\n'), env={})
    assert config.group.channel("leads_channel") == ""
    assert config.group.features == frozenset(others)
    assert config.group.missing() == []


def test_empty_updates_channel_lists_each_feature_that_needs_it(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, '[group]\nupdates_channel = ""\n'))
    needing = sorted(f for f, k in feature_channels().items() if k == "updates_channel")
    (problem,) = problems
    for feature in needing:
        assert feature in problem
    assert problem.startswith("[group] updates_channel: ")


def test_channel_names_are_tidied(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[group]\nupdates_channel = "#news"\n'
                                         'leads_channel = "<#C0123ABC>"\n'
                                         '[console]\nchannel = "#chat"\n'), env={})
    assert config.group.updates_channel == "news"
    assert config.group.channel("leads_channel") == "C0123ABC"
    assert config.console_channel == "chat"


def test_several_problems_are_all_reported_one_line_each(tmp_path: Path) -> None:
    text = "\n".join([
        "[bot]",
        'log_format = "xml"',
        "[group]",
        'timezon = "UTC"',
        'leads_channel = ""',
        "[delivery]",
        "concurrency = 0",
        'lease_seconds = "long"',
        "[console]",
        "members = [{ name = \"a\" }, { name = \"A\" }]",
        "[extra]",
        "x = 1",
    ])
    problems = problems_of(write(tmp_path, text))
    expected_starts = [
        "[bot] log_format: ",
        "[group] timezon: unknown key",
        "[delivery] concurrency: ",
        "[delivery] lease_seconds: ",
        "[console] members: ",
        "[extra]: unknown section",
        "[group] leads_channel: concerns is switched on",
    ]
    assert len(problems) == len(expected_starts), problems
    for start in expected_starts:
        assert sum(p.startswith(start) for p in problems) == 1, (start, problems)
    assert all("\n" not in p for p in problems)


# ---- per-group overrides -------------------------------------------------------------------

def test_group_override_is_checked_and_kept(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[groups."T0123ABCD"]\n'
                                         'timezone = "UTC"\nupdates_channel = "#news"\n'
                                         '[groups.T0123ABCE]\nfeatures = ["polls"]\n'),
                         env={})
    assert config.groups == {
        "T0123ABCD": {"timezone": "UTC", "updates_channel": "news"},
        "T0123ABCE": {"features": frozenset({"polls"})},
    }
    assert config.group == GroupSettings(group_id="")


def test_group_override_cannot_leave_a_feature_without_its_channel(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, '[groups."T0123ABCD"]\nfeedback_channel = ""\n')
    assert problem.startswith('[groups."T0123ABCD"] feedback_channel: feedback is switched on')
    config = load_config(write(tmp_path, '[groups."T0123ABCD"]\nfeedback_channel = ""\n'
                                         'features = ["meetings"]\n'), env={})
    assert config.groups["T0123ABCD"]["feedback_channel"] == ""


def test_group_override_can_fix_what_the_defaults_leave_out(tmp_path: Path) -> None:
    # The defaults switch concerns off and leave its channel empty; one group turns it on
    # and names a channel, so it is fine. Turning it on without a channel is not.
    base = '[group]\nleads_channel = ""\nfeatures = ["meetings"]\n'
    config = load_config(write(tmp_path, base + '[groups."T0123ABCD"]\nfeatures = ["concerns"]\n'
                                                'leads_channel = "leads"\n'), env={})
    assert config.groups["T0123ABCD"]["leads_channel"] == "leads"
    problem = only_problem(tmp_path, base + '[groups."T0123ABCD"]\nfeatures = ["concerns"]\n')
    assert problem.startswith('[groups."T0123ABCD"] leads_channel: concerns is switched on')


@pytest.mark.parametrize(("text", "start"), [
    ("groups = 1\n", "[groups]: must hold one table per group"),
    ('[groups]\n"T0123ABCD" = "UTC"\n', '[groups."T0123ABCD"]: must be a table'),
    ('[groups."42"]\ntimezone = "UTC"\n', '[groups."42"]: “42” is not a group id'),
])
def test_groups_must_be_tables(tmp_path: Path, text: str, start: str) -> None:
    assert only_problem(tmp_path, text).startswith(start)


# ---- console members -----------------------------------------------------------------------

def test_console_members_are_read(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[console]\nmembers = [{ name = "Kim" }, '
                                         '{ name = "lee", roles = ["Facilitator"], '
                                         'admin = true }]\n'), env={})
    assert config.console_members == (ConsoleMember("kim"),
                                      ConsoleMember("lee", ("Facilitator",), admin=True))


@pytest.mark.parametrize(("members", "phrase"), [
    ('[{ name = "alice" }, { name = "Alice" }]', "item 2: the name alice appears twice"),
    ('[{ name = "alice" }, { roles = ["Facilitator"] }]', "item 2 needs a name"),
    ('[{ name = 3 }]', "item 1 needs a name"),
    ('["alice"]', "item 1 needs a name"),
    ('[{ name = "alice", role = "x", colour = "red" }]',
     "item 1 has unknown keys colour, role; allowed are name, roles, admin"),
    ('[{ name = "two words" }]', "item 1: a name is one word"),
    ('[{ name = "" }]', "item 1: a name is one word"),
    ('[{ name = "alice", roles = "Facilitator" }]', "item 1: roles must be a list"),
    ('[{ name = "alice", admin = "yes" }]', "item 1: admin must be true or false"),
    ("[]", "must be a list of tables"),
])
def test_console_members_validation(tmp_path: Path, members: str, phrase: str) -> None:
    problem = only_problem(tmp_path, f"[console]\nmembers = {members}\n")
    assert problem.startswith("[console] members: ")
    assert phrase in problem


# ---- secrets -------------------------------------------------------------------------------

SECRET_ENV = {
    "DISCORD_TOKEN": "discord-abc",
    "SLACK_BOT_TOKEN": "xoxb-123",
    "SLACK_APP_TOKEN": "xapp-456",
    "SLACK_SIGNING_SECRET": "signing-789",
    "COPROD_DATABASE_URL": "sqlite:///elsewhere.db",
    "COPROD_ENCRYPTION_KEY": "key-000",
    "COPROD_LOG_LEVEL": "DEBUG",
}


def test_secrets_from_the_environment() -> None:
    secrets = load_secrets({name: f"  {value} " for name, value in SECRET_ENV.items()})
    assert secrets == Secrets(
        discord_token="discord-abc", slack_bot_token="xoxb-123", slack_app_token="xapp-456",
        slack_signing_secret="signing-789", database_url="sqlite:///elsewhere.db",
        encryption_key="key-000", log_level="debug")


def test_secrets_from_a_dotenv_file(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# secrets\nDISCORD_TOKEN=from-file\n"
                      "SLACK_SIGNING_SECRET='quoted value'\nexport SLACK_APP_TOKEN=xapp-1\n",
                      encoding="utf-8")
    secrets = load_secrets({}, dotenv)
    assert secrets.discord_token == "from-file"
    assert secrets.slack_signing_secret == "quoted value"
    assert secrets.slack_app_token == "xapp-1"
    assert secrets.slack_bot_token == ""


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("DISCORD_TOKEN=from-file\nSLACK_BOT_TOKEN=file-only\n", encoding="utf-8")
    secrets = load_secrets({"DISCORD_TOKEN": "from-env"}, dotenv)
    assert secrets.discord_token == "from-env"
    assert secrets.slack_bot_token == "file-only"


def test_a_missing_dotenv_file_is_fine(tmp_path: Path) -> None:
    assert load_secrets({}, tmp_path / ".env") == Secrets()


def test_load_config_reads_the_dotenv_beside_the_config_file(tmp_path: Path,
                                                             elsewhere: Path) -> None:
    folder = tmp_path / "deploy"
    folder.mkdir()
    (folder / ".env").write_text("DISCORD_TOKEN=beside\nCOPROD_DATABASE_URL=data/x.db\n",
                                 encoding="utf-8")
    (elsewhere / ".env").write_text("DISCORD_TOKEN=in-cwd\n", encoding="utf-8")
    config = load_config(write(folder, ""), env={})
    assert config.secrets.discord_token == "beside"
    assert config.database_target == "data/x.db"
    assert key_path_for(config) == Path("data/x.key")
    config = load_config(write(folder, ""), env={"DISCORD_TOKEN": "env"})
    assert config.secrets.discord_token == "env"


def test_without_a_file_the_dotenv_in_the_working_folder_is_read(elsewhere: Path) -> None:
    (elsewhere / ".env").write_text("SLACK_BOT_TOKEN=xoxb-cwd\n", encoding="utf-8")
    assert load_config(None, env={}).secrets.slack_bot_token == "xoxb-cwd"


def test_secret_values_never_show_in_repr(tmp_path: Path) -> None:
    secrets = load_secrets(SECRET_ENV)
    assert repr(secrets) == "Secrets(<hidden>)"
    config = load_config(write(tmp_path, ""), env=SECRET_ENV)
    shown = repr(config) + str(config)
    for name, value in SECRET_ENV.items():
        if name != "COPROD_LOG_LEVEL":
            assert value not in shown, name


def test_log_level_from_the_environment_wins(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[bot]\nlog_level = "error"\n'),
                         env={"COPROD_LOG_LEVEL": "Warning"})
    assert config.log_level == "warning"
    config = load_config(write(tmp_path, '[bot]\nlog_level = "ERROR"\n'), env={})
    assert config.log_level == "error"


def test_bad_log_level_in_the_environment_is_a_problem(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, ""), env={"COPROD_LOG_LEVEL": "loud"})
    assert len(problems) == 1
    assert problems[0].startswith("COPROD_LOG_LEVEL: must be one of debug, info, warning")
    assert "loud" in problems[0]


def test_bad_log_level_in_dotenv_is_a_problem_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("COPROD_LOG_LEVEL=verbose\n", encoding="utf-8")
    (problem,) = problems_of(write(tmp_path, ""))
    assert problem.startswith("COPROD_LOG_LEVEL: ")


def test_environment_problems_come_with_file_problems(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "[delivery]\nconcurrency = 0\n"),
                           env={"COPROD_LOG_LEVEL": "loud"})
    assert len(problems) == 2


# ---- gaps found in review, now mended -------------------------------------------------------

def test_deeply_nested_garbage_is_a_config_error(tmp_path: Path) -> None:
    (problem,) = problems_of(write(tmp_path, "a = " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "not valid TOML" in problem


def test_a_dotenv_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"DISCORD_TOKEN=\xff\xfe\n")
    (problem,) = problems_of(write(tmp_path, ""))
    assert ".env" in problem


def test_each_problem_stays_one_line_whatever_the_file_holds(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, '[group]\n"time\\nzone" = 1\n'
                                           'timezone = "a\\u001b[2Jb"\n'))
    assert all("\n" not in p and "\x1b" not in p for p in problems), problems


def test_key_path_follows_the_database_path_with_tilde() -> None:
    assert key_path_for(Config(database="~/coprod/data.db")) == Path(
        "~/coprod/data.key").expanduser()
    assert key_path_for(Config(database="sqlite:///x/y.db")) == Path("x/y.key")
    assert key_path_for(Config(key_file="~/k")) == Path("~/k").expanduser()
    with pytest.raises(ConfigError):
        key_path_for(Config(database="sqlite://"))


# ---- fuzzing: nothing but ConfigError, ever ------------------------------------------------

SECTIONS = [*known_keys(), "group", "groups", "discord", "slack"]
KNOWN_KEYS = sorted({*setting_keys(), *(k for checks in known_keys().values() for k in checks),
                     "name", "roles", "admin"})
NAMES = st.sampled_from(SECTIONS + KNOWN_KEYS + ["123456789012345678", "T0123ABCD"]) | st.text(
    st.characters(codec="utf-8"), max_size=12)
SCALARS = (
    st.text(st.characters(codec="utf-8"), max_size=20)
    | st.sampled_from(["UTC", "Europe/London", "", "#news", "debug", "json", *feature_names()])
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.dates()
    | st.times()
    | st.datetimes()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NAMES, inner, max_size=4),
    max_leaves=20,
)
DOCUMENTS = st.dictionaries(NAMES, st.dictionaries(NAMES, VALUES, max_size=5) | VALUES,
                            max_size=5)


def _check_never_crashes(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    try:
        config = load_config(path, env={})
    except ConfigError as exc:
        assert exc.problems
        assert all(isinstance(p, str) and p.strip() for p in exc.problems)
    else:
        assert isinstance(config, Config)


FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(document=DOCUMENTS)
def test_any_toml_document_gives_a_config_or_a_config_error(
        tmp_path_factory: pytest.TempPathFactory, document: dict[str, Any]) -> None:
    text = toml_document(document)
    assert tomllib.loads(text) == document, "the test's TOML writer is wrong"
    _check_never_crashes(tmp_path_factory.mktemp("fuzz") / "config.toml", text)


FRAGMENTS = st.sampled_from([
    "[bot]", "[group]", "[groups]", '[groups."1"]', "[delivery]", "[console]", "[[bot]]",
    "[discord]", "timezone", "features", "members", "concurrency", "log_level", " = ", "=",
    '"UTC"', '"Europe"', '""', "[", "]", "{", "}", ",", ".", '"', "'", "#", "\n", "\n", "\n",
    "1", "-1", "0", "99999999999999999999", "1.5", "nan", "inf", "true", "false",
    "1979-05-27", "07:32:00", '"""', "'''", "\\", "\\u00e9", "name", '{ name = "a" }',
    '["concerns"]', '"#news"', '"<#C1>"', "é", "\t", "\x00", "\ufeff",
])
RAW_TEXT = st.lists(FRAGMENTS | st.text(st.characters(codec="utf-8"), max_size=8),
                    max_size=40).map("".join)


@FUZZ
@given(text=RAW_TEXT)
def test_any_text_gives_a_config_or_a_config_error(
        tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    _check_never_crashes(tmp_path_factory.mktemp("raw") / "config.toml", text)


@FUZZ
@given(data=st.data())
def test_mangled_example_gives_a_config_or_a_config_error(
        tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 20)))
        text = text[:start] + data.draw(FRAGMENTS) + text[end:]
    _check_never_crashes(tmp_path_factory.mktemp("mangled") / "config.toml", text)


def test_meetings_section_is_read_and_checked(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[meetings]\nreminder_minutes = [60, 2880, 60]\n'
                               'coming_up_day = "Sunday"\ncoming_up_time = "18:30"\n'
                               'minutes_by = "members"\n'), env={})
    meetings = config.section(MeetingsConfig)
    assert meetings.reminder_minutes == (2880, 60)
    assert (meetings.coming_up_day, meetings.coming_up_time) == ("sunday", "18:30")
    assert meetings.minutes_by == "members"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, '[meetings]\nreminder_minutes = [0]\n'
                                    'coming_up_time = "25:00"\n'), env={})
    text = str(caught.value)
    assert "[meetings] reminder_minutes" in text and "[meetings] coming_up_time" in text


@pytest.mark.parametrize("url", ["postgresql://postgres@127.0.0.1:notaport/test",
                                 "postgresql://u:p@db.example:99999/x",
                                 "postgres://u@[::1]:0/x"])
def test_a_postgresql_url_with_a_bad_port_is_one_plain_line(url: str) -> None:
    """Found by an outside tester: a port that is not a number gave a traceback."""
    from storage.factory import check_database_setting
    problem = check_database_setting(url)
    assert problem is not None and "port is not a number" in problem


def test_a_postgresql_url_without_a_port_or_with_a_good_one_is_fine() -> None:
    from storage.factory import check_database_setting
    assert check_database_setting("postgresql://u@db.example/x") is None
    assert check_database_setting("postgresql://u@db.example:5432/x") is None
