"""What the welcome says: its lines, buttons and the edit form's words (catalog domain
"welcome"). The button that shows the agreement is the agreement's
(`AGREEMENT_SHOW_BUTTON`, through `bot.features.agreement.package`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.features.agreement.package import AGREEMENT_SHOW_BUTTON
from bot.i18n import Domain
from bot.i18n import and_list
from bot.i18n import or_list
from bot.i18n import tr

_, ngettext, N_ = Domain("welcome", __file__).functions()

WELCOME_DEFAULT = N_(
    "This is a co-production group: people with lived experience and professionals "
    "working together as equals to shape a service. Every voice here matters. You can "
    "take part in whatever way suits you, and you can always ask questions.")
WELCOME_SAVED = N_("Saved. Newcomers will see your words in their welcome. Type /welcome to "
                   "check.")
WELCOME_CAN_FEEDBACK = N_("anonymous feedback")
WELCOME_CAN_CHECKINS = N_("private check-ins")


def welcome_hello(name: str) -> str:
    """The first line of a welcome."""
    return _("Welcome, {name}! We are glad you are here.").format(name=name)


def welcome_agreement(version: int | None) -> str:
    """The welcome's line about the group agreement."""
    if version is None:
        return _("The group is still writing its agreement, how we treat each other here. "
                 "Type /agreement to see it when it is ready.")
    # TRANSLATORS: {button} is the label of the button that shows the agreement.
    return _("Please read our group agreement (version {version}), how we treat each other "
             "here: press {button}, or type /agreement.").format(
        version=version, button=tr(AGREEMENT_SHOW_BUTTON))


def welcome_concerns(lead_roles: Sequence[str], has_command: bool) -> str:
    """How to raise a concern, and who the leads are."""
    if has_command:
        how = _("If something worries you, about yourself or someone else, type /concern: "
                "it goes privately to the safeguarding leads only.")
    else:
        how = _("If something worries you, about yourself or someone else, send a direct "
                "message to a safeguarding lead.")
    if lead_roles:
        who = _("They are the members with the role {roles}.").format(
            roles=or_list([f"“{r}”" for r in lead_roles]))
    else:
        who = _("Ask a facilitator who they are.")
    return f"{how} {who}"


def welcome_can_do(items: Sequence[str], checkins: bool, buddies: bool) -> str:
    """What else the bot helps with, and the opt-in offer that goes with the buttons."""
    lines = [_("I can also help with {things}. Type /help to see how.").format(
        things=and_list([tr(i) for i in items]))
        if items else _("Type /help to see what I can do.")]
    if checkins and buddies:
        lines.append(_("Would you like a check-in now and then, or a buddy? Press a button "
                       "below; you can change your mind at any time."))
    elif checkins:
        lines.append(_("Would you like a check-in now and then? Press the button below; you "
                       "can change your mind at any time."))
    elif buddies:
        lines.append(_("Would you like a buddy? Press the button below; you can change your "
                       "mind at any time."))
    return " ".join(lines)


def welcome_undelivered(name: str) -> str:
    """To facilitators, privately: a newcomer's welcome could not be sent."""
    return _("{name} joined, but I could not send them a welcome because they do not "
             "accept direct messages. Please welcome them another way; they can also type "
             "/welcome to see it.").format(name=name)


# What this feature's section of a member's export is.
WELCOME_EXPORT_TITLES: dict[str, str] = {
    "welcome_text_changed": N_("The group's welcome text, if you were the last to change it."),
}
