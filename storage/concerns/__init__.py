"""Safeguarding concerns' storage: the SQL implementing the feature's store port
(`bot.features.concerns.store.ConcernStore`), migration 6, the encrypted columns, and the
concerns' part of a member's export, erasure and the retention sweep."""

from __future__ import annotations

from storage.concerns import members
from storage.concerns.schema import MIGRATIONS
from storage.concerns.sql import LEAD_DM_KEYS, SqlConcerns
from storage.package import EncryptedColumn, StoragePackage

STORAGE = StoragePackage(
    feature="concerns",
    sql=SqlConcerns,
    migrations=MIGRATIONS,
    encrypted=(
        EncryptedColumn("concern_cases", ("id",), "body"),
        EncryptedColumn("concern_cases", ("id",), "access"),
        EncryptedColumn("concern_cases", ("id",), "outcome"),
        EncryptedColumn("concern_notes", ("id",), "body"),
        EncryptedColumn("concern_audit", ("id",), "detail"),
        EncryptedColumn("concern_leads", ("group_id", "user_id"), "body"),
        EncryptedColumn("concern_drafts", ("id",), "body"),
    ),
    export_sections=members.SECTIONS,
    export=members.export,
    keep=members.keep,
    erase=members.erase,
    purge=members.purge,
    cutoffs=("drafts",),
    reads_deliveries=LEAD_DM_KEYS,
)
"""Declared once: the backends, key rotation, export, erasure and retention find it."""
