"""Every sentence polls say: the form, the checks on what was typed, the post, the
replies to a vote and the results (catalog domain "polls"). The agreement's votes say
`VOTE_SECRECY_LIMIT` and `POLL_VOTE_LOCKED` too: it has them through
`bot.features.polls.package` (and `vote_reply`), so they are read in this domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.i18n import Domain
from bot.i18n import format_moment
from bot.i18n import format_number
from bot.i18n import format_percent
from bot.i18n import plain_list
from bot.i18n import tr
from bot.text import channel_ref

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

_domain = Domain("polls", __file__)
_, ngettext, N_ = _domain.functions()

# What cannot hold, said before anyone votes (docs/threat-model.md, polls), by polls and
# by the agreement's votes on a change.
VOTE_SECRECY_LIMIT = N_("One limit: a person who runs the bot's server, or gets its files "
                        "and key while the vote is open, could work out some votes.")
POLL_VOTE_LOCKED = N_(
    "Your earlier vote is counted, but I can't change it now: the bot restarted since you "
    "voted, and by design nothing it stores can tell which way you voted.")

POLL_FIELD_QUESTION = N_("Question")
POLL_FIELD_CLOSES = N_("When it closes")
POLL_CLOSES_HINT = N_("3d (the default), 12h, tomorrow 5pm or 2026-12-01 17:00")
POLL_FIELD_ANONYMOUS = N_("Keep the votes anonymous?")
POLL_HELP = N_("Start a poll. Anonymous polls (the default) store only that someone voted, "
               "never who chose what; results are posted when the poll closes.")
POLL_OPTION_CLOSES = N_("when it closes: a length like 3d, 12h or 90m, or a time like "
                        "tomorrow 5pm or 2026-12-01 17:00 (empty: in 3 days)")


def poll_when(moment: datetime, zone: ZoneInfo) -> str:
    """A time as people read it, in the group's zone: "Sat 05 Dec 2026 at 17:00
    (Europe/London)"."""
    # TRANSLATORS: a Babel date pattern: letters are codes (EEE the day's short name,
    # dd the day, MMM the month's short name, yyyy the year, HH:mm the time); words go
    # between single quotes ('at'). Change the order and the words, not the codes.
    pattern = _domain.pgettext("Babel date pattern", "EEE dd MMM yyyy 'at' HH:mm")
    return f"{format_moment(moment, zone, pattern)} ({zone.key})"


def poll_too_few_options(count: int) -> str:
    """Fewer than two options."""
    return _("A poll needs at least 2 options; I found {count}. Put each option on its own "
             "line (or separate them with |).").format(count=count)


def poll_too_many_options(count: int) -> str:
    """More than ten options."""
    return _("A poll can have at most 10 options; I found {count}. Please leave some out."
             ).format(count=count)


def poll_duplicate_option(option: str) -> str:
    """The same option twice."""
    return _("The option “{option}” is there twice. Each option must be different.").format(
        option=option)


def poll_bad_close(example: str) -> str:
    """A closing time that could not be read."""
    return _("I couldn't read when the poll closes. Write a time like “tomorrow 5pm”, "
             "“next Friday 17:00” or {example}, or a length like 3d (three days) or 12h "
             "(twelve hours).").format(example=example)


def poll_created(channel: str, closes: str) -> str:
    """A poll was stored and will be posted."""
    return _("Your poll will be posted in {channel} in a moment. It closes {closes}. You "
             "will see the results when everyone else does.").format(
        channel=channel_ref(channel), closes=closes)


def poll_post(question: str, options: Sequence[str], anonymous: bool, multiple: bool,
              closes: str) -> str:
    """The poll as posted (question and options already neutralised)."""
    lines = [_("**Poll:** {question}").format(question=question)]
    lines += [f"{i + 1}. {o}" for i, o in enumerate(options)]
    how = (_("Choose one or more options. You can change your vote until it closes, "
             "{closes}.") if multiple
           else _("Choose one option. You can change your vote until it closes, {closes}."))
    lines.append(how.format(closes=closes))
    lines.append(f"{tr(POLL_ANONYMOUS)} {tr(VOTE_SECRECY_LIMIT)}" if anonymous
                 else _("This poll is not anonymous: the results will show who chose "
                        "what."))
    return "\n".join(lines)


POLL_ANONYMOUS = N_("This poll is anonymous: nobody in the group, facilitators included, "
                    "can see who chose what. Once it closes, only the totals are kept.")


def poll_vote_counted(choices: Sequence[str], closes: str) -> str:
    """A first vote (only the voter sees this)."""
    return _("Your vote is counted: {choices}. You can change it until the poll closes, "
             "{closes}. Only you can see this message.").format(
        choices=plain_list(choices), closes=closes)


def poll_vote_changed(choices: Sequence[str]) -> str:
    """A changed vote."""
    return _("Your vote is changed to: {choices}. Only you can see this message.").format(
        choices=plain_list(choices))


POLL_CLOSED = N_("Sorry, this poll has closed, so votes can't be added or changed.")
POLL_GONE = N_("Sorry, I can't find this poll any more.")


def poll_results(question: str, lines: Sequence[str], voters: int, late: bool) -> str:
    """The results post (question already neutralised)."""
    head = (_("**Poll results:** {question} (sent late)") if late
            else _("**Poll results:** {question}")).format(question=question)
    who = ngettext("{n} person voted.", "{n} people voted.", voters).format(
        n=format_number(voters))
    return "\n".join([head, *lines, who])


def poll_result_line(option: str, votes: int, total: int, names: Sequence[str]) -> str:
    """One option's result."""
    share = format_percent(round(100 * votes / total) if total else 0)
    text = ngettext("- {option}: {n} vote ({share})", "- {option}: {n} votes ({share})",
                    votes).format(option=option, n=format_number(votes), share=share)
    if names:
        text += ": " + plain_list(names)
    return text


# What each of this feature's sections of a member's export is.
POLLS_EXPORT_TITLES: dict[str, str] = {
    "named_poll_votes": N_("Your votes in polls that were not anonymous (your name was shown "
                           "with them)."),
}
# What a member's export leaves out of this feature (and of the agreement's votes, cast
# in the same ballot boxes), and why.
POLLS_NOT_IN_EXPORT: tuple[str, ...] = (
    N_("Your votes in anonymous polls and on changes to the group agreement are not here: "
       "the bot stores only that someone voted, in a form that does not hold your id, and "
       "the counts, so nothing links a choice to you."),
)
