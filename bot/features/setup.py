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
    apply_settings,
    describe,
    setting_spec,
    to_stored,
)

if TYPE_CHECKING:
    from bot.app import App

_CHANNEL_KEYS = {"updates_channel", "feedback_channel", "leads_channel"}


def build(app: App) -> Feature:
    """The setup feature."""

    async def setup(ctx: Context) -> Reply:
        if not ctx.options:
            return Reply.text(_overview(ctx))
        changes = _changes(ctx)
        merged = apply_settings(ctx.settings, {k: v for k, v in changes.items()
                                               if v is not None})
        if any(v is None for v in changes.values()):
            merged = _after_reset(ctx, changes)
        missing = merged.missing()
        if missing:
            raise UserError(catalog.setup_not_saved(
                [catalog.setup_needs_channel(f, k) for f, k in missing]))
        stored = {k: (None if v is None else to_stored(k, v)) for k, v in changes.items()}
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


def _after_reset(ctx: Context, changes: dict[str, Any]) -> Any:
    book = ctx.app.settings
    stored = dict(book.stored.get(ctx.group_id, {}))
    for key, value in changes.items():
        if value is None:
            stored.pop(key, None)
        else:
            stored[key] = to_stored(key, value)
    base = apply_settings(book.defaults, book.config_groups.get(ctx.group_id, {}))
    checked = {}
    for key, value in stored.items():
        spec = setting_spec(key)
        if spec is not None:
            checked[key] = spec.check(value)
    return apply_settings(base, checked)


def _overview(ctx: Context) -> str:
    settings = ctx.settings
    chat_made = set(ctx.app.settings.stored_keys(ctx.group_id))
    lines = [catalog.SETUP_HEADER]
    for spec in SETTINGS:
        value = describe(settings, spec.key) or catalog.SETUP_UNSET
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
