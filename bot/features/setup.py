"""`/setup`: show and change the group's settings from inside the chat.

Facilitators and the platform's own administrators may run it (so a newly invited bot
can be set up before any roles are configured). Chat-made settings are stored and
override config; `reset=KEY` returns one to the config default.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from bot import catalog
from bot.commands import CommandSpec, OptionSpec, OptionType
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.messages import Reply
from bot.roles import Role
from bot.settings import (
    FEATURES,
    SETTING_KEYS,
    SETTINGS,
    SettingError,
    describe,
    setting_spec,
    to_stored,
)
from bot.text import channel_ref

if TYPE_CHECKING:
    from bot.app import App

_CHANNEL_KEYS = {"updates_channel", "feedback_channel", "leads_channel"}


def build(app: App) -> Feature:
    """The setup feature."""

    async def setup(ctx: Context) -> Reply:
        if not ctx.options:
            return Reply.text(_overview(ctx))
        changes = _changes(ctx)
        stored = {k: (None if v is None else to_stored(k, v)) for k, v in changes.items()}
        merged = ctx.app.settings.preview(ctx.group_id, stored)
        problems = [catalog.setup_needs_channel(f, k) if k.endswith("_channel")
                    else catalog.setup_needs_roles(f, k) for f, k in merged.missing()]
        if merged.privacy_problems():
            problems.append(catalog.SETUP_LEADS_CHANNEL_SHARED)
        if not merged.facilitator_roles:
            problems.append(catalog.SETUP_NO_FACILITATOR_ROLES)
        elif (not ctx.actor.is_admin
              and Role.FACILITATOR not in ctx.app.roles_of(ctx.actor, merged)):
            problems.append(catalog.SETUP_WOULD_LOCK_YOU_OUT)
        if problems:
            raise UserError(catalog.setup_not_saved(problems))
        await ctx.storage.save_group_settings(ctx.group_id, stored, ctx.actor.user_id,
                                              ctx.now())
        ctx.app.settings.update_stored(ctx.group_id, stored)
        return Reply.text(catalog.setup_saved(sorted(changes)))

    options = (
        *(OptionSpec(s.key, s.description,
                     OptionType.CHANNEL if s.key in _CHANNEL_KEYS else OptionType.STRING,
                     max_length=400)
          for s in SETTINGS if s.key != "features"),
        OptionSpec("enable", "switch a feature on: " + ", ".join(FEATURES), max_length=60),
        OptionSpec("disable", "switch a feature off", max_length=60),
        OptionSpec("reset", "return a setting to the config default", max_length=60),
    )
    spec = CommandSpec(
        name="setup",
        description="See the group's settings, and change them (facilitators and admins).",
        handler=setup,
        example="/setup  or  /setup timezone=Europe/London updates_channel=#news",
        options=options,
        roles=frozenset({Role.FACILITATOR}),
        admins=True,
    )
    return Feature("setup", commands=[spec])


def _changes(ctx: Context) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    features = set(ctx.settings.features)
    for key, raw in ctx.options.items():
        if key in ("enable", "disable"):
            for name in str(raw).replace(",", " ").split():
                name = name.lower()
                if name not in FEATURES:
                    raise UserError(catalog.setup_bad_feature(name, FEATURES))
                (features.add if key == "enable" else features.discard)(name)
            changes["features"] = frozenset(features)
        elif key == "reset":
            name = str(raw).strip().lower()
            if name not in SETTING_KEYS:
                match = difflib.get_close_matches(name, SETTING_KEYS, n=1)
                raise UserError(catalog.setup_unknown_key(name, SETTING_KEYS,
                                                          match[0] if match else None))
            changes[name] = None
        else:
            spec = setting_spec(key)
            assert spec is not None
            try:
                changes[key] = spec.check(raw)
            except SettingError as exc:
                raise UserError(catalog.setup_bad_value(key, str(exc))) from None
    return changes


def _overview(ctx: Context) -> str:
    settings = ctx.settings
    chat_made = set(ctx.app.settings.stored_keys(ctx.group_id))
    lines = [catalog.SETUP_HEADER]
    for spec in SETTINGS:
        value = describe(settings, spec.key)
        if value and spec.key in _CHANNEL_KEYS:
            value = channel_ref(value)
        value = value or catalog.SETUP_UNSET
        where = " (set in chat)" if spec.key in chat_made else ""
        lines.append(f"- {spec.key}: {value}{where}. {spec.description.capitalize()}.")
    missing = settings.missing()
    lines.append("")
    if missing:
        lines.append(catalog.setup_missing(
            [catalog.setup_needs_channel(f, k) for f, k in missing]))
    else:
        lines.append(catalog.SETUP_NOTHING_MISSING)
    return "\n".join(lines)
