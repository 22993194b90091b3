"""The ordered list of schema versions, each owned by the core or one feature, and the
assembly of every migration from it.

Each migration is applied once, in its own transaction, and recorded in
`schema_version`. Migrations are never edited once released: a change is a new number.
Each is written in SQLite's SQL and turned into PostgreSQL's by
`storage.schema.postgres_sql`, so the two schemas cannot drift apart: the same stores
run on both (see storage/sql.py). The core's own migrations are in
`storage/core_schema.py`, a feature's in `storage/<feature>/schema.py`.
"""

from __future__ import annotations

from storage import core_schema
from storage.schema import Migration

# Every version, in order, and the feature (or "core") that owns it. A feature's
# migrations live in its storage package (`storage/<feature>/`, `STORAGE.migrations`);
# this list is what says which numbers exist, so two features never take one number.
VERSIONS: tuple[tuple[int, str], ...] = (
    (1, "core"),
    (2, "core"),
    (3, "core"),
    (4, "meetings"),
    (5, "feedback"),
    (6, "concerns"),
    (7, "checkins"),
    (8, "agreement"),
    (9, "core"),
    (10, "polls"),
    (12, "feedback"),
    (13, "core"),
    (16, "core"),
    (17, "language"),
    (18, "core"),
    (20, "slack_installs"),
    (21, "core"),
)

LATEST_VERSION: int = max(version for version, _ in VERSIONS)
KNOWN_VERSIONS: frozenset[int] = frozenset(version for version, _ in VERSIONS)

_all: tuple[Migration, ...] | None = None


def all_migrations() -> tuple[Migration, ...]:
    """Every migration, in version order: the core's and each storage package's. Fails
    loudly if they do not match `VERSIONS` (a number taken twice, or not listed)."""
    global _all
    if _all is None:
        from storage.packages import storage_packages

        found = list(core_schema.MIGRATIONS)
        owner = {m.version: "core" for m in core_schema.MIGRATIONS}
        for package in storage_packages():
            for migration in package.migrations:
                if migration.version in owner:
                    raise RuntimeError(f"migration {migration.version} is declared twice")
                if dict(VERSIONS).get(migration.version) != package.feature:
                    raise RuntimeError(f"migration {migration.version} is listed in VERSIONS "
                                       f"for another owner than {package.feature}")
                owner[migration.version] = package.feature
                found.append(migration)
        listed = dict(VERSIONS)
        if set(owner) != set(listed):
            raise RuntimeError("storage/migrations.py VERSIONS does not match the declared "
                               f"migrations: {sorted(set(owner) ^ set(listed))}")
        _all = tuple(sorted(found, key=lambda m: m.version))
    return _all


def pending(applied: set[int], target: int | None = None) -> list[Migration]:
    """The migrations not yet applied, in order, up to and including `target`.

    Worked out from the set applied, not the highest number: features developed side by
    side reserve their own numbers, and a lower number that arrives later still runs.
    """
    last = LATEST_VERSION if target is None else target
    return sorted((m for m in all_migrations() if m.version not in applied and m.version <= last),
                  key=lambda m: m.version)
