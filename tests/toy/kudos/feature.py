"""The kudos command, built from a `FeatureHost` and nothing else."""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.context import Context
from bot.errors import UserError
from bot.features import Feature
from bot.features.host import FeatureHost
from bot.messages import Reply
from bot.retention_cutoffs import days_kept
from tests.toy.kudos import wording
from tests.toy.kudos.config import KudosConfig
from tests.toy.kudos.store import KudosStore


def build(host: FeatureHost[KudosStore, KudosConfig]) -> Feature:
    """The kudos feature: its command, and how long its thank-yous are kept (the
    retention sweep reads `keep_days` each day; the storage package's cutoff "kudos")."""

    async def kudos(ctx: Context) -> Reply:
        text = str(ctx.options["text"]).strip()
        if len(text) > host.config.max_length:
            raise UserError(wording.kudos_too_long(host.config.max_length))
        count = await host.store.add_kudos(ctx.group_id, text, host.clock.now())
        return Reply.text(wording.kudos_saved(count))

    return Feature("kudos", commands=[CommandSpec(
        "kudos", wording.KUDOS_HELP, kudos, '/kudos text="Thanks for the tea"',
        options=(OptionSpec("text", wording.KUDOS_TEXT_OPTION, required=True,
                            max_length=500),),
        feature="kudos")],
        retention={"kudos": lambda: days_kept(host.config.keep_days)})
