"""The storage of the group's ways of working: the agreement and its amendments, shared
resources, discussion prompts and the welcome text (one migration, 8, holds their
tables). One SQL mixin implements the four features' store ports."""

from __future__ import annotations

from storage.agreement import members
from storage.agreement.schema import MIGRATIONS
from storage.agreement.sql import SqlAgreement
from storage.package import declare
from storage.package import sealed

STORAGE = declare(
    __name__, SqlAgreement, MIGRATIONS, members,
    encrypted=(
        *sealed("agreement_versions", "body", key=("group_id", "number")),
        *sealed("amendments", "body", "voter_secret"),
        *sealed("agreement_reads", "name", key=("group_id", "version", "user_id")),
        *sealed("resources", "body"),
        *sealed("prompts", "body"),
        *sealed("welcome_texts", "body", key=("group_id",)),
    ),
)
"""Declared once: the backends, key rotation, export and erasure find it here."""
