"""`/language`: show the language the bot writes to a member in, or choose another.

The choice is private (the reply is only for them) and kept per group; "group" forgets
it, so the group's language (or the member's platform language) applies again.
"""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features.host import FeatureHost
from bot.features.language import wording
from bot.features.language.wording import N_
from bot.i18n import from_platform
from bot.i18n import language_name
from bot.i18n import languages
from bot.i18n import read_language
from bot.i18n import speaking
from bot.i18n import tr
from bot.languages import LanguageStore
from bot.messages import Reply
from bot.text import echo

LanguageHost = FeatureHost[LanguageStore, None]
"""What `/language` uses: the members' languages (the app's book), the clock and the
group's settings."""

GROUP = "group"


def build(host: LanguageHost) -> Feature:
    """The language feature."""

    async def language(ctx: Context) -> Reply:
        typed = str(ctx.options.get("language", "")).strip()
        group = ctx.settings.language
        if not typed:
            return Reply.text(await _now(ctx, host))
        if typed.casefold() in (GROUP, tr(wording.GROUP_CHOICE).casefold(),
                                wording.GROUP_CHOICE.casefold()):
            await host.store.set_member_language(ctx.group_id, ctx.actor.user_id, None,
                                                 ctx.now())
            with speaking(from_platform(ctx.actor.locale) or group):
                return Reply.text(wording.language_reset(language_name(group)))
        code = read_language(typed)
        if code is None:
            raise UserError(wording.language_unknown(echo(typed, 40), _names()))
        await host.store.set_member_language(ctx.group_id, ctx.actor.user_id, code,
                                             ctx.now())
        with speaking(code):
            return Reply.text(wording.language_saved(language_name(code)))

    spec = CommandSpec(
        name="language",
        description=N_("See the language I write to you in, and choose another."),
        handler=language,
        example=N_("/language  or  /language Cymraeg"),
        # Typed freely, not a fixed list: a language is read by its code or its name,
        # in itself or in English ("cy", "Cymraeg", "Welsh").
        options=(OptionSpec("language", N_("the language you want, like Cymraeg or English"),
                            max_length=40),),
    )
    return Feature("language", commands=[spec])


def _names() -> list[str]:
    return [language_name(code) for code in languages()]


async def _now(ctx: Context, host: LanguageHost) -> str:
    chosen = await host.store.member_language(ctx.group_id, ctx.actor.user_id)
    if chosen is not None and chosen in languages():
        code, how = chosen, "chosen"
    elif from_platform(ctx.actor.locale):
        code, how = from_platform(ctx.actor.locale) or "", "platform"
    else:
        code, how = ctx.settings.language, "group"
    return wording.language_now(language_name(code), how, _names())
