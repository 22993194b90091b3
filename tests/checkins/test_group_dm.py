"""The group-DM destination: its JSON round trip, and how the console shows it."""

from __future__ import annotations

import asyncio
import io

from adapters.console import ConsoleAdapter
from bot.config import Config
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Message
from bot.messages import destination_from_dict
from bot.messages import destination_to_dict


def test_group_dm_round_trips_and_describes_ids_only() -> None:
    dest = Destination.to_group_dm("g1", ["U1", "U2", "U3"])
    assert dest.kind is DestinationKind.GROUP_DM
    assert dest.users == ("U1", "U2", "U3")
    assert destination_from_dict(destination_to_dict(dest)) == dest
    assert dest.describe() == "group_dm:U1,U2,U3"


async def test_the_console_shows_a_group_dm_to_everyone_in_it() -> None:
    out = io.StringIO()
    console = ConsoleAdapter(Config(), io.StringIO(""), out, interactive=False)
    async with asyncio.timeout(5):
        await console.send(Destination.to_group_dm("demo", ["alice", "bob"]),
                           Message("Meet your buddies: Alice and Bob."), "k1")
    assert "[DM to Alice, Bob] coprod: Meet your buddies: Alice and Bob." in out.getvalue()
