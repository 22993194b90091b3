"""A fake Discord (REST v10 + Gateway v10) for the unmodified discord.py client."""

from tests.fakes.discord.server import FakeDiscord

__all__ = ["FakeDiscord"]
