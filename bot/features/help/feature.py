"""`/help`: what the caller may run, one line each (one per family of commands)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence

from bot import catalog
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import Registry
from bot.commands import refusal
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features.help import wording
from bot.features.help.wording import N_
from bot.features.help.wording import _
from bot.features.host import CoreHost
from bot.i18n import language
from bot.i18n import tr
from bot.messages import Reply


def build(host: CoreHost[None, None]) -> Feature:
    """The help feature: it lists every feature's commands, so it takes the core host."""

    # The overview, by what decides it: it is asked for often and changes rarely.
    overviews: dict[tuple[object, ...], str] = {}

    async def show_help(ctx: Context) -> Reply:
        visible = host.commands_for(ctx.settings, ctx.roles, ctx.actor.is_admin)
        topic = str(ctx.options.get("command", "")).strip().lstrip("/").lower()
        if topic:
            return Reply.text(_detail(ctx, host.registry, _families(host), topic,
                                      list(visible)))
        key = (ctx.settings.features, ctx.roles, ctx.actor.is_admin, host.registry.version,
               language())
        text = overviews.get(key)
        if text is None:
            if len(overviews) >= OVERVIEWS_KEPT:
                overviews.clear()
            text = overviews[key] = _overview(visible, _families(host))
        return Reply.text(text)

    spec = CommandSpec(
        name="help",
        description=N_("Show what you can do here, with an example of each command."),
        handler=show_help,
        example=N_("/help  or  /help setup"),
        options=(OptionSpec("command", N_("a command to learn more about"), max_length=60),),
    )
    return Feature("help", commands=[spec])


# Distinct (features, roles, admin) combinations whose overview is kept.
OVERVIEWS_KEPT = 1024


def _families(host: CoreHost[None, None]) -> dict[str, str]:
    """What each family of commands is for, as each running feature declares it, in the
    reader's language."""
    return {name: tr(words) for feature in host.features.values()
            for name, words in feature.families.items()}


def _overview(visible: Sequence[CommandSpec], families: Mapping[str, str]) -> str:
    """/help without a topic: one entry per command or family, each saying what it is
    for, with an example or the family's commands."""
    lines = [tr(N_("Here is what you can do. Commands start with a slash (/). "
                   "Type /help followed by a command's name to learn more about it.")), ""]
    for name, specs in _by_first_word(visible).items():
        bare = next((s for s in specs if s.name == name), None)
        verbs = [" ".join(s.words[1:]) for s in specs if s.name != name]
        if bare is not None:
            lines.append(wording.help_line(name, tr(bare.description)))
            lines.append(wording.help_example(tr(bare.example)))
            if verbs:
                lines.append(wording.help_family_also(name, verbs))
        else:
            lines.append(wording.help_group_line(name, families.get(name), verbs))
    lines += ["", tr(wording.HELP_PRIVATE_NOTE)]
    return "\n".join(lines)


def _by_first_word(specs: Sequence[CommandSpec]) -> dict[str, list[CommandSpec]]:
    """Commands grouped under their first word, so /help stays short: one line per
    command, and one per family (`/meeting`), whose verbs `/help meeting` explains."""
    groups: dict[str, list[CommandSpec]] = {}
    for spec in specs:
        groups.setdefault(spec.words[0], []).append(spec)
    return groups


def _detail(ctx: Context, registry: Registry, families: Mapping[str, str], topic: str,
            visible: list[CommandSpec]) -> str:
    words = tuple(topic.split())
    exact = next((s for s in visible if s.name == topic), None)
    under = [s for s in visible if s.words[: len(words)] == words and s is not exact]
    if exact is not None and not under:
        return _full(exact)
    if exact is not None or under:
        # A family (`/help checkin`): the command of that name in full, then each of
        # the others with an example, as its /help line promises.
        lines = ([_full(exact), "", tr(N_("More commands:"))] if exact is not None
                 else [wording.help_family_header(topic, families.get(topic))])
        for s in under:
            lines.append(wording.help_line(s.name, tr(s.description)))
            lines.append(wording.help_example(tr(s.example)))
        lines += ["", _("To see one command's options, type /help and its name, like /help "
                        "{example}.").format(example=under[0].name)]
        return "\n".join(lines)
    spec = registry.get(topic)
    known = [spec] if spec is not None else registry.under(topic)
    if known:
        if not any(s.feature == "core" or s.feature in ctx.settings.features for s in known):
            raise UserError(catalog.feature_off(topic))
        # It exists but is not for this person: the same answer whether they may not run
        # it or it is simply not meant for them (`CommandSpec.listed_for`).
        raise UserError(refusal(*known, name=topic))
    raise UserError(catalog.unknown_command(topic, registry.suggest(topic)))


def _full(spec: CommandSpec) -> str:
    """One command in full: what it does, an example, and its options."""
    return wording.help_detail(spec.name, tr(spec.description), tr(spec.example),
                               [(o.name, tr(o.description), o.required)
                                for o in spec.options])
