"""Config fuzzing: any TOML document, and any mutation of config.example.toml (wrong
types, unknown keys and sections, out-of-range numbers, bad time zones, bad ids), is
either accepted or refused with one plain line per problem naming the key, and exit
code 2: never a traceback. Driven through the loader, `coprod check-config` in this
process, and a few real `coprod run` processes (bounded timeouts)."""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from datetime import UTC
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.cli import EXIT_CONFIG
from bot.cli import main
from bot.config import Config
from bot.config import ConfigError
from bot.config import known_keys
from bot.config import load_config
from bot.config import toml_name
from bot.settings import setting_keys
from tests.test_cli_config import EXAMPLE
from tests.test_cli_config import REPO_ROOT
from tests.test_cli_config import _clean_env
from tests.toml_writer import toml_document
from tests.toml_writer import toml_string

# COPROD_CAMPAIGN_EXAMPLES=2000 runs a deeper, random campaign.
DEEP = int(os.environ.get("COPROD_CAMPAIGN_EXAMPLES", "0") or 0)
FUZZ = settings(max_examples=DEEP or 120, deadline=None, derandomize=not DEEP, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SECRETS = ("DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
           "COPROD_DATABASE_URL", "COPROD_ENCRYPTION_KEY", "COPROD_LOG_LEVEL",
           "DISCORD_API_BASE", "DISCORD_GATEWAY_URL", "SLACK_API_BASE")


# ---- hostile documents ---------------------------------------------------------------

KNOWN_SECTIONS = ["bot", "group", "groups", *known_keys()]
KNOWN_KEYS = sorted({key for checks in known_keys().values() for key in checks}
                    | set(setting_keys()))
ODD_TEXT = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["", " ", "Europe/Londn", "Mars/Olympus", "UTC", "utc", "../../etc",
                     "<@&1>", "@everyone", "\u202e", "x" * 10_000, "1" * 400,
                     "sqlite:///", "sqlite:///:memory:", "postgresql://x", "https://",
                     "ws://a b", "#general", "C0123ABC", "123456789012345678", "T0123ABCD",
                     "demo", "00:00", "24:00", "9:5", "monday", "never", "socket", "http"]),
)
NUMBERS = st.one_of(st.integers(), st.sampled_from([0, -1, 1, 2**63 - 1, 2**63, -2**63,
                                                    10**30, 65536, 86401, 40321]))
LEAVES = st.one_of(
    st.booleans(), NUMBERS, st.floats(allow_nan=True, allow_infinity=True), ODD_TEXT,
    st.dates(), st.times(), st.datetimes(timezones=st.sampled_from(
        [None, UTC, timezone(timedelta(hours=-5, minutes=-30))])),
)
KEYS = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12), st.sampled_from(
    ["123456789012345678", "T0123ABCD", "demo", "not an id", ""]))
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)), max_leaves=10)
DOCUMENTS = st.dictionaries(
    st.one_of(st.sampled_from(KNOWN_SECTIONS), st.text(max_size=10)),
    st.one_of(st.dictionaries(KEYS, VALUES, max_size=5), VALUES), max_size=6)


def _key_level(problem: str, path: Path) -> bool:
    """A problem line names where it is: a [section] and key, an environment variable,
    the file itself, or the command-line option."""
    return bool(_KEY_LEVEL.match(problem) or problem.startswith(str(path)))


_NAME = r'(?:"(?:[^"\\]|\\.)*"|[A-Za-z0-9_-]+)'
# "[section] key: ...", "[groups."id"]: ...", "key: ...", "ENV_VAR: ...", "--platform x: ..."
_KEY_LEVEL = re.compile(rf"(?:\[{_NAME}(?:\.{_NAME})*\](?: {_NAME})?|{_NAME}): |--platform "
                        r"|--http ")


def check_refusal(path: Path) -> Config | ConfigError:
    """Load the file; a refusal must be plain lines naming keys (see `_key_level`)."""
    try:
        return load_config(path, env={})
    except ConfigError as exc:
        assert exc.problems, "a refusal with no problem listed"
        for problem in exc.problems:
            assert "\n" not in problem and problem.isprintable(), problem[:200]
            assert "Traceback" not in problem, problem[:200]
            assert _key_level(problem, path), problem[:200]
        return exc


def check_cli(path: Path, loaded: Config | ConfigError) -> None:
    """`coprod check-config` in this process agrees with the loader: 0, or 2 with the
    problems on stderr and no traceback."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check-config", "--config", str(path)])
    assert code in (0, EXIT_CONFIG), (code, err.getvalue()[:500])
    assert "Traceback" not in err.getvalue()
    if isinstance(loaded, ConfigError):
        assert code == EXIT_CONFIG
    if code == EXIT_CONFIG:
        lines = err.getvalue().splitlines()
        assert lines[0] == "coprod cannot start because of the configuration:", lines[:2]
        assert all(line.startswith("  - ") for line in lines[1:]) and len(lines) > 1


@pytest.fixture
def no_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No secrets in the environment, and a working folder of the test's own."""
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_any_toml_document_is_accepted_or_refused_key_by_key(no_secrets: Path) -> None:
    path = no_secrets / "config.toml"

    @FUZZ
    @given(data=DOCUMENTS)
    @example(data={"bot": {"database": "\x00"}})
    @example(data={"groups": {"123456789012345678": {"timezone": "x" * 10_000}}})
    @example(data={"console": {"members": [{"name": "a", "roles": [1]}, 5]}})
    @example(data={"meetings": {"reminder_minutes": [[1]]}})
    def one(data: dict[str, Any]) -> None:
        path.write_text(toml_document(data), encoding="utf-8")
        assert tomllib.loads(path.read_text(encoding="utf-8")) == _comparable(data)
        check_cli(path, check_refusal(path))
    one()


def _comparable(data: Any) -> Any:
    """What tomllib reads back (nan is never equal to itself, so it becomes a marker)."""
    if isinstance(data, float) and math.isnan(data):
        return _Nan()
    if isinstance(data, dict):
        return {k: _comparable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_comparable(v) for v in data]
    return data


class _Nan:
    def __eq__(self, other: object) -> bool:
        return (isinstance(other, float) and math.isnan(other)) or isinstance(other, _Nan)

    def __hash__(self) -> int:
        return 0


# ---- mutations of the example --------------------------------------------------------

EXAMPLE_DATA: dict[str, Any] = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
PLACES = sorted((section, key) for section, body in EXAMPLE_DATA.items()
                if isinstance(body, dict) for key in body)
BAD_ZONES = ["Europe/Londn", "europe/london ", "Mars/Olympus", "", "UTC+1", "GMT+25",
             "Europe/London\x00", "../../../etc/localtime", "posix/Europe/London", "Factory"]
BAD_IDS = ["not an id", "12345", "<@123>", "U", "T0", "-1", "1" * 30, "C0123ABC\n", ""]

Mutation = Callable[[dict[str, Any]], tuple[dict[str, Any], str]]


def _set(section: str, key: str, value: Any) -> Mutation:
    def apply(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            data[section] = {}
        data[section][key] = value
        return data, key if section in KNOWN_SECTIONS else section
    return apply


MUTATIONS = st.one_of(
    # a value of the wrong type, or out of range, where a known key is
    st.builds(lambda place, value: _set(place[0], place[1], value),
              st.sampled_from(PLACES), st.one_of(VALUES, NUMBERS)),
    # a bad time zone, in [group] or for one group
    st.builds(lambda zone: _set("group", "timezone", zone), st.sampled_from(BAD_ZONES)),
    st.builds(lambda gid, zone: _set("groups", gid, {"timezone": zone}),
              st.sampled_from(["123456789012345678", "T0123ABCD", "demo", "bad id"]),
              st.sampled_from(BAD_ZONES)),
    # bad member, server and workspace ids
    st.builds(lambda key, ids: _set(key[0], key[1], ids),
              st.sampled_from([("concerns", "leads"), ("concerns", "fallback_contacts"),
                               ("checkins", "facilitators"), ("discord", "guild_ids")]),
              st.lists(st.sampled_from(BAD_IDS), min_size=1, max_size=3)),
    st.builds(lambda gid: _set("groups", gid, {"timezone": "UTC"}),
              st.sampled_from(BAD_IDS)),
    # unknown keys and sections
    st.builds(lambda section, key, value: _set(section, key, value),
              st.sampled_from(KNOWN_SECTIONS), st.text(min_size=1, max_size=15).filter(
                  lambda k: k not in KNOWN_KEYS), LEAVES),
    st.builds(lambda section: _set(section, "key", 1),
              st.text(min_size=1, max_size=12).filter(lambda s: s not in KNOWN_SECTIONS)),
)


def test_mutations_of_the_example_name_the_key_they_broke(no_secrets: Path) -> None:
    path = no_secrets / "config.toml"

    @FUZZ
    @given(mutations=st.lists(MUTATIONS, min_size=1, max_size=3))
    def one(mutations: list[Mutation]) -> None:
        data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
        touched = []
        for mutate in mutations:
            data, key = mutate(data)
            touched.append(key)
        path.write_text(toml_document(data), encoding="utf-8")
        loaded = check_refusal(path)
        if isinstance(loaded, ConfigError):
            said = "\n".join(loaded.problems)
            assert any(_printable(name) in said for key in touched
                       for name in (key, toml_name(key), toml_name(key, quote=True))), (
                touched, loaded.problems)
        check_cli(path, loaded)
    one()


def _printable(text: str) -> str:
    """As a problem line shows it (see `bot.config.ConfigError`)."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


# ---- real processes ------------------------------------------------------------------

PROCESS_CASES = {
    "wrong types": '[bot]\nlog_level = 3\n[delivery]\nconcurrency = "four"\n'
                   "[group]\nfeatures = 7\n",
    "nested nonsense": '[group]\ntimezone = { zone = ["Europe/London"] }\n'
                       '[groups."123456789012345678"]\nlead_roles = [[["x"]]]\n'
                       "[meetings]\nreminder_minutes = [1e400, nan]\n",
    "ids and numbers": '[concerns]\nleads = ["<@123>"]\n'
                       "acknowledge_minutes = 99999999999999999999999\n"
                       '[discord]\nguild_ids = [12]\nshard_ids = [-1]\n[wat]\nx = 1\n',
}


@pytest.mark.parametrize(("case", "command"), [
    *((case, "run") for case in sorted(PROCESS_CASES)),
    ("key file where no file can be", "run"), ("key file where no file can be", "check-config"),
])
def test_coprod_refuses_a_broken_config_without_a_traceback(tmp_path: Path, case: str,
                                                            command: str) -> None:
    config = tmp_path / "config.toml"
    # A key file "inside" the config file: no folder can be made there, whoever runs it.
    impossible = "[bot]\nkey_file = " + toml_string(str(config / "coprod.key")) + "\n"
    config.write_text(PROCESS_CASES.get(case, impossible), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", command, "--config", str(config)],
        cwd=tmp_path, env=_clean_env(), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=60, check=False)
    assert result.returncode == EXIT_CONFIG, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert problems and all(_key_level(p[4:], config) for p in problems), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"], "wrote files"


def test_the_writer_round_trips_the_example() -> None:
    assert tomllib.loads(toml_document(EXAMPLE_DATA)) == EXAMPLE_DATA
    assert REPO_ROOT.is_dir()
