"""The concerns feature's commands, buttons, form and shortcut, built from its host."""

from __future__ import annotations

from bot import catalog
from bot.commands import CommandSpec, Handler, OptionSpec, OptionType
from bot.features import Feature, ShortcutSpec
from bot.features.concerns import reach, wording
from bot.features.concerns.cases import NOTE_LIMIT, Cases
from bot.features.concerns.common import Leads
from bot.features.concerns.escalation import Escalations
from bot.features.concerns.host import ConcernsCoreHost
from bot.features.concerns.intake import DM_ACTION, SHORTCUT_ID, Intake
from bot.features.concerns.routing import ACK_ACTION
from bot.messages import Choice
from bot.roles import Role
from bot.typed_words import Typed, fact_words, opinion_words

NAME = "concerns"
_LEADS = frozenset({Role.LEAD})
_CASE = OptionSpec("case", wording.CASE_OPTION_CASE, required=True,
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
        cmd("case list", wording.CONCERN_LIST_HELP, cases.list, "/case list"),
        cmd("case show", wording.CONCERN_SHOW_HELP, cases.show, "/case show case=C-ABC234",
            _CASE),
        cmd("case note", wording.CONCERN_NOTE_HELP, cases.note,
            wording.CASE_NOTE_EXAMPLE, _CASE,
            OptionSpec("kind", wording.CASE_OPTION_KIND,
                       required=True, choices=(Choice(Typed(fact_words), "fact"),
                                               Choice(Typed(opinion_words), "opinion"))),
            OptionSpec("text", wording.CASE_OPTION_TEXT, required=True, max_length=NOTE_LIMIT)),
        cmd("case assign", wording.CONCERN_ASSIGN_HELP, cases.assign,
            "/case assign case=C-ABC234 to=@erin", _CASE,
            OptionSpec("to", wording.CASE_OPTION_TO, OptionType.USER, required=True)),
        cmd("case close", wording.CONCERN_CLOSE_HELP, cases.close,
            wording.CASE_CLOSE_EXAMPLE, _CASE,
            OptionSpec("outcome", wording.CASE_OPTION_OUTCOME, required=True,
                       max_length=NOTE_LIMIT)),
        cmd("case audit", wording.CONCERN_AUDIT_HELP, cases.audit_trail,
            "/case audit case=C-ABC234", _CASE),
        cmd("case delete", wording.CONCERN_DELETE_HELP, cases.delete,
            wording.CASE_DELETE_EXAMPLE, _CASE,
            OptionSpec("confirm", wording.CASE_OPTION_CONFIRM, required=True,
                       max_length=12),
            OptionSpec("reason", wording.CASE_OPTION_REASON, max_length=500)),
        # Not about any one case, so the registry keeps them for leads.
        CommandSpec("case register", wording.CONCERN_REGISTER_HELP, cases.register,
                    "/case register", roles=_LEADS, feature=NAME),
        CommandSpec("case unregister", wording.CONCERN_UNREGISTER_HELP, cases.unregister,
                    "/case unregister who=@dev",
                    options=(OptionSpec("who", wording.CASE_OPTION_WHO,
                                        OptionType.USER),), roles=_LEADS, feature=NAME),
        CommandSpec("case leads", wording.CONCERN_LEADS_HELP, cases.lead_list, "/case leads",
                    roles=_LEADS, feature=NAME),
    ]
    return Feature(
        NAME, commands=commands,
        actions={ACK_ACTION: cases.acknowledge, DM_ACTION: intake.dm_answer},
        forms=[intake.form],
        shortcuts=[ShortcutSpec(SHORTCUT_ID, catalog.CONCERN_SHORTCUT_LABEL, intake.shortcut,
                                feature=NAME)],
        start=escalations.start,
        connected=lambda groups: reach.startup_lines(host, groups),
        direct_message=intake.direct_message,
        families=wording.CONCERNS_HELP_FAMILIES,
        readings=escalations.readings,
    )
