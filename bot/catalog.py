"""Every sentence the core says to people; each feature package keeps its own sentences
in its `wording.py` (check-ins: `bot/features/checkins/wording.py`), under the same rules.

Kept together so the wording can be read for plain language and kindness in one sitting,
and translated (the "coprod" catalog, bot/locales/). Rules for this file: short
sentences, everyday words, say what happened and what to do next, never blame the
person, no meaning carried by emoji alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.i18n import Domain
from bot.i18n import Said
from bot.i18n import and_list
from bot.i18n import or_list
from bot.i18n import plain_list
from bot.i18n import tr
from bot.text import echo
from bot.typed_words import no_words
from bot.typed_words import shown
from bot.typed_words import yes_words

# The core's catalog domain ("coprod", bot/locales/): everything members and the console
# user read goes through it. Lines for whoever runs the bot (the command line, start-up)
# stay plain English on purpose (docs/translating.md); /setup's own words are the setup
# feature's to convert.
_domain = Domain("coprod", __file__)
_, ngettext, N_ = _domain.functions()

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


def command_group(top: str, name: str) -> str:
    """A group of subcommands' description on Discord (`/meeting x` beside `/meeting x
    y`), declared when commands are registered: `tr` gives it in each language."""
    return Said(lambda: _("/{top} {name} commands").format(top=top, name=name), _domain)


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


CONSOLE_PARAGRAPH_HINT = N_("type as many lines as you need, then an empty line to finish")


# ---- the console (a practice chat in a terminal: adapters/console) -------------------------
# Said in the language of the member you are acting as; controls (:help, :as) and the
# prompt ("alice in #general>") stay as they are typed.

CONSOLE_WELCOME_HINT = N_("Type /help to see the bot's commands, :help for console "
                          "controls, and Ctrl-D (or :quit) to leave.")
CONSOLE_GOODBYE = N_("Goodbye! Run coprod again to come back; what the group saved is kept.")
CONSOLE_PLAIN_IN_CHANNEL = N_(
    "In a channel the bot only reads commands, which start with a slash, like /help. To "
    "write to the bot privately, type :dm and your message (or just :dm to move into your "
    "direct messages with it).")
CONSOLE_PROBLEM = N_("Sorry, the console couldn't handle that line because of a problem on "
                     "its side. Please try again; if it keeps happening, tell whoever runs "
                     "this bot.")
CONSOLE_FORM_CLOSED = N_("Form closed, nothing was sent.")
# A member's roles, as the console lists them.
CONSOLE_ROLE_WORDS = {"facilitator": N_("facilitator"), "lead": N_("lead"),
                      "admin": N_("admin"), "member": N_("member")}


def console_welcome(group: str, me: str, where: str, members: Sequence[str]) -> str:
    """What the console says first: the group, who you are, the members."""
    return _("Welcome to {group}, a practice chat with {bot} and pretend members.\n"
             "You are {name}, {where}.\n"
             "Members: {members}.").format(group=group, bot=BOT_NAME, name=me, where=where,
                                           members=plain_list(members))


def console_in_channel(channel: str) -> str:
    """Where you are: a channel."""
    return _("in #{channel}").format(channel=channel)


def console_in_dm() -> str:
    """Where you are: your direct messages with the bot."""
    return _("in your direct messages with {bot}").format(bot=BOT_NAME)


def console_form_replaced(title: str) -> str:
    """A new form opened while another was half filled in."""
    return _("The form “{title}” was closed; nothing from it was sent.").format(title=title)


def console_form_opening(title: str, keys: Sequence[str]) -> str:
    """What is printed when a form opens."""
    return _("Form: {title}\n{intro}\nThe keys for :form are: {keys}.").format(
        title=title, keys=plain_list(keys),
        intro=_("Answer each question on its own line; a question that takes several lines "
                "ends with an empty line. Leave an optional one empty to skip it. Type :form "
                "key=value ... to answer all at once, or :cancel to stop."))


def console_question(number: int, total: int, label: str, details: Sequence[str]) -> str:
    """A form's question, asked on its own line."""
    return _("Question {number} of {total}: {label} ({details})").format(
        number=number, total=total, label=label, details=plain_list(details))


CONSOLE_REQUIRED = N_("required")
CONSOLE_OPTIONAL = N_("optional")


def console_yes_or_no() -> str:
    """How a yes-or-no question is answered."""
    yes, no = shown(yes_words), shown(no_words)
    return _("{yes} or {no}").format(yes=yes, no=no)


def console_one_of(choices: Sequence[str]) -> str:
    """A choice question's choices."""
    return _("one of: {choices}").format(choices=" | ".join(choices))


def console_length(least: int, most: int) -> str:
    """A text question's length limits."""
    if least:
        return _("at least {least} and up to {most} characters").format(least=least,
                                                                         most=most)
    return _("up to {most} characters").format(most=most)


def console_example(example: str) -> str:
    """A question's example answer."""
    return _("for example: {example}").format(example=example)


def console_keep_default(default: str) -> str:
    """A question whose answer is filled in already."""
    return _("press Enter to keep: {default}").format(default=default)


def console_answers_refused(lines: Sequence[str]) -> str:
    """Some of a form's answers were refused: ask those again."""
    return (_("Some answers need another look, so nothing was sent yet:") + "\n"
            + "\n".join("    " + line for line in lines) + "\n"
            + _("Please answer these again, or type :cancel to close the form without "
                "sending it."))


def console_unreadable_answer(word: str, example_key: str) -> str:
    """`:form` with a word that is not key=value."""
    return _("I couldn't read “{word}”. Write each answer as key=value, for example "
             "{key}=\"Some text\".").format(word=word, key=example_key)


def console_no_such_key(name: str, keys: Sequence[str]) -> str:
    """`:form` with a key the form does not have."""
    return _("This form has no question called “{name}”. The keys are: {keys}.").format(
        name=name, keys=plain_list(keys))


# ---- the console's controls (adapters/console/controls.py) -------------------------------
# What each control does, for :help (how to type it and the example stay as typed).
CONSOLE_CONTROLS = N_("Console controls (they change the practice chat, not the group):")
CONSOLE_COMMANDS_HINT = N_("Commands for the bot start with a slash: type /help to see them.")
CONSOLE_DOES = {
    "as": N_("act as another member (a new name adds a member)"),
    "role": N_("give a member a platform role; facilitator and lead mean the group's own "
               "role names"),
    "unrole": N_("take a platform role away"),
    "admin": N_("switch a member's platform admin flag on or off"),
    "join": N_("a new member joins the group (the bot welcomes them)"),
    "in": N_("move to a channel"),
    "dm": N_("move into your direct messages with the bot"),
    "dm-text": N_("send the bot a direct message without moving"),
    "say": N_("write a message in this channel as the member you are (the bot does not "
              "read it)"),
    "report": N_("raise a safeguarding concern about message #N, like “Raise a safeguarding "
                 "concern” on a message in Discord or Slack (no N: the latest message where "
                 "you are)"),
    "press": N_("press a button on the latest message that has it"),
    "press-n": N_("press a button on message #N"),
    "pick": N_("choose in the latest menu (quote choices with spaces)"),
    "form": N_("answer the open form in one line and send it"),
    "cancel": N_("close the open form without sending it"),
    "who": N_("list the members, their roles and where you are"),
    "help": N_("show these controls"),
    "quit": N_("leave the console (Ctrl-D does the same)"),
}

# Examples in :help whose words are the reader's: a button's label, a message, a form's
# answers (its keys stay as the form names them: title, when).
CONSOLE_EXAMPLES = {
    "dm-text": N_(":dm hello"),
    "say": N_(":say I had a hard week"),
    "press": N_(":press Going"),
    "press-n": N_(":press 3 Going"),
    "pick": N_(':pick "Option A"'),
    "form": N_(':form title="Monthly meeting" when="next Friday 18:00"'),
}


def console_control_line(usage: str, does: str, example: str) -> str:
    """One control in :help."""
    return _("{usage}: {does}. Example: {example}").format(usage=usage, does=tr(does),
                                                           example=example)


def console_unknown_control(name: str, close: str | None, controls: Sequence[str]) -> str:
    """A control that does not exist."""
    if close:
        text = _("Sorry, “:{name}” is not a console control. Did you mean :{close}? The "
                 "controls are {controls}. Type :help to see what each one does.")
    else:
        text = _("Sorry, “:{name}” is not a console control. The controls are {controls}. "
                 "Type :help to see what each one does.")
    return text.format(name=name, close=close, controls=and_list(controls))


def console_no_member(name: str, members: Sequence[str], new: str) -> str:
    """A member name that is not one."""
    return _("There is no member called “{name}”. The members are: {members}. To add "
             "someone, type :as {new}.").format(name=name, members=plain_list(members),
                                                new=new)


def console_as_who(members: Sequence[str]) -> str:
    """`:as` alone."""
    return _("Who would you like to be? For example :as carol. The members are: "
             "{members}.").format(members=plain_list(members))


CONSOLE_AS_BAD_NAME = N_("A member's name is one word of letters and digits, like :as zoe.")
CONSOLE_JOIN_BAD_NAME = N_("A member's name is one word of letters and digits, like "
                           ":join dana.")
CONSOLE_JOIN_WHO = N_("Who joins? For example :join dana.")


def console_added(name: str) -> str:
    """`:as` a new name."""
    return _("There was no member called {name}, so I added {name} as a plain member."
             ).format(name=name)


def console_already(name: str, where: str) -> str:
    """`:as` yourself."""
    return _("You are already {name}, {where}.").format(name=name, where=where)


def console_form_stays_open(name: str, title: str, member: str) -> str:
    """`:as` someone else with a form half filled in."""
    return _("{name}'s form “{title}” stays open: type :as {member} to finish it.").format(
        name=name, title=title, member=member)


def console_now(name: str, where: str) -> str:
    """`:as`: who you are now."""
    return _("You are now {name}, {where}.").format(name=name, where=where)


def console_has_form(name: str, title: str) -> str:
    """`:as` someone with a form open."""
    return _("{name} has the form “{title}” open. Carry on answering it, or type :cancel."
             ).format(name=name, title=title)


def console_already_member(name: str) -> str:
    """`:join` a name already taken."""
    return _("{name} is already a member. To add someone new, pick another name.").format(
        name=name)


def console_joined(name: str, member: str) -> str:
    """`:join` done."""
    return _("{name} joined the group as a plain member. Type :as {member} to act as them."
             ).format(name=name, member=member)


def console_you_are(name: str, where: str) -> str:
    """`:who`: who you are."""
    return _("You are {name}, {where}.").format(name=name, where=where)


CONSOLE_MEMBERS = N_("Members:")
CONSOLE_YOU = N_(" (you)")


def console_filling_in(title: str) -> str:
    """`:who`: a member with a form open."""
    return _(", filling in “{title}”").format(title=title)


CONSOLE_WHICH_CHANNEL = N_("Which channel? Write its name without spaces, for example "
                           ":in updates.")


def console_now_in(channel: str) -> str:
    """`:in` done."""
    return _("You are now in #{channel}.").format(channel=channel)


def console_now_in_dm(home: str) -> str:
    """`:dm` alone."""
    return _("You are now in your direct messages with {bot}. Whatever you type here goes "
             "to the bot, and only you see its answers. Type :in {home} to go back."
             ).format(bot=BOT_NAME, home=home)


def console_say_in_dm(home: str) -> str:
    """`:say` in the direct messages."""
    return _("You are in your direct messages with {bot}, where whatever you type goes to "
             "the bot. To write in a channel, type :in {home} first.").format(bot=BOT_NAME,
                                                                              home=home)


CONSOLE_SAY_WHAT = N_("What would you like to say? For example :say Hello everyone.")


def console_no_message_here(where: str) -> str:
    """`:report` where nothing was said."""
    return _("There is no message {where} yet. Say which one, for example :report 4."
             ).format(where=where)


CONSOLE_NO_CONCERNS = N_("This bot has no safeguarding concerns, so there is nothing to "
                         "report a message to.")
CONSOLE_REPORT_WHICH = N_("Which message? Write its number, for example :report 4 (or just "
                          ":report for the latest message where you are).")


def console_no_message(number: str) -> str:
    """A message number not shown yet."""
    return _("There is no message #{number} yet.").format(number=number)


def console_not_shown_to(number: int, owner: str, name: str) -> str:
    """`:report` a message someone else was shown privately."""
    return _("Message #{number} was shown only to {owner}, so {name} can't see it.").format(
        number=number, owner=owner, name=name)


def console_no_roles_set(alias: str) -> str:
    """`:role bob facilitator` before the group has facilitator (or lead) roles."""
    if alias == "lead":
        text = _("This group has no lead roles set up yet. A facilitator or admin can set "
                 "them with /setup lead_roles=NAME.")
    else:
        text = _("This group has no facilitator roles set up yet. A facilitator or admin "
                 "can set them with /setup facilitator_roles=NAME.")
    return text


CONSOLE_WHICH_ROLE = N_("Which role? For example :role bob facilitator.")


def console_who_and_role(control: str) -> str:
    """`:role` or `:unrole` without both words."""
    return _("Please say who and which role, for example :{control} bob facilitator."
             ).format(control=control)


def console_roles_now(name: str, roles: Sequence[str]) -> str:
    """A member's roles after a change."""
    return _("{name} is now: {roles}.").format(name=name, roles=plain_list(roles))


def console_has_role(name: str, role: str) -> str:
    """`:role` a role already held."""
    return _("{name} already has the role {role}.").format(name=name, role=role)


def console_gave_role(name: str, role: str) -> str:
    """`:role` done."""
    return _("Gave {name} the role {role}.").format(name=name, role=role)


def console_lacks_role(name: str, role: str, have: Sequence[str]) -> str:
    """`:unrole` a role not held."""
    if not have:
        return _("{name} doesn't have the role {role} ({name} has: no roles).").format(
            name=name, role=role)
    return _("{name} doesn't have the role {role} ({name} has: {have}).").format(
        name=name, role=role, have=plain_list(have))


def console_took_role(name: str, role: str) -> str:
    """`:unrole` done."""
    return _("Took the role {role} from {name}.").format(name=name, role=role)


CONSOLE_ADMIN_WHO = N_("Whose admin flag? For example :admin bob.")


def console_admin(name: str, admin: bool) -> str:
    """`:admin` done."""
    if admin:
        return _("{name} is now a platform admin.").format(name=name)
    return _("{name} is no longer a platform admin.").format(name=name)


def console_cannot_press(number: int, owner: str, name: str, user: str) -> str:
    """`:press` on a message someone else was shown privately."""
    return _("Message #{number} was shown only to {owner}, so {name} can't press its "
             "buttons. Type :as {user} to act as {owner}.").format(
        number=number, owner=owner, name=name, user=user)


CONSOLE_NO_BUTTONS = N_("There are no buttons to press yet.")


def console_message_has_no_buttons(number: int) -> str:
    """`:press N` on a message without buttons."""
    return _("Message #{number} has no buttons.").format(number=number)


def console_no_such_button(label: str, number: int, labels: str) -> str:
    """`:press` a label no button has."""
    return _("I couldn't find a button called “{label}”. Message #{number} has these: "
             "{labels}.").format(label=label, number=number, labels=labels)


CONSOLE_PRESS_WHICH = N_("Which button? For example :press Going, or :press 3 Going.")


def console_not_a_choice(word: str, choices: Sequence[str]) -> str:
    """`:pick` something not offered."""
    return _("“{word}” is not one of the choices. The choices are: {choices}.").format(
        word=word, choices=" | ".join(choices))


CONSOLE_NO_MENU = N_("There is no menu to choose from yet.")


def console_pick_what(example: str) -> str:
    """`:pick` alone."""
    return _("Please say what you choose, for example :pick {example}.").format(
        example=example)


def console_pick_count(least: int, most: int) -> str:
    """`:pick` too few or too many."""
    return _("Please choose from {least} to {most} of the choices.").format(least=least,
                                                                           most=most)


def console_no_form(name: str) -> str:
    """`:form` or `:cancel` with no form open."""
    return _("{name} has no form open right now.").format(name=name)


def console_answer_needed(label: str) -> str:
    """A required question left empty."""
    return _("“{label}” is needed. Please write an answer, or :cancel to stop.").format(
        label=label)


def console_form_how(keys: Sequence[str]) -> str:
    """`:form` alone."""
    return _("Write the answers after :form, like :form {answers}.").format(
        answers=" ".join(f"{k}=..." for k in keys))


# A form's submit button when the feature names none.
FORM_SEND = N_("Send")


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

# /setup's own sentences are the setup feature's: bot/features/setup/wording.py. The
# "Saved" line is here (translated with the group language setting).


def setup_saved(keys: Sequence[str]) -> str:
    """Confirmation after /setup changed something (the group's language among them)."""
    return _("Saved: {keys}. Type /setup to see all the settings.").format(
        keys=plain_list(keys))


def setting_bad_timezone(value: str, suggestion: str | None) -> str:
    """A time zone we do not know (in /setup and in config)."""
    value = echo(value)
    if value and suggestion:
        text = _("“{value}” is not a time zone I know; did you mean {suggestion}? Use a "
                 "name like Europe/London, America/New_York or UTC")
    elif value:
        text = _("“{value}” is not a time zone I know. Use a name like Europe/London, "
                 "America/New_York or UTC")
    elif suggestion:
        text = _("a time zone is needed; did you mean {suggestion}? Use a name like "
                 "Europe/London, America/New_York or UTC")
    else:
        text = _("a time zone is needed. Use a name like Europe/London, America/New_York "
                 "or UTC")
    return text.format(value=value, suggestion=suggestion)


def setting_bad_channel() -> str:
    """A channel setting that cannot be a channel."""
    return _('must be a channel name or id without spaces, like "updates" '
             'or "C0123ABC" (no symbols such as @ < > | either)')


def setting_bad_roles() -> str:
    """A role list that is not one."""
    return _('must be a list of role names (each up to 100 characters), like '
             '["Facilitator"]')


SETTING_LANGUAGE = N_("the language of the group's posts, and of each member who has not "
                      "chosen their own with /language")
# What each group setting is for (`bot.settings`: /setup's options, its overview and
# /help setup).
SETTING_TIMEZONE = N_("the group's time zone, used when a member has not set their own")
SETTING_UPDATES_CHANNEL = N_("where reminders, minutes, polls and announcements are posted")
# A channel only one feature needs is described by that feature (`FeaturePackage.
# channel_description`: feedback's feedback_channel, concerns' leads_channel).
SETTING_FACILITATOR_ROLES = N_("platform roles whose members are facilitators")
SETTING_LEAD_ROLES = N_("platform roles whose members are safeguarding leads")
SETTING_FEATURES = N_("the features switched on")
# TRANSLATORS: the value of the "features" setting when every feature is switched off.
SETTING_NO_FEATURES = N_("none")


def setting_bad_language(known: Sequence[str]) -> str:
    """A group language we have no translation for (in /setup and in config)."""
    return _("must be one of the languages the bot speaks: {languages}").format(
        languages=or_list(known))


def setting_bad_features(unknown: Sequence[str], known: Sequence[str]) -> str:
    """Feature names we do not know."""
    if unknown:
        return _("there is no feature called {unknown}; the features are {known}").format(
            unknown=plain_list([echo(u, 40) for u in unknown]), known=plain_list(known))
    return _('must be a list of feature names, like ["feedback", "meetings"]')


# ---- home ------------------------------------------------------------------------------

def home_intro(name: str) -> str:
    """The top of a member's own overview."""
    return _("Hello {name}. This is your own page: only you can see it. "
             "Type /help in the group to see what you can do.").format(name=name)


# ---- direct messages ---------------------------------------------------------------------

DM_NOT_A_COMMAND = N_("Hello! I'm the group's helper bot. I only understand commands "
                      "here. Type /help to see what you can do.")


# ---- generic -----------------------------------------------------------------------------

SOMETHING_WENT_WRONG = N_("Sorry, something went wrong on my side and nothing was saved. "
                          "Please try again in a minute. If it keeps happening, "
                          "tell a facilitator.")

PLATFORM_UNREADABLE = N_("Sorry, I couldn't read what the app sent me for that, so "
                         "nothing was done. Please try again. If it keeps happening, tell "
                         "a facilitator.")


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
SLACK_FORM_DONE_TITLE = N_("Done")
SLACK_HELP_COMMAND = "See what you can do with the group's helper bot, or run any of its commands."
SLACK_HELP_HINT = "help, or a command like: setup timezone=Europe/London"
SLACK_FORM_TOO_SLOW = N_("Sorry, that took me too long and Slack closed the form before "
                         "it opened. Nothing was saved. Please run the command again.")


def slack_command_group(name: str, subcommands: Sequence[str]) -> str:
    """What a slash command with only subcommands offers (Slack's command list)."""
    return (f"{name.title()}: " + ", ".join(dict.fromkeys(subcommands))
            + f". Type /{name} help to learn more.")


def slack_image_alt(alt_text: str) -> str:
    """An image in a private reply, which Slack cannot show only to one person."""
    return _("(Picture: {alt_text})").format(alt_text=alt_text)


def slack_files_sent_by_dm(names: Sequence[str]) -> str:
    """A private reply whose files went by direct message (Slack shares a file with
    everyone in a channel, so a reply only one person sees cannot carry it)."""
    return ngettext("I've sent you the file {files} in a direct message: look in my "
                    "Messages tab. (Slack can't attach files to a reply only you can see.)",
                    "I've sent you the files {files} in a direct message: look in my "
                    "Messages tab. (Slack can't attach files to a reply only you can see.)",
                    len(names)).format(files=and_list(names))


def slack_files_not_sent(names: Sequence[str]) -> str:
    """The direct message with a private reply's files could not be sent."""
    return ngettext("I couldn't send you the file {files}: Slack can't attach files to a "
                    "reply only you can see, and my direct message to you didn't go "
                    "through. Please try again in a minute.",
                    "I couldn't send you the files {files}: Slack can't attach files to a "
                    "reply only you can see, and my direct message to you didn't go "
                    "through. Please try again in a minute.",
                    len(names)).format(files=and_list(names))


# ---- discord -----------------------------------------------------------------------------

DISCORD_CONTINUE = N_("Continue")
DISCORD_TRY_AGAIN = N_("Try again")
DISCORD_OPEN_FORM = N_("Open the form")
DISCORD_FORM_READY = N_("Press “Open the form” to fill it in. Only you can see this.")
DISCORD_DONE = N_("Done.")
DISCORD_NO_SHARED_GROUP = N_("Hello! I can't tell which group you belong to, because we "
                             "don't share a server I know. Please write to me from your "
                             "group's server, or ask a facilitator for help.")


def discord_step_saved(step: int, total: int) -> str:
    """A long form on Discord is split into parts; one part was filled in."""
    return _("Part {step} of {total} is saved, but nothing is sent yet. "
             "Press “Continue” for the next part.").format(step=step, total=total)


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
                     ".env as DISCORD_TOKEN=... Nothing was changed.")


def slack_token_refused(reason: str) -> str:
    """Slack refused the bot token at start-up."""
    return (f"Slack refused the bot token ({reason}). Check SLACK_BOT_TOKEN: it starts "
            "with xoxb- and is on your app's OAuth & Permissions page (see docs/slack.md).")


def slack_unreachable(error: str) -> str:
    """Slack could not be reached at start-up."""
    return (f"Could not reach Slack ({error}). Check the internet connection, or "
            "[slack] api_base if you set one, then start the bot again.")


# ---- dates and times people type ------------------------------------------------------
# Said by bot/dates.py for every command that reads a date or time; the meetings
# feature's own wording is in bot/features/meetings/wording.py.

# Examples of times the reader's language reads (bot/dates.py reads English always).
WHEN_EXAMPLES = N_('"next Tuesday 6pm", "tomorrow 10:30", "in 2 hours", "Friday 14:00" '
                   'or "2026-12-01 18:00"')


def when_needs_time(text: str) -> str:
    """A "when" with a day but no time of day."""
    return _("“{text}” needs a time of day too, like “{text} 6pm” or “{text} 18:00”. "
             "These work: {examples}.").format(text=echo(text), examples=tr(WHEN_EXAMPLES))


def time_skipped(clock: str, zone: str) -> str:
    """A wall-clock time that the clocks skip on that day."""
    return _("{clock} does not happen on that day in {zone}, because the clocks go "
             "forward. Please choose another time.").format(clock=clock, zone=zone)


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


def database_started(database: str) -> str:
    """`coprod run` on Discord or Slack found no database there and made a new one."""
    return (f"Started a new, empty database: {database}. If you meant to keep using an "
            "existing one, stop the bot and check [bot] database or "
            "COPROD_DATABASE_URL.")


def retention_undeclared(package: str, cutoff: str) -> str:
    """A storage package deletes old records by a retention cutoff that no running
    feature gives a period for (a mistake in the code, not in the config)."""
    return (f"coprod cannot start: the storage package storage/{package}/ declares the "
            f"retention cutoff \"{cutoff}\", but no running feature says how long to keep "
            f"those records. Add \"{cutoff}\" to the `retention` of the feature that keeps "
            f"them (its build(host) in bot/features/), or remove it from the package's "
            f"cutoffs.")


def retention_declared_twice(cutoff: str, one: str, other: str) -> str:
    """Two running features give one retention cutoff a period (a mistake in the code,
    not in the config): one of the two periods would be ignored."""
    return (f"coprod cannot start: the features {one} and {other} both say how long to "
            f"keep the records of the retention cutoff \"{cutoff}\". Keep it in the "
            f"`retention` of only the feature that keeps those records (its build(host) "
            f"in bot/features/).")


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


# ---- data protection: coprod export, erase and rotate-key; retention -----------------------
# The export is read by the member it is about; the rest by whoever runs the bot. Plain
# words; say what is true of the code (see docs/privacy.md).

EXPORT_FORMAT = "coprod-member-export/1"
EXPORT_ABOUT: tuple[str, ...] = (
    N_("This is everything the bot holds that is linked to you, as of the time above."),
    N_("Words you wrote are shown as you wrote them. The bot stores them encrypted."),
    N_("Times are in UTC. \"group\" is the id of the Discord server or Slack workspace."),
)
# What is not in an export because of how the core keeps it; each feature adds its own
# lines before these (`FeaturePackage.not_in_export`).
EXPORT_NOT_INCLUDED: tuple[str, ...] = (
    N_("Messages the bot has already delivered are not here: it drops their words once they "
       "are delivered. Discord or Slack keeps its own copy of your conversations."),
)
# The titles of the export's sections the core stores, after each feature's own
# (`FeaturePackage.export_titles`, in registry order).
EXPORT_TITLES: dict[str, str] = {
    "group_settings_changed": N_("Group settings you changed with /setup."),
    "messages_waiting": N_("Messages to you that the bot has not delivered yet."),
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
                  kept_counts: dict[str, int]) -> str:
    """`coprod erase`, before asking: what the bot holds about the member, and apart,
    the safeguarding records it keeps whatever happens (by export section)."""
    where = f"in group {group}" if group else "in every group"
    kept = ("\nKept whatever happens (safeguarding records): "
            + ", ".join(f"{name}: {n}" for name, n in kept_counts.items()) + "."
            if kept_counts else "")
    if not counts:
        return (f"The bot holds nothing linked to member {member} {where} that erasing "
                "would remove. Erasing again is safe: it changes nothing and is recorded."
                + kept)
    lines = [f"The bot holds these records linked to member {member} {where}:"]
    lines += [f"  {name}: {n}" for name, n in counts.items()]
    lines.append("Erasing deletes them, or removes the member from records the group keeps, "
                 "such as settings changes. Safeguarding records are kept."
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


def erase_kept(kept: dict[str, int], why: Sequence[str]) -> str:
    """`coprod erase`: the safeguarding records kept, and why (as the storage packages
    that keep them say)."""
    if not kept:
        return "No safeguarding records involve this member."
    return ("Kept: safeguarding records that involve this member ("
            + ", ".join(f"{t} {n}" for t, n in kept.items()) + "): " + " ".join(why))


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
