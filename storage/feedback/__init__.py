"""Anonymous feedback's storage: the SQL behind `bot.features.feedback.store`'s port, its
schema steps, its encrypted columns and its part of a member's data."""

from __future__ import annotations

from storage.feedback import members
from storage.feedback.schema import MIGRATIONS
from storage.feedback.sql import SqlFeedback
from storage.package import declare
from storage.package import sealed

STORAGE = declare(
    __name__, SqlFeedback, MIGRATIONS, members,
    encrypted=(
        *sealed("feedback_items", "body", "hidden_reason", "answer"),
        *sealed("feedback_pending", "body", key=("group_id", "audience", "day")),
    ),
    cutoffs=("feedback",),
)
