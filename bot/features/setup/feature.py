"""`/setup`: show and change the group's settings from inside the chat.

Facilitators and the platform's own administrators may run it (so a newly invited bot
can be set up before any roles are configured). Chat-made settings are stored and
override config; `reset=KEY` returns one to the config default. The settings that decide
who sees safeguarding concerns (`lead_roles`, `leads_channel`, switching concerns on or
off) are for safeguarding leads and administrators only, and the leads are told in their
channel whenever they change.
"""

from __future__ import annotations

import difflib
import logging
from typing import Any

from bot import catalog
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features.concerns.package import LEADS_CHANNEL
from bot.features.concerns.package import setup_line
from bot.features.host import CoreHost
from bot.features.setup import wording
from bot.i18n import language
from bot.i18n import speaking
from bot.i18n import tr
from bot.logs import log_event
from bot.messages import Destination
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.settings import GroupSettings
from bot.settings import SettingError
from bot.settings import channel_keys
from bot.settings import describe
from bot.settings import feature_names
from bot.settings import setting_keys
from bot.settings import setting_spec
from bot.settings import settings_specs
from bot.settings import to_stored
from bot.text import channel_ref
from bot.text import neutralise

log = logging.getLogger(__name__)


def build(host: CoreHost[None, None]) -> Feature:
    """The setup feature: it changes every group setting, so it takes the core host."""

    async def setup(ctx: Context) -> Reply:
        lead_only = _lead_only(ctx)
        if not ctx.options:
            leads_part = f"\n\n{tr(wording.SETUP_LEADS_PART)}" if lead_only else ""
            return Reply.text(await _overview(ctx, host) + leads_part)
        changes = _changes(ctx)
        stored = {k: (None if v is None else to_stored(k, v)) for k, v in changes.items()}
        merged = host.settings.preview(ctx.group_id, stored)
        if lead_only:
            others = _not_safeguarding(changes, ctx.settings, merged)
            if others:
                raise UserError(wording.setup_lead_cannot_change(others))
        problems = [wording.setup_needs_channel(f, k) if k.endswith("_channel")
                    else wording.setup_needs_roles(f, k) for f, k in merged.missing()]
        if merged.privacy_problems():
            problems.append(wording.SETUP_LEADS_CHANNEL_SHARED)
        if not merged.facilitator_roles:
            problems.append(wording.SETUP_NO_FACILITATOR_ROLES)
        elif (not ctx.actor.is_admin and Role.FACILITATOR in ctx.roles
              and Role.FACILITATOR not in host.roles_of(ctx.actor, merged)):
            problems.append(wording.SETUP_WOULD_LOCK_YOU_OUT)
        if lead_only and Role.LEAD not in host.roles_of(ctx.actor, merged):
            problems.append(wording.SETUP_WOULD_LOCK_LEAD_OUT)
        touched = safeguarding_changes(ctx.settings, merged)
        if touched and not (ctx.actor.is_admin or Role.LEAD in ctx.roles):
            # Otherwise a facilitator could make themselves a lead (or move the leads'
            # channel, or switch concerns off) and read every case.
            problems.append(wording.setup_safeguarding_only(touched))
        if problems:
            raise UserError(wording.setup_not_saved(problems))
        notices = _tell_leads(ctx, merged, touched)
        await ctx.storage.save_group_settings(ctx.group_id, stored, ctx.actor.user_id,
                                              ctx.now(), notices)
        host.settings.update_stored(ctx.group_id, stored)
        if notices:
            host.deliveries_waiting()
            log_event(log, logging.WARNING, "setup.safeguarding_changed", group=ctx.group_id,
                      keys=",".join(touched))
        with speaking(await _reader_language(ctx, host, merged)):
            return Reply.text(catalog.setup_saved(sorted(changes)))

    channels = channel_keys()
    options = (
        *(OptionSpec(s.key, s.description,
                     OptionType.CHANNEL if s.key in channels else OptionType.STRING,
                     max_length=400)
          for s in settings_specs() if s.key != "features"),
        OptionSpec("enable", wording.setup_option_enable(feature_names()), max_length=60),
        OptionSpec("disable", wording.SETUP_OPTION_DISABLE, max_length=60),
        OptionSpec("reset", wording.SETUP_OPTION_RESET, max_length=60),
    )
    spec = CommandSpec(
        name="setup",
        description=wording.SETUP_HELP,
        handler=setup,
        example=wording.SETUP_EXAMPLE,
        options=options,
        # Leads own the settings that decide who sees concerns (`SAFEGUARDING_KEYS`);
        # a lead who is not a facilitator may change those and only those.
        roles=frozenset({Role.FACILITATOR, Role.LEAD}),
        admins=True,
    )
    return Feature("setup", commands=[spec])


# The settings that decide who sees concerns: the leads own them ("concerns" stands for
# switching the concerns feature on or off).
SAFEGUARDING_KEYS = ("lead_roles", LEADS_CHANNEL, "concerns")


def _lead_only(ctx: Context) -> bool:
    """A safeguarding lead who is neither a facilitator nor an admin: they may see the
    settings and change only the safeguarding ones."""
    return (Role.LEAD in ctx.roles and Role.FACILITATOR not in ctx.roles
            and not ctx.actor.is_admin)


def _not_safeguarding(changes: dict[str, Any], old: GroupSettings,
                      new: GroupSettings) -> list[str]:
    """The settings in a change that are not the leads' to make; switching a feature
    other than concerns on or off counts as `features`."""
    others = {k for k in changes if k not in SAFEGUARDING_KEYS and k != "features"}
    if (set(old.features) ^ set(new.features)) - {"concerns"}:
        others.add("features")
    return sorted(others)


def safeguarding_changes(old: GroupSettings, new: GroupSettings) -> list[str]:
    """The settings that decide who sees concerns, and that this change would alter:
    who the leads are, their channel, and whether concerns are switched on."""
    touched = [key for key in ("lead_roles", LEADS_CHANNEL)
               if old.value(key) != new.value(key)]
    if ("concerns" in old.features) != ("concerns" in new.features):
        touched.append("concerns")
    return touched


def _tell_leads(ctx: Context, new: GroupSettings, touched: list[str]) -> list[NewDelivery]:
    """Whoever changes the safeguarding settings, the leads are told in their channel
    (the old one and the new one), stored with the change itself."""
    if not touched:
        return []
    channels = dict.fromkeys(c for c in (ctx.settings.channel(LEADS_CHANNEL),
                                         new.channel(LEADS_CHANNEL)) if c)
    with speaking(new.language):  # a channel post: the group's language
        text = wording.setup_safeguarding_changed(neutralise(ctx.actor.display_name),
                                                  touched, "concerns" in new.features)
    stamp = int(ctx.now().timestamp() * 1_000_000)
    return [NewDelivery(f"setup-safeguarding:{ctx.group_id}:{stamp}:{channel}",
                        Destination.to_channel(ctx.group_id, channel), Message(text))
            for channel in channels]


async def _reader_language(ctx: Context, host: CoreHost[None, None],
                           new: GroupSettings) -> str:
    """The language the member reads once the change is saved: a new group language
    reaches them at once, unless they chose their own or their platform names one."""
    if new.language == ctx.settings.language:
        return language()
    theirs = await host.language_of(ctx.group_id, ctx.actor.user_id)  # chosen, else group's
    if theirs == new.language and language() != ctx.settings.language:
        return language()  # their platform's language, not the group's
    return theirs


def _changes(ctx: Context) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    features = set(ctx.settings.features)
    for key, raw in ctx.options.items():
        if key in ("enable", "disable"):
            for name in str(raw).replace(",", " ").split():
                name = name.lower()
                if name not in feature_names():
                    raise UserError(wording.setup_bad_feature(name, feature_names()))
                (features.add if key == "enable" else features.discard)(name)
            changes["features"] = frozenset(features)
        elif key == "reset":
            name = str(raw).strip().lower()
            keys = setting_keys()
            if name not in keys:
                match = difflib.get_close_matches(name, keys, n=1)
                raise UserError(wording.setup_unknown_key(name, keys,
                                                          match[0] if match else None))
            changes[name] = None
        else:
            spec = setting_spec(key)
            assert spec is not None
            try:
                changes[key] = spec.check(raw)
            except SettingError as exc:
                raise UserError(wording.setup_bad_value(key, str(exc))) from None
    return changes


async def _overview(ctx: Context, host: CoreHost[None, None]) -> str:
    settings = ctx.settings
    chat_made = set(host.settings.stored_keys(ctx.group_id))
    lines = [tr(wording.SETUP_HEADER)]
    channels = channel_keys()
    for spec in settings_specs():
        value = describe(settings, spec.key)
        value = (channel_ref(value) if value and spec.key in channels
                 else neutralise(value)) or tr(wording.SETUP_UNSET)
        lines.append(wording.setup_line(spec.key, value, spec.key in chat_made,
                                        tr(spec.description).capitalize()))
    missing = [wording.setup_needs_channel(f, k) for f, k in settings.missing()]
    if "concerns" in settings.features:
        line, nobody = await setup_line(host.services, ctx.group_id)
        if nobody:
            missing.append(line)
        else:
            lines.append(line)
    lines.append("")
    if missing:
        lines.append(wording.setup_missing(missing))
    else:
        lines.append(tr(wording.SETUP_NOTHING_MISSING))
    return "\n".join(lines)
