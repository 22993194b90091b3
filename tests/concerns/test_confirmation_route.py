"""The reporter's confirmation says the route this concern actually took: by direct
message and the leads' channel, only one of them, or (a concern about someone) by direct
message only, with nothing in the channel. Through the in-memory adapter, both
databases."""

from __future__ import annotations

from dataclasses import replace

import pytest

from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.config import Config
from bot.settings import apply_settings
from storage.interface import Storage
from tests.concerns.helpers import LEADS_CHANNEL
from tests.concerns.helpers import config
from tests.concerns.helpers import dm_users
from tests.concerns.helpers import make_bot
from tests.concerns.helpers import raise_concern
from tests.concerns.helpers import settle_fully

SECRET = "He keeps turning up at my door"
BOTH = "by direct message and in the leads' private channel"


@pytest.mark.parametrize(("lead_dms", "channel", "about", "said", "not_said"), [
    (True, LEADS_CHANNEL, "", BOTH, "by direct message only"),
    (False, LEADS_CHANNEL, "", "leads, in the leads' private channel.", "by direct"),
    (True, "", "", "leads, by direct message.", "private channel"),
    (True, LEADS_CHANNEL, "erin", "by direct message only", BOTH),
])
async def test_the_confirmation_says_the_route_this_concern_took(
        storage: Storage, clock: FakeClock, lead_dms: bool, channel: str, about: str,
        said: str, not_said: str) -> None:
    cfg = replace(config(lead_dms=lead_dms),
                  group=apply_settings(Config().group, {"leads_channel": channel}))
    bot = await make_bot(storage, clock, cfg)
    try:
        reply = reply_text(await raise_concern(bot, what=SECRET, about=about))
        await settle_fully(bot)
        assert said in reply and not_said not in reply
        posted = bot.adapter.sent_to_channel(LEADS_CHANNEL) if channel else []
        in_channel = any(SECRET in m.text for m in posted)
        assert in_channel == ("private channel" in said and not about)
        if about:
            # Erin is named: nothing at all in the channel she may read, nothing to her.
            assert posted == []
            assert "U-erin" not in dm_users(bot)
            assert "Nothing about it is posted in the leads' private channel" in reply
        dmed = {"U-dev", "U-erin"} & dm_users(bot)
        assert bool(dmed) == ("direct message" in said)
    finally:
        await bot.close()
