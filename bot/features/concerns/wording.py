"""Every sentence the safeguarding concerns feature says to people: reporters, leads,
facilitators, and whoever runs the bot (start-up and `coprod check-config` lines).

Plain, kind and factual. Never promise confidentiality: say who will see a concern and
that leads may have to share it to keep someone safe. The catalog's rules hold here
(`bot/catalog.py`): short sentences, everyday words, what happened and what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.catalog import _or_list
from bot.i18n import Domain
from bot.i18n import format_moment
from bot.i18n import format_number
from bot.i18n import tr

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

_domain = Domain("concerns", __file__)
_, ngettext, N_ = _domain.functions()

CONCERN_HELP = N_("Raise a safeguarding concern, privately. Only the safeguarding leads "
                  "see it.")
DM_CHOICE = N_("Hello! I'm the group's helper bot, and only you can see this chat. What "
               "would you like to do?\n\n"
               "The first button passes on what you wrote to the safeguarding leads, and "
               "to nobody else. Until you choose, your message is kept sealed, and only "
               "these buttons can open it. Type /help to see everything I can do.")
# The choices on a direct message, in this order (button labels: 75 characters at most).
DM_CHOICE_TELL_LEADS = N_("Tell the safeguarding leads about this")
DM_CHOICE_FEEDBACK = N_("Send anonymous feedback")
CONCERN_NOT_OPEN = N_("That case is closed or deleted, so it cannot be changed.")
CONCERN_DELETE_HELP = N_("Leads only: delete a case's words and notes (kept in the audit).")
CONCERN_ASSIGNEE_NOT_LEAD = N_("That member is not a safeguarding lead the bot knows, or "
                               "cannot see this case. Ask them to type /case register.")

CASE_OPTION_REASON = N_("why it is deleted")

# The group's emergency text and helplines when the config leaves them as they are
# (`config.py` uses these as its defaults): said in the reader's language. Text an
# operator wrote in the config is shown as they wrote it.
DEFAULT_EMERGENCY = N_("If anyone is in immediate danger, call 999 now (or 112). Do not "
                       "wait for a reply from the bot or from a lead.")
DEFAULT_HELPLINES = (
    N_("Samaritans: 116 123 (free, any time)"),
    N_("NSPCC helpline (worried about a child): 0808 800 5000"),
)


def emergency_text(configured: str) -> str:
    """The emergency text in the language in force if it is the default one, else as the
    config has it."""
    return tr(DEFAULT_EMERGENCY) if configured == DEFAULT_EMERGENCY else configured


def helplines(configured: Sequence[str]) -> tuple[str, ...]:
    """The helplines, each default one in the language in force."""
    defaults = {str.__str__(h): h for h in DEFAULT_HELPLINES}
    return tuple(tr(defaults.get(h, h)) for h in configured)


def when_raised(moment: datetime, zone: ZoneInfo) -> str:
    """A case's time as leads read it, in the group's zone: "05 Dec 2026 17:00"."""
    # TRANSLATORS: a Babel date pattern: dd the day, MMM the month's short name, yyyy the
    # year, HH:mm the time. Change the order, not the codes; words go between quotes.
    pattern = _domain.pgettext("Babel date pattern", "dd MMM yyyy HH:mm")
    return format_moment(moment, zone, pattern)


def concern_emergency(text: str, helplines: tuple[str, ...]) -> str:
    """Shown first when someone may be in immediate danger."""
    lines = [f"**{text}**"]
    if helplines:
        lines.append("")
        lines.append(_("Helplines:"))
        lines.extend(f"- {h}" for h in helplines)
    return "\n".join(lines)


def _who_sees(reach: str, via: str) -> str:
    """Who will see a concern, by the route it took (see `concern_confirmed`)."""
    if reach.startswith("named"):
        return _("Who will see it: every safeguarding lead is someone you named in “who is "
                 "it about”, or wrote the message you reported. So no lead will see it or "
                 "be told it was raised. Nothing about it is posted in the leads' private "
                 "channel or anywhere else.")
    if via == "dm_only":
        return _("Who will see it: the group's safeguarding leads, by direct message only, "
                 "and the deputies the group named for this, if any. Nothing about it is "
                 "posted in the leads' private channel. A lead you named in “who is it "
                 "about”, or who wrote the message you reported, will not see it. It is "
                 "not posted anywhere else.")
    if via == "dm":
        return _("Who will see it: the group's safeguarding leads, by direct message. If "
                 "needed, the deputies the group named for this see it too. A lead you "
                 "named in “who is it about”, or who wrote the message you reported, will "
                 "not see it. It is not posted anywhere else.")
    if via == "channel":
        return _("Who will see it: the group's safeguarding leads, in the leads' private "
                 "channel. If needed, the deputies the group named for this see it too. A "
                 "lead you named in “who is it about”, or who wrote the message you "
                 "reported, will not see it. It is not posted anywhere else.")
    return _("Who will see it: the group's safeguarding leads, by direct message and in "
             "the leads' private channel. If needed, the deputies the group named for "
             "this see it too. A lead you named in “who is it about”, or who wrote the "
             "message you reported, will not see it. It is not posted anywhere else.")


def _what_next(reach: str, minutes: str) -> str:
    """What happens next, by who the concern could reach now."""
    if reach == "leads":
        return _("What happens next: a lead will pick it up, usually within {minutes} "
                 "minutes. If nobody does, it is sent again to every lead and to the "
                 "deputies.").format(minutes=minutes)
    if reach == "deputies":
        return _("What happens next: right now the bot cannot reach any safeguarding lead, "
                 "so your concern has gone to the deputies the group named for this. If "
                 "nobody picks it up within {minutes} minutes, it is sent again to every "
                 "lead the bot can reach by then and to the deputies, until someone does."
                 ).format(minutes=minutes)
    if reach == "channel":
        return _("What happens next: right now no lead can be reached by direct message. "
                 "So your concern is in the leads' private channel, where a lead will see "
                 "it when they next look. If nobody picks it up within {minutes} minutes, "
                 "it is sent again to every lead the bot can reach by then and to the "
                 "deputies, until someone does.").format(minutes=minutes)
    if reach == "named_deputies":
        return _("What happens next: it has gone to the deputies the group named for this, "
                 "by direct message. If nobody picks it up within {minutes} minutes, it is "
                 "sent to them again, and to any new lead the group has by then, until "
                 "someone does.").format(minutes=minutes)
    if reach == "named_nobody":
        return _("What happens next: the group has named no deputies, so no one can "
                 "receive your concern through the bot yet. It is kept, and sent every "
                 "{minutes} minutes to any new lead or deputy the group has by then."
                 ).format(minutes=minutes)
    return _("What happens next: right now the bot cannot reach any safeguarding lead. "
             "Your concern is kept, and the bot sends it again after {minutes} minutes, "
             "and after that, to any lead it can reach by then.").format(minutes=minutes)


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
    lines = [
        _("Thank you. Your concern is saved as case **{ref}**.").format(ref=ref),
        "",
        _who_sees(reach, via),
        _("We cannot promise to keep it secret. If someone is at risk, a lead may need to "
          "share it with people who can help, such as social services or the police."),
        "",
        _what_next(reach, format_number(acknowledge_minutes)),
    ]
    if reach == "named_nobody":
        lines.append(_("Please speak to someone you trust in person, outside this group if "
                       "you need to."))
        if emergency:
            lines.append(emergency)
    elif reach not in ("leads", "deputies", "channel", "named_deputies"):
        if told:
            lines.append(_("The facilitators have been told that the group has no lead the "
                           "bot can reach. They are told nothing about your concern."))
        lines.append(_("Please also speak in person to someone you trust if you can, but "
                       "not to anyone this concern is about."))
        if emergency:
            lines.append(emergency)
    if may_contact and anonymous:
        lines.append(_("Your name is not shown to the leads, so they cannot contact you "
                       "themselves. I will tell you privately when a lead has picked it up. "
                       "To talk to a lead, raise it again with your name."))
    elif may_contact:
        lines.append(_("I will tell you privately when a lead has picked it up, and a lead "
                       "may contact you."))
    else:
        lines.append(_("You said a lead should not contact you, so you will not hear back "
                       "unless you raise it again."))
        if anonymous:
            lines.append(_("Your name is not shown to the leads."))
    if emergency and emergency_always and reach not in ("nobody", "named_nobody"):
        lines.extend(("", emergency))
    return "\n".join(lines)


CONCERN_NO_LEAD_FOR_FACILITATORS = N_(
    "For the facilitators: right now the bot cannot reach any of the group's safeguarding "
    "leads, so a safeguarding concern would reach no lead. Please make sure someone holds "
    "the lead role (see /setup) and can get direct messages from the bot. Or ask whoever "
    "runs the bot to list the leads in the config ([concerns] leads). You get this at "
    "most once a day while it lasts; it says nothing about any concern.")


def _why_no_lead(problem: str, dms_closed: int) -> str:
    if problem:
        return _("The platform could not say who holds the lead role: {problem}.").format(
            problem=problem)
    if dms_closed:
        return ngettext("{n} lead has closed their direct messages to the bot.",
                        "{n} leads have closed their direct messages to the bot.",
                        dms_closed).format(n=format_number(dms_closed))
    return _("Nobody holds the lead role, and no lead is listed in the config or "
             "registered.")


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _fix_no_lead() -> str:
    return _("To fix it: give someone the lead role (/setup lead_roles=...), list their "
             "member id in [concerns] leads, or ask a lead to type /case register.")


# Said on the command line to whoever runs the bot (start-up, `coprod check-config`):
# English, like the core's other operator lines.

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
            f"{_fix_no_lead()} If a concern is raised meanwhile, the group's facilitators "
            "are told that no lead can be reached.")


def leads_lookup_problem(group: str, problem: str) -> str:
    """Start-up: leads can be reached, but the platform could not list the role's holders."""
    return (f"Note: in group {group}, leads who only hold the lead role may be missing "
            f"from that number. {problem}.")


def setup_leads_reachable(count: int, problem: str, dms_closed: int) -> str:
    """/setup: how many safeguarding leads can be reached now."""
    if count:
        line = _("Safeguarding leads the bot can reach now: {count}.").format(
            count=format_number(count))
        if problem:
            line += " " + _("Some may be missing: the platform could not say who holds the "
                            "lead role ({problem}).").format(problem=problem)
        return line
    return _("No safeguarding lead can be reached now, so a concern would reach no lead. "
             "{why} {fix}").format(why=_why_no_lead(problem, dms_closed), fix=_fix_no_lead())


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


CONCERN_PRESS_ACK = N_("Press Acknowledge to take this case. Use /case show to read it later.")


def concern_for_leads(ref: str, raised: str, danger: bool, text: str, about: str,
                      reporter: str, may_contact: bool, link: str, quoted: str,
                      anonymous: bool = False) -> str:
    """A concern as the leads receive it (all member words already neutralised)."""
    lines = [_("**Safeguarding concern {ref}** (raised {raised})").format(ref=ref,
                                                                          raised=raised)]
    if danger:
        lines.append(_("**The reporter said someone may be in immediate danger.**"))
    lines.append(_("Reported by: {reporter}").format(reporter=reporter))
    if may_contact and anonymous:
        lines.append(_("May a lead contact them: no, as they asked not to be named. They "
                       "asked to hear back, so the bot will tell them privately when a lead "
                       "acknowledges this case."))
    elif may_contact:
        lines.append(_("May a lead contact them: yes"))
    else:
        lines.append(_("May a lead contact them: no"))
    if about:
        lines.append(_("About: {about}").format(about=about))
    lines.append(_("What is happening:"))
    lines.append(text)
    if link:
        lines.append(_("About this message: {link}").format(link=link))
    if quoted:
        lines.append(_("The message said:"))
        lines.append(quoted)
    lines.append("")
    lines.append(tr(CONCERN_PRESS_ACK))
    return "\n".join(lines)


def concern_rerouted(text: str) -> str:
    """A concern sent to someone else because a lead could not be reached."""
    return _("A lead could not be reached by direct message, so this concern is sent to "
             "you as well.") + "\n\n" + text


def concern_escalated_in_channel(text: str) -> str:
    """An escalation posted in the leads' channel: no direct message could be delivered."""
    return _("No lead could be reached by direct message, so this is posted here, in the "
             "leads' private channel.") + "\n\n" + text


def concern_escalated(ref: str, minutes: int, text: str) -> str:
    """Nobody acknowledged a concern in time."""
    return _("**Not yet acknowledged:** case {ref} was raised {minutes} minutes ago and no "
             "lead has picked it up. Please press Acknowledge if you can take it.").format(
        ref=ref, minutes=format_number(minutes)) + "\n\n" + text


def concern_taken_line(ref: str, name: str, at: str) -> str:
    """What the pressed message becomes once a lead has taken the case."""
    return _("Case {ref} was acknowledged by {name} at {at}.").format(ref=ref, name=name,
                                                                      at=at)


def concern_you_took(ref: str) -> str:
    """The lead who pressed Acknowledge first."""
    return _("You have taken case {ref}. Type /case show case={ref} to read it, and /case "
             "note to record what you do.").format(ref=ref)


def concern_already_taken(ref: str, name: str) -> str:
    """Someone pressed Acknowledge after another lead."""
    return _("Case {ref} was already acknowledged by {name}. Nothing else is needed from "
             "you.").format(ref=ref, name=name)


def concern_ack_for_reporter(ref: str, anonymous: bool = False) -> str:
    """The reporter (who asked to hear back) learns a lead has it."""
    if anonymous:
        return _("A safeguarding lead has picked up your concern (case {ref}). They were "
                 "not told who you are, so they cannot contact you; to talk to them, raise "
                 "it again with your name. Thank you for raising it.").format(ref=ref)
    return _("A safeguarding lead has picked up your concern (case {ref}). They may contact "
             "you. Thank you for raising it.").format(ref=ref)


def concern_age(hours: float, target: int) -> str:
    """A case's age against the referral target."""
    shown = (_("{hours} h").format(hours=f"{hours:.0f}") if hours >= 1
             else _("{minutes} min").format(minutes=f"{hours * 60:.0f}"))
    if hours > target:
        return _("{age}, past the {target} h referral target").format(
            age=shown, target=format_number(target))
    return _("{age} of the {target} h referral target").format(
        age=shown, target=format_number(target))


_STATUS_WORDS = {"open": N_("waiting for a lead"), "acknowledged": N_("taken by a lead"),
                 "closed": N_("closed"), "deleted": N_("deleted")}


def concern_status_words(status: str) -> str:
    """A case status in words."""
    return tr(_STATUS_WORDS.get(status, status))


def concern_list_line(ref: str, raised: str, age: str, status: str, danger: bool) -> str:
    """One line of the concerns log: no words, no names."""
    if danger:
        return _("- {ref}: raised {raised}; {age}; {status} - danger flagged").format(
            ref=ref, raised=raised, age=age, status=status)
    return _("- {ref}: raised {raised}; {age}; {status}").format(
        ref=ref, raised=raised, age=age, status=status)


def concern_list_header(count: int) -> str:
    """The top of /case list."""
    return _("**Open cases ({count})**").format(count=format_number(count))


_NOTE_KINDS = {"fact": N_("FACT"), "opinion": N_("OPINION")}


def concern_note_line(kind: str, text: str, name: str, at: str) -> str:
    """A case note, signed and timed."""
    return _("- [{kind}] {text} (by {name}, {at})").format(
        kind=tr(_NOTE_KINDS.get(kind, kind.upper())), text=text, name=name, at=at)


def concern_show(body: str, status: str, age: str, taken_by: str, assignee: str,
                 escalations: int, notes: list[str], outcome: str) -> str:
    """A case in full, for a lead."""
    lines = [body.removesuffix("\n\n" + tr(CONCERN_PRESS_ACK)), "",
             _("Status: {status}; {age}.").format(status=status, age=age),
             _("Acknowledged by: {taken_by}. Assigned to: {assignee}. Escalations: "
               "{escalations}.").format(taken_by=taken_by or _("nobody yet"),
                                        assignee=assignee or _("nobody"),
                                        escalations=format_number(escalations))]
    if outcome:
        lines.append(_("Outcome: {outcome}").format(outcome=outcome))
    lines.append(_("Notes:") if notes else _("No notes yet."))
    lines.extend(notes)
    return "\n".join(lines)


def _audit_words(action: str, detail: str) -> tuple[str, str]:
    """What the audit stores (in English, as codes) as leads read it: the action, and the
    detail where it is a code too (how a concern was raised, a note's kind)."""
    actions = {
        "raised": _domain.pgettext("audit action", "raised"),
        "acknowledged": _domain.pgettext("audit action", "acknowledged"),
        "escalated": _domain.pgettext("audit action", "escalated"),
        "note": _domain.pgettext("audit action", "note"),
        "assigned": _domain.pgettext("audit action", "assigned"),
        "closed": _domain.pgettext("audit action", "closed"),
        "deleted": _domain.pgettext("audit action", "deleted"),
        "viewed": _domain.pgettext("audit action", "viewed"),
        "listed": _domain.pgettext("audit action", "listed"),
        "viewed the audit": _domain.pgettext("audit action", "viewed the audit"),
        "refused": _domain.pgettext("audit action", "refused"),
        "exported": _domain.pgettext("audit action", "exported"),
    }
    details = {
        ("raised", "form"): _domain.pgettext("raised through", "form"),
        ("raised", "dm"): _domain.pgettext("raised through", "dm"),
        ("raised", "message"): _domain.pgettext("raised through", "message"),
        ("note", "fact"): _domain.pgettext("note kind", "fact"),
        ("note", "opinion"): _domain.pgettext("note kind", "opinion"),
        ("deleted", "retention"): _domain.pgettext("deleted because", "retention"),
    }
    return actions.get(action, action), details.get((action, detail), detail)


def concern_audit_line(at: str, who: str, action: str, detail: str) -> str:
    """One audit entry."""
    action, detail = _audit_words(action, detail)
    if detail:
        return _("- {at}: {who} {action} ({detail})").format(at=at, who=who, action=action,
                                                            detail=detail)
    return _("- {at}: {who} {action}").format(at=at, who=who, action=action)


def concern_noted(ref: str, kind: str) -> str:
    """A note was added."""
    if kind == "opinion":
        return _("Your opinion note is added to case {ref}, signed and timed.").format(
            ref=ref)
    return _("Your fact note is added to case {ref}, signed and timed.").format(ref=ref)


def concern_assigned(ref: str, name: str) -> str:
    """A case was assigned."""
    return _("Case {ref} is now assigned to {name}. I have told them privately.").format(
        ref=ref, name=name)


def concern_assigned_to_you(ref: str, by: str) -> str:
    """The lead a case was given to."""
    return _("{by} has assigned safeguarding case {ref} to you. Type /case show "
             "case={ref}.").format(by=by, ref=ref)


def concern_closed(ref: str) -> str:
    """A case was closed."""
    return _("Case {ref} is closed and its outcome recorded.").format(ref=ref)


def concern_deleted(ref: str) -> str:
    """A case was deleted."""
    return _("Case {ref} is deleted: its words and notes are gone. The audit keeps a "
             "record that you deleted it.").format(ref=ref)


def concern_registered(name: str) -> str:
    """A lead registered."""
    return _("Thank you, {name}. New concerns will be sent to you by direct message. If "
             "you stop being a lead, ask another lead to type /case unregister.").format(
        name=name)


def concern_still_a_lead(name: str) -> str:
    """/case unregister on someone who is still a lead by role or by config."""
    return _("{name} still holds the safeguarding lead role (or is listed as a lead in the "
             "bot's config), so new concerns still go to them. To stop that, take the role "
             "away on the platform, or ask whoever runs the bot to change [concerns] "
             "leads.").format(name=name)


def concern_leads_list(names: list[str]) -> str:
    """Who gets new concerns."""
    if not names:
        return _("The bot can find no leads yet. Give the leads the lead role (see "
                 "lead_roles in /setup), ask each lead to type /case register, or add their "
                 "member id to [concerns] leads in the config.")
    return _("New concerns are sent to: {names}.").format(names=", ".join(names))


# The message shortcut's label (at most 32 characters on Discord).
CONCERN_SHORTCUT_LABEL = N_("Raise a safeguarding concern")

# What each family of this feature's commands is for, on its /help line.
CONCERNS_HELP_FAMILIES: dict[str, str] = {
    "case": N_("Safeguarding cases, for the safeguarding leads: see them, add notes, and "
               "close them."),
}


# What each of this feature's sections of a member's export is.
CONCERNS_EXPORT_TITLES: dict[str, str] = {
    "concerns_raised": N_("Safeguarding concerns you raised where you gave your name or asked "
                          "to be contacted: what you wrote, and where the case stands."),
    "known_safeguarding_lead": N_("The bot's note that you are one of the group's "
                                  "safeguarding leads."),
}
# What a member's export leaves out of this feature, and why.
CONCERNS_NOT_IN_EXPORT: tuple[str, ...] = (
    N_("Safeguarding concerns you raised anonymously without asking to be contacted are not "
       "here: the bot kept nothing that links them to you."),
    N_("A direct message the bot offered to raise as a concern (kept at most a day until you "
       "chose) is not here: it is kept without your id, locked to you by a code that only "
       "your own copy of the bot's question holds."),
    N_("Safeguarding records about you, and notes the safeguarding leads wrote on cases, are "
       "not part of this export. To ask about them, speak to the group's safeguarding lead."),
)

# What the leads' channel setting is for (/setup, /help setup).
SETTING_LEADS_CHANNEL = N_("the safeguarding leads' private channel (never a public one)")


# ---- a note's kind on a case (/case note kind=fact): typed words (`bot.typed_words`) ----

def fact_words() -> str:
    """Words read as a note of fact: what was seen, said or done."""
    return _domain.pgettext("Words read as a fact (a note on a safeguarding case: what was "
                            "seen, said or done), separated by commas; the first is the one "
                            "shown", "fact")


def opinion_words() -> str:
    """Words read as a note of opinion."""
    return _domain.pgettext("Words read as an opinion (a note on a safeguarding case), "
                            "separated by commas; the first is the one shown", "opinion")
