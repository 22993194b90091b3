"""What the agreement feature says: the agreement and its history, proposed changes,
the anonymous vote on them and its outcome (catalog domain "agreement"). What the vote
shares with polls (`VOTE_SECRECY_LIMIT`, and the reply to a vote that cannot change) is
polls' own, through `bot.features.polls.package`; the welcome offers
`AGREEMENT_SHOW_BUTTON` through `bot.features.agreement.package`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.features.polls.package import VOTE_SECRECY_LIMIT
from bot.i18n import Domain
from bot.i18n import format_moment
from bot.i18n import format_number
from bot.i18n import plain_list
from bot.i18n import tr
from bot.text import channel_ref

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

_domain = Domain("agreement", __file__)
_, ngettext, N_ = _domain.functions()

# The button that shows the agreement; the welcome offers it too.
AGREEMENT_SHOW_BUTTON = N_("Show the agreement")
AGREEMENT_NONE = N_("The group has no agreement yet. A facilitator can write the first "
                    "version with /agreement start.")
AGREEMENT_ALREADY_STARTED = N_("The group already has an agreement. To change it, a "
                               "facilitator can type /agreement propose.")
AGREEMENT_FIELD_POINTS = N_("The points, one per line")
AGREEMENT_FIELD_CHANGE = N_("Add, change or remove a point")
AGREEMENT_FIELD_TEXT = N_("The new wording (to add or change)")
AGREEMENT_FIELD_REASON = N_("Why")
AGREEMENT_FIRST_CHANGE = N_("The first version.")
AGREEMENT_SUGGESTED = (
    N_("We treat each other as equals: what we know from life and from work both count."),
    N_("We listen to each other and let each person finish."),
    N_("We use plain words and explain jargon."),
    N_("What is shared here in confidence stays here."),
    N_("Anyone can take a break or step back at any time."),
)
AMENDMENT_YES_BUTTON = N_("Yes, change it")
AMENDMENT_NO_BUTTON = N_("No, keep it as it is")
AMENDMENT_GONE = N_("Sorry, I can't find that proposed change any more.")
AMENDMENT_CLOSED = N_("Voting on this change has closed. The result is posted in the updates "
                      "channel.")


def agreement_day(moment: datetime, zone: ZoneInfo) -> str:
    """A date as people read it, in the group's zone: "05 Dec 2026"."""
    # TRANSLATORS: a Babel date pattern: dd the day, MMM the month's short name, yyyy
    # the year. Change the order, not the codes.
    return format_moment(moment, zone, _domain.pgettext("Babel date pattern", "dd MMM yyyy"))


def agreement_when(moment: datetime, zone: ZoneInfo) -> str:
    """A closing time as people read it: "Sat 05 Dec 2026 at 17:00 (Europe/London)"."""
    # TRANSLATORS: a Babel date pattern: EEE the day's short name, dd the day, MMM the
    # month's short name, yyyy the year, HH:mm the time; words go between single quotes.
    pattern = _domain.pgettext("Babel date pattern", "EEE dd MMM yyyy 'at' HH:mm")
    return f"{format_moment(moment, zone, pattern)} ({zone.key})"


def suggested_points() -> str:
    """The suggested first points, one per line, in the language in force."""
    return "\n".join(tr(p) for p in AGREEMENT_SUGGESTED)


def version_change(change: str) -> str:
    """What a version changed, as stored; the first version's words in the reader's
    language (later changes are stored in the group's language when decided)."""
    return tr(AGREEMENT_FIRST_CHANGE) if change == AGREEMENT_FIRST_CHANGE else change


def agreement_point_empty(label: str) -> str:
    """An amendment or point with no words."""
    return _("“{label}” is empty. Please write the words of the point.").format(
        label=tr(label))


def agreement_too_many_points(limit: int) -> str:
    """More points than the agreement may hold."""
    return _("The agreement can hold up to {limit} points. Please combine or remove some."
             ).format(limit=format_number(limit))


def agreement_text(number: int, day: str, points: Sequence[str]) -> str:
    """The agreement, numbered, with its version and date."""
    lines = [_("**Our group agreement** (version {number}, agreed {day})").format(
        number=format_number(number), day=day)]
    lines += [f"{i}. {p}" for i, p in enumerate(points, start=1)]
    return "\n".join(lines)


def agreement_readers(number: int, count: int, names: Sequence[str]) -> str:
    """For facilitators: how many (and, if configured, who) have read a version."""
    values = {"count": format_number(count), "number": format_number(number),
              "names": plain_list(names)}
    if names:
        return ngettext("For facilitators: {count} member has said they have read version "
                        "{number} ({names}).",
                        "For facilitators: {count} members have said they have read version "
                        "{number} ({names}).", count).format(**values)
    return ngettext("For facilitators: {count} member has said they have read version "
                    "{number}.",
                    "For facilitators: {count} members have said they have read version "
                    "{number}.", count).format(**values)


def agreement_no_version(wanted: int, latest: int) -> str:
    """A version number that does not exist."""
    return _("There is no version {wanted}. The versions run from 1 to {latest}.").format(
        wanted=format_number(wanted), latest=format_number(latest))


def history_line(number: int, day: str, change: str, reason: str) -> str:
    """One version in the history."""
    if reason:
        return _("Version {number} ({day}): {change} Why: {reason}").format(
            number=format_number(number), day=day, change=change, reason=reason)
    return _("Version {number} ({day}): {change}").format(
        number=format_number(number), day=day, change=change)


def agreement_read_noted(number: int) -> str:
    """A member said they have read the agreement."""
    return _("Thank you. I have noted that you have read version {number} of the "
             "agreement.").format(number=format_number(number))


def agreement_started(count: int) -> str:
    """Posted when the first version is written."""
    return ngettext("The group now has an agreement with {count} point. Type /agreement to "
                    "read it.",
                    "The group now has an agreement with {count} points. Type /agreement to "
                    "read it.", count).format(count=format_number(count))


def amendment_which_point(count: int) -> str:
    """A point number that does not exist."""
    return _("Which point? Give its number, from 1 to {count}. Type /agreement to see them."
             ).format(count=format_number(count))


def amendment_same_text(point: int) -> str:
    """A change that changes nothing."""
    return _("That is already the wording of point {point}. Nothing to change.").format(
        point=format_number(point))


def change_change(number: int, old: str, new: str) -> str:
    """What a change does."""
    return _("Change point {number} from “{old}” to “{new}”.").format(
        number=format_number(number), old=old, new=new)


def change_remove(number: int, old: str) -> str:
    """What a removal does."""
    return _("Remove point {number}: “{old}”.").format(number=format_number(number), old=old)


def amendment_rule(min_turnout: int, rule: str) -> str:
    """The outcome rule, in words."""
    if rule == "two_thirds":
        text = ngettext("It needs at least {count} vote, and at least two thirds of the "
                        "votes cast must be yes.",
                        "It needs at least {count} votes, and at least two thirds of the "
                        "votes cast must be yes.", min_turnout)
    else:
        text = ngettext("It needs at least {count} vote, and more yes than no votes (a tie "
                        "keeps things as they are).",
                        "It needs at least {count} votes, and more yes than no votes (a tie "
                        "keeps things as they are).", min_turnout)
    return text.format(count=format_number(min_turnout))


def amendment_post(change: str, reason: str, when: str, min_turnout: int, rule: str) -> str:
    """The anonymous vote on an amendment."""
    text = _("**A proposed change to our agreement**\n{change}\nWhy: {reason}\nVote "
             "anonymously with the buttons until {when}. Nobody, facilitators included, can "
             "see who voted which way, and you can change your vote until then.").format(
        change=change, reason=reason, when=when)
    return f"{text} {tr(VOTE_SECRECY_LIMIT)} {amendment_rule(min_turnout, rule)}"


def amendment_started(channel: str, when: str) -> str:
    """To the facilitator who proposed a change."""
    return _("Your proposed change is posted in {channel} for the group to vote until "
             "{when}.").format(channel=channel_ref(channel), when=when)


def amendment_vote_counted(answer: str, when: str) -> str:
    """A first vote."""
    return _("Your vote is counted: {answer}. Nobody can see how you voted. You can change "
             "it until {when}.").format(answer=tr(answer), when=when)


def amendment_vote_changed(answer: str) -> str:
    """A changed vote."""
    return _("Your vote is changed to: {answer}.").format(answer=tr(answer))


def amendment_too_few_votes(cast: int, needed: int) -> str:
    """Why an amendment failed: turnout."""
    return ngettext("Only {cast} vote was cast, and a change needs at least {needed}.",
                    "Only {cast} votes were cast, and a change needs at least {needed}.",
                    cast).format(cast=format_number(cast), needed=format_number(needed))


def _tally(yes: int, no: int) -> str:
    return _("{yes} yes, {no} no").format(yes=format_number(yes), no=format_number(no))


def amendment_passed(change: str, yes: int, no: int, why: str, number: int) -> str:
    """Announced when an amendment passes."""
    return _("**The group agreed a change to our agreement** ({tally}). {why}\n{change}\n"
             "Version {number} is now in force. Type /agreement to read it.").format(
        tally=_tally(yes, no), why=tr(why), change=change, number=format_number(number))


def amendment_failed(change: str, yes: int, no: int, why: str) -> str:
    """Announced when an amendment fails."""
    return _("**A proposed change to our agreement did not pass** ({tally}). {why}\n"
             "{change}\nThe agreement stays as it is.").format(
        tally=_tally(yes, no), why=tr(why), change=change)


def amendment_stale(base: int, number: int) -> str:
    """Announced when the agreement changed while a vote was open."""
    return _("A proposed change to version {base} of our agreement was not applied, because "
             "the agreement changed to version {number} while the vote was open. A "
             "facilitator can propose it again.").format(
        base=format_number(base), number=format_number(number))


# What this feature's section of a member's export is.
AGREEMENT_EXPORT_TITLES: dict[str, str] = {
    "agreement_reads": N_("Versions of the group agreement you read and accepted."),
}
