"""What the kudos feature says."""

from __future__ import annotations

KUDOS_HELP = "Thank the group for something."


def kudos_saved(count: int) -> str:
    """After a thank-you is kept."""
    return f"Thank you! The group has {count} thank-yous so far."


def kudos_too_long(limit: int) -> str:
    """A thank-you over the configured length."""
    return f"Please keep it to {limit} characters."
