"""Every sentence the core says to people; each feature package keeps its own sentences
in its `wording.py` (check-ins: `bot/features/checkins/wording.py`), under the same rules.

Kept together so the wording can be read for plain language and kindness in one sitting,
and translated later. Rules for this file: short sentences, everyday words, say what
happened and what to do next, never blame the person, no meaning carried by emoji alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.i18n import Domain, and_list, or_list, plain_list, tr
from bot.text import echo

# The core's catalog domain ("coprod", bot/locales/): the parts converted so far say
# their sentences through it; docs/translating.md lists what is still to convert.
_, ngettext, N_ = Domain("coprod", __file__).functions()

BOT_NAME = "coprod"


def _or_list(items: Sequence[str]) -> str:
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " or " + items[-1]


def _and_list(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---- commands and options ----------------------------------------------------------------

def unknown_command(name: str, suggestion: str | None) -> str:
    """A command that does not exist, with the closest one if there is one."""
    name = echo(name, 40)
    text = _("Sorry, I don't know the command /{name}.").format(name=name)
    if suggestion:
        text += " " + _("Did you mean /{suggestion}?").format(suggestion=suggestion)
    return text + " " + _("Type /help to see what you can do.")


def needs_subcommand(name: str, subs: Sequence[str]) -> str:
    """`/meeting` alone, when it has several verbs."""
    return _("/{name} needs one more word to say what to do: {choices}.").format(
        name=name, choices=or_list([f"/{name} {s}" for s in subs]))


# Who a refusal names, by the role words `bot.commands.who_may_run` gives.
_WHO = {"facilitator": N_("facilitators"), "lead": N_("safeguarding leads"),
        "admin": N_("admins")}


def _only(who: Sequence[str]) -> str:
    names = [tr(_WHO[w]) for w in who if w in _WHO]
    return and_list(names) if names else ""


def not_allowed(name: str, who: Sequence[str]) -> str:
    """Refusal for a command the person may not run: who can (the same words for
    everyone refused, so it reveals nothing about the person or the group)."""
    only = _only(who)
    if not only:
        return _("Sorry, you can't use /{name} here. Type /help to see what you can do."
                 ).format(name=name)
    return _("Sorry, only {who} can use /{name}. Type /help to see what you can do."
             ).format(who=only, name=name)


def button_not_allowed(who: Sequence[str]) -> str:
    """Refusal for a button the person may not press: who can."""
    only = _only(who)
    if not only:
        return _("Sorry, you can't use that button. Type /help to see what you can do.")
    return _("Sorry, only {who} can use that button. Type /help to see what you can do."
             ).format(who=only)


def feature_off(name: str) -> str:
    """A command whose feature the group has switched off."""
    return _("/{name} is switched off in this group. "
             "A facilitator can switch it on with /setup.").format(name=name)


FEATURE_SWITCHED_OFF = N_("This part of the bot is switched off in this group, so that "
                          "button or form no longer works. A facilitator can switch it on "
                          "with /setup.")


def unknown_option(command: str, option: str, known: Sequence[str]) -> str:
    """An option the command does not have, with the closest one if there is one."""
    option = echo(option, 40)
    if not known:
        return _("/{command} doesn't take any options, so I didn't understand “{option}”."
                 ).format(command=command, option=option)
    close = difflib.get_close_matches(option, list(known), n=1, cutoff=0.6)
    hint = (" " + _("Did you mean “{option}”?").format(option=close[0])) if close else ""
    return _("/{command} has no option called “{option}”.{hint} It takes: {known}.").format(
        command=command, option=option, hint=hint, known=plain_list(known))


def option_missing(command: str, option: str, example: str) -> str:
    """A required option left out."""
    return _("/{command} needs “{option}”. For example: {example}").format(
        command=command, option=option, example=tr(example))


def option_empty(option: str) -> str:
    """A required option given as blank."""
    return _("“{option}” can't be empty. Please write something there.").format(option=option)


def option_too_long(option: str, limit: int) -> str:
    """Text over the limit."""
    return _("“{option}” is too long: please keep it to {limit} characters or fewer.").format(
        option=option, limit=limit)


def option_too_short(option: str, limit: int) -> str:
    """Text under the minimum length."""
    return _("“{option}” is too short: please write at least {limit} characters.").format(
        option=option, limit=limit)


def option_not_number(option: str) -> str:
    """Expected a whole number."""
    return _("“{option}” needs to be a whole number, like 3.").format(option=option)


def option_too_small(option: str, limit: int) -> str:
    """Number under the minimum."""
    return _("“{option}” needs to be {limit} or more.").format(option=option, limit=limit)


def option_too_big(option: str, limit: int) -> str:
    """Number over the maximum."""
    return _("“{option}” needs to be {limit} or less.").format(option=option, limit=limit)


def option_not_yes_no(option: str) -> str:
    """Expected yes or no."""
    return _("“{option}” needs to be yes or no.").format(option=option)


def option_not_a_choice(option: str, choices: Sequence[str]) -> str:
    """A value that is not one of the choices."""
    return _("“{option}” needs to be one of: {choices}.").format(
        option=option, choices=plain_list(choices))


def unbalanced_quotes() -> str:
    """A command line with a quote that is never closed."""
    return _("I couldn't read that because a quote mark isn't closed. "
             "Put text with spaces inside a pair of quotes, like title=\"Monthly meeting\".")


def too_many_values(command: str) -> str:
    """More plain words than the command has options for."""
    return _("I'm not sure what all of that means for /{command}. "
             "Type /help {command} to see how to use it.").format(command=command)


# ---- forms -------------------------------------------------------------------------------

def field_required(label: str) -> str:
    """A required form field left empty."""
    return _("Please fill in “{label}”.").format(label=tr(label))


def field_too_long(label: str, limit: int, length: int) -> str:
    """A form field over its limit."""
    return _("“{label}” is {length} characters; the most it can hold is {limit}. "
             "Please shorten it.").format(label=tr(label), length=length, limit=limit)


def field_too_short(label: str, limit: int) -> str:
    """A form field under its minimum."""
    return _("“{label}” needs at least {limit} characters.").format(label=tr(label),
                                                                   limit=limit)


def field_not_a_choice(label: str, choices: Sequence[str]) -> str:
    """A choice field with a value that is not offered."""
    return _("“{label}” needs to be one of: {choices}.").format(
        label=tr(label), choices=plain_list([tr(c) for c in choices]))


CONSOLE_FORM_INTRO = (
    "Answer each question on its own line; a question that takes several lines ends "
    "with an empty line. Leave an optional one empty to skip it. Type :form key=value "
    "... to answer all at once, or :cancel to stop.")
CONSOLE_PARAGRAPH_HINT = "type as many lines as you need, then an empty line to finish"


def form_has_problems(problems: Sequence[str]) -> str:
    """Field errors shown as a message, on platforms that cannot show them on the fields."""
    return (_("Nothing was saved yet. Please fix this and send the form again:") + "\n"
            + "\n".join(f"- {tr(p)}" for p in problems))


def form_expired() -> str:
    """A form or button whose feature no longer knows it."""
    return _("Sorry, that form or button is out of date. "
             "Please run the command again to start afresh.")


# ---- help --------------------------------------------------------------------------------

# /help's sentences are the help feature's: bot/features/help/wording.py.


# ---- setup -------------------------------------------------------------------------------

SETUP_HELP = ("See the group's settings, and change them (facilitators and admins; "
              "safeguarding leads change who sees concerns).")
SETUP_HEADER = "Settings for this group (change one with /setup key=value):"
SETUP_LEADS_PART = (
    "As a safeguarding lead, these are yours to change: lead_roles, leads_channel, and "
    "switching concerns on or off (/setup enable=concerns or /setup disable=concerns). "
    "The other settings are changed by facilitators and admins.")
SETUP_WOULD_LOCK_LEAD_OUT = (
    "lead_roles: with that change you would no longer be a safeguarding lead, so you "
    "couldn't change it back. Include one of your own roles, or ask another lead or an "
    "admin to make the change.")


def setup_lead_cannot_change(keys: Sequence[str]) -> str:
    """/setup: a lead who is not a facilitator tried to change other settings."""
    return ("Nothing was changed. " + _and_list(keys) + ": "
            + ("this is" if len(keys) == 1 else "these are")
            + " changed by facilitators and admins. As a safeguarding lead you can change "
            "lead_roles, leads_channel, and switch concerns on or off.")


SETUP_NOTHING_MISSING = "Everything the switched-on features need is set."
SETUP_UNSET = "(not set)"


def setup_missing(items: Sequence[str]) -> str:
    """What /setup still needs."""
    return "Still needed:\n" + "\n".join(f"- {i}" for i in items)


def setup_saved(keys: Sequence[str]) -> str:
    """Confirmation after /setup changed something (the group's language among them)."""
    return _("Saved: {keys}. Type /setup to see all the settings.").format(
        keys=plain_list(keys))


def setup_unknown_key(key: str, known: Sequence[str], suggestion: str | None) -> str:
    """A setting that does not exist."""
    key = echo(key, 40)
    text = f"There is no setting called “{key}”."
    if suggestion:
        text += f" Did you mean “{suggestion}”?"
    return text + " The settings are: " + ", ".join(known) + "."


def setup_bad_feature(value: str, known: Sequence[str]) -> str:
    """A feature name we do not know."""
    value = echo(value, 40)
    return f"There is no feature called “{value}”. The features are: {', '.join(known)}."


def setting_bad_timezone(value: str, suggestion: str | None) -> str:
    """A time zone we do not know (in /setup and in config)."""
    value = echo(value)
    text = (f"“{value}” is not a time zone I know" if value else "a time zone is needed")
    if suggestion:
        text += f"; did you mean {suggestion}?"
    return text + ". Use a name like Europe/London, America/New_York or UTC"


def setting_bad_channel() -> str:
    """A channel setting that cannot be a channel."""
    return ('must be a channel name or id without spaces, like "updates" '
            'or "C0123ABC" (no symbols such as @ < > | either)')


def setting_bad_roles() -> str:
    """A role list that is not one."""
    return 'must be a list of role names (each up to 100 characters), like ["Facilitator"]'


SETTING_LANGUAGE = N_("the language of the group's posts, and of each member who has not "
                      "chosen their own with /language")


def setting_bad_language(known: Sequence[str]) -> str:
    """A group language we have no translation for (in /setup and in config)."""
    return _("must be one of the languages the bot speaks: {languages}").format(
        languages=or_list(known))


def setting_bad_features(unknown: Sequence[str], known: Sequence[str]) -> str:
    """Feature names we do not know."""
    if unknown:
        return (f"there is no feature called {', '.join(echo(u, 40) for u in unknown)}; "
                "the features are "
                + ", ".join(known))
    return 'must be a list of feature names, like ["feedback", "meetings"]'


def setup_bad_value(key: str, problem: str) -> str:
    """A /setup value that was refused; nothing was saved."""
    return f"Nothing was changed. {key}: {problem}."


def setup_needs_channel(feature: str, key: str) -> str:
    """An enabled feature without its channel."""
    return (f"{key}: the {feature} feature needs a channel. Set it with "
            f"/setup {key}=#channel (you can switch {feature} on in the same command).")


def setup_needs_roles(feature: str, key: str) -> str:
    """An enabled feature that needs people in a role nobody can have."""
    return (f"{key}: the {feature} feature needs at least one role whose members receive "
            f"them. Set it with /setup {key}=\"Safeguarding lead\".")


SETUP_LEADS_CHANNEL_SHARED = (
    "leads_channel: the safeguarding leads' channel must be private to them, so it can't "
    "be the updates or feedback channel. Make a private channel for the leads and set it "
    "with /setup leads_channel=#channel.")
SETUP_NO_FACILITATOR_ROLES = (
    "facilitator_roles: at least one role must make people facilitators, or nobody could "
    "run /setup or the facilitators' commands.")
SETUP_WOULD_LOCK_YOU_OUT = (
    "facilitator_roles: with that change you would no longer be a facilitator, so you "
    "couldn't change it back. Include one of your own roles, or ask a server "
    "administrator to make the change.")


def setup_safeguarding_only(keys: Sequence[str]) -> str:
    """/setup: a facilitator who is not a lead tried to change who sees concerns."""
    named = [("switching concerns on or off" if k == "concerns" else k) for k in keys]
    return (_and_list(named) + ": these decide who sees safeguarding concerns, so only a "
            "safeguarding lead or a server administrator can change them.")


def setup_safeguarding_changed(name: str, keys: Sequence[str], concerns_on: bool) -> str:
    """To the leads' channel: someone changed who sees concerns."""
    done = []
    if "lead_roles" in keys:
        done.append("change who the leads are (lead_roles)")
    if "leads_channel" in keys:
        done.append("move the leads' channel (leads_channel)")
    if "concerns" in keys:
        done.append("switch concerns " + ("on" if concerns_on else "off"))
    return (f"For the safeguarding leads: {name} has just used /setup to "
            + _and_list(done) + ". These settings decide who sees safeguarding concerns. "
            "If you did not expect this, check /setup and talk to the other leads.")


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

SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side and nothing was saved. "
                          "Please try again in a minute. If it keeps happening, "
                          "tell a facilitator.")

PLATFORM_UNREADABLE = ("Sorry, I couldn't read what the app sent me for that, so nothing "
                       "was done. Please try again. If it keeps happening, tell a "
                       "facilitator.")


# ---- slack -------------------------------------------------------------------------------

SLACK_YES = N_("Yes")
SLACK_NO = N_("No")
SLACK_PICK_ONE = N_("Choose one")
SLACK_CANCEL = N_("Cancel")
SLACK_CLOSE = N_("Close")
# A form's yes-or-no question on Discord, where a modal holds only text inputs: the
# words the core reads are "yes" and "no" in every language.
FORM_YES_OR_NO = N_("yes or no")


def form_one_of(choices: Sequence[str]) -> str:
    """A form's choice question on Discord: the choices, as a hint."""
    return _("One of: {choices}").format(choices=plain_list(choices))
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


def _file_words(names: Sequence[str]) -> str:
    if len(names) == 1:
        return f"the file {names[0]}"
    return "the files " + ", ".join(names[:-1]) + " and " + names[-1]


def slack_files_sent_by_dm(names: Sequence[str]) -> str:
    """A private reply whose files went by direct message (Slack shares a file with
    everyone in a channel, so a reply only one person sees cannot carry it)."""
    return (f"I've sent you {_file_words(names)} in a direct message: look in my "
            "Messages tab. (Slack can't attach files to a reply only you can see.)")


def slack_files_not_sent(names: Sequence[str]) -> str:
    """The direct message with a private reply's files could not be sent."""
    return (f"I couldn't send you {_file_words(names)}: Slack can't attach files to a "
            "reply only you can see, and my direct message to you didn't go through. "
            "Please try again in a minute.")


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
DISCORD_MEMBERS_INTENT_NEEDED = (
    "Discord would not list the server's members, so the bot cannot find who holds the "
    "lead role. Turn on “Server Members Intent” for the bot (Developer Portal, your "
    "application, Bot, Privileged Gateway Intents); see docs/discord.md")
DISCORD_MEMBERS_UNREACHABLE = "Discord did not answer the question of who holds a role"
SLACK_USERGROUPS_UNREADABLE = (
    "Slack would not list the user groups or their members, so the bot cannot find who is "
    "in the leads' user group. Check the app has the usergroups:read and users:read "
    "scopes (see docs/slack.md)")
SLACK_PEOPLE_UNREACHABLE = "Slack did not answer the question of who is in a user group"


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


# ---- polls -------------------------------------------------------------------------------

# Said by polls and by the agreement's votes on a change (the rest of polls' words are in
# bot/features/polls/wording.py).
# What cannot hold, said before anyone votes (docs/threat-model.md, polls).
VOTE_SECRECY_LIMIT = N_("One limit: a person who runs the bot's server, or gets its files "
                        "and key while the vote is open, could work out some votes.")
POLL_VOTE_LOCKED = N_(
    "Your earlier vote is counted, but I can't change it now: the bot restarted since you "
    "voted, and by design nothing it stores can tell which way you voted.")


# ---- dates and times people type ------------------------------------------------------
# Said by bot/dates.py for every command that reads a date or time; the meetings
# feature's own wording is in bot/features/meetings/wording.py.

WHEN_EXAMPLES = ('"next Tuesday 6pm", "tomorrow 10:30", "in 2 hours", "Friday 14:00" '
                 'or "2026-12-01 18:00"')


def meeting_when_needs_time(text: str) -> str:
    """A "when" with a day but no time of day."""
    text = echo(text)
    return (f"“{text}” needs a time of day too, like “{text} 6pm” or “{text} 18:00”. "
            f"These work: {WHEN_EXAMPLES}.")


def meeting_time_skipped(clock: str, zone: str) -> str:
    """A wall-clock time that the clocks skip on that day."""
    return (f"{clock} does not happen on that day in {zone}, because the clocks go "
            "forward. Please choose another time.")


SLACK_HTTP_ONLY = "--http: only the Slack adapter takes requests over HTTP; use --platform slack."


def slack_http_bad(value: str) -> str:
    """A `--http` value that is not HOST:PORT."""
    return (f"--http {value}: expected HOST:PORT, like 0.0.0.0:3000 "
            "(the port a number from 1 to 65535).")


def key_file_unusable(where: str, path: str, reason: str) -> str:
    """The console's key file cannot be made or read (a config problem, exit code 2)."""
    return (f"{where}: the encryption key file {path} cannot be made or read ({reason}). "
            "Check that its folder exists and that you may write there, or set "
            "COPROD_ENCRYPTION_KEY.")


def record_flags_only(flags: str) -> str:
    """Flags of the recording platform given for another platform."""
    return (f"{flags}: these are for the recording platform only (a tool for tests); add "
            "--platform record, or leave them out.")


def record_latency_bad(value: int) -> str:
    """A `--send-latency-ms` out of range."""
    return (f"--send-latency-ms {value}: must be from 0 to 600000 milliseconds "
            "(ten minutes).")


def record_path_empty(flag: str) -> str:
    """An empty file name for a recording flag."""
    return f"{flag}: needs a file name (or - for standard input, with --input)."


# ---- start-up and operator errors -----------------------------------------------------------
# One line each, on stderr, saying what is wrong and what to do; nothing has been changed.

def _start_empty(database: str) -> str:
    """How to start afresh instead: a file is moved away; a PostgreSQL database is not."""
    if database.startswith(("postgresql:", "postgres:")):
        return ("point COPROD_DATABASE_URL at an empty PostgreSQL database to start "
                "afresh")
    return f"move {database} away to start with an empty database"


def database_other_key(database: str, key_source: str, opening_key_file: str = "") -> str:
    """Nothing the database holds opens with the configured key (it was made with
    another one). `opening_key_file`: a key file found beside it that does open it."""
    fix = (f"Start coprod with the key it was made with, or {_start_empty(database)}.")
    if opening_key_file:
        fix = (f"The key in {opening_key_file} opens it: put that key in "
               f"COPROD_ENCRYPTION_KEY (or set [bot] key_file = \"{opening_key_file}\"), "
               f"or {_start_empty(database)}.")
    return (f"The database {database} was made with another encryption key, so what it "
            f"holds cannot be read with {key_source}. {fix} Nothing was changed.")


def database_partly_other_key(database: str, key_source: str) -> str:
    """Some of what the database holds needs a key that is no longer configured."""
    return (f"Some of what the database {database} holds was encrypted with a key that is "
            f"not in {key_source} (perhaps an old key was taken out before `coprod "
            "rotate-key` finished). Put that key back after the new one, separated by a "
            "comma, and start again. Nothing was changed.")


def database_key_file_missing(database: str, key_file: str) -> str:
    """The console's key file is gone but its database holds encrypted data."""
    return (f"The database {database} holds encrypted data, but its key file {key_file} "
            f"is missing. Put {key_file} back (from a backup), or "
            f"{_start_empty(database)}. Nothing was changed.")


def database_newer(database: str, version: int, known: int) -> str:
    """The database was migrated by a newer coprod-bot than this one."""
    return (f"The database {database} was used by a newer version of coprod-bot (it is at "
            f"schema version {version}; this version knows up to {known}). Run the newer "
            "version (git pull, then make run), or use another database. Nothing was "
            "changed.")


_UNREACHABLE_DATABASE = {
    "refused": "nothing answered there. Check that PostgreSQL is running and that the "
               "host and port are right",
    "no_host": "its host name could not be found. Check the host name and this "
               "computer's network connection",
    "timeout": "it did not answer in time. Check that the server is up and that this "
               "computer can reach it",
    "login": "it refused the user name or password. Check them",
    "no_database": "there is no database of that name on the server. Create it (for "
                   "example with createdb) or correct the name",
}


def postgres_unreachable_why(reason: str, detail: str) -> str:
    """Why PostgreSQL could not be reached, and what to check, for any command's line."""
    return _UNREACHABLE_DATABASE.get(reason, f"the connection failed ({detail}). Check the URL")


def database_unreachable(where: str, database: str, reason: str, detail: str) -> str:
    """PostgreSQL could not be reached or refused us (`where` names the setting)."""
    why = postgres_unreachable_why(reason, detail)
    return (f"Could not connect to PostgreSQL at {database} ({where}): {why}, then start "
            "coprod again.")


def database_unusable(database: str, problem: str) -> str:
    """Any other problem opening the database, in the storage layer's words."""
    return f"coprod cannot use the database {database}: {problem}."


def database_unreadable(key_source: str) -> str:
    """Stored data turned out unreadable while running (the start-up check missed it)."""
    return (f"Some stored data could not be read with {key_source}: it was encrypted with "
            "another key. If the key was changed, put the new key first and the old one "
            "after it, separated by a comma, and start again.")


def database_fine(database: str) -> str:
    """`coprod check-config` opened the database and the key reads it."""
    return f"database {database} (its data opens with this key)"


def database_not_made_yet(database: str) -> str:
    """`coprod check-config` with no database file yet."""
    return f"database {database} (not made yet; the first start makes it)"


def console_log_written(path: str) -> str:
    """After a console session that logged something (kept out of the chat)."""
    return f"Log lines from this session are in {path}."


_PLATFORM_NAMES = {"discord": "Discord", "slack": "Slack"}
_UNREACHABLE_PLATFORM = {
    "name": "its name could not be looked up",
    "refused": "the connection was refused",
    "timeout": "it did not answer in time",
    "tls": "the secure connection failed",
    "server": "it answered with an error",
}


def platform_unreachable(platform: str, host: str, reason: str, detail: str) -> str:
    """Discord or Slack could not be reached at start-up."""
    name = _PLATFORM_NAMES.get(platform, platform.title())
    why = _UNREACHABLE_PLATFORM.get(reason, f"the connection failed ({detail})")
    if reason == "server" and detail:
        why += f" ({detail})"
    return (f"Could not reach {name} at {host}: {why}. Check this computer's internet "
            f"connection (and [{platform}] api_base, if you set one), then start coprod "
            "again. Nothing was changed.")


def token_refused(platform: str, setting: str, detail: str) -> str:
    """Discord or Slack said no to a token at start-up."""
    if setting == "DISCORD_TOKEN":
        return DISCORD_BAD_TOKEN
    if setting == "SLACK_APP_TOKEN":
        return (f"Slack refused the app-level token ({detail}). Check SLACK_APP_TOKEN: it "
                "starts with xapp-, has the connections:write scope, and is on your app's "
                "Basic Information page under App-Level Tokens (see docs/slack.md).")
    return slack_token_refused(detail)


# ---- concerns (safeguarding) ----------------------------------------------------------------
# The rest of the concerns wording is in bot/features/concerns/wording.py; this label
# stays here because the console adapter finds the shortcut by it.

CONCERN_SHORTCUT_LABEL = "Raise a safeguarding concern"  # 28 characters (Discord: 32 max)


# ---- the agreement's button, which the welcome offers too ----------------------------------
# The rest of the welcome's, agreement's, resources' and prompts' words are in their
# packages (`bot/features/<feature>/wording.py`).

AGREEMENT_SHOW_BUTTON = "Show the agreement"


# ---- data protection: coprod export, erase and rotate-key; retention -----------------------
# The export is read by the member it is about; the rest by whoever runs the bot. Plain
# words; say what is true of the code (see docs/privacy.md).

EXPORT_FORMAT = "coprod-member-export/1"
EXPORT_ABOUT: tuple[str, ...] = (
    "This is everything the bot holds that is linked to you, as of the time above.",
    "Words you wrote are shown as you wrote them. The bot stores them encrypted.",
    "Times are in UTC. \"group\" is the id of the Discord server or Slack workspace.",
)
EXPORT_NOT_INCLUDED: tuple[str, ...] = (
    "Anonymous feedback is not here: the bot never stores who wrote a piece of feedback, "
    "so nothing links it to you.",
    "Your votes in anonymous polls and on changes to the group agreement are not here: "
    "the bot stores only that someone voted, in a form that does not hold your id, and "
    "the counts, so nothing links a choice to you.",
    "Safeguarding concerns you raised anonymously without asking to be contacted are not "
    "here: the bot kept nothing that links them to you.",
    "A direct message the bot offered to raise as a concern (kept at most a day until you "
    "chose) is not here: it is kept without your id, locked to you by a code that only "
    "your own copy of the bot's question holds.",
    "Safeguarding records about you, and notes the safeguarding leads wrote on cases, are "
    "not part of this export. To ask about them, speak to the group's safeguarding lead.",
    "Messages the bot has already delivered are not here: it drops their words once they "
    "are delivered. Discord or Slack keeps its own copy of your conversations.",
)
EXPORT_SECTION_TITLES: dict[str, str] = {
    "time_zones": "Your own time zone, if you set one (for meeting times).",
    "language": "The language you chose for the bot to write to you in (/language).",
    "checkin_settings": "Your check-in settings: on or off, how often, when, quiet hours "
                        "and pauses.",
    "checkins": "Check-ins the bot sent you, your answers and your private notes.",
    "one_to_one_requests": "Your requests for a one-to-one, with your note.",
    "buddy_membership": "Whether you joined buddy pairing.",
    "buddy_avoids": "People you asked never to be paired with (only you and the bot know).",
    "buddy_rounds": "Buddy rounds you were paired in, and with whom.",
    "meeting_rsvps": "Your answers to meeting invitations.",
    "meeting_reminder_optins": "Meetings you asked to be reminded about by direct message.",
    "agenda_items": "Points you added to meeting agendas.",
    "action_items": "Action items you own or marked done.",
    "minutes_written": "Minutes you wrote (the minutes themselves are the group's record).",
    "meetings_created": "Meetings you set up.",
    "agreement_reads": "Versions of the group agreement you read and accepted.",
    "named_poll_votes": "Your votes in polls that were not anonymous (your name was shown "
                        "with them).",
    "concerns_raised": "Safeguarding concerns you raised where you gave your name or asked "
                       "to be contacted: what you wrote, and where the case stands.",
    "known_facilitator": "The bot's note that you are one of the group's facilitators.",
    "known_safeguarding_lead": "The bot's note that you are one of the group's "
                               "safeguarding leads.",
    "group_settings_changed": "Group settings you changed with /setup.",
    "resources_added": "Resources you added to the group's shared list.",
    "welcome_text_changed": "The group's welcome text, if you were the last to change it.",
    "feedback_hidden": "Feedback you kept out of a digest, as a facilitator (not who wrote "
                       "it: nobody knows that).",
    "messages_waiting": "Messages to you that the bot has not delivered yet.",
}


def member_id_bad(raw: str) -> str:
    """`coprod export/erase --member` with something that is not a member id."""
    return (f"--member: “{raw}” is not a member id. Use the platform's id for them "
            "(Discord: a long number, from right-click > Copy User ID; Slack: like "
            "U0123ABCD; the console: their name, like alice).")


def group_id_bad(raw: str) -> str:
    """`--group` with something that is not a group id."""
    return (f"--group: “{raw}” is not a group id. Use the Discord server id, the Slack "
            "workspace id (like T0123ABCD), or demo for the console.")


def export_written(member: str, count: int, where: str) -> str:
    """`coprod export` wrote the file."""
    if not count:
        return (f"Wrote what the bot holds about member {member} to {where}: nothing is "
                "linked to them. The file says so, and lists what the bot never links to anyone.")
    return (f"Wrote what the bot holds about member {member} ({count} "
            f"record{'' if count == 1 else 's'}) to {where}, readable only by you. It may "
            "include their private notes: give it to them privately, then delete your copy.")


def export_not_written(where: str, reason: str) -> str:
    """`coprod export --out` somewhere that cannot be written."""
    return (f"Could not write {where} ({reason}). Nothing was written; choose another "
            "place with --out.")


def erase_preview(member: str, group: str | None, counts: dict[str, int],
                  raised: int) -> str:
    """`coprod erase`, before asking: what the bot holds about the member."""
    where = f"in group {group}" if group else "in every group"
    kept = (f"\nKept whatever happens: {raised} safeguarding "
            f"case{'' if raised == 1 else 's'} they raised." if raised else "")
    if not counts:
        return (f"The bot holds nothing linked to member {member} {where} that erasing "
                "would remove. Erasing again is safe: it changes nothing and is recorded."
                + kept)
    lines = [f"The bot holds these records linked to member {member} {where}:"]
    lines += [f"  {name}: {n}" for name, n in counts.items()]
    lines.append("Erasing deletes them, or removes the member from records the group keeps "
                 "(minutes, action items, settings changes). Safeguarding records are kept."
                 + kept)
    return "\n".join(lines)


ERASE_CONFIRM = "Type yes to erase, or anything else to stop: "


def erase_unknown_member(member: str, group: str | None) -> str:
    """`coprod erase --member` with an id the bot has never held anything about."""
    where = f" in group {group}" if group else ""
    return (f"The bot knows no member {member}{where}: it holds nothing about them and has "
            "never erased them. Check the id (coprod export --member shows what is held). "
            "Nothing was erased.")


ERASE_CANCELLED = "Stopped: nothing was erased."


def erase_done(member: str, erasure_id: int, deleted: dict[str, int],
               anonymised: dict[str, int], by: str) -> str:
    """`coprod erase` finished: counts per table, never what was erased."""
    lines = [f"Erased member {member} (erasure record {erasure_id}, run by {by})."]
    if deleted:
        lines.append("Deleted: " + ", ".join(f"{t} {n}" for t, n in deleted.items()) + ".")
    if anonymised:
        lines.append("Member removed from records the group keeps: "
                     + ", ".join(f"{t} {n}" for t, n in anonymised.items()) + ".")
    if not deleted and not anonymised:
        lines.append("There was nothing left to erase.")
    return "\n".join(lines)


def erase_kept(kept: dict[str, int]) -> str:
    """`coprod erase`: the safeguarding records kept, and why."""
    if not kept:
        return "No safeguarding records involve this member."
    return ("Kept: safeguarding records that involve this member ("
            + ", ".join(f"{t} {n}" for t, n in kept.items()) + "): cases they raised, "
            "cases about them, and cases, notes and audit entries they worked on as a lead. "
            "Safeguarding procedures require these to be kept even when someone asks to be "
            "forgotten, so that a concern can be followed up and how it was handled can be "
            "shown. Only the safeguarding leads can see them. They are deleted with the "
            "case: by a lead (/case delete), or by [retention] closed_cases_days once the "
            "case is closed.")


ERASE_RUNNING_BOT = ("It is safe to erase while the bot runs. If the member is still in the "
                     "group, the bot starts storing new things about them when they next "
                     "use it.")

ROTATE_ENV_ONE_KEY = (
    "COPROD_ENCRYPTION_KEY holds one key, so there is no new key to move to. Make one with "
    "`coprod generate-key`, set COPROD_ENCRYPTION_KEY=NEW,OLD (the new key, a comma, then "
    "the current key), restart the bot, then run coprod rotate-key again.")


def rotate_no_key(path: str) -> str:
    """`coprod rotate-key` with no key anywhere."""
    return (f"There is no key to change: COPROD_ENCRYPTION_KEY is not set and there is no "
            f"key file at {path}.")


def rotate_new_key(path: str) -> str:
    """`coprod rotate-key`: the new key is in place."""
    return (f"Step 1 of 3: the key file {path} now holds a new key, with the old key after "
            "it. A running bot notices by itself: it writes with the new key and can still "
            "read the old.")


def rotate_resuming(path: str) -> str:
    """`coprod rotate-key` after one that did not finish."""
    return (f"Step 1 of 3: the key file {path} already holds a new key and the old one (an "
            "earlier rotation did not finish), so this finishes it.")


ROTATE_WORKING = ("Step 2 of 3: re-encrypting every stored field with the new key, a batch "
                  "at a time. The bot keeps running.")


def rotate_done_file(path: str, count: int) -> str:
    """`coprod rotate-key` finished with a key file."""
    return (f"Step 3 of 3: done. {count} stored value{'' if count == 1 else 's'} "
            f"{'was' if count == 1 else 'were'} re-encrypted, and every one opens with the new "
            f"key alone. The key file {path} now holds only the new key, so the old key opens "
            "nothing in this database. Backups made before now still need the old key: "
            "keep it with them, or delete them.")


def rotate_done_env(count: int) -> str:
    """`coprod rotate-key` finished with keys from the environment."""
    return (f"Done: {count} stored value{'' if count == 1 else 's'} "
            f"{'was' if count == 1 else 'were'} re-encrypted, and every one opens with the "
            "first key in COPROD_ENCRYPTION_KEY alone. Now set COPROD_ENCRYPTION_KEY to that "
            "key only (remove the comma and the old key) and restart the bot; then the old "
            "key opens nothing in this database.")


def rotate_unreadable(columns: dict[str, int]) -> str:
    """`coprod rotate-key`: values that no key opens (already unreadable before)."""
    total = sum(columns.values())
    return (f"Note: {total} stored value{'' if total == 1 else 's'} open with none of the "
            "keys (" + ", ".join(f"{c} {n}" for c, n in columns.items()) + "). They could "
            "not be read before either, and were left as they were.")


def rotate_incomplete(count: int) -> str:
    """`coprod rotate-key` could not finish: the old key stays."""
    return (f"Stopped: {count} stored value{'' if count == 1 else 's'} still open only with "
            "the old key after several passes. Is another bot writing with the old key only "
            "(say one started with COPROD_ENCRYPTION_KEY)? Both keys stay where they are, so "
            "nothing is lost; run coprod rotate-key again.")


ROTATE_NOT_COMPACTED = ("Note: the database was too busy to be compacted, so its free space "
                        "may still hold old encrypted copies. Run coprod rotate-key again "
                        "when the bot is quiet (it moves to another new key and compacts).")
