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
