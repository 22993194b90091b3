"""Every sentence the safeguarding concerns feature says to people: reporters, leads,
facilitators, and whoever runs the bot (start-up and `coprod check-config` lines).

Plain, kind and factual. Never promise confidentiality: say who will see a concern and
that leads may have to share it to keep someone safe. The catalog's rules hold here
(`bot/catalog.py`): short sentences, everyday words, what happened and what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalog import _or_list

CONCERN_HELP = ("Raise a safeguarding concern, privately. Only the safeguarding leads "
                "see it.")
CONCERN_FORM_TITLE = "Raise a safeguarding concern"
CONCERN_FIELD_WHAT = "What is happening? (in your own words)"
CONCERN_FIELD_WHAT_HINT = "Say what you saw or heard, when and where, as best you can."
CONCERN_FIELD_ABOUT = "Who is it about?"
CONCERN_FIELD_ABOUT_HINT = "A name, if you know it. You can leave this empty."
CONCERN_FIELD_DANGER = "Is anyone in immediate danger?"
CONCERN_FIELD_CONTACT = "May a lead contact you about it?"
CONCERN_FIELD_ANONYMOUS = "Raise it without your name?"
DM_CHOICE = ("Hello! I'm the group's helper bot, and only you can see this chat. What "
             "would you like to do?\n\n"
             "The first button passes on what you wrote to the safeguarding leads, and to "
             "nobody else. Until you choose, your message is kept sealed, and only these "
             "buttons can open it. Type /help to see everything I can do.")
# The choices on a direct message, in this order (button labels: 75 characters at most).
DM_CHOICE_TELL_LEADS = "Tell the safeguarding leads about this"
DM_CHOICE_ONE_TO_ONE = "Ask for a one-to-one"
DM_CHOICE_FEEDBACK = "Send anonymous feedback"
DM_CHOICE_CHECKINS = "Check-in settings"
DM_CHOICE_NOTHING = "Nothing, thanks"
CONCERN_DM_DECLINED = ("All right, nothing has been raised and I have not kept your "
                       "message. Type /help to see what I can do, or /concern at any time.")
CONCERN_DRAFT_GONE = ("That question has expired, so I no longer have your message. Type "
                      "/concern to raise a concern; it only takes a minute.")
CONCERN_ACK_BUTTON = "Acknowledge"
CONCERN_REFUSED = ("That is not available to you. If you need a safeguarding lead, type "
                   "/concern.")
CONCERN_NOT_OPEN = "That case is closed or deleted, so it cannot be changed."
CONCERN_NOTHING_OPEN = "There are no open cases."
CONCERN_LIST_HELP = "Leads only: the open cases, their age and status."
CONCERN_SHOW_HELP = "Leads only: read a case and its notes."
CONCERN_NOTE_HELP = "Leads only: add a factual note (a fact or an opinion, kept apart)."
CONCERN_ASSIGN_HELP = "Leads only: give a case to another lead."
CONCERN_CLOSE_HELP = "Leads only: close a case; say what the outcome was."
CONCERN_AUDIT_HELP = "Leads only: who viewed or did what on a case, and when."
CONCERN_DELETE_HELP = "Leads only: delete a case's words and notes (kept in the audit)."
CONCERN_REGISTER_HELP = "Leads only: make sure the bot sends you new concerns."
CONCERN_LEADS_HELP = "Leads only: who the bot sends new concerns to."
CONCERN_UNREGISTER_HELP = "Leads only: stop sending new concerns to someone."
CONCERN_NOT_A_LEAD_TO_REGISTER = ("Only members with the safeguarding lead role can "
                                  "register as a lead. Ask a facilitator if that should be "
                                  "you.")
CONCERN_ASSIGNEE_NOT_LEAD = ("That member is not a safeguarding lead the bot knows, or "
                             "cannot see this case. Ask them to type /case register.")
CONCERN_DELETE_CONFIRM = ("To delete a case, type its reference again in confirm, like "
                          "/case delete case=C-ABC234 confirm=C-ABC234 reason=\"...\".")


def concern_emergency(text: str, helplines: tuple[str, ...]) -> str:
    """Shown first when someone may be in immediate danger."""
    lines = [f"**{text}**"]
    if helplines:
        lines.append("")
        lines.append("Helplines:")
        lines.extend(f"- {h}" for h in helplines)
    return "\n".join(lines)


def concern_confirmed(ref: str, acknowledge_minutes: int, anonymous: bool,
                      may_contact: bool, reach: str = "leads", told: bool = False,
                      emergency: str = "", emergency_always: bool = False,
                      via: str = "dm_and_channel") -> str:
    """The reporter's private confirmation. `reach` says who it could reach now:
    "leads", or (no lead can be reached) "deputies", "channel" or "nobody", or (every
    lead is someone the concern is about) "named_deputies" or "named_nobody"; `told`,
    whether the facilitators were told the group has no lead the bot can reach;
    `emergency`, the emergency text when nobody can be reached (and it was not shown
    already), or last whatever the reach with `emergency_always` (a concern raised from
    a direct message, whose first answer did not show it); `via`, how this concern
    went to the leads: "dm_and_channel", "dm", "channel", or "dm_only" (it is about
    someone, so nothing about it is in the leads' private channel)."""
    deputies = ("If needed, the deputies the group named for this see it too. ")
    not_them = ("A lead you named in “who is it about”, or who wrote the message you "
                "reported, will not see it. It is not posted anywhere else.")
    if reach.startswith("named"):
        who = ("Who will see it: every safeguarding lead is someone you named in “who is "
               "it about”, or wrote the message you reported. So no lead will see it or "
               "be told it was raised. Nothing about it is posted in the leads' private "
               "channel or anywhere else.")
    elif via == "dm_only":
        who = ("Who will see it: the group's safeguarding leads, by direct message "
               "only, and the deputies the group named for this, if any. Nothing about it "
               "is posted in the leads' private channel. " + not_them)
    elif via == "dm":
        who = ("Who will see it: the group's safeguarding leads, by direct message. "
               + deputies + not_them)
    elif via == "channel":
        who = ("Who will see it: the group's safeguarding leads, in the leads' private "
               "channel. " + deputies + not_them)
    else:
        who = ("Who will see it: the group's safeguarding leads, by direct message and in "
               "the leads' private channel. " + deputies + not_them)
    lines = [
        f"Thank you. Your concern is saved as case **{ref}**.",
        "",
        who,
        "We cannot promise to keep it secret. If someone is at risk, a lead may need to "
        "share it with people who can help, such as social services or the police.",
        "",
    ]
    again = (f"If nobody picks it up within {acknowledge_minutes} minutes, it is sent "
             "again to every lead the bot can reach by then and to the deputies, until "
             "someone does.")
    if reach == "leads":
        lines.append(f"What happens next: a lead will pick it up, usually within "
                     f"{acknowledge_minutes} minutes. If nobody does, it is sent again to "
                     "every lead and to the deputies.")
    elif reach == "deputies":
        lines.append("What happens next: right now the bot cannot reach any safeguarding "
                     "lead, so your concern has gone to the deputies the group named for "
                     "this. " + again)
    elif reach == "channel":
        lines.append("What happens next: right now no lead can be reached by direct "
                     "message. So your concern is in the leads' private channel, where a "
                     "lead will see it when they next look. " + again)
    elif reach == "named_deputies":
        lines.append("What happens next: it has gone to the deputies the group named for "
                     f"this, by direct message. If nobody picks it up within "
                     f"{acknowledge_minutes} minutes, it is sent to them again, and to any "
                     "new lead the group has by then, until someone does.")
    elif reach == "named_nobody":
        lines.append("What happens next: the group has named no deputies, so no one can "
                     "receive your concern through the bot yet. It is kept, and sent every "
                     f"{acknowledge_minutes} minutes to any new lead or deputy the group "
                     "has by then.")
        lines.append("Please speak to someone you trust in person, outside this group if "
                     "you need to.")
        if emergency:
            lines.append(emergency)
    else:
        lines.append("What happens next: right now the bot cannot reach any safeguarding "
                     "lead. Your concern is kept, and the bot sends it again after "
                     f"{acknowledge_minutes} minutes, and after that, to any lead it can "
                     "reach by then.")
        if told:
            lines.append("The facilitators have been told that the group has no lead the "
                         "bot can reach. They are told nothing about your concern.")
        lines.append("Please also speak in person to someone you trust if you can, but "
                     "not to anyone this concern is about.")
        if emergency:
            lines.append(emergency)
    if may_contact and anonymous:
        lines.append("Your name is not shown to the leads, so they cannot contact you "
                     "themselves. I will tell you privately when a lead has picked it up. "
                     "To talk to a lead, raise it again with your name.")
    elif may_contact:
        lines.append("I will tell you privately when a lead has picked it up, and a lead "
                     "may contact you.")
    else:
        lines.append("You said a lead should not contact you, so you will not hear back "
                     "unless you raise it again.")
        if anonymous:
            lines.append("Your name is not shown to the leads.")
    if emergency and emergency_always and reach not in ("nobody", "named_nobody"):
        lines.extend(("", emergency))
    return "\n".join(lines)


CONCERN_NO_LEAD_FOR_FACILITATORS = (
    "For the facilitators: right now the bot cannot reach any of the group's safeguarding "
    "leads, so a safeguarding concern would reach no lead. Please make sure someone holds "
    "the lead role (see /setup) and can get direct messages from the bot. Or ask whoever "
    "runs the bot to list the leads in the config ([concerns] leads). You get this at "
    "most once a day while it lasts; it says nothing about any concern.")


def _why_no_lead(problem: str, dms_closed: int) -> str:
    if problem:
        return f"The platform could not say who holds the lead role: {problem}."
    if dms_closed:
        return (f"{_n(dms_closed, 'lead has', 'leads have')} closed their direct messages "
                "to the bot.")
    return "Nobody holds the lead role, and no lead is listed in the config or registered."


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


_FIX_NO_LEAD = ("To fix it: give someone the lead role (/setup lead_roles=...), list "
                "their member id in [concerns] leads, or ask a lead to type /case register.")


def leads_reachable_line(counts: Sequence[tuple[str, int]], unchecked: int) -> str:
    """The start-up line: how many safeguarding leads can be reached now, per group."""
    each = ", ".join(f"{_n(n, 'lead', 'leads')} in group {g}" for g, n in counts)
    line = f"Safeguarding leads the bot can reach now: {each}."
    if unchecked:
        line += (f" {_n(unchecked, 'more group is', 'more groups are')} not checked at "
                 "start; /setup shows each group's number.")
    return line


def leads_none_reachable(group: str, problem: str, dms_closed: int) -> str:
    """The start-up warning for a group where no lead can be reached."""
    return (f"Warning: no safeguarding lead can be reached now in group {group}, so a "
            f"concern raised now would reach no lead. {_why_no_lead(problem, dms_closed)} "
            f"{_FIX_NO_LEAD} If a concern is raised meanwhile, the group's facilitators "
            "are told that no lead can be reached.")


def leads_lookup_problem(group: str, problem: str) -> str:
    """Start-up: leads can be reached, but the platform could not list the role's holders."""
    return (f"Note: in group {group}, leads who only hold the lead role may be missing "
            f"from that number. {problem}.")


def setup_leads_reachable(count: int, problem: str, dms_closed: int) -> str:
    """/setup: how many safeguarding leads can be reached now."""
    if count:
        line = f"Safeguarding leads the bot can reach now: {count}."
        if problem:
            line += (" Some may be missing: the platform could not say who holds the "
                     f"lead role ({problem}).")
        return line
    return ("No safeguarding lead can be reached now, so a concern would reach no lead. "
            f"{_why_no_lead(problem, dms_closed)} {_FIX_NO_LEAD}")


def check_config_leads(ids: int, roles: Sequence[str], concerns_on: bool) -> str:
    """`coprod check-config`: the leads as declared (it has no platform connection)."""
    if not concerns_on:
        return "Safeguarding concerns are switched off in the config."
    if not ids and not roles:
        return ("Warning: no safeguarding leads are declared: set lead_roles, or list "
                "member ids in [concerns] leads. Otherwise a concern reaches no lead.")
    parts = []
    if ids:
        parts.append(f"{_n(ids, 'member id', 'member ids')} in [concerns] leads")
    if roles:
        parts.append("whoever holds the role " + _or_list([f"“{r}”" for r in roles]))
    return ("Safeguarding leads declared: " + " and ".join(parts) + ". How many the bot "
            "can reach is checked when it connects (a line at start-up) and shown in "
            "/setup.")


def concern_for_leads(ref: str, raised: str, danger: bool, text: str, about: str,
                      reporter: str, may_contact: bool, link: str, quoted: str,
                      anonymous: bool = False) -> str:
    """A concern as the leads receive it (all member words already neutralised)."""
    lines = [f"**Safeguarding concern {ref}** (raised {raised})"]
    if danger:
        lines.append("**The reporter said someone may be in immediate danger.**")
    lines.append(f"Reported by: {reporter}")
    if may_contact and anonymous:
        lines.append("May a lead contact them: no, as they asked not to be named. They "
                     "asked to hear back, so the bot will tell them privately when a lead "
                     "acknowledges this case.")
    else:
        lines.append(f"May a lead contact them: {'yes' if may_contact else 'no'}")
    if about:
        lines.append(f"About: {about}")
    lines.append("What is happening:")
    lines.append(text)
    if link:
        lines.append(f"About this message: {link}")
    if quoted:
        lines.append("The message said:")
        lines.append(quoted)
    lines.append("")
    lines.append("Press Acknowledge to take this case. Use /case show to read it later.")
    return "\n".join(lines)


def concern_rerouted(text: str) -> str:
    """A concern sent to someone else because a lead could not be reached."""
    return ("A lead could not be reached by direct message, so this concern is sent to "
            "you as well.\n\n" + text)


def concern_escalated_in_channel(text: str) -> str:
    """An escalation posted in the leads' channel: no direct message could be delivered."""
    return ("No lead could be reached by direct message, so this is posted here, in the "
            "leads' private channel.\n\n" + text)


def concern_escalated(ref: str, minutes: int, text: str) -> str:
    """Nobody acknowledged a concern in time."""
    return (f"**Not yet acknowledged:** case {ref} was raised {minutes} minutes ago and "
            "no lead has picked it up. Please press Acknowledge if you can take it.\n\n"
            + text)


def concern_taken_line(ref: str, name: str, at: str) -> str:
    """What the pressed message becomes once a lead has taken the case."""
    return f"Case {ref} was acknowledged by {name} at {at}."


def concern_you_took(ref: str) -> str:
    """The lead who pressed Acknowledge first."""
    return (f"You have taken case {ref}. Type /case show case={ref} to read it, and "
            f"/case note to record what you do.")


def concern_already_taken(ref: str, name: str) -> str:
    """Someone pressed Acknowledge after another lead."""
    return f"Case {ref} was already acknowledged by {name}. Nothing else is needed from you."


def concern_ack_for_reporter(ref: str, anonymous: bool = False) -> str:
    """The reporter (who asked to hear back) learns a lead has it."""
    if anonymous:
        return (f"A safeguarding lead has picked up your concern (case {ref}). They were "
                "not told who you are, so they cannot contact you; to talk to them, raise "
                "it again with your name. Thank you for raising it.")
    return (f"A safeguarding lead has picked up your concern (case {ref}). They may "
            "contact you. Thank you for raising it.")


def concern_age(hours: float, target: int) -> str:
    """A case's age against the referral target."""
    shown = f"{hours:.0f} h" if hours >= 1 else f"{hours * 60:.0f} min"
    if hours > target:
        return f"{shown}, past the {target} h referral target"
    return f"{shown} of the {target} h referral target"


def concern_status_words(status: str) -> str:
    """A case status in words."""
    return {"open": "waiting for a lead", "acknowledged": "taken by a lead",
            "closed": "closed", "deleted": "deleted"}.get(status, status)


def concern_list_line(ref: str, raised: str, age: str, status: str, danger: bool) -> str:
    """One line of the concerns log: no words, no names."""
    flag = " - danger flagged" if danger else ""
    return f"- {ref}: raised {raised}; {age}; {status}{flag}"


def concern_list_more(count: int) -> str:
    """Below a long /case list."""
    return (f"...and {count} more, newer than these. Close or assign the ones above to "
            "see them.")


def concern_list_header(count: int) -> str:
    """The top of /case list."""
    return f"**Open cases ({count})**"


def concern_note_line(kind: str, text: str, name: str, at: str) -> str:
    """A case note, signed and timed."""
    return f"- [{kind.upper()}] {text} (by {name}, {at})"


def concern_show(body: str, status: str, age: str, taken_by: str, assignee: str,
                 escalations: int, notes: list[str], outcome: str) -> str:
    """A case in full, for a lead."""
    lines = [body.rsplit("\n\nPress Acknowledge", 1)[0], "",
             f"Status: {status}; {age}.",
             f"Acknowledged by: {taken_by or 'nobody yet'}. Assigned to: "
             f"{assignee or 'nobody'}. Escalations: {escalations}."]
    if outcome:
        lines.append(f"Outcome: {outcome}")
    lines.append("Notes:" if notes else "No notes yet.")
    lines.extend(notes)
    return "\n".join(lines)


def concern_audit_line(at: str, who: str, action: str, detail: str) -> str:
    """One audit entry."""
    extra = f" ({detail})" if detail else ""
    return f"- {at}: {who} {action}{extra}"


def concern_noted(ref: str, kind: str) -> str:
    """A note was added."""
    return f"Your {kind} note is added to case {ref}, signed and timed."


def concern_assigned(ref: str, name: str) -> str:
    """A case was assigned."""
    return f"Case {ref} is now assigned to {name}. I have told them privately."


def concern_assigned_to_you(ref: str, by: str) -> str:
    """The lead a case was given to."""
    return f"{by} has assigned safeguarding case {ref} to you. Type /case show case={ref}."


def concern_closed(ref: str) -> str:
    """A case was closed."""
    return f"Case {ref} is closed and its outcome recorded."


def concern_deleted(ref: str) -> str:
    """A case was deleted."""
    return (f"Case {ref} is deleted: its words and notes are gone. The audit keeps a "
            "record that you deleted it.")


def concern_registered(name: str) -> str:
    """A lead registered."""
    return (f"Thank you, {name}. New concerns will be sent to you by direct message. If "
            "you stop being a lead, ask another lead to type /case unregister.")


def concern_unregistered(name: str) -> str:
    """A lead was removed from the known leads."""
    return f"{name} will no longer be sent new concerns."


def concern_still_a_lead(name: str) -> str:
    """/case unregister on someone who is still a lead by role or by config."""
    return (f"{name} still holds the safeguarding lead role (or is listed as a lead in the "
            "bot's config), so new concerns still go to them. To stop that, take the role "
            "away on the platform, or ask whoever runs the bot to change [concerns] leads.")


def concern_leads_list(names: list[str]) -> str:
    """Who gets new concerns."""
    if not names:
        return ("The bot can find no leads yet. Give the leads the lead role (see "
                "lead_roles in /setup), ask each lead to type /case register, or add their "
                "member id to [concerns] leads in the config.")
    return "New concerns are sent to: " + ", ".join(names) + "."


# What each family of this feature's commands is for, on its /help line.
CONCERNS_HELP_FAMILIES: dict[str, str] = {
    "case": ("Safeguarding cases, for the safeguarding leads: see them, add notes, and "
             "close them."),
}
