"""What /setup says (catalog domain "setup"): the settings overview, why a change is
refused, and the note to the safeguarding leads. The "Saved" line, each setting's
description and the checks on its value are the core's (`catalog.setup_saved`,
`catalog.SETTING_*`, `catalog.setting_bad_*`): `bot.settings` says them, and the config
file's checks say them too. A channel setting a feature brings is described by that
feature (`FeaturePackage.channel_description`)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Domain
from bot.i18n import Said
from bot.i18n import and_list
from bot.i18n import tr
from bot.text import echo

_domain = Domain("setup", __file__)
_, ngettext, N_ = _domain.functions()

SETUP_HELP = N_("See the group's settings, and change them (facilitators and admins; "
                "safeguarding leads change who sees concerns).")
SETUP_EXAMPLE = N_("/setup  or  /setup timezone=Europe/London updates_channel=#news")
SETUP_OPTION_ENABLE = N_("switch a feature on: {features}")
SETUP_OPTION_DISABLE = N_("switch a feature off")
SETUP_OPTION_RESET = N_("return a setting to the config default")
SETUP_HEADER = N_("Settings for this group (change one with /setup key=value):")
SETUP_LEADS_PART = N_(
    "As a safeguarding lead, these are yours to change: lead_roles, leads_channel, and "
    "switching concerns on or off (/setup enable=concerns or /setup disable=concerns). "
    "The other settings are changed by facilitators and admins.")
SETUP_WOULD_LOCK_LEAD_OUT = N_(
    "lead_roles: with that change you would no longer be a safeguarding lead, so you "
    "couldn't change it back. Include one of your own roles, or ask another lead or an "
    "admin to make the change.")
SETUP_NOTHING_MISSING = N_("Everything the switched-on features need is set.")
SETUP_UNSET = N_("(not set)")
SETUP_LEADS_CHANNEL_SHARED = N_(
    "leads_channel: the safeguarding leads' channel must be private to them, so it can't "
    "be the updates or feedback channel. Make a private channel for the leads and set it "
    "with /setup leads_channel=#channel.")
SETUP_NO_FACILITATOR_ROLES = N_(
    "facilitator_roles: at least one role must make people facilitators, or nobody could "
    "run /setup or the facilitators' commands.")
SETUP_WOULD_LOCK_YOU_OUT = N_(
    "facilitator_roles: with that change you would no longer be a facilitator, so you "
    "couldn't change it back. Include one of your own roles, or ask a server "
    "administrator to make the change.")



def setup_option_enable(features: Sequence[str]) -> str:
    """The `enable=` option's description, with the features' names (declared before
    anyone's language is known)."""
    joined = ", ".join(features)
    return Said(lambda: tr(SETUP_OPTION_ENABLE).format(features=joined), _domain)


def setup_line(key: str, value: str, chat_made: bool, description: str) -> str:
    """One setting in the overview (the description already in the reader's language)."""
    text = (_("- {key}: {value} (set in chat). {description}.") if chat_made
            else _("- {key}: {value}. {description}."))
    return text.format(key=key, value=value, description=description)


def setup_lead_cannot_change(keys: Sequence[str]) -> str:
    """/setup: a lead who is not a facilitator tried to change other settings."""
    return ngettext(
        "Nothing was changed. {keys}: this is changed by facilitators and admins. As a "
        "safeguarding lead you can change lead_roles, leads_channel, and switch concerns on "
        "or off.",
        "Nothing was changed. {keys}: these are changed by facilitators and admins. As a "
        "safeguarding lead you can change lead_roles, leads_channel, and switch concerns on "
        "or off.", len(keys)).format(keys=and_list(keys))


def setup_missing(items: Sequence[str]) -> str:
    """What /setup still needs."""
    return _("Still needed:") + "\n" + "\n".join(f"- {i}" for i in items)


def setup_unknown_key(key: str, known: Sequence[str], suggestion: str | None) -> str:
    """A setting that does not exist."""
    key = echo(key, 40)
    parts = [_("There is no setting called “{key}”.").format(key=key)]
    if suggestion:
        parts.append(_("Did you mean “{suggestion}”?").format(suggestion=suggestion))
    parts.append(_("The settings are: {keys}.").format(keys=", ".join(known)))
    return " ".join(parts)


def setup_bad_feature(value: str, known: Sequence[str]) -> str:
    """A feature name we do not know."""
    return _("There is no feature called “{name}”. The features are: {features}.").format(
        name=echo(value, 40), features=", ".join(known))


def setup_bad_value(key: str, problem: str) -> str:
    """A /setup value that was refused; nothing was saved."""
    return _("Nothing was changed. {key}: {problem}.").format(key=key, problem=problem)


def setup_needs_channel(feature: str, key: str) -> str:
    """An enabled feature without its channel."""
    return _("{key}: the {feature} feature needs a channel. Set it with /setup {key}=#channel "
             "(you can switch {feature} on in the same command).").format(key=key,
                                                                         feature=feature)


def setup_needs_roles(feature: str, key: str) -> str:
    """An enabled feature that needs people in a role nobody can have."""
    return _("{key}: the {feature} feature needs at least one role whose members receive "
             "them. Set it with /setup {key}=\"Safeguarding lead\".").format(key=key,
                                                                           feature=feature)


def setup_safeguarding_only(keys: Sequence[str]) -> str:
    """/setup: a facilitator who is not a lead tried to change who sees concerns."""
    named = [(_("switching concerns on or off") if k == "concerns" else k) for k in keys]
    return _("{keys}: these decide who sees safeguarding concerns, so only a safeguarding "
             "lead or a server administrator can change them.").format(keys=and_list(named))


def setup_safeguarding_changed(name: str, keys: Sequence[str], concerns_on: bool) -> str:
    """To the leads' channel: someone changed who sees concerns."""
    done = []
    if "lead_roles" in keys:
        done.append(_("change who the leads are (lead_roles)"))
    if "leads_channel" in keys:
        done.append(_("move the leads' channel (leads_channel)"))
    if "concerns" in keys:
        done.append(_("switch concerns on") if concerns_on else _("switch concerns off"))
    # TRANSLATORS: {changes} is a list of what was done, such as "change who the leads
    # are (lead_roles) and switch concerns off".
    return _("For the safeguarding leads: {name} has just used /setup to {changes}. These "
             "settings decide who sees safeguarding concerns. If you did not expect this, "
             "check /setup and talk to the other leads.").format(name=name,
                                                                 changes=and_list(done))


def setup_not_saved(problems: Sequence[str]) -> str:
    """/setup refused (a switched-on feature would lack its channel, and so on)."""
    return "\n".join([_("Nothing was changed."), *(tr(p) for p in problems)])
