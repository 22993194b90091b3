"""Every sentence the buddies feature says (catalog domain "buddies"; the rules of
`bot/catalog.py` hold here too): joining, the avoid list, and the introductions.

Whose language: replies are in the language of the member who acted; the note to a
member left out of a round is in theirs; an introduction goes to two or three people at
once, so it is written in each of their languages (once when they share one).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Domain
from bot.i18n import Said
from bot.i18n import and_list
from bot.i18n import babel_locale
from bot.i18n import format_number
from bot.i18n import plain_list
from bot.i18n import speaking
from bot.i18n import tr
from bot.text import echo

_domain = Domain("buddies", __file__)
_, ngettext, N_ = _domain.functions()


def _every_weeks_help(weeks: int) -> str:
    return ngettext("Join buddy pairing: every {weeks} week I put you in touch with another "
                    "member, for peer support.",
                    "Join buddy pairing: every {weeks} weeks I put you in touch with another "
                    "member, for peer support.", weeks).format(weeks=format_number(weeks))


def buddy_join_help(weeks: int) -> str:
    """/buddy join's help."""
    return Said(lambda: _every_weeks_help(weeks), _domain)


BUDDY_AVOID_HELP = N_("Privately ask never to be paired with someone. Nobody is told.")
BUDDY_SOMEONE = N_("a member")
BUDDY_AVOIDED = N_("Saved, privately: you'll never be paired with them. Nobody else is told. "
                   "Type /buddy avoid with undo=yes to change this.")


def buddy_avoid_unknown(who: str) -> str:
    """/buddy avoid naming someone who is not in the group (`who` as typed; echoed safely)."""
    return _("I can't find “@{who}” in this group, so nothing was saved. Choose them from "
             "the list of members, or mention them with @ as the platform suggests, like "
             "member=@sam.").format(who=echo(who, 40))


BUDDY_LEFT_OUT = N_("There wasn't a buddy for you this round, sorry: not everyone could be "
                    "paired this time. I'll try again next round. Type /buddy leave if you'd "
                    "rather not take part.")
BUDDY_FIRST_QUESTIONS: tuple[str, ...] = (
    N_("What got you interested in joining the group?"),
    N_("What's one thing the group has done that you were glad about?"),
    N_("What's something you enjoy doing outside the group?"),
    N_("What would make the group's meetings easier for you?"),
    N_("What's a small thing that made your week better?"),
)


def buddy_joined(weeks: int, day: str) -> str:
    """/buddy join answered (`day`: the configured day, "monday")."""
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    name = (str(babel_locale().days["format"]["wide"][days.index(day.lower())])
            if day.lower() in days else day.title())
    return ngettext("You're in. Every {weeks} week, on a {day}, I'll introduce you to a buddy "
                    "by direct message. Type /buddy leave at any time.",
                    "You're in. Every {weeks} weeks, on a {day}, I'll introduce you to a "
                    "buddy by direct message. Type /buddy leave at any time.",
                    weeks).format(weeks=format_number(weeks), day=name)


def buddy_status(joined: bool, names: list[str], avoided: int) -> str:
    """/buddy status answered (only the member sees it)."""
    lines = [_("You're in buddy pairing.") if joined else _("You're not in buddy pairing.")]
    if names:
        lines.append(_("Your buddies this round: {names}.").format(
            names=plain_list([tr(n) for n in names])))
    if avoided:
        lines.append(ngettext("Your private avoid list has {n} person.",
                              "Your private avoid list has {n} people.",
                              avoided).format(n=format_number(avoided)))
    lines.append(_("Type /buddy join or /buddy leave to change this."))
    return "\n".join(lines)


def buddy_intro(names: list[str], question: str, weeks: int) -> str:
    """The introduction each pair or trio gets, in one private conversation, in the
    language in force (`question`: one of `BUDDY_FIRST_QUESTIONS`)."""
    return ngettext("**Meet your buddies: {who}.** You're paired for the next {weeks} week, "
                    "to look out for each other. A first question to try: *{question}*\n"
                    "There's no pressure: a short hello is plenty. Type /buddy leave if "
                    "you'd rather not take part.",
                    "**Meet your buddies: {who}.** You're paired for the next {weeks} weeks, "
                    "to look out for each other. A first question to try: *{question}*\n"
                    "There's no pressure: a short hello is plenty. Type /buddy leave if "
                    "you'd rather not take part.",
                    weeks).format(who=and_list([tr(n) for n in names]),
                                  weeks=format_number(weeks), question=tr(question))


def buddy_intro_in(languages: Sequence[str], names: list[str], question: str,
                   weeks: int) -> str:
    """The introduction in each of the pair's or trio's languages, one after another
    (once when they share one), so that each reads it in their own."""
    said = []
    for code in dict.fromkeys(languages):
        with speaking(code):
            said.append(buddy_intro(names, question, weeks))
    return "\n\n".join(said)


# What each family of this feature's commands is for, on its /help line.
BUDDIES_HELP_FAMILIES: dict[str, str] = {
    "buddy": N_("Buddy pairing for peer support: join or leave, see your buddy, or "
                "privately avoid being paired with someone."),
}


# What each of this feature's sections of a member's export is.
BUDDIES_EXPORT_TITLES: dict[str, str] = {
    "buddy_membership": N_("Whether you joined buddy pairing."),
    "buddy_avoids": N_("People you asked never to be paired with (only you and the bot know)."),
    "buddy_rounds": N_("Buddy rounds you were paired in, and with whom."),
}
