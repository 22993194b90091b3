"""What the kudos feature says: in English only, unlike a real feature (which makes a
`Domain` and says everything through `_`/`ngettext`, as docs/adding-a-feature.md
shows): a toy's domain would have no catalogs, and the translation tests require every
domain's in every language."""

from __future__ import annotations

KUDOS_HELP = "Thank the group for something."
KUDOS_TEXT_OPTION = "what you are thankful for"
SETTING_KUDOS_CHANNEL = "where the group's thank-yous are shared"


def kudos_saved(count: int) -> str:
    """After a thank-you is kept."""
    return f"Thank you! The group has {count} thank-you{'' if count == 1 else 's'} so far."


def kudos_too_long(limit: int) -> str:
    """A thank-you over the configured length."""
    return f"Please keep it to {limit} characters."
