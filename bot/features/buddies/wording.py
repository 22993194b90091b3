"""Every sentence the buddies feature says (its slice of the catalog; the rules of
`bot/catalog.py` hold here too): joining, the avoid list, and the introductions."""

from __future__ import annotations

from bot.text import echo


def buddy_join_help(weeks: int) -> str:
    """/buddy join's help."""
    return (f"Join buddy pairing: every {weeks} week{'' if weeks == 1 else 's'} I put you "
            "in touch with another member, for peer support.")


BUDDY_LEAVE_HELP = "Leave buddy pairing. You won't be paired again unless you rejoin."
BUDDY_STATUS_HELP = "See whether you're in buddy pairing, and who your buddies are now."
BUDDY_AVOID_HELP = "Privately ask never to be paired with someone. Nobody is told."
BUDDY_LEFT = "You've left buddy pairing. Type /buddy join whenever you'd like to come back."
BUDDY_NOT_IN = "You're not in buddy pairing. Type /buddy join if you'd like to be."
BUDDY_SOMEONE = "a member"
BUDDY_AVOID_SELF = "You can't be paired with yourself, so there's nothing to avoid."
BUDDY_AVOIDED = ("Saved, privately: you'll never be paired with them. Nobody else is told. "
                 "Type /buddy avoid with undo=yes to change this.")
BUDDY_UNAVOIDED = "Saved: they're off your avoid list."


def buddy_avoid_unknown(who: str) -> str:
    """/buddy avoid naming someone who is not in the group (`who` as typed; echoed safely)."""
    return (f"I can't find “@{echo(who, 40)}” in this group, so nothing was saved. Choose "
            "them from the list of members, or mention them with @ as the platform "
            "suggests, like member=@sam.")


BUDDY_LEFT_OUT = ("There wasn't a buddy for you this round, sorry: not everyone could be "
                  "paired this time. I'll try again next round. Type /buddy leave if you'd "
                  "rather not take part.")
BUDDY_FIRST_QUESTIONS: tuple[str, ...] = (
    "What got you interested in joining the group?",
    "What's one thing the group has done that you were glad about?",
    "What's something you enjoy doing outside the group?",
    "What would make the group's meetings easier for you?",
    "What's a small thing that made your week better?",
)


def buddy_joined(weeks: int, day: str) -> str:
    """/buddy join answered."""
    return (f"You're in. Every {weeks} week{'' if weeks == 1 else 's'}, on a {day.title()}, "
            "I'll introduce you to a buddy by direct message. Type /buddy leave at any time.")


def buddy_status(joined: bool, names: list[str], avoided: int) -> str:
    """/buddy status answered (only the member sees it)."""
    lines = ["You're in buddy pairing." if joined else "You're not in buddy pairing."]
    if names:
        lines.append("Your buddies this round: " + ", ".join(names) + ".")
    if avoided:
        lines.append(f"Your private avoid list has {avoided} "
                     f"{'person' if avoided == 1 else 'people'}.")
    lines.append("Type /buddy join or /buddy leave to change this.")
    return "\n".join(lines)


def buddy_intro(names: list[str], question: str, weeks: int) -> str:
    """The introduction each pair or trio gets, in one private conversation."""
    who = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return (f"**Meet your buddies: {who}.** You're paired for the next {weeks} "
            f"week{'' if weeks == 1 else 's'}, to look out for each other. A first question "
            f"to try: *{question}*\nThere's no pressure: a short hello is plenty. Type "
            "/buddy leave if you'd rather not take part.")


# What each family of this feature's commands is for, on its /help line.
BUDDIES_HELP_FAMILIES: dict[str, str] = {
    "buddy": ("Buddy pairing for peer support: join or leave, see your buddy, or "
              "privately avoid being paired with someone."),
}
