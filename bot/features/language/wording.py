"""Every sentence `/language` says (catalog domain "language")."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Domain
from bot.i18n import or_list

_, ngettext, N_ = Domain("language", __file__).functions()

GROUP_CHOICE = N_("The group's language")


def language_now(name: str, how: str, choices: Sequence[str]) -> str:
    """/language alone: the language in force, why, and how to change it."""
    why = {"chosen": _("You chose it."),
           "platform": _("It is the language your app uses."),
           "group": _("It is the group's language.")}[how]
    return "\n".join([
        _("I write to you in {language}. {why}").format(language=name, why=why),
        _("To change it, type /language and one of: {choices}.").format(
            choices=or_list(choices)),
        _("Only you can see this. Posts in the group's channels stay in the group's "
          "language."),
    ])


def language_saved(name: str) -> str:
    """A member chose a language (said in that language)."""
    return _("Done. From now on I will write to you in {language}. Only you can see "
             "this.").format(language=name)


def language_reset(name: str) -> str:
    """A member went back to the group's language."""
    return _("Done. I will write to you in the group's language, {language}. Only you "
             "can see this.").format(language=name)


def language_unknown(typed: str, choices: Sequence[str]) -> str:
    """A language we have no translation for."""
    return _("Sorry, I can't write in “{typed}” yet. You can choose {choices}.").format(
        typed=typed, choices=or_list(choices))


# What this feature's section of a member's export is.
LANGUAGE_EXPORT_TITLES: dict[str, str] = {
    "language": N_("The language you chose for the bot to write to you in (/language)."),
}
