"""The storage of the group's ways of working: the agreement and its amendments, shared
resources, discussion prompts and the welcome text (one migration, 8, holds their
tables). One SQL mixin implements the four features' store ports."""

from __future__ import annotations

from storage.agreement import members
from storage.agreement.schema import MIGRATIONS
from storage.agreement.sql import SqlAgreement
from storage.package import EncryptedColumn, StoragePackage

STORAGE = StoragePackage(
    feature="agreement",
    sql=SqlAgreement,
    migrations=MIGRATIONS,
    encrypted=(
        EncryptedColumn("agreement_versions", ("group_id", "number"), "body"),
        EncryptedColumn("amendments", ("id",), "body"),
        EncryptedColumn("amendments", ("id",), "voter_secret"),
        EncryptedColumn("agreement_reads", ("group_id", "version", "user_id"), "name"),
        EncryptedColumn("resources", ("id",), "body"),
        EncryptedColumn("prompts", ("id",), "body"),
        EncryptedColumn("welcome_texts", ("group_id",), "body"),
    ),
    export_sections=("agreement_reads", "resources_added", "welcome_text_changed"),
    export=members.export,
    erase=members.erase,
)
"""Declared once: the backends, key rotation, export and erasure find it here."""
