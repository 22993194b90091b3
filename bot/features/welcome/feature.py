"""The welcome: a short private message for someone who joins (or runs `/welcome`): what
the group is for (its own words, edited by facilitators with `/welcome edit`), its
agreement, how to raise a concern and who the leads are, what else the bot helps with
(the rest is one command away, /help), and buttons to opt in to check-ins and buddies
when those exist. A newcomer may read it on a phone, so it stays a few short lines.

It is a core feature (always on): a welcome is basic hospitality. On joining the welcome
goes by direct message. If the platform refuses it (DMs closed), nothing is posted in
public: the facilitators are told in their private channel (`[feedback]
facilitators_channel`) so they can welcome the newcomer another way.
"""

from __future__ import annotations

import logging

from bot.commands import CommandSpec
from bot.context import Context
from bot.features import Feature
from bot.features import FormSpec
from bot.features.agreement.package import AGREEMENT_SHOW_BUTTON
from bot.features.agreement.package import SHOW_ACTION
from bot.features.buddies.package import JOIN_ACTION
from bot.features.checkins.package import ON_ACTION
from bot.features.feedback.package import FeedbackConfig
from bot.features.host import CoreHost
from bot.features.welcome import wording
from bot.features.welcome.store import WelcomeStores
from bot.features.welcome.wording import N_
from bot.i18n import speaking
from bot.i18n import tr
from bot.logs import log_event
from bot.messages import Button
from bot.messages import Destination
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.text import has_visible_text
from bot.text import neutralise

log = logging.getLogger(__name__)

WELCOME_LIMIT = 2000
EDIT_FORM = "welcome.edit"
# What each switched-on feature lets a member do, in the order they are listed. The
# welcome is short on purpose (a newcomer reads it on a phone): the rest is one command
# away (/help, /agreement, /concern).
_CAN_DO = (("meetings", N_("meeting reminders")),
           ("feedback", wording.WELCOME_CAN_FEEDBACK),
           ("polls", N_("polls")),
           ("checkins", wording.WELCOME_CAN_CHECKINS),
           ("buddies", N_("peer-support buddies")),
           ("resources", N_("a shared list of useful links")))


class Welcome:
    """Builds and sends the welcome."""

    def __init__(self, host: CoreHost[WelcomeStores, None]) -> None:
        self.host = host
        self.form = FormSpec(EDIT_FORM, (
            FormField("text", N_("What the group is for, in your own words"), "paragraph",
                      required=False, max_length=WELCOME_LIMIT),), self.edited,
            command="welcome edit")

    def _has_action(self, action: str) -> bool:
        return any(action in f.actions for f in self.host.features.values())

    async def message(self, ctx: Context) -> Message:
        """The welcome for this group, in its own words, with the buttons that exist."""
        settings = ctx.settings
        features = settings.features
        own = await self.host.store.welcome_text(ctx.group_id)
        parts = [wording.welcome_hello(neutralise(ctx.actor.display_name)),
                 neutralise(own) if own is not None else tr(wording.WELCOME_DEFAULT)]
        buttons: list[Button] = []
        if "agreement" in features and "agreement" in self.host.features:
            versions = await self.host.store.agreement_versions(ctx.group_id)
            parts.append(wording.welcome_agreement(versions[-1].number if versions else None))
            if versions and self._has_action(SHOW_ACTION):
                buttons.append(Button(AGREEMENT_SHOW_BUTTON, SHOW_ACTION))
        concern_command = self.host.registry.get("concern") is not None
        parts.append(wording.welcome_concerns([neutralise(r) for r in settings.lead_roles],
                                              concern_command and "concerns" in features))
        can_do = [words for name, words in _CAN_DO
                  if name in features and name in self.host.features]
        checkins = "checkins" in features and self._has_action(ON_ACTION)
        buddies = "buddies" in features and self._has_action(JOIN_ACTION)
        if checkins:
            buttons.append(Button(N_("Yes, check in with me"), ON_ACTION, "on"))
        if buddies:
            buttons.append(Button(N_("Yes, find me a buddy"), JOIN_ACTION, "on"))
        parts.append(wording.welcome_can_do(can_do, checkins, buddies))
        return Message("\n\n".join(parts), buttons=tuple(buttons))

    async def joined(self, ctx: Context) -> Reply:
        """Someone joined: their welcome by DM; if DMs are closed, tell the facilitators
        privately (never in public). The welcome is in the newcomer's language (the one
        in force: the app sets it to theirs, their platform's locale included); the note
        to the facilitators is in the group's."""
        message = await self.message(ctx)
        now = ctx.now()
        private = self.host.whole_config.section(FeedbackConfig).facilitators_channel
        with speaking(ctx.settings.language):
            note = Message(wording.welcome_undelivered(neutralise(ctx.actor.display_name)))
        await ctx.deliver([NewDelivery(
            f"welcome:{ctx.group_id}:{ctx.actor.user_id}:{now.isoformat()}",
            Destination.to_dm(ctx.group_id, ctx.actor.user_id), message,
            fallbacks=(Fallback(Destination.to_channel(ctx.group_id, private), note),))])
        log_event(log, logging.INFO, "welcome.queued", group=ctx.group_id)
        return Reply()

    async def command(self, ctx: Context) -> Reply:
        """/welcome: the same welcome, shown privately where they are."""
        return Reply(messages=(await self.message(ctx),))

    async def edit(self, ctx: Context) -> Reply:
        """/welcome edit: the form, with the group's current text in it."""
        own = await self.host.store.welcome_text(ctx.group_id)
        return Reply(form=self.form.form(
            N_("The group's welcome"), submit_label=N_("Save"),
            defaults={"text": own or tr(wording.WELCOME_DEFAULT)}))

    async def edited(self, ctx: Context) -> Reply:
        """The edit form was sent: store the text (empty goes back to the default)."""
        text = str(ctx.options.get("text", "")).replace("\\n", "\n").strip()
        # The standard words, in English or in the facilitator's language, are no words
        # of the group's own: every member then gets them in their own language.
        if not has_visible_text(text) or text in (wording.WELCOME_DEFAULT,
                                                  tr(wording.WELCOME_DEFAULT)):
            await self.host.store.set_welcome_text(ctx.group_id, None, ctx.actor.user_id,
                                                   ctx.now())
            return Reply.text(N_("The welcome is back to the bot's standard words. Type /welcome "
                                 "to check."))
        await self.host.store.set_welcome_text(ctx.group_id, text, ctx.actor.user_id, ctx.now())
        return Reply.text(wording.WELCOME_SAVED)


def build(host: CoreHost[WelcomeStores, None]) -> Feature:
    """The welcome feature (core: always on), built from a core host: it shows what the
    other features offer."""
    welcome = Welcome(host)
    return Feature(
        "welcome",
        commands=[
            CommandSpec("welcome", N_("See the welcome again: what this group is for and how the "
                                      "bot can help."), welcome.command, "/welcome"),
            CommandSpec("welcome edit", N_("Facilitators: change the group's own "
                                           "welcome words."), welcome.edit,
                        "/welcome edit", roles=frozenset({Role.FACILITATOR}),
                        admins=True, opens_form=True),
        ],
        forms=[welcome.form],
        on_join=welcome.joined,
    )
