"""Shared steps for the concerns tests: an app with two leads and a deputy."""

from __future__ import annotations

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.features.concerns.config import ConcernsConfig
from bot.messages import DestinationKind
from bot.messages import Message
from bot.messages import Reply
from storage.interface import Storage

FORM = "concern.raise"
LEAD_ROLE = "Safeguarding lead"
LEADS_CHANNEL = "safeguarding-leads"
DEPUTY = "U-fiona"


def config(**changes: object) -> Config:
    """The default config with a deputy as fallback contact."""
    concerns = ConcernsConfig(fallback_contacts=(DEPUTY,)).model_copy(update=changes)
    return Config().with_sections(concerns)


async def make_bot(storage: Storage, clock: FakeClock, cfg: Config | None = None,
                   adapter: MemoryAdapter | None = None) -> MemoryBot:
    """The default app; dev and erin are leads and have registered."""
    app = App(cfg or config(), storage, clock=clock)
    await app.load()
    bot = MemoryBot(app, adapter or MemoryAdapter())
    bot.adapter.member("dev", LEAD_ROLE)
    bot.adapter.member("erin", LEAD_ROLE)
    bot.adapter.member("fiona")
    for lead in ("dev", "erin"):
        await bot.run(lead, "/case register")
    return bot


async def raise_concern(bot: MemoryBot, who: str = "alice", what: str = "Bob shouted at me",
                        about: str = "", danger: str = "no", contact: str = "yes",
                        anonymous: str = "no", state: str = "",
                        channel: str | None = "general") -> Reply:
    """`who` sends the concern form."""
    return await bot.submit(who, FORM, {"what": what, "about": about, "danger": danger,
                                        "contact": contact, "anonymous": anonymous},
                            state=state, channel=channel)


def ref_of(reply: Reply) -> str:
    """The case reference in the reporter's confirmation."""
    text = reply_text(reply)
    start = text.index("case **") + len("case **")
    return text[start:text.index("**", start)]


def channels_used(bot: MemoryBot) -> set[str]:
    """Every channel the bot posted in."""
    return {s.destination.channel for s in bot.adapter.sent
            if s.destination.kind is DestinationKind.CHANNEL}


def dm_users(bot: MemoryBot) -> set[str]:
    """Everyone the bot sent a direct message to."""
    return {s.destination.user for s in bot.adapter.sent
            if s.destination.kind is DestinationKind.DM}


def everything_sent_to(bot: MemoryBot, user: str) -> str:
    """All text sent to one member by DM (or shown to them in a channel)."""
    return "\n".join(s.message.text for s in bot.adapter.sent if s.destination.user == user)


def ack_button(message: Message) -> tuple[str, str]:
    """The Acknowledge button's action and value."""
    (button,) = [b for b in message.buttons if b.label == "Acknowledge"]
    return button.action, button.value


async def settle_fully(bot: MemoryBot) -> None:
    """Send everything due now (the dispatcher's drain also waits for sends the
    background loop has in hand)."""
    await bot.settle()


__all__ = ["DEPUTY", "FORM", "LEADS_CHANNEL", "LEAD_ROLE", "ack_button",
           "channels_used", "config", "dm_users", "everything_sent_to", "make_bot",
           "raise_concern", "ref_of", "reply_text", "settle_fully"]
