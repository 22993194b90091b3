"""Every sentence `/help` says (catalog domain "help"). The commands' own descriptions
and examples are each feature's, put into the reader's language here with `tr`."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Domain
from bot.i18n import plain_list

_, ngettext, N_ = Domain("help", __file__).functions()

HELP_PRIVATE_NOTE = N_("Only you can see this list.")


def help_line(name: str, description: str) -> str:
    """One line of /help (the description already in the reader's language)."""
    return _("/{name}: {description}").format(name=name, description=description)


def help_group_line(name: str, description: str | None, verbs: Sequence[str]) -> str:
    """The /help lines for a family of commands: what it is for, then its commands."""
    first = (help_line(name, description) if description
             else _("/{name}:").format(name=name))
    return first + "\n" + help_family_also(name, verbs, also=False)


def help_family_also(name: str, verbs: Sequence[str], *, also: bool = True) -> str:
    """Under a family's first line: its commands (`/checkin pause`, ...), and where to
    see how to use each."""
    text = (_("Also: /{name} {verbs}. Type /help {name} to see how.") if also
            else _("Commands: /{name} {verbs}. Type /help {name} to see how."))
    return "    " + text.format(name=name, verbs=plain_list(verbs))


def help_example(example: str) -> str:
    """The example under a command in /help."""
    return "    " + _("e.g. {example}").format(example=example)


def help_detail(name: str, description: str, example: str,
                options: Sequence[tuple[str, str, bool]]) -> str:
    """/help COMMAND: one command in full."""
    lines = [help_line(name, description),
             _("Example: {example}").format(example=example)]
    if options:
        lines.append(_("Options:"))
        for opt, desc, required in options:
            lines.append((_("- {option} (needed): {description}") if required
                          else _("- {option}: {description}")).format(option=opt,
                                                                     description=desc))
    return "\n".join(lines)


def help_family_header(name: str, description: str | None) -> str:
    """/help FAMILY: the first line, before its commands."""
    return (help_line(name, description) if description
            else _("The /{name} commands:").format(name=name))


