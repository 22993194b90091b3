"""`coprod run --platform discord` as a real process, configured only by environment
variables, against the fake Discord: it connects, answers /help, and stops on SIGTERM."""

from __future__ import annotations

from pathlib import Path

from tests.contract.discord.conftest import coprod_process
from tests.contract.discord.conftest import process_env
from tests.fakes.discord import FakeDiscord


async def test_coprod_run_on_discord_from_the_environment(fake: FakeDiscord,
                                                          tmp_path: Path) -> None:
    env = process_env(fake, tmp_path)
    env.pop("COPROD_LOG_LEVEL", None)
    async with coprod_process(env, tmp_path, "--platform", "discord",
                              stop_within=20) as running:
        await fake.wait_for(lambda: fake.identifies and fake.commands, limit=20,
                            what="the bot to connect")
        assert set(fake.commands) == {"global"}  # no guild_ids configured
        response = await fake.wait_response(await fake.slash("alice", "help"), limit=10)
        assert response["data"]["content"].startswith(
            "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
            "command's name to learn more about it.")
    err = running.err
    assert running.process.returncode == 0, err.decode()
    assert b"voice" not in err
    assert b"event=discord.commands_synced" in err
    assert b"Here is what you can do" not in err  # logs hold no message text
