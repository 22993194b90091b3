"""The concerns feature's commands, buttons, form and shortcut, built from its host."""

from __future__ import annotations

from bot.commands import CommandSpec
from bot.commands import Handler
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.features import Feature
from bot.features import ShortcutSpec
from bot.features.concerns import reach
from bot.features.concerns import wording
from bot.features.concerns.cases import NOTE_LIMIT
from bot.features.concerns.cases import Cases
from bot.features.concerns.common import Leads
from bot.features.concerns.escalation import Escalations
from bot.features.concerns.host import ConcernsCoreHost
from bot.features.concerns.intake import DM_ACTION
from bot.features.concerns.intake import SHORTCUT_ID
from bot.features.concerns.intake import Intake
from bot.features.concerns.routing import ACK_ACTION
from bot.features.concerns.wording import N_
from bot.messages import Choice
from bot.roles import Role
from bot.typed_words import Typed

NAME = "concerns"
_LEADS = frozenset({Role.LEAD})
_CASE = OptionSpec("case", N_("the case reference, like C-ABC234"), required=True,
                   min_length=3, max_length=12)


def build(host: ConcernsCoreHost) -> Feature:
    """The concerns feature."""
    leads = Leads(host)
    escalations = Escalations(host)
    intake = Intake(host, leads, escalations.track)
    cases = Cases(host, leads, escalations)

    def cmd(name: str, help_text: str, handler: Handler, example: str,
            *options: OptionSpec) -> CommandSpec:
        return CommandSpec(name, help_text, handler, example, options=options, feature=NAME,
                           listed_for=_LEADS)

    commands = [
        CommandSpec("concern", wording.CONCERN_HELP, intake.command, "/concern",
                    feature=NAME, opens_form=True),
        # Open to every member on purpose: a non-lead gets the same refusal as a lead
        # asking for a case that does not exist, so nothing about cases leaks. Listed in
        # /help for leads only.
        cmd("case list", N_("Leads only: the open cases, their age and status."), cases.list,
            "/case list"),
        cmd("case show", N_("Leads only: read a case and its notes."), cases.show,
            "/case show case=C-ABC234", _CASE),
        cmd("case note", N_("Leads only: add a factual note (a fact or an opinion, "
                            "kept apart)."), cases.note,
            N_('/case note case=C-ABC234 kind=fact text="Spoke to the member at 3pm."'), _CASE,
            OptionSpec("kind", N_("fact (what was seen, said or done) or opinion"),
                       required=True, choices=(Choice(Typed(wording.fact_words), "fact"),
                                               Choice(Typed(wording.opinion_words), "opinion"))),
            OptionSpec("text", N_("the note"), required=True, max_length=NOTE_LIMIT)),
        cmd("case assign", N_("Leads only: give a case to another lead."), cases.assign,
            "/case assign case=C-ABC234 to=@erin", _CASE,
            OptionSpec("to", N_("the lead to give it to"), OptionType.USER, required=True)),
        cmd("case close", N_("Leads only: close a case; say what the outcome was."), cases.close,
            N_('/case close case=C-ABC234 outcome="Referred to social services."'), _CASE,
            OptionSpec("outcome", N_("what happened in the end"), required=True,
                       max_length=NOTE_LIMIT)),
        cmd("case audit", N_("Leads only: who viewed or did what on a case, and when."),
            cases.audit_trail, "/case audit case=C-ABC234", _CASE),
        cmd("case delete", wording.CONCERN_DELETE_HELP, cases.delete,
            N_('/case delete case=C-ABC234 confirm=C-ABC234 reason="past retention"'), _CASE,
            OptionSpec("confirm", N_("the reference again, to be sure"), required=True,
                       max_length=12),
            OptionSpec("reason", wording.CASE_OPTION_REASON, max_length=500)),
        # Not about any one case, so the registry keeps them for leads.
        CommandSpec("case register", N_("Leads only: make sure the bot sends you new concerns."),
                    cases.register, "/case register", roles=_LEADS, feature=NAME),
        CommandSpec("case unregister", N_("Leads only: stop sending new concerns to someone."),
                    cases.unregister, "/case unregister who=@dev",
                    options=(OptionSpec("who", N_("the lead to stop sending concerns to"),
                                        OptionType.USER),), roles=_LEADS, feature=NAME),
        CommandSpec("case leads", N_("Leads only: who the bot sends new concerns to."),
                    cases.lead_list, "/case leads", roles=_LEADS, feature=NAME),
    ]
    return Feature(
        NAME, commands=commands,
        actions={ACK_ACTION: cases.acknowledge, DM_ACTION: intake.dm_answer},
        forms=[intake.form],
        shortcuts=[ShortcutSpec(SHORTCUT_ID, wording.CONCERN_SHORTCUT_LABEL, intake.shortcut,
                                feature=NAME, reports_message=True)],
        start=escalations.start,
        connected=lambda groups: reach.startup_lines(host, groups),
        direct_message=intake.direct_message,
        families=wording.CONCERNS_HELP_FAMILIES,
        readings=escalations.readings,
    )
