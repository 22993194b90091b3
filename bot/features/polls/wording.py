"""Every sentence polls say: the form, the checks on what was typed, the post, the
replies to a vote and the results. `catalog.VOTE_SECRECY_LIMIT` and
`catalog.POLL_VOTE_LOCKED` stay in the catalog: the agreement's votes say them too."""

from __future__ import annotations

from collections.abc import Sequence

from bot import catalog
from bot.text import channel_ref

POLL_FORM_TITLE = "New poll"
POLL_FIELD_QUESTION = "Question"
POLL_FIELD_OPTIONS = "Options: 2 to 10, one per line"
POLL_FIELD_CLOSES = "When it closes"
POLL_CLOSES_HINT = "3d (the default), 12h, tomorrow 5pm or 2026-12-01 17:00"
POLL_FIELD_ANONYMOUS = "Keep the votes anonymous?"
POLL_FIELD_MULTIPLE = "Can people choose more than one?"
POLL_HELP = ("Start a poll. Anonymous polls (the default) store only that someone voted, "
             "never who chose what; results are posted when the poll closes.")
POLL_OPTION_QUESTION = "what to ask (needed, unless you type /poll alone to fill in a form)"
POLL_OPTION_OPTIONS = ("the choices, separated by | (needed, unless you type /poll alone to "
                       "fill in a form)")
POLL_OPTION_CLOSES = ("when it closes: a length like 3d, 12h or 90m, or a time like "
                      "tomorrow 5pm or 2026-12-01 17:00 (empty: in 3 days)")
POLL_OPTION_ANONYMOUS = "yes (the default) or no"
POLL_OPTION_MULTIPLE = "yes if people may choose several"


def poll_too_few_options(count: int) -> str:
    """Fewer than two options."""
    return (f"A poll needs at least 2 options; I found {count}. Put each option on its own "
            "line (or separate them with |).")


def poll_too_many_options(count: int) -> str:
    """More than ten options."""
    return f"A poll can have at most 10 options; I found {count}. Please leave some out."


def poll_duplicate_option(option: str) -> str:
    """The same option twice."""
    return f"The option “{option}” is there twice. Each option must be different."


def poll_option_too_long(limit: int) -> str:
    """An option over the limit."""
    return f"Each option can be at most {limit} characters. Please shorten the long one."


POLL_OPTION_EMPTY = "One of the options has nothing in it. Please fill it in or remove it."


def poll_bad_close(example: str) -> str:
    """A closing time that could not be read."""
    return (f"I couldn't read when the poll closes. Write a time like “tomorrow 5pm”, "
            f"“next Friday 17:00” or {example}, or a length like 3d (three days) or 12h "
            "(twelve hours).")


POLL_CLOSE_IN_PAST = "That closing time has already passed. Please choose a time to come."
POLL_CLOSE_TOO_FAR = "A poll can stay open for at most 90 days. Please choose a sooner time."


def poll_created(channel: str, closes: str) -> str:
    """A poll was stored and will be posted."""
    return (f"Your poll will be posted in {channel_ref(channel)} in a moment. It closes "
            f"{closes}. You will see the results when everyone else does.")


def poll_post(question: str, options: Sequence[str], anonymous: bool, multiple: bool,
              closes: str) -> str:
    """The poll as posted (question and options already neutralised)."""
    lines = [f"**Poll:** {question}"]
    lines += [f"{i + 1}. {o}" for i, o in enumerate(options)]
    how = "Choose one or more options." if multiple else "Choose one option."
    lines.append(f"{how} You can change your vote until it closes, {closes}.")
    lines.append(f"{POLL_ANONYMOUS} {catalog.VOTE_SECRECY_LIMIT}" if anonymous
                 else "This poll is not anonymous: the results will show who chose what.")
    return "\n".join(lines)


POLL_ANONYMOUS = ("This poll is anonymous: nobody in the group, facilitators included, can "
                  "see who chose what. Once it closes, only the totals are kept.")
POLL_PICK_PLACEHOLDER = "Choose your options"


def poll_vote_counted(choices: Sequence[str], closes: str) -> str:
    """A first vote (only the voter sees this)."""
    return (f"Your vote is counted: {', '.join(choices)}. You can change it until the poll "
            f"closes, {closes}. Only you can see this message.")


def poll_vote_changed(choices: Sequence[str]) -> str:
    """A changed vote."""
    return f"Your vote is changed to: {', '.join(choices)}. Only you can see this message."


POLL_VOTE_SAME = "That's already your vote, so nothing changed."
POLL_CLOSED = "Sorry, this poll has closed, so votes can't be added or changed."
POLL_GONE = "Sorry, I can't find this poll any more."
POLL_PICK_ONE = "This poll takes one choice. Please pick just one option."


def poll_results(question: str, lines: Sequence[str], voters: int, late: bool) -> str:
    """The results post (question already neutralised)."""
    head = f"**Poll results:** {question}" + (" (sent late)" if late else "")
    who = "1 person voted." if voters == 1 else f"{voters} people voted."
    return "\n".join([head, *lines, who])


def poll_result_line(option: str, votes: int, total: int, names: Sequence[str]) -> str:
    """One option's result."""
    share = f"{round(100 * votes / total)}%" if total else "0%"
    text = f"- {option}: {votes} {'vote' if votes == 1 else 'votes'} ({share})"
    if names:
        text += ": " + ", ".join(names)
    return text


def poll_chart_alt(question: str, parts: Sequence[str]) -> str:
    """Alt text for the results chart."""
    return f"Bar chart of the poll results for “{question}”: " + "; ".join(parts) + "."
