"""Check-ins, one-to-one requests, known facilitators and buddies in the database: one
storage package (one migration made their tables together) implementing both the
check-ins and the buddies store ports."""

from __future__ import annotations

from storage.checkins import members
from storage.checkins.schema import MIGRATIONS
from storage.checkins.sql import SqlCheckins
from storage.package import declare
from storage.package import sealed

STORAGE = declare(
    __name__, SqlCheckins, MIGRATIONS, members,
    encrypted=(*sealed("checkins", "note"), *sealed("one_to_ones", "body")),
    cutoffs=("checkins",),
)
