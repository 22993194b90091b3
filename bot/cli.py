"""The `coprod` command: run the bot, check the config, migrate, make and change keys,
export or erase one member's data."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from typing import cast

from bot import __version__
from bot import catalog
from bot import copy_to_postgres
from bot.config import EXIT_CONFIG
from bot.config import Config
from bot.config import ConfigError
from bot.config import default_config_path
from bot.config import load_config
from bot.features import registry
from bot.logs import LogFile
from bot.logs import configure_logging
from bot.runtime import LOCAL_PLATFORMS
from bot.runtime import PLATFORMS
from bot.runtime import build_app
from bot.runtime import choose_platform
from bot.runtime import health_server
from bot.runtime import make_cipher
from bot.runtime import opened_storage
from bot.runtime import platform_runner
from bot.runtime import start_app
from bot.startup import STARTUP_ERRORS
from bot.startup import check_config
from bot.startup import database_exists
from bot.startup import explain
from bot.startup import log_path_for
from bot.startup import prepare
from bot.startup import shares_terminal
from storage.crypto import generate_key

if TYPE_CHECKING:
    from bot.features.concerns.store import ConcernStore


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coprod",
        description="coprod-bot: helps co-production groups work well together.")
    parser.add_argument("--version", action="version", version=f"coprod-bot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def with_config(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--config", type=Path, metavar="PATH",
                       help="config file (default: ./config.toml if it exists)")
        return p

    run = with_config(sub.add_parser(
        "run", help="start the bot",
        description="Start the bot. With no platform token set, a console chat starts."))
    run.add_argument("--platform", choices=PLATFORMS,
                     help="which platform to connect to (default: the one whose token is "
                          "set, else the console)")
    run.add_argument("--http", metavar="HOST:PORT",
                     help="Slack only: take Slack's requests over HTTP on HOST:PORT instead "
                          "of Socket Mode (needs SLACK_SIGNING_SECRET)")
    record = run.add_argument_group(
        "recording platform (--platform record; a tool for tests, see docs/testing.md)")
    record.add_argument("--input", metavar="PATH",
                        help="read events (JSON lines) from this file or named pipe; "
                             "- for standard input")
    record.add_argument("--replies", metavar="PATH",
                        help="write answers here ({pid} becomes the process id)")
    record.add_argument("--deliveries", metavar="PATH",
                        help="write every message sent here ({pid} becomes the process id)")
    record.add_argument("--send-latency-ms", type=int, metavar="MS",
                        help="the pretend platform takes this long to answer each send")
    record.add_argument("--keep-running", action="store_true", default=None,
                        help="keep running after the input ends, until Ctrl-C or SIGTERM")
    slack = with_config(sub.add_parser("slack", help="Slack helpers: print the app manifest",
                                       description="Print the Slack app manifest to paste "
                                                   "when creating the app (docs/slack.md)."))
    slack.add_argument("action", choices=["manifest"])
    slack.add_argument("--request-url", default="", metavar="URL",
                       help="for HTTP mode: the public URL of /slack/events")
    with_config(sub.add_parser("check-config", help="check the config and secrets, then exit",
                               description="Check config.toml and the environment without "
                                           "starting the bot. Exit code 2 if anything is "
                                           "wrong."))
    with_config(sub.add_parser("migrate", help="bring the database up to date",
                               description="Apply database migrations not yet applied."))
    with_config(sub.add_parser(
        "healthcheck", help="ask the running bot whether it is ready (exit 0 if so)",
        description="Ask the running bot's health server ([health] host and port) at "
                    "/readyz: exit 0 when the database, the platform, the scheduler and "
                    "the sender all work, else 1 with one line saying which does not. "
                    "For a container's HEALTHCHECK."))
    sub.add_parser("generate-key", help="print a new encryption key",
                   description="Print a new key for COPROD_ENCRYPTION_KEY.")
    case = sub.add_parser("case", help="safeguarding case records (export)",
                          description="Safeguarding case records for the leads.")
    case_export = case.add_subparsers(dest="case_command", metavar="ACTION").add_parser(
        "export", help="write a case, its notes and its audit as a Markdown file",
        description="Write a case, its notes and its audit as Markdown (readable only by "
                    "you); the export is recorded in the case's audit.")
    case_export.add_argument("ref", metavar="REF", help="the case reference, like C-ABC234")
    case_export.add_argument("--out", type=Path, metavar="PATH",
                             help="where to write it (default: ./case-REF.md)")
    with_config(case_export)
    case.set_defaults(config=None, ref=None, out=None)
    export = with_config(sub.add_parser(
        "export", help="write everything the bot holds about one member, as JSON",
        description="Write everything the bot holds that is linked to one member (their "
                    "settings, check-ins and notes, requests, RSVPs, concerns they raised "
                    "with their name, and more) as JSON, readable only by you, for a "
                    "subject access request. Anonymous feedback and votes are not in it: "
                    "nothing links them to anyone."))
    export.add_argument("--member", required=True, metavar="ID",
                        help="the member's platform id (Discord user id, Slack member id, "
                             "or a console name)")
    export.add_argument("--group", metavar="G",
                        help="only this group (Discord server or Slack workspace id); "
                             "default: every group")
    export.add_argument("--out", metavar="FILE",
                        help="where to write it; - for standard output "
                             "(default: ./member-ID.json)")
    erase = with_config(sub.add_parser(
        "erase", help="erase one member's data (safeguarding records are kept)",
        description="Delete one member's data, or take them out of records the group "
                    "keeps, such as settings changes. Safeguarding records "
                    "are kept, and the command says which and why. Each erasure is "
                    "recorded: who ran it, when, and how many rows, never what was erased. "
                    "Asks first, unless --yes."))
    erase.add_argument("--member", required=True, metavar="ID",
                       help="the member's platform id")
    erase.add_argument("--group", metavar="G",
                       help="only this group; default: every group")
    erase.add_argument("--by", metavar="NAME",
                       help="who is running it, for the record (default: your user name "
                            "on this computer)")
    erase.add_argument("--yes", action="store_true", help="do not ask before erasing")
    with_config(sub.add_parser(
        "rotate-key", help="re-encrypt everything under a new key while the bot runs",
        description="Make a new encryption key and re-encrypt every stored field with it, "
                    "a batch at a time, while the bot keeps running. With a key file, the "
                    "file then holds only the new key. With COPROD_ENCRYPTION_KEY, set it "
                    "to NEW,OLD and restart the bot first (see docs/privacy.md)."))
    copy_to_postgres.add_parser(sub, with_config)
    backup = with_config(sub.add_parser(
        "backup", help="copy the SQLite database to PATH while the bot runs",
        description="Copy the SQLite database, while the bot keeps running, to PATH (or to "
                    "a dated file in the folder PATH), with PATH.manifest.json beside it, "
                    "signed with a key derived from the encryption key (so it needs the "
                    "key). The key is not in the copy: keep it separately. PostgreSQL: "
                    "pg_dump (docs/deploying.md)."))
    backup.add_argument("path", metavar="PATH", help="a new file, or a folder")
    restore = with_config(sub.add_parser(
        "restore", help="check a backup and put it in place of the database",
        description="Check the copy at PATH (its manifest's signature and checksum, "
                    "integrity, schema, and that the configured key opens it), then put it "
                    "in place of the configured SQLite database, keeping the one it "
                    "replaces beside it as NAME.replaced-STAMP. Stop the bot first."))
    restore.add_argument("path", metavar="PATH", help="a file made by coprod backup")
    restore.add_argument("--force", action="store_true",
                         help="replace the database that is there now (it is kept "
                              "beside it as NAME.replaced-STAMP)")
    restore.add_argument("--accept-unsigned", action="store_true",
                         help="restore a backup whose manifest has no signature (made "
                              "before backups were signed); its schema is still checked")
    discord_cmd = sub.add_parser("discord", help="Discord helpers (invite-url)",
                                 description="Helpers for setting up the Discord bot.")
    discord_sub = discord_cmd.add_subparsers(dest="discord_command", metavar="HELPER")
    invite = discord_sub.add_parser(
        "invite-url", help="print the link that adds the bot to a server",
        description="Print the OAuth2 link that adds the bot to a Discord server, with "
                    "the scopes bot and applications.commands and only the permissions "
                    "it needs.")
    invite.add_argument("--client-id", metavar="ID",
                        help="the application id (Developer Portal, General Information); "
                             "default: the DISCORD_CLIENT_ID environment variable")
    return parser


def _concern_store(config: Config) -> AbstractAsyncContextManager[ConcernStore]:
    """The database for `coprod case export`, opened as `coprod run` opens it (the
    backend implements every feature's store port, the concerns' among them)."""
    return cast("AbstractAsyncContextManager[ConcernStore]",
                opened_storage(config, make_cipher(config, "console")))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `coprod` console script."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`coprod check-config | head -1`): nothing more to say,
        # and Python's own flush at exit must not print a traceback either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    registry.install()  # the composition root: the core learns the features here
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    if args.command == "generate-key":
        print(generate_key())
        return 0
    if args.command == "discord":
        return _discord_helper(args)
    config: Config | None = None
    try:
        config = load_config(args.config or default_config_path())
        if args.command == "healthcheck":
            from bot.healthcheck import run_healthcheck

            return run_healthcheck(config)
        if args.command == "check-config":
            return asyncio.run(_check_config(config))
        if args.command == "migrate":
            return asyncio.run(_migrate(config))
        if args.command == copy_to_postgres.COMMAND:
            return asyncio.run(copy_to_postgres.run(config, args.source, args.to))
        if args.command == "case":
            from bot.features.concerns.export import run_export

            if args.ref is None:
                _parser().parse_args(["case", "--help"])
            return asyncio.run(run_export(partial(_concern_store, config),
                                          config.database_target, args.ref, args.out))
        if args.command in ("export", "erase", "rotate-key"):
            from bot import privacy

            if args.command == "export":
                return asyncio.run(privacy.run_export(config, args.member, args.group,
                                                      args.out))
            if args.command == "erase":
                return asyncio.run(privacy.run_erase(config, args.member, args.group,
                                                     args.by, args.yes))
            return asyncio.run(privacy.run_rotate_key(config))
        if args.command in ("backup", "restore"):
            from bot import backup

            if args.command == "backup":
                return backup.run_backup(config, args.path)
            return backup.run_restore(config, args.path, args.force,
                                      accept_unsigned=args.accept_unsigned)
        if args.command == "slack":
            from adapters.slack.manifest import manifest_for_config

            print(manifest_for_config(config, args.request_url), end="")
            return 0
        if args.http:
            config = _with_http(config, args.http, args.platform)
            args.platform = "slack"
        config = _with_record(config, args)
        platform = choose_platform(args.platform, config, sys.stderr)
        return asyncio.run(_run(config, platform))
    except ConfigError as exc:
        print("coprod cannot start because of the configuration:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        # A container's HEALTHCHECK knows 0 and 1 only (2 is reserved there).
        return 1 if args.command == "healthcheck" else EXIT_CONFIG
    except STARTUP_ERRORS as exc:
        assert config is not None  # these come only once the config is loaded
        line, code = explain(exc, config)
        print(line, file=sys.stderr)
        return code
    except KeyboardInterrupt:
        return 130


async def _check_config(config: Config) -> int:
    """`coprod check-config`: the checks `run` makes before it touches anything."""
    platform = choose_platform(None, config, sys.stderr)
    database = await check_config(config, platform)
    where = config.source or "no config file (defaults)"
    print(f"Config is fine for {platform}: {where}; {database}.")
    from bot.features.concerns.reach import config_summary
    print(config_summary(config))
    return 0


def _with_http(config: Config, value: str, platform: str | None) -> Config:
    """`--http HOST:PORT`: Slack in HTTP mode on that address (overrides `[slack]`)."""
    if platform not in (None, "slack"):
        raise ConfigError([catalog.SLACK_HTTP_ONLY])
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError([catalog.slack_http_bad(value)])
    slack = config.slack.model_copy(update={"mode": "http", "http_host": host.strip("[]"),
                                            "http_port": int(port)})
    return replace(config, slack=slack)


RECORD_FLAGS = ("input", "replies", "deliveries", "send_latency_ms", "keep_running")


def _with_record(config: Config, args: argparse.Namespace) -> Config:
    """The recording platform's flags, over `[record]` (only with --platform record)."""
    given = {name: getattr(args, name) for name in RECORD_FLAGS
             if getattr(args, name) is not None}
    if not given:
        return config
    if args.platform != "record":
        flags = ", ".join("--" + name.replace("_", "-") for name in given)
        raise ConfigError([catalog.record_flags_only(flags)])
    latency = given.get("send_latency_ms")
    if latency is not None and not 0 <= latency <= 600000:
        raise ConfigError([catalog.record_latency_bad(latency)])
    for name in ("input", "replies", "deliveries"):
        if name in given and not str(given[name]).strip():
            raise ConfigError([catalog.record_path_empty("--" + name)])
    return replace(config, record=config.record.model_copy(update=given))


def _discord_helper(args: argparse.Namespace) -> int:
    """`coprod discord invite-url`: the link that adds the bot to a server."""
    if args.discord_command != "invite-url":
        _parser().parse_args(["discord", "--help"])
        return 0
    from adapters.discord.invite import invite_url  # only this command needs discord.py

    client_id = (args.client_id or os.environ.get("DISCORD_CLIENT_ID", "")).strip()
    if not client_id.isdigit():
        print(catalog.DISCORD_NEEDS_CLIENT_ID, file=sys.stderr)
        return EXIT_CONFIG
    print(catalog.discord_invite(invite_url(client_id)))
    return 0


async def _migrate(config: Config) -> int:
    configure_logging(config.log_level or "info", config.log_format)
    cipher = make_cipher(config, "console")
    async with opened_storage(config, cipher) as storage:
        version = await storage.schema_version()
    print(f"Database {config.database_label} is at schema version {version}.")
    return 0


async def _run(config: Config, platform: str) -> int:
    default_level = "warning" if platform == "console" else "info"
    # The console's chat is on stdout: when stderr is the same terminal, log lines would
    # print in the middle of it, so they go to a file instead.
    log_file = (log_path_for(config) if platform == "console"
                and shares_terminal(sys.stdout, sys.stderr) else None)
    handler = configure_logging(config.log_level or default_level, config.log_format,
                                path=log_file)
    cipher = await prepare(config, platform)  # the checks made before anything is written
    runner = platform_runner(platform)
    new_database = not database_exists(config)
    try:
        async with opened_storage(config, cipher) as storage:
            if new_database and platform not in LOCAL_PLATFORMS:
                # A mistyped path would otherwise start an empty group without a word.
                print(catalog.database_started(config.database_label), file=sys.stderr)
            app = await build_app(config, storage)
            app.notes = sys.stderr  # start-up lines, such as how many leads can be reached
            try:
                # Serving health first: /readyz says "not yet" while the schedules load,
                # and the catch-up's lateness is counted.
                async with health_server(app, config, platform):
                    await start_app(app)
                    return await runner(app, config)
            finally:
                await app.stop()
    finally:
        if isinstance(handler, LogFile) and handler.written:
            print(catalog.console_log_written(handler.baseFilename), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
