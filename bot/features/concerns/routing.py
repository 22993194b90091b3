"""Who a concern goes to, and the notifications that carry it there.

The rules, in one place (see docs/decisions/concern-routing.md):
- every known lead gets the concern by direct message, and the leads' private channel
  gets it too, each with an Acknowledge button;
- a lead the concern is about (named in "who it is about", or the author of a flagged
  message) is excluded from routing and from all access; such a concern is not posted
  in the shared channel (only a neutral line without words, reporter or subject);
- a direct message that cannot be delivered is rerouted to the fallback contacts and
  then the other leads, never to any channel;
- with no lead to send to, the fallback contacts get it and this is logged CRITICAL.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot import catalog
from bot.concerns_config import ConcernsConfig
from bot.logs import log_event
from bot.messages import Button, Destination, Message
from bot.outbox import Fallback, NewDelivery
from bot.text import neutralise, quote_block
from storage.concerns import Concern

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

ACK_ACTION = "concern.ack"
_MENTION_ID = re.compile(r"<@!?([A-Za-z0-9]+)>")


@dataclass(frozen=True, slots=True)
class Route:
    """Who gets a concern: leads by DM, fallback contacts, and how the channel is used."""

    leads: tuple[str, ...]
    fallbacks: tuple[str, ...]
    excluded: frozenset[str]
    # Excluded people who may be able to read the leads' channel.
    excluded_leads: frozenset[str] = frozenset()

    @property
    def channel_safe(self) -> bool:
        """The shared channel may carry the concern's words (no lead is excluded)."""
        return not self.excluded_leads

    @property
    def everyone(self) -> tuple[str, ...]:
        """Every person the concern is sent to by DM, leads first."""
        return tuple(dict.fromkeys((*self.leads, *self.fallbacks)))


async def known_leads(app: App, group_id: str) -> dict[str, str]:
    """Lead id -> display name: those seen or registered, plus those in config."""
    found = {lead.user_id: lead.display_name
             for lead in await app.storage.known_leads(group_id)}
    for user_id in app.config.concerns.leads:
        found.setdefault(user_id, user_id)
    return found


def _words(name: str) -> list[str]:
    whole = name.casefold().strip()
    parts = [p for p in re.split(r"[\s._-]+", whole) if len(p) >= 3]
    return [w for w in dict.fromkeys([whole, *parts]) if w]


def named_in(about: str, people: dict[str, str]) -> set[str]:
    """The ids of people (id -> display name) that a "who is it about" text names: by
    id, by mention, by full display name or by any part of it of 3 letters or more.
    Matching errs towards excluding: a lead wrongly excluded only misses one case."""
    text = about.casefold()
    if not text.strip():
        return set()
    mentioned = {m.casefold() for m in _MENTION_ID.findall(about)}
    out = set()
    for user_id, name in people.items():
        if user_id.casefold() in mentioned or re.search(
                rf"(?<!\w){re.escape(user_id.casefold())}(?!\w)", text):
            out.add(user_id)
            continue
        for word in _words(name):
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
                out.add(user_id)
                break
    return out


def barred(concern: Concern, people: dict[str, str]) -> frozenset[str]:
    """Everyone kept away from a case: those excluded when it was raised, and any lead
    known now (id -> name) whom its "who is it about" names. The second part matters
    for a lead the bot only met after the concern was raised: they were not known then,
    so nothing excluded them, yet the case is about them."""
    return frozenset(concern.excluded) | frozenset(named_in(concern.about, people))


def route_for(config: ConcernsConfig, leads: Iterable[str],
              excluded: Iterable[str]) -> Route:
    """The route of a concern, from the known leads and who is excluded."""
    barred = frozenset(excluded)
    # Everyone excluded counts as someone who may read the leads' channel: the author of
    # a flagged message may be a lead the bot does not know (it only learns leads as
    # they act), so the channel then gets the neutral line only.
    return Route(tuple(lead for lead in leads if lead not in barred),
                 tuple(c for c in config.fallback_contacts if c not in barred),
                 barred, barred)


def lead_text(concern: Concern, zone_name: str) -> str:
    """A concern as the leads read it (member words neutralised)."""
    from zoneinfo import ZoneInfo

    raised = f"{concern.created_at.astimezone(ZoneInfo(zone_name)):%d %b %Y %H:%M}"
    if concern.anonymous or not concern.reporter_name:
        reporter = "someone who asked not to be named"
    else:
        reporter = neutralise(concern.reporter_name)
    return catalog.concern_for_leads(
        concern.case_id, raised, concern.danger, quote_block(neutralise(concern.text)),
        neutralise(concern.about), reporter, concern.may_contact,
        neutralise(concern.link), quote_block(neutralise(concern.quoted))
        if concern.quoted else "", anonymous=concern.anonymous or not concern.reporter_name)


def ack_message(ref: str, text: str) -> Message:
    """A message carrying a concern and its Acknowledge button."""
    return Message(text, buttons=(Button(catalog.CONCERN_ACK_BUTTON, ACK_ACTION, ref,
                                         "primary"),))


def _dm_fallbacks(group_id: str, me: str, route: Route, message: Message,
                  ) -> tuple[Fallback, ...]:
    rerouted = ack_message(message.buttons[0].value if message.buttons else "",
                           catalog.concern_rerouted(message.text))
    order = [c for c in (*route.fallbacks, *route.leads) if c != me]
    return tuple(Fallback(Destination.to_dm(group_id, who), rerouted)
                 for who in dict.fromkeys(order))


def new_concern_deliveries(concern: Concern, route: Route, config: ConcernsConfig,
                           channel: str, zone_name: str) -> list[NewDelivery]:
    """The notifications a new concern causes."""
    group_id, ref = concern.group_id, concern.case_id
    message = ack_message(ref, lead_text(concern, zone_name))
    out: list[NewDelivery] = []
    dm_leads = route.leads if (config.lead_dms or not route.channel_safe) else ()
    for lead in dm_leads:
        out.append(NewDelivery(f"concern:{ref}:dm:{lead}", Destination.to_dm(group_id, lead),
                               message, _dm_fallbacks(group_id, lead, route, message)))
    if not route.leads or not route.channel_safe:
        # A lead is excluded (or none can be sent to): the deputies are told as well.
        for contact in route.fallbacks:
            out.append(NewDelivery(f"concern:{ref}:fb:{contact}",
                                   Destination.to_dm(group_id, contact), message,
                                   _dm_fallbacks(group_id, contact, route, message)))
    if channel:
        if route.channel_safe:
            fallbacks = tuple(Fallback(Destination.to_dm(group_id, c), message)
                              for c in route.fallbacks)
            out.append(NewDelivery(f"concern:{ref}:channel",
                                   Destination.to_channel(group_id, channel), message,
                                   fallbacks))
        else:
            out.append(NewDelivery(f"concern:{ref}:channel",
                                   Destination.to_channel(group_id, channel),
                                   Message(catalog.CONCERN_NEUTRAL_LINE)))
    if not route.leads:
        log_event(log, logging.CRITICAL, "concern.no_lead_reachable", group=group_id,
                  case=ref, fallbacks=len(route.fallbacks),
                  excluded=len(route.excluded_leads))
    return out


def escalation_deliveries(concern: Concern, route: Route, key: str, minutes: int,
                          zone_name: str, channel: str = "") -> list[NewDelivery]:
    """An escalation: to every lead and fallback contact who may see the case.

    Each DM falls back to the others; the first one's chain ends in the leads' channel
    (the words only if no lead is excluded from the case), so an escalation reaches
    someone even when every direct message is refused, and the channel hears it once.
    """
    message = ack_message(concern.case_id, catalog.concern_escalated(
        concern.case_id, minutes, lead_text(concern, zone_name)))
    last: tuple[Fallback, ...] = ()
    if channel:
        in_channel = (ack_message(concern.case_id,
                                  catalog.concern_escalated_in_channel(message.text))
                      if route.channel_safe else Message(catalog.CONCERN_ESCALATED_NEUTRAL))
        last = (Fallback(Destination.to_channel(concern.group_id, channel), in_channel),)
    return [NewDelivery(f"{key}:{who}", Destination.to_dm(concern.group_id, who), message,
                        _dm_fallbacks(concern.group_id, who, route, message)
                        + (last if i == 0 else ()))
            for i, who in enumerate(route.everyone)]


def taken_deliveries(concern: Concern, route: Route, taker: str, taker_name: str,
                     at: datetime, channel: str, zone_name: str) -> list[NewDelivery]:
    """Tell the others who took the case, and the reporter if they agreed."""
    from zoneinfo import ZoneInfo

    when = f"{at.astimezone(ZoneInfo(zone_name)):%H:%M}"
    line = Message(catalog.concern_taken_line(concern.case_id, neutralise(taker_name), when))
    ref, group_id = concern.case_id, concern.group_id
    out = [NewDelivery(f"concern:{ref}:taken:{who}", Destination.to_dm(group_id, who), line)
           for who in route.everyone if who != taker]
    if channel and route.channel_safe:
        out.append(NewDelivery(f"concern:{ref}:taken:channel",
                               Destination.to_channel(group_id, channel), line))
    if concern.may_contact and concern.reporter_id:
        # Sealed: who raised which case is kept encrypted, and forgotten once told.
        out.append(NewDelivery(f"concern:{ref}:reporter-told",
                               Destination.to_dm(group_id, concern.reporter_id),
                               Message(catalog.concern_ack_for_reporter(
                                   ref, concern.anonymous or not concern.reporter_name)),
                               sealed=True))
    return out

