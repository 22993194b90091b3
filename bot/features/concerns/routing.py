"""Who a concern goes to, and the notifications that carry it there.

The rules, in one place (see docs/decisions/concern-routing.md):
- the leads are found however they are declared (`lead_roster`): holding a lead role or
  user group on the platform (asked through the adapter's `People` port), listed in
  `[concerns] leads`, or registered; each with every name the platform gives them;
- every lead gets the concern by direct message, and the leads' private channel
  gets it too, each with an Acknowledge button;
- a lead the concern is about (named in "who it is about", or the author of a flagged
  message) is excluded from routing and from all access; such a concern puts nothing
  at all in the shared channel (not even a line saying a concern exists: the excluded
  lead may read it), never, not even when no direct message can be delivered;
- a direct message that cannot be delivered is rerouted to the fallback contacts and
  then the other leads, never to any channel;
- with no lead to send to, the fallback contacts get it and this is logged CRITICAL.

Each notification is written in its reader's language (`Readers`): a direct message in
its recipient's, the leads' channel in the group's.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Protocol

from bot.features.concerns import wording
from bot.features.concerns.config import ConcernsConfig
from bot.features.concerns.store import Concern
from bot.features.concerns.wording import N_
from bot.i18n import speaking
from bot.i18n import tr
from bot.logs import log_event
from bot.messages import Button
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from bot.people import Remembered
from bot.people import role_roster
from bot.settings import GroupSettings
from bot.text import USER_MENTION
from bot.text import neutralise
from bot.text import quote_block

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from bot.features.concerns.host import LeadsHost

log = logging.getLogger(__name__)

ACK_ACTION = "concern.ack"
LEADS_CHANNEL = "leads_channel"
"""The group setting this feature brings: the safeguarding leads' own channel."""


class Languages(Protocol):
    """What finding each reader's language needs (a feature's host has it)."""

    def group(self, group_id: str) -> GroupSettings:
        """The settings in force for one group (its language)."""

    async def language_of(self, group_id: str, user_id: str) -> str:
        """The language to write to one member in."""


@dataclass(frozen=True, slots=True)
class Readers:
    """Whose language each notification is written in: each person's own, by id (their
    choice, else the group's), and the group's for the leads' channel."""

    group: str
    people: Mapping[str, str] = field(default_factory=dict)

    def of(self, user_id: str) -> str:
        """The language of one person (the group's if not looked up)."""
        return self.people.get(user_id, self.group)


async def readers(host: Languages, group_id: str, people: Iterable[str]) -> Readers:
    """The languages of the people a concern's notifications go to, and the group's."""
    return Readers(host.group(group_id).language,
                   {who: await host.language_of(group_id, who)
                    for who in dict.fromkeys(people) if who})


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


@dataclass(frozen=True, slots=True)
class Lead:
    """A lead of a group, with every name they are known by (for the "who is it about"
    match): their platform names now, and the name kept when they last acted."""

    user_id: str
    names: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """How leads read this lead's name (the id when no name is known)."""
        return self.names[0] if self.names else self.user_id


@dataclass(frozen=True, slots=True)
class Roster:
    """The leads of a group now, and why the platform could not be asked ("" if it
    could: then everyone holding a lead role is in it)."""

    leads: dict[str, Lead]
    problem: str = ""


async def lead_roster(host: LeadsHost, group_id: str) -> Roster:
    """Every lead of a group now, however they were declared: holding a lead role (Slack
    user group) on the platform, listed in `[concerns] leads`, registered with `/case
    register` or seen acting with the lead role. Names come from the platform where it
    can say, so a lead listed in config can be matched by name too. When the platform
    cannot be asked, the leads storage and config know are used, and the reason kept.
    The rules are the shared role roster's (`bot.people.role_roster`), which the
    facilitators' rota uses too: a lead whose role was taken away is dropped."""
    settings = host.group(group_id)
    remembered = [Remembered(lead.user_id, lead.display_name, by_role=lead.source == "role")
                  for lead in await host.store.known_leads(group_id)]
    roster = await role_roster(host.people, group_id, settings.lead_roles, remembered,
                               host.config.leads)
    for _ in roster.not_in_group:
        # The platform says they are not in this group: a lead of another group listed
        # in config must not get this group's concerns.
        log_event(log, logging.WARNING, "concern.config_lead_not_in_group", group=group_id)
    found = {user_id: Lead(user_id, names) for user_id, names in roster.holders.items()}
    if roster.problem and host.people.can_ask:
        log_event(log, logging.WARNING, "concern.leads_from_storage_only", group=group_id,
                  leads=len(found))
    return Roster(found, roster.problem)


def name_in(people: Mapping[str, Lead], user_id: str, default: str = "") -> str:
    """A lead's name from `known_leads`, else `default` (else the id)."""
    lead = people.get(user_id)
    return lead.name if lead is not None else (default or user_id)


async def known_leads(host: LeadsHost, group_id: str) -> dict[str, Lead]:
    """Lead id -> lead, for every lead of the group now (see `lead_roster`)."""
    return (await lead_roster(host, group_id)).leads


_MARKS = re.compile(r"[\u0300-\u036f]")


def _plain(text: str) -> str:
    """Text compared the lenient way: compatibility forms folded (fancy letters become
    plain ones), accents dropped, case ignored."""
    return _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()


def _words(name: str) -> list[str]:
    whole = _plain(name).strip().lstrip("@").strip()
    parts = [p for p in re.split(r"[\s._-]+", whole) if len(p) >= 3]
    return [w for w in dict.fromkeys([whole, *parts]) if w]


def _found(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def named_in(about: str, people: Mapping[str, Lead | str | Iterable[str]]) -> set[str]:
    """The ids of people that a "who is it about" text names: by id; by mention (Discord
    `<@id>` and `<@!id>`, Slack `<@U..>` and `<@U..|name>`); by display name, username,
    nickname or real name, with or without a leading @, or by any part of a name of 3
    letters or more; case, accents and fancy letter forms ignored. Matching errs towards
    excluding: a lead wrongly excluded only misses one case."""
    text = _plain(about)
    if not text.strip():
        return set()
    mentioned = {m.casefold() for m in USER_MENTION.findall(about)}
    out = set()
    for user_id, value in people.items():
        if isinstance(value, Lead):
            names: Iterable[str] = value.names
        elif isinstance(value, str):
            names = (value,)
        else:
            names = value
        if user_id.casefold() in mentioned or _found(_plain(user_id), text):
            out.add(user_id)
            continue
        if any(_found(word, text) for name in names for word in _words(name)):
            out.add(user_id)
    return out


def barred(concern: Concern, people: Mapping[str, Lead | str | Iterable[str]],
           ) -> frozenset[str]:
    """Everyone kept away from a case: those excluded when it was raised, and any lead
    known now (id -> lead) whom its "who is it about" names. The second part matters
    for a lead the bot only met after the concern was raised: they were not known then,
    so nothing excluded them, yet the case is about them."""
    return frozenset(concern.excluded) | frozenset(named_in(concern.about, people))


def route_for(config: ConcernsConfig, leads: Iterable[str],
              excluded: Iterable[str]) -> Route:
    """The route of a concern, from the known leads and who is excluded."""
    barred = frozenset(excluded)
    # Everyone excluded counts as someone who may read the leads' channel: the author of
    # a flagged message may be a lead the bot cannot find (the platform may not say),
    # so the channel then gets nothing about the concern.
    return Route(tuple(lead for lead in leads if lead not in barred),
                 tuple(c for c in config.fallback_contacts if c not in barred),
                 barred, barred)


def lead_text(concern: Concern, zone_name: str) -> str:
    """A concern as the leads read it (member words neutralised), in the language in
    force."""
    from zoneinfo import ZoneInfo

    raised = wording.when_raised(concern.created_at, ZoneInfo(zone_name))
    if concern.anonymous or not concern.reporter_name:
        reporter = tr(N_("someone who asked not to be named"))
    else:
        reporter = neutralise(concern.reporter_name)
    return wording.concern_for_leads(
        concern.case_id, raised, concern.danger, quote_block(neutralise(concern.text)),
        neutralise(concern.about), reporter, concern.may_contact,
        neutralise(concern.link), quote_block(neutralise(concern.quoted))
        if concern.quoted else "", anonymous=concern.anonymous or not concern.reporter_name)


def ack_message(ref: str, text: str) -> Message:
    """A message carrying a concern and its Acknowledge button."""
    return Message(text, buttons=(Button(N_("Acknowledge"), ACK_ACTION, ref,
                                         "primary"),))


def _written(code: str, make: Callable[[], Message]) -> Message:
    """A message made in one language."""
    with speaking(code):
        return make()


def _dm_fallbacks(group_id: str, me: str, route: Route, ref: str, text: Callable[[], str],
                  languages: Readers) -> tuple[Fallback, ...]:
    """If `me` cannot get a direct message: each other deputy and lead, in turn, told
    why they have it, each in their own language."""
    order = [c for c in (*route.fallbacks, *route.leads) if c != me]
    return tuple(Fallback(Destination.to_dm(group_id, who), _written(
        languages.of(who), lambda: ack_message(ref, wording.concern_rerouted(text()))))
                 for who in dict.fromkeys(order))


def new_concern_deliveries(concern: Concern, route: Route, config: ConcernsConfig,
                           channel: str, zone_name: str,
                           languages: Readers) -> list[NewDelivery]:
    """The notifications a new concern causes, each in its reader's language."""
    group_id, ref = concern.group_id, concern.case_id

    def text() -> str:
        return lead_text(concern, zone_name)

    def message() -> Message:
        return ack_message(ref, text())

    out: list[NewDelivery] = []
    dm_leads = route.leads if (config.lead_dms or not route.channel_safe) else ()
    for lead in dm_leads:
        out.append(NewDelivery(f"concern:{ref}:dm:{lead}", Destination.to_dm(group_id, lead),
                               _written(languages.of(lead), message),
                               _dm_fallbacks(group_id, lead, route, ref, text, languages)))
    if not route.leads or not route.channel_safe:
        # A lead is excluded (or none can be sent to): the deputies are told as well.
        for contact in route.fallbacks:
            out.append(NewDelivery(f"concern:{ref}:fb:{contact}",
                                   Destination.to_dm(group_id, contact),
                                   _written(languages.of(contact), message),
                                   _dm_fallbacks(group_id, contact, route, ref, text,
                                                 languages)))
    if channel and route.channel_safe:
        # With anyone excluded, nothing at all: a line saying only that a concern was
        # raised would tell the excluded lead, who may read the channel, about it.
        fallbacks = tuple(Fallback(Destination.to_dm(group_id, c),
                                   _written(languages.of(c), message))
                          for c in route.fallbacks)
        out.append(NewDelivery(f"concern:{ref}:channel",
                               Destination.to_channel(group_id, channel),
                               _written(languages.group, message), fallbacks))
    if not route.leads:
        log_event(log, logging.CRITICAL, "concern.no_lead_reachable", group=group_id,
                  case=ref, fallbacks=len(route.fallbacks),
                  excluded=len(route.excluded_leads))
    return out


def escalation_deliveries(concern: Concern, route: Route, key: str, minutes: int,
                          zone_name: str, channel: str,
                          languages: Readers) -> list[NewDelivery]:
    """An escalation: to every lead and fallback contact who may see the case, each in
    their own language (the leads' channel in the group's).

    Each DM falls back to the others; when nobody is excluded from the case, the first
    one's chain ends in the leads' channel, so an escalation reaches someone even when
    every direct message is refused, and the channel hears it once. When anyone is
    excluded the channel hears nothing: the case waits for the next escalation.
    """
    ref = concern.case_id

    def text() -> str:
        return wording.concern_escalated(ref, minutes, lead_text(concern, zone_name))

    last: tuple[Fallback, ...] = ()
    if channel and route.channel_safe:
        in_channel = _written(languages.group, lambda: ack_message(
            ref, wording.concern_escalated_in_channel(text())))
        last = (Fallback(Destination.to_channel(concern.group_id, channel), in_channel),)
    return [NewDelivery(f"{key}:{who}", Destination.to_dm(concern.group_id, who),
                        _written(languages.of(who), lambda: ack_message(ref, text())),
                        _dm_fallbacks(concern.group_id, who, route, ref, text, languages)
                        + (last if i == 0 else ()))
            for i, who in enumerate(route.everyone)]


def taken_deliveries(concern: Concern, route: Route, taker: str, taker_name: str,
                     at: datetime, channel: str, zone_name: str,
                     languages: Readers) -> list[NewDelivery]:
    """Tell the others who took the case, and the reporter if they agreed, each in their
    own language (the leads' channel in the group's)."""
    from zoneinfo import ZoneInfo

    when = taken_at(at, ZoneInfo(zone_name))
    ref, group_id = concern.case_id, concern.group_id

    def line() -> Message:
        return Message(wording.concern_taken_line(ref, neutralise(taker_name), when))

    out = [NewDelivery(f"concern:{ref}:taken:{who}", Destination.to_dm(group_id, who),
                       _written(languages.of(who), line))
           for who in route.everyone if who != taker]
    if channel and route.channel_safe:
        out.append(NewDelivery(f"concern:{ref}:taken:channel",
                               Destination.to_channel(group_id, channel),
                               _written(languages.group, line)))
    if concern.may_contact and concern.reporter_id:
        # Sealed: who raised which case is kept encrypted, and forgotten once told.
        told = _written(languages.of(concern.reporter_id), lambda: Message(
            wording.concern_ack_for_reporter(ref, concern.anonymous
                                             or not concern.reporter_name)))
        out.append(NewDelivery(f"concern:{ref}:reporter-told",
                               Destination.to_dm(group_id, concern.reporter_id), told,
                               sealed=True))
    return out


def taken_at(at: datetime, zone: ZoneInfo) -> str:
    """The time a lead took a case, as leads read it: "17:05" in the group's zone."""
    return f"{at.astimezone(zone):%H:%M}"

