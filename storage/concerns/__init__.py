"""Safeguarding concerns' storage: the SQL implementing the feature's store port
(`bot.features.concerns.store.ConcernStore`), migration 6, the encrypted columns, and the
concerns' part of a member's export, erasure and the retention sweep."""

from __future__ import annotations

from storage.concerns import members
from storage.concerns.schema import MIGRATIONS
from storage.concerns.sql import LEAD_DM_KEYS
from storage.concerns.sql import SqlConcerns
from storage.package import declare
from storage.package import sealed

STORAGE = declare(
    __name__, SqlConcerns, MIGRATIONS, members,
    encrypted=(
        *sealed("concern_cases", "body", "access", "outcome"),
        *sealed("concern_notes", "body"),
        *sealed("concern_audit", "detail"),
        *sealed("concern_leads", "body", key=("group_id", "user_id")),
        *sealed("concern_drafts", "body"),
    ),
    cutoffs=("drafts",),
    reads_deliveries=LEAD_DM_KEYS,
)
"""Declared once: the backends, key rotation, export, erasure and retention find it."""
