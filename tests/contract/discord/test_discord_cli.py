"""`coprod run --platform discord` as a real process, configured only by environment
variables, against the fake Discord: it connects, answers /help, and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from storage.crypto import generate_key
from tests.fakes.discord import FakeDiscord

REPO_ROOT = Path(__file__).resolve().parents[3]


async def test_coprod_run_on_discord_from_the_environment(fake: FakeDiscord,
                                                          tmp_path: Path) -> None:
    env = {**os.environ, "DISCORD_TOKEN": fake.token, "DISCORD_API_BASE": fake.api_base,
           "DISCORD_GATEWAY_URL": fake.gateway_url, "COPROD_ENCRYPTION_KEY": generate_key(),
           "COPROD_DATABASE_URL": str(tmp_path / "coprod.db"), "PYTHONPATH": str(REPO_ROOT)}
    env.pop("COPROD_LOG_LEVEL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", "--platform", "discord", cwd=tmp_path,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for(lambda: fake.identifies and fake.commands, limit=20,
                            what="the bot to connect")
        assert set(fake.commands) == {"global"}  # no guild_ids configured
        response = await fake.wait_response(await fake.slash("alice", "help"), limit=10)
        assert response["data"]["content"].startswith(
            "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
            "command's name to learn more about it.")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(20):
            _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert b"voice" not in err
    assert b"event=discord.commands_synced" in err
    assert b"Here is what you can do" not in err  # logs hold no message text
