"""Start-up and operator errors through the real `coprod` process: a database made with
another key (or whose key file went missing), a database from a newer version, a token
the platform refuses, no network, an unreachable PostgreSQL, a port already in use. Each
must give one plain line on stderr, a non-zero exit code, no traceback, and leave every
file as it was. And one Slack app for many workspaces, which starts with no bot token."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import sqlite3
import sys
import uuid
from collections.abc import AsyncIterator
from collections.abc import Iterator
from contextlib import asynccontextmanager
from contextlib import closing
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot import catalog
from storage.crypto import generate_key
from storage.factory import describe_database
from tests.backends import need_postgres
from tests.backends import postgres_url
from tests.contract.slack.oauth import install
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack.server import CLIENT_ID
from tests.fakes.slack.server import CLIENT_SECRET
from tests.fakes.slack.server import FakeSlack

REPO_ROOT = Path(__file__).resolve().parents[1]
RUN_SECONDS = 60
SETUP_SCRIPT = ":as carol\n/setup timezone=Europe/Paris\n"
EXIT_CONFIG = 2


@dataclass
class Result:
    """What one `coprod` process did."""

    code: int
    out: str
    err: str

    def one_line(self) -> str:
        """The single line it printed on stderr (failing if there were more, or a
        traceback anywhere)."""
        assert "Traceback" not in self.err + self.out, self.err
        lines = self.err.strip().splitlines()
        assert len(lines) == 1, self.err
        return lines[0]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COPROD_", "SLACK_", "DISCORD_"))}
    env["PYTHONPATH"] = str(REPO_ROOT)
    env["PYTHONUTF8"] = "1"
    # The health server ([health], on for Discord and Slack) on a port of its own, so a
    # program on the default port does not change what these tests see.
    env["COPROD_HEALTH_PORT"] = str(closed_port())
    env.pop("PYTHONSTARTUP", None)
    env.update(extra)
    return env


async def coprod(cwd: Path, *args: str, stdin: str = "", **env: str) -> Result:
    """`python -m bot.cli ARGS` in `cwd`, with `env` added to a clean environment."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, cwd=cwd, env=_env(**env),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(RUN_SECONDS):
            out, err = await process.communicate(stdin.encode())
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())


def state_of(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file in the folder: its bytes (as a digest) and its modification time."""
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                         p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


async def console_database(folder: Path, **env: str) -> None:
    """A console `coprod.db` holding encrypted settings (as after trying the bot)."""
    made = await coprod(folder, "run", stdin=SETUP_SCRIPT, **env)
    assert made.code == 0, made.err
    assert "Saved: timezone." in made.out
    assert "COPROD_DATABASE_URL" in env or (folder / "coprod.db").is_file()


def closed_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---- the key ----------------------------------------------------------------------------------

async def test_a_database_made_with_another_key_is_refused(tmp_path: Path) -> None:
    """The console, then Discord with a new key on the same coprod.db: `check-config` and
    `run` both refuse with one line that names the file, the key that opens it and the
    way out; nothing is written and no platform is contacted."""
    await console_database(tmp_path)
    before = state_of(tmp_path)
    new_key = {"COPROD_ENCRYPTION_KEY": generate_key(), "DISCORD_TOKEN": "t",
               "DISCORD_API_BASE": f"http://127.0.0.1:{closed_port()}"}
    for args in (("check-config",), ("run",), ("run", "--platform", "console"),
                 ("migrate",)):
        result = await coprod(tmp_path, *args, **new_key)
        line = result.one_line()
        assert result.code == EXIT_CONFIG, (args, result.err)
        assert line.startswith("The database coprod.db was made with another encryption "
                               "key"), line
        assert "The key in coprod.key opens it" in line
        assert "move coprod.db away" in line
        assert "Config is fine" not in result.out
        assert state_of(tmp_path) == before, args


def test_a_postgresql_database_is_not_told_to_be_moved_away() -> None:
    """A PostgreSQL database is no file to move away: the way out names an empty one."""
    label = describe_database("postgresql://coprod:secret-pw@db:5432/coprod")
    for line in (catalog.database_other_key(label, "COPROD_ENCRYPTION_KEY"),
                 catalog.database_other_key(label, "COPROD_ENCRYPTION_KEY", "coprod.key"),
                 catalog.database_key_file_missing(label, "coprod.key")):
        assert "away" not in line and "secret-pw" not in line, line
        assert "point COPROD_DATABASE_URL at an empty PostgreSQL database" in line, line


async def test_a_missing_key_file_is_not_replaced_by_a_new_one(tmp_path: Path) -> None:
    """The console's coprod.key was moved away: the console does not make a new key
    beside a database that needs the old one."""
    await console_database(tmp_path)
    (tmp_path / "coprod.key").rename(tmp_path / "saved.key")
    before = state_of(tmp_path)
    for args in (("check-config",), ("run",)):
        result = await coprod(tmp_path, *args, stdin="/help\n")
        assert result.code == EXIT_CONFIG, result.err
        assert result.one_line() == catalog.database_key_file_missing("coprod.db",
                                                                      "coprod.key")
        assert state_of(tmp_path) == before
    (tmp_path / "saved.key").rename(tmp_path / "coprod.key")
    fine = await coprod(tmp_path, "check-config")
    assert fine.code == 0, fine.err
    assert fine.out.splitlines()[0] == ("Config is fine for console: no config file "
                                        "(defaults); database coprod.db (its data opens "
                                        "with this key).")


async def test_a_key_dropped_before_rotation_finished_is_named(tmp_path: Path) -> None:
    """Part of the data under a key that is no longer configured (NEW,OLD became NEW too
    soon): refused, with the fix of putting the old key back."""
    old, new = generate_key(), generate_key()
    await console_database(tmp_path, COPROD_ENCRYPTION_KEY=old)
    changed = await coprod(tmp_path, "run", stdin=":as carol\n/setup timezone=UTC\n",
                           COPROD_ENCRYPTION_KEY=f"{new},{old}")
    assert "Saved: timezone." in changed.out, changed.err
    before = state_of(tmp_path)
    result = await coprod(tmp_path, "run", stdin="/help\n", COPROD_ENCRYPTION_KEY=new)
    assert result.code == EXIT_CONFIG
    assert result.one_line() == catalog.database_partly_other_key(
        "coprod.db", "COPROD_ENCRYPTION_KEY")
    assert state_of(tmp_path) == before
    both = await coprod(tmp_path, "check-config", COPROD_ENCRYPTION_KEY=f"{new},{old}")
    assert both.code == 0, both.err


async def test_a_database_with_nothing_encrypted_takes_any_key(tmp_path: Path) -> None:
    """Only /help was tried: nothing is stored encrypted, so a new key loses nothing and
    the check does not stand in the way."""
    tried = await coprod(tmp_path, "run", stdin="/help\n")
    assert tried.code == 0, tried.err
    result = await coprod(tmp_path, "check-config", COPROD_ENCRYPTION_KEY=generate_key())
    assert result.code == 0, result.err
    assert "its data opens with this key" in result.out


# ---- the version ------------------------------------------------------------------------------

async def test_a_database_from_a_newer_version_is_left_alone(tmp_path: Path) -> None:
    await console_database(tmp_path)
    with closing(sqlite3.connect(tmp_path / "coprod.db")) as raw:
        raw.execute("INSERT INTO schema_version VALUES (999, 'from the future', 0)")
        raw.commit()
    before = state_of(tmp_path)
    for args in (("check-config",), ("run",), ("migrate",)):
        result = await coprod(tmp_path, *args, stdin="/help\n")
        line = result.one_line()
        assert result.code == 1, result.err
        assert line.startswith("The database coprod.db was used by a newer version of "
                               "coprod-bot (it is at schema version 999;"), line
        assert "Nothing was changed." in line
        assert state_of(tmp_path) == before, args


# ---- the platforms ----------------------------------------------------------------------------

async def test_a_token_discord_refuses(tmp_path: Path) -> None:
    """Discord answers 401 (the fake checks the token as Discord does): one line, exit 2,
    and not even a database file is made."""
    fake = FakeDiscord()
    await fake.start()
    try:
        result = await coprod(tmp_path, "run", DISCORD_TOKEN="not-the-token",
                              DISCORD_API_BASE=fake.api_base,
                              DISCORD_GATEWAY_URL=fake.gateway_url,
                              COPROD_ENCRYPTION_KEY=generate_key())
    finally:
        await fake.stop()
    assert result.code == EXIT_CONFIG
    assert result.one_line() == catalog.DISCORD_BAD_TOKEN
    assert [r.path for r in fake.requests] == ["/users/@me"]
    assert state_of(tmp_path) == {}


@pytest.mark.parametrize("method,setting", [("auth.test", "SLACK_BOT_TOKEN"),
                                            ("apps.connections.open", "SLACK_APP_TOKEN")])
async def test_a_token_slack_refuses(tmp_path: Path, method: str, setting: str) -> None:
    async with FakeSlack() as slack:
        slack.fail_next(method, error="invalid_auth")
        result = await coprod(tmp_path, "run", SLACK_BOT_TOKEN="xoxb-1",
                              SLACK_APP_TOKEN="xapp-1",
                              SLACK_API_BASE=slack.api_base.rstrip("/"),
                              COPROD_ENCRYPTION_KEY=generate_key())
    assert result.code == EXIT_CONFIG
    line = result.one_line()
    assert line == catalog.token_refused("slack", setting, "invalid_auth")
    assert setting in line
    assert state_of(tmp_path) == {}


async def test_one_slack_app_for_many_workspaces_through_coprod_run(tmp_path: Path) -> None:
    """The real `coprod run` with SLACK_CLIENT_ID: it starts with no bot token, serves
    the install page, a workspace installs it, and its token is in the database only
    sealed, and in no log line."""
    port = closed_port()
    async with FakeSlack() as slack:
        (tmp_path / "config.toml").write_text(
            f'[slack]\nmode = "http"\nauthorize_url = "{slack.authorize_url}"\n'
            f'redirect_url = "http://127.0.0.1:{port}/slack/oauth_redirect"\n',
            encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", "--http", f"127.0.0.1:{port}",
            cwd=tmp_path, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=_env(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
                     SLACK_SIGNING_SECRET="s", SLACK_API_BASE=slack.api_base.rstrip("/"),
                     COPROD_ENCRYPTION_KEY=generate_key(), COPROD_LOG_LEVEL="debug"))
        try:
            async with asyncio.timeout(RUN_SECONDS):
                while True:
                    try:
                        status, page = await install(f"http://127.0.0.1:{port}", slack,
                                                     "T0TEAMB02")
                        break
                    except aiohttp.ClientConnectionError:
                        assert process.returncode is None
                        await asyncio.sleep(0.2)
        finally:
            if process.returncode is None:
                process.terminate()
            out, err = await asyncio.wait_for(process.communicate(), RUN_SECONDS)
    assert status == 200 and "coprod is now in your workspace" in page
    assert process.returncode == 0, err.decode()
    [token] = slack.tokens_of("T0TEAMB02")
    assert token not in (out + err).decode() and "Traceback" not in err.decode()
    with closing(sqlite3.connect(tmp_path / "coprod.db")) as db:
        rows = db.execute("SELECT workspace, sealed FROM slack_installs").fetchall()
    assert [r[0] for r in rows] == ["T0TEAMB02"] and "xoxb" not in rows[0][1]


@pytest.mark.parametrize("platform", ["discord", "slack"])
@pytest.mark.parametrize("where,why", [("closed", "the connection was refused"),
                                       ("unknown", "its name could not be looked up")])
async def test_no_network(tmp_path: Path, platform: str, where: str, why: str) -> None:
    """Nothing listening, or a host name that does not exist (.invalid never does): one
    line saying which, exit 1, nothing written, also beside an existing database."""
    await console_database(tmp_path)
    before = state_of(tmp_path)
    host = f"127.0.0.1:{closed_port()}" if where == "closed" else "coprod-test.invalid"
    key = (tmp_path / "coprod.key").read_text().strip()
    env = ({"DISCORD_TOKEN": "t", "DISCORD_API_BASE": f"http://{host}"}
           if platform == "discord" else
           {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1",
            "SLACK_API_BASE": f"http://{host}/api"})
    result = await coprod(tmp_path, "run", COPROD_ENCRYPTION_KEY=key, **env)
    assert result.code == 1
    line = result.one_line()
    name = platform.title()
    assert line.startswith(f"Could not reach {name} at {host.split(':')[0]}: {why}."), line
    assert "internet connection" in line
    assert state_of(tmp_path) == before


# ---- PostgreSQL -------------------------------------------------------------------------------

@pytest.mark.parametrize("where,why", [
    ("closed", "nothing answered there"),
    ("unknown", "its host name could not be found"),
    ("nodb", "there is no database of that name"),
])
async def test_an_unreachable_postgresql(tmp_path: Path, where: str, why: str) -> None:
    if where == "nodb":
        need_postgres()
        url = postgres_url().rsplit("/", 1)[0] + f"/coprod_none_{uuid.uuid4().hex[:8]}"
    else:
        host = f"127.0.0.1:{closed_port()}" if where == "closed" else "coprod-test.invalid"
        url = f"postgresql://coprod:secret-pw@{host}/coprod"
    for args in (("check-config",), ("run",)):
        result = await coprod(tmp_path, *args, COPROD_DATABASE_URL=url,
                              COPROD_ENCRYPTION_KEY=generate_key())
        line = result.one_line()
        assert result.code == 1, result.err
        assert line.startswith("Could not connect to PostgreSQL at "), line
        assert f"(COPROD_DATABASE_URL): {why}" in line
        assert "secret-pw" not in line
    assert state_of(tmp_path) == {}


@asynccontextmanager
async def postgres_schema_url() -> AsyncIterator[str]:
    """A URL for a fresh schema of its own on the test server, dropped afterwards."""
    import asyncpg

    need_postgres()
    schema = f"coprod_startup_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(postgres_url())
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
        yield f"{postgres_url()}?search_path={schema}"
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()


@pytest.mark.postgres
async def test_a_postgresql_database_made_with_another_key(tmp_path: Path) -> None:
    import asyncpg

    async with postgres_schema_url() as url:
        first = generate_key()
        await console_database(tmp_path, COPROD_DATABASE_URL=url, COPROD_ENCRYPTION_KEY=first)

        async def contents() -> list[tuple[object, ...]]:
            conn = await asyncpg.connect(url)
            try:
                rows = await conn.fetch(
                    "SELECT 'v', version::text, name FROM schema_version UNION ALL "
                    "SELECT 's', key, value_json FROM group_settings UNION ALL "
                    "SELECT 'a', key, value_json FROM settings_audit ORDER BY 1, 2, 3")
            finally:
                await conn.close()
            return [tuple(row) for row in rows]

        before = await contents()
        for args in (("check-config",), ("run",)):
            result = await coprod(tmp_path, *args, COPROD_DATABASE_URL=url,
                                  COPROD_ENCRYPTION_KEY=generate_key())
            assert result.code == EXIT_CONFIG, result.err
            line = result.one_line()
            assert "was made with another encryption key" in line, line
            assert await contents() == before
        fine = await coprod(tmp_path, "check-config", COPROD_DATABASE_URL=url,
                            COPROD_ENCRYPTION_KEY=first)
        assert fine.code == 0, fine.err


# ---- a port in use ----------------------------------------------------------------------------

@contextmanager
def port_taken() -> Iterator[int]:
    """A local port another program is listening on, for as long as the block runs."""
    with closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


async def test_a_health_port_in_use(tmp_path: Path) -> None:
    """The health server's port is taken (another coprod still running): one line naming
    the port, the setting and the fix, exit 1; beside an existing database nothing
    changes, and in an empty folder not even a key file is made."""
    used, empty = tmp_path / "used", tmp_path / "empty"
    used.mkdir()
    empty.mkdir()
    await console_database(used)
    with port_taken() as port:
        for folder in (used, empty):
            before = state_of(folder)
            result = await coprod(folder, "run", stdin="/help\n", COPROD_HEALTH="on",
                                  COPROD_HEALTH_PORT=str(port))
            assert result.code == 1, result.err
            line = result.one_line()
            assert line.startswith(f"Cannot start: port {port} on 127.0.0.1 is already in "
                                   "use"), line
            assert ("Stop what is using it, or choose a free port in [health] port (or "
                    "COPROD_HEALTH_PORT).") in line
            assert line.endswith("Nothing was changed.")
            assert state_of(folder) == before
        discord = await coprod(empty, "run", DISCORD_TOKEN="t",
                               DISCORD_API_BASE=f"http://127.0.0.1:{closed_port()}",
                               COPROD_ENCRYPTION_KEY=generate_key(),
                               COPROD_HEALTH_PORT=str(port))  # "auto": on for Discord
        assert discord.code == 1
        assert f"port {port} on 127.0.0.1 is already in use" in discord.one_line()
        assert state_of(empty) == {}


async def test_a_slack_http_port_in_use(tmp_path: Path) -> None:
    with port_taken() as port:
        result = await coprod(tmp_path, "run", "--http", f"127.0.0.1:{port}",
                              SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s",
                              SLACK_API_BASE=f"http://127.0.0.1:{closed_port()}/api",
                              COPROD_ENCRYPTION_KEY=generate_key())
    assert result.code == 1
    line = result.one_line()
    assert line.startswith(f"Cannot start: port {port} on 127.0.0.1 is already in use"), line
    assert "Slack's HTTP mode needs it" in line
    assert "[slack] http_port (or coprod run --http HOST:PORT)" in line
    assert state_of(tmp_path) == {}


async def test_a_health_host_not_of_this_machine(tmp_path: Path) -> None:
    result = await coprod(tmp_path, "run", stdin="/help\n", COPROD_HEALTH="on",
                          COPROD_HEALTH_HOST="192.0.2.1")  # TEST-NET-1: never local
    assert result.code == 1
    line = result.one_line()
    assert "cannot listen on 192.0.2.1, which is not an address of this machine" in line
    assert "[health] host (or COPROD_HEALTH_HOST)" in line
    assert state_of(tmp_path) == {}


async def test_a_database_path_that_is_a_folder(tmp_path: Path) -> None:
    """`[bot] database` naming a folder: one line, exit 1, and no key file made beside
    it (the check comes before anything is written)."""
    (tmp_path / "dirdb").mkdir()
    result = await coprod(tmp_path, "run", COPROD_DATABASE_URL="dirdb")
    assert result.code == 1
    line = result.one_line()
    assert "dirdb" in line and "not a database file" in line, line
    assert state_of(tmp_path) == {}


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    """`coprod check-config | head -1`: the reader closes the pipe before coprod writes
    (here at once); no traceback."""
    import subprocess

    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "check-config"], cwd=tmp_path, env=_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.close()
    try:
        _, err = process.communicate(timeout=RUN_SECONDS)
    finally:
        process.kill()
    assert "Traceback" not in err, err
    assert process.returncode == 1
