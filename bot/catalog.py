"""Every sentence the bot says to people, in one place.

Kept together so the wording can be read for plain language and kindness in one sitting,
and translated later. Rules for this file: short sentences, everyday words, say what
happened and what to do next, never blame the person, no meaning carried by emoji alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

BOT_NAME = "coprod"


def _or_list(items: Sequence[str]) -> str:
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


# ---- commands and options ----------------------------------------------------------------

def unknown_command(name: str, suggestion: str | None) -> str:
    """A command that does not exist, with the closest one if there is one."""
    text = f"Sorry, I don't know the command /{name}."
    if suggestion:
        text += f" Did you mean /{suggestion}?"
    return text + " Type /help to see what you can do."


def needs_subcommand(name: str, subs: Sequence[str]) -> str:
    """`/meeting` alone, when it has several verbs."""
    return (f"/{name} needs one more word to say what to do: "
            + _or_list([f"/{name} {s}" for s in subs]) + ".")


def not_allowed(name: str) -> str:
    """Refusal for a command the person may not run. Reveals nothing else."""
    return (f"Sorry, /{name} is only for the people who run the group. "
            "Type /help to see what you can do.")


def feature_off(name: str) -> str:
    """A command whose feature the group has switched off."""
    return (f"/{name} is switched off in this group. "
            "A facilitator can switch it on with /setup.")


def unknown_option(command: str, option: str, known: Sequence[str]) -> str:
    """An option the command does not have, with the closest one if there is one."""
    if not known:
        return f"/{command} doesn't take any options, so I didn't understand “{option}”."
    close = difflib.get_close_matches(option, list(known), n=1, cutoff=0.6)
    hint = f" Did you mean “{close[0]}”?" if close else ""
    return (f"/{command} has no option called “{option}”.{hint} "
            f"It takes: {', '.join(known)}.")


def option_missing(command: str, option: str, example: str) -> str:
    """A required option left out."""
    return f"/{command} needs “{option}”. For example: {example}"


def option_empty(option: str) -> str:
    """A required option given as blank."""
    return f"“{option}” can't be empty. Please write something there."


def option_too_long(option: str, limit: int) -> str:
    """Text over the limit."""
    return f"“{option}” is too long: please keep it to {limit} characters or fewer."


def option_too_short(option: str, limit: int) -> str:
    """Text under the minimum length."""
    return f"“{option}” is too short: please write at least {limit} characters."


def option_not_number(option: str) -> str:
    """Expected a whole number."""
    return f"“{option}” needs to be a whole number, like 3."


def option_too_small(option: str, limit: int) -> str:
    """Number under the minimum."""
    return f"“{option}” needs to be {limit} or more."


def option_too_big(option: str, limit: int) -> str:
    """Number over the maximum."""
    return f"“{option}” needs to be {limit} or less."


def option_not_yes_no(option: str) -> str:
    """Expected yes or no."""
    return f"“{option}” needs to be yes or no."


def option_not_a_choice(option: str, choices: Sequence[str]) -> str:
    """A value that is not one of the choices."""
    return f"“{option}” needs to be one of: {', '.join(choices)}."


def unbalanced_quotes() -> str:
    """A command line with a quote that is never closed."""
    return ('I couldn\'t read that because a quote mark isn\'t closed. '
            'Put text with spaces inside a pair of quotes, like title="Monthly meeting".')


def too_many_values(command: str) -> str:
    """More plain words than the command has options for."""
    return (f"I'm not sure what all of that means for /{command}. "
            f"Type /help {command} to see how to use it.")


# ---- forms -------------------------------------------------------------------------------

def field_required(label: str) -> str:
    """A required form field left empty."""
    return f"Please fill in “{label}”."


def field_too_long(label: str, limit: int, length: int) -> str:
    """A form field over its limit."""
    return (f"“{label}” is {length} characters; the most it can hold is {limit}. "
            "Please shorten it.")


def field_too_short(label: str, limit: int) -> str:
    """A form field under its minimum."""
    return f"“{label}” needs at least {limit} characters."


def field_not_a_choice(label: str, choices: Sequence[str]) -> str:
    """A choice field with a value that is not offered."""
    return f"“{label}” needs to be one of: {', '.join(choices)}."


def form_has_problems(problems: Sequence[str]) -> str:
    """Field errors shown as a message, on platforms that cannot show them on the fields."""
    return ("Nothing was saved yet. Please fix this and send the form again:\n"
            + "\n".join(f"- {p}" for p in problems))


def form_expired() -> str:
    """A form or button whose feature no longer knows it."""
    return ("Sorry, that form or button is out of date. "
            "Please run the command again to start afresh.")


# ---- help --------------------------------------------------------------------------------

HELP_INTRO = ("Here is what you can do. Commands start with a slash (/). "
              "Type /help followed by a command's name to learn more about it.")
HELP_PRIVATE_NOTE = "Only you can see this list."


def help_line(name: str, description: str) -> str:
    """One line of /help."""
    return f"/{name}: {description}"


def help_example(example: str) -> str:
    """The example under a command in /help."""
    return f"    e.g. {example}"


def help_detail(name: str, description: str, example: str,
                options: Sequence[tuple[str, str, bool]]) -> str:
    """/help COMMAND: one command in full."""
    lines = [f"/{name}: {description}", f"Example: {example}"]
    if options:
        lines.append("Options:")
        for opt, desc, required in options:
            lines.append(f"- {opt}{'' if required else ' (optional)'}: {desc}")
    return "\n".join(lines)


# ---- setup -------------------------------------------------------------------------------

SETUP_HEADER = "Settings for this group (change one with /setup key=value):"
SETUP_NOTHING_MISSING = "Everything the switched-on features need is set."
SETUP_UNSET = "(not set)"


def setup_missing(items: Sequence[str]) -> str:
    """What /setup still needs."""
    return "Still needed:\n" + "\n".join(f"- {i}" for i in items)


def setup_saved(keys: Sequence[str]) -> str:
    """Confirmation after /setup changed something."""
    return "Saved: " + ", ".join(keys) + ". Type /setup to see all the settings."


def setup_unknown_key(key: str, known: Sequence[str], suggestion: str | None) -> str:
    """A setting that does not exist."""
    text = f"There is no setting called “{key}”."
    if suggestion:
        text += f" Did you mean “{suggestion}”?"
    return text + " The settings are: " + ", ".join(known) + "."


def setup_bad_feature(value: str, known: Sequence[str]) -> str:
    """A feature name we do not know."""
    return f"There is no feature called “{value}”. The features are: {', '.join(known)}."


def setting_bad_timezone(value: str, suggestion: str | None) -> str:
    """A time zone we do not know (in /setup and in config)."""
    text = (f"“{value}” is not a time zone I know" if value else "a time zone is needed")
    if suggestion:
        text += f"; did you mean {suggestion}?"
    return text + ". Use a name like Europe/London, America/New_York or UTC"


def setting_bad_channel() -> str:
    """A channel setting that cannot be a channel."""
    return ('must be a channel name or id without spaces, like "updates" '
            'or "C0123ABC"')


def setting_bad_roles() -> str:
    """A role list that is not one."""
    return 'must be a list of role names (each up to 100 characters), like ["Facilitator"]'


def setting_bad_features(unknown: Sequence[str], known: Sequence[str]) -> str:
    """Feature names we do not know."""
    if unknown:
        return (f"there is no feature called {', '.join(unknown)}; the features are "
                + ", ".join(known))
    return 'must be a list of feature names, like ["feedback", "meetings"]'


def setup_bad_value(key: str, problem: str) -> str:
    """A /setup value that was refused; nothing was saved."""
    return f"Nothing was changed. {key}: {problem}."


def setup_needs_channel(feature: str, key: str) -> str:
    """An enabled feature without its channel."""
    return (f"{key}: the {feature} feature needs a channel. Set it with "
            f"/setup {key}=#channel (you can switch {feature} on in the same command).")


def setup_not_saved(problems: Sequence[str]) -> str:
    """/setup refused because a switched-on feature would lack its channel."""
    return "Nothing was changed.\n" + "\n".join(problems)


# ---- home ------------------------------------------------------------------------------

def home_intro(name: str) -> str:
    """The top of a member's own overview."""
    return (f"Hello {name}. This is your own page: only you can see it. "
            "Type /help in the group to see what you can do.")


# ---- direct messages ---------------------------------------------------------------------

DM_NOT_A_COMMAND = ("Hello! I'm the group's helper bot. I only understand commands here. "
                    "Type /help to see what you can do.")


# ---- generic -----------------------------------------------------------------------------

SOMETHING_WENT_WRONG = ("Sorry, something went wrong on my side and nothing was saved. "
                        "Please try again in a minute. If it keeps happening, "
                        "tell a facilitator.")


# ---- slack -------------------------------------------------------------------------------

SLACK_YES = "Yes"
SLACK_NO = "No"
SLACK_PICK_ONE = "Choose one"
SLACK_CANCEL = "Cancel"
SLACK_CLOSE = "Close"
SLACK_FORM_DONE_TITLE = "Done"
SLACK_HELP_COMMAND = "See what you can do with the group's helper bot, or run any of its commands."
SLACK_HELP_HINT = "help, or a command like: setup timezone=Europe/London"
SLACK_FORM_TOO_SLOW = ("Sorry, that took me too long and Slack closed the form before it "
                       "opened. Nothing was saved. Please run the command again.")


def slack_command_group(name: str, subcommands: Sequence[str]) -> str:
    """What a slash command with only subcommands offers (Slack's command list)."""
    return (f"{name.title()}: " + ", ".join(dict.fromkeys(subcommands))
            + f". Type /{name} help to learn more.")


def slack_image_alt(alt_text: str) -> str:
    """An image in a private reply, which Slack cannot show only to one person."""
    return f"(Picture: {alt_text})"


# ---- discord -----------------------------------------------------------------------------

DISCORD_CONTINUE = "Continue"
DISCORD_TRY_AGAIN = "Try again"
DISCORD_OPEN_FORM = "Open the form"
DISCORD_FORM_READY = "Press “Open the form” to fill it in. Only you can see this."
DISCORD_DONE = "Done."
DISCORD_NO_SHARED_GROUP = ("Hello! I can't tell which group you belong to, because we don't "
                           "share a server I know. Please write to me from your group's "
                           "server, or ask a facilitator for help.")


def discord_step_saved(step: int, total: int) -> str:
    """A long form on Discord is split into parts; one part was filled in."""
    return (f"Part {step} of {total} is saved, but nothing is sent yet. "
            "Press “Continue” for the next part.")


def discord_invite(url: str) -> str:
    """`coprod discord invite-url`: what to do with the link."""
    return ("Open this link in a browser, pick your group's server and press Authorise:\n"
            + url)


DISCORD_NEEDS_CLIENT_ID = ("coprod discord invite-url needs the application id. Copy it "
                           "from the Discord Developer Portal (your application, General "
                           "Information, Application ID) and pass it as --client-id, or set "
                           "DISCORD_CLIENT_ID.")
DISCORD_BAD_TOKEN = ("Discord did not accept DISCORD_TOKEN. Copy the token again from the "
                     "Developer Portal (your application, Bot, Reset Token) and put it in "
                     ".env as DISCORD_TOKEN=...")


def slack_token_refused(reason: str) -> str:
    """Slack refused the bot token at start-up."""
    return (f"Slack refused the bot token ({reason}). Check SLACK_BOT_TOKEN: it starts "
            "with xoxb- and is on your app's OAuth & Permissions page (see docs/slack.md).")


def slack_unreachable(error: str) -> str:
    """Slack could not be reached at start-up."""
    return (f"Could not reach Slack ({error}). Check the internet connection, or "
            "[slack] api_base if you set one, then start the bot again.")


# ---- feedback and polls --------------------------------------------------------------------

FEEDBACK_FORM_TITLE = "Anonymous feedback"
FEEDBACK_FIELD_MESSAGE = "Your feedback"
FEEDBACK_FIELD_MESSAGE_HINT = "Say what you think. Nobody will see who wrote it."
FEEDBACK_FIELD_TOPIC = "Topic (optional)"
FEEDBACK_FIELD_AUDIENCE = "Who is it for?"
FEEDBACK_FOR_GROUP = "The whole group"
FEEDBACK_FOR_FACILITATORS = "The facilitators only"
FEEDBACK_SENT = (
    "Sent anonymously. The bot never stores who wrote it, so nobody, not the facilitators "
    "and not whoever runs the bot, can find out it was you; only the words are shared, "
    "together with other feedback, at the next digest.")


def feedback_help(group_k: int, facilitators_k: int) -> str:
    """What /feedback does, including what anonymous means for a small digest."""
    text = ("Send anonymous feedback to the whole group or to the facilitators only. It is "
            "shared in digests at set times; a digest for the group waits until at least "
            f"{group_k} pieces have arrived. ")
    if facilitators_k == 1:
        return text + ("A digest for the facilitators may hold just one piece, which is "
                       "easier to guess the author of.")
    return text + f"A digest for the facilitators waits for {facilitators_k} pieces."


def feedback_daily_limit(limit: int) -> str:
    """A member reached the day's feedback limit; nothing was stored."""
    return (f"You have sent {limit} pieces of feedback today, which is the most for one "
            "day, so this one was not sent. Please try again tomorrow. (The count is kept "
            "only in memory and can't be traced back to you.)")


def feedback_digest_header(count: int, audience_is_group: bool) -> str:
    """The start of a digest."""
    who = "the group" if audience_is_group else "the facilitators"
    return (f"Anonymous feedback for {who}: {count} "
            f"{'message' if count == 1 else 'messages'}, in random order. Nobody, not the "
            "facilitators and not whoever runs the bot, can see who wrote them.")


def feedback_digest_item(number: int, count: int, ref: str, topic: str, quoted: str,
                         waited_days: int | None) -> str:
    """One item of a digest (its text already neutralised and quoted)."""
    about = f" about {topic}" if topic else ""
    text = f"Feedback {number} of {count}{about} (ref {ref}):\n{quoted}"
    if waited_days is not None:
        text += (f"\n(This waited more than {waited_days} days for enough other feedback "
                 "to be shared safely.)")
    return text


FEEDBACK_LIST_HELP = "See recent feedback and whether it has an answer (facilitators)."
FEEDBACK_HIDE_HELP = (
    "Keep a piece of feedback out of the group digest, with a reason that is recorded "
    "(facilitators). Nobody can find out who wrote feedback: the bot never stores it.")
FEEDBACK_ANSWER_HELP = "Answer a piece of feedback in public: \"you said, we did\" (facilitators)."
FEEDBACK_ANSWER_BUTTON = "You said, we did"
FEEDBACK_ANSWER_FORM_TITLE = "You said, we did"
FEEDBACK_ANSWER_FIELD = "What did you do, or what will you do?"
FEEDBACK_ANSWER_HINT = "This is posted for everyone, quoting the feedback."


def feedback_you_said_we_did(quoted: str, answer: str) -> str:
    """The public answer to a piece of feedback."""
    return f"**You said, we did**\nYou said:\n{quoted}\nWe did:\n{answer}"


def feedback_answer_posted(channel: str) -> str:
    """A facilitator's answer was stored and will be posted."""
    return f"Thank you. Your answer will be posted in #{channel} in a moment."


FEEDBACK_ONLY_FACILITATORS = ("Sorry, only facilitators can do that. Type /help to see "
                              "what you can do.")


def feedback_no_item(ref: str) -> str:
    """No item with that reference."""
    return (f"I can't find feedback with the ref {ref}. Type /feedback list to see recent "
            "feedback and its refs.")


FEEDBACK_NOT_DELIVERED = ("That feedback hasn't been shared yet, so it can't be answered "
                          "yet. It will be in a coming digest.")
FEEDBACK_FOR_FACILITATORS_ONLY = (
    "That feedback was written for the facilitators only, so it can't be quoted in public. "
    "You can still answer its point in your own words in the group.")
FEEDBACK_HIDDEN_CANT_ANSWER = "That feedback was hidden, so it can't be answered in public."


def feedback_hidden(ref: str) -> str:
    """A facilitator hid an item."""
    return (f"Hidden: feedback {ref} won't be in a digest. Your reason was recorded. Nobody "
            "can find out who wrote it, because the bot never stored that.")


FEEDBACK_CANT_HIDE = ("Only feedback still waiting for its digest can be hidden; this one "
                      "has already been shared or hidden.")
FEEDBACK_LIST_EMPTY = "No feedback in the last 30 days."


def feedback_list_header(waiting_today: int) -> str:
    """The top of /feedback list."""
    text = "Feedback from the last 30 days (only you can see this):"
    if waiting_today:
        text += (f"\n{waiting_today} written today will show here tomorrow, so the time it "
                 "arrived can't point to its author.")
    return text


def feedback_list_line(ref: str, audience_is_group: bool, written: str, state: str,
                       topic: str, quoted: str) -> str:
    """One item in /feedback list."""
    who = "for the group" if audience_is_group else "for the facilitators"
    about = f", about {topic}" if topic else ""
    return f"- ref {ref}, {who}{about}, written {written}: {state}\n{quoted}"


def feedback_state(status: str, answered: bool, reason: str, day: str) -> str:
    """Where an item is, in words."""
    if status == "hidden":
        return f"hidden (reason: {reason})"
    if status == "waiting":
        return "waiting for the next digest"
    return f"shared {day}, " + ("answered" if answered else "not answered yet")


POLL_FORM_TITLE = "New poll"
POLL_FIELD_QUESTION = "Question"
POLL_FIELD_OPTIONS = "Options, one per line (2 to 10)"
POLL_FIELD_CLOSES = "Closes (like 2026-12-01 17:00, or 3d, 12h)"
POLL_FIELD_ANONYMOUS = "Anonymous? (yes or no)"
POLL_FIELD_MULTIPLE = "Can people choose more than one? (yes or no)"
POLL_HELP = ("Start a poll. Anonymous polls (the default) store only that someone voted, "
             "never who chose what; results are posted when the poll closes.")


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
    return (f"I couldn't read when the poll closes. Write a date and time like {example}, "
            "or a length like 3d (three days) or 12h (twelve hours).")


POLL_CLOSE_IN_PAST = "That closing time has already passed. Please choose a time to come."
POLL_CLOSE_TOO_FAR = "A poll can stay open for at most 90 days. Please choose a sooner time."


def poll_created(channel: str, closes: str) -> str:
    """A poll was stored and will be posted."""
    return (f"Your poll will be posted in #{channel} in a moment. It closes {closes}. You "
            "will see the results when everyone else does.")


def poll_post(question: str, options: Sequence[str], anonymous: bool, multiple: bool,
              closes: str) -> str:
    """The poll as posted (question and options already neutralised)."""
    lines = [f"**Poll:** {question}"]
    lines += [f"{i + 1}. {o}" for i, o in enumerate(options)]
    how = "Choose one or more options." if multiple else "Choose one option."
    lines.append(f"{how} You can change your vote until it closes, {closes}.")
    lines.append("This poll is anonymous: nobody can see who chose what." if anonymous
                 else "This poll is not anonymous: the results will show who chose what.")
    return "\n".join(lines)


POLL_PICK_PLACEHOLDER = "Choose your options"


def poll_vote_counted(choices: Sequence[str], closes: str) -> str:
    """A first vote (only the voter sees this)."""
    return (f"Your vote is counted: {', '.join(choices)}. You can change it until the poll "
            f"closes, {closes}. Only you can see this message.")


def poll_vote_changed(choices: Sequence[str]) -> str:
    """A changed vote."""
    return f"Your vote is changed to: {', '.join(choices)}. Only you can see this message."


POLL_VOTE_SAME = "That's already your vote, so nothing changed."
POLL_VOTE_LOCKED = (
    "Your earlier vote is counted, but I can't change it now: the bot restarted since you "
    "voted, and by design nothing it stores can tell which way you voted.")
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


# ---- slack (command line) ----------------------------------------------------------

SLACK_HTTP_ONLY = "--http: only the Slack adapter takes requests over HTTP; use --platform slack."


def slack_http_bad(value: str) -> str:
    """A `--http` value that is not HOST:PORT."""
    return (f"--http {value}: expected HOST:PORT, like 0.0.0.0:3000 "
            "(the port a number from 1 to 65535).")
