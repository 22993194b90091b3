"""What the agreement feature says: the agreement and its history, proposed changes,
the anonymous vote on them and its outcome."""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog import VOTE_SECRECY_LIMIT
from bot.text import channel_ref

AGREEMENT_HELP = "Read the group agreement: how we treat each other here."
AGREEMENT_HISTORY_HELP = "See every version of the agreement: what changed and why."
AGREEMENT_START_HELP = "Facilitators: write the first version of the group agreement."
AGREEMENT_PROPOSE_HELP = "Facilitators: propose a change to the agreement; the group votes."
AGREEMENT_NONE = ("The group has no agreement yet. A facilitator can write the first "
                  "version with /agreement start.")
AGREEMENT_ALREADY_STARTED = ("The group already has an agreement. To change it, a "
                             "facilitator can type /agreement propose.")
AGREEMENT_START_TITLE = "The group agreement"
AGREEMENT_PROPOSE_TITLE = "Propose a change"
AGREEMENT_FIELD_POINTS = "The points, one per line"
AGREEMENT_FIELD_CHANGE = "Add, change or remove a point"
AGREEMENT_FIELD_POINT = "Which point (its number, to change or remove)"
AGREEMENT_FIELD_TEXT = "The new wording (to add or change)"
AGREEMENT_FIELD_REASON = "Why"
AGREEMENT_FIELD_CLOSES = "When voting closes (empty: the usual number of days)"
AGREEMENT_KIND_ADD = "Add a point"
AGREEMENT_KIND_CHANGE = "Change a point"
AGREEMENT_KIND_REMOVE = "Remove a point"
AGREEMENT_READ_BUTTON = "I have read it"
AGREEMENT_FIRST_CHANGE = "The first version."
AGREEMENT_NO_POINTS_YET = ("The agreement has no points yet, so there is nothing to change "
                           "or remove. Propose to add a point instead.")
AGREEMENT_SUGGESTED = (
    "We treat each other as equals: what we know from life and from work both count.",
    "We listen to each other and let each person finish.",
    "We use plain words and explain jargon.",
    "What is shared here in confidence stays here.",
    "Anyone can take a break or step back at any time.",
)
AMENDMENT_NEEDS_REASON = "Please say why: a change to the agreement needs a reason."
AMENDMENT_YES_BUTTON = "Yes, change it"
AMENDMENT_NO_BUTTON = "No, keep it as it is"
AMENDMENT_GONE = "Sorry, I can't find that proposed change any more."
AMENDMENT_CLOSED = "Voting on this change has closed. The result is posted in the updates channel."
AMENDMENT_VOTE_SAME = "That is already your vote. Nothing changed."
AMENDMENT_MAJORITY_YES = "More people voted yes than no."
AMENDMENT_MAJORITY_NO = "More people voted no than yes."
AMENDMENT_TIE = "The votes were tied, and a tie keeps the agreement as it is."
AMENDMENT_TWO_THIRDS_YES = "At least two thirds voted yes."
AMENDMENT_TWO_THIRDS_NO = "Fewer than two thirds voted yes."


def agreement_point_empty(label: str) -> str:
    """An amendment or point with no words."""
    return f"“{label}” is empty. Please write the words of the point."


def agreement_too_many_points(limit: int) -> str:
    """More points than the agreement may hold."""
    return f"The agreement can hold up to {limit} points. Please combine or remove some."


def agreement_text(number: int, day: str, points: Sequence[str]) -> str:
    """The agreement, numbered, with its version and date."""
    lines = [f"**Our group agreement** (version {number}, agreed {day})"]
    lines += [f"{i}. {p}" for i, p in enumerate(points, start=1)]
    return "\n".join(lines)


def agreement_readers(number: int, count: int, names: Sequence[str]) -> str:
    """For facilitators: how many (and, if configured, who) have read a version."""
    people = "1 member has" if count == 1 else f"{count} members have"
    shown = f" ({', '.join(names)})" if names else ""
    return f"For facilitators: {people} said they have read version {number}{shown}."


def agreement_no_version(wanted: int, latest: int) -> str:
    """A version number that does not exist."""
    return f"There is no version {wanted}. The versions run from 1 to {latest}."


def history_line(number: int, day: str, change: str, reason: str) -> str:
    """One version in the history."""
    why = f" Why: {reason}" if reason else ""
    return f"Version {number} ({day}): {change}{why}"


def agreement_history(lines: Sequence[str]) -> str:
    """The agreement's history."""
    return ("**How our agreement has changed**\n" + "\n".join(lines)
            + "\nTo see a version in full, type /agreement history version=N.")


def agreement_read_old(current: int) -> str:
    """The read button on an old version."""
    return (f"This is not the current version. Please read version {current}: type "
            "/agreement.")


def agreement_read_noted(number: int) -> str:
    """A member said they have read the agreement."""
    return f"Thank you. I have noted that you have read version {number} of the agreement."


def agreement_started(count: int) -> str:
    """Posted when the first version is written."""
    return (f"The group now has an agreement with {count} point{'' if count == 1 else 's'}. "
            "Type /agreement to read it.")


def agreement_saved_first(channel: str) -> str:
    """To the facilitator who wrote the first version."""
    return f"Saved as version 1, and announced in {channel_ref(channel)}."


def amendment_which_point(count: int) -> str:
    """A point number that does not exist."""
    return f"Which point? Give its number, from 1 to {count}. Type /agreement to see them."


def amendment_same_text(point: int) -> str:
    """A change that changes nothing."""
    return f"That is already the wording of point {point}. Nothing to change."


def change_add(number: int, text: str) -> str:
    """What an addition does."""
    return f"Add point {number}: “{text}”."


def change_change(number: int, old: str, new: str) -> str:
    """What a change does."""
    return f"Change point {number} from “{old}” to “{new}”."


def change_remove(number: int, old: str) -> str:
    """What a removal does."""
    return f"Remove point {number}: “{old}”."


def amendment_rule(min_turnout: int, rule: str) -> str:
    """The outcome rule, in words."""
    need = ("at least two thirds of the votes cast must be yes" if rule == "two_thirds"
            else "more yes than no votes (a tie keeps things as they are)")
    return f"It needs at least {min_turnout} votes, and {need}."


def amendment_post(change: str, reason: str, when: str, min_turnout: int, rule: str) -> str:
    """The anonymous vote on an amendment."""
    return (f"**A proposed change to our agreement**\n{change}\nWhy: {reason}\n"
            f"Vote anonymously with the buttons until {when}. Nobody, facilitators "
            "included, can see who voted which way, and you can change your vote until "
            f"then. {VOTE_SECRECY_LIMIT} {amendment_rule(min_turnout, rule)}")


def amendment_started(channel: str, when: str) -> str:
    """To the facilitator who proposed a change."""
    return (f"Your proposed change is posted in {channel_ref(channel)} for the group to vote "
            f"until {when}.")


def amendment_vote_counted(answer: str, when: str) -> str:
    """A first vote."""
    return (f"Your vote is counted: {answer}. Nobody can see how you voted. You can change "
            f"it until {when}.")


def amendment_vote_changed(answer: str) -> str:
    """A changed vote."""
    return f"Your vote is changed to: {answer}."


def amendment_too_few_votes(cast: int, needed: int) -> str:
    """Why an amendment failed: turnout."""
    votes = "1 vote was" if cast == 1 else f"{cast} votes were"
    return f"Only {votes} cast, and a change needs at least {needed}."


def _tally(yes: int, no: int) -> str:
    return f"{yes} yes, {no} no"


def amendment_passed(change: str, yes: int, no: int, why: str, number: int) -> str:
    """Announced when an amendment passes."""
    return (f"**The group agreed a change to our agreement** ({_tally(yes, no)}). {why}\n"
            f"{change}\nVersion {number} is now in force. Type /agreement to read it.")


def amendment_failed(change: str, yes: int, no: int, why: str) -> str:
    """Announced when an amendment fails."""
    return (f"**A proposed change to our agreement did not pass** ({_tally(yes, no)}). "
            f"{why}\n{change}\nThe agreement stays as it is.")


def amendment_stale(base: int, number: int) -> str:
    """Announced when the agreement changed while a vote was open."""
    return (f"A proposed change to version {base} of our agreement was not applied, because "
            f"the agreement changed to version {number} while the vote was open. A "
            "facilitator can propose it again.")
