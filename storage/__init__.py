"""Storage: one async interface for features, with SQLite (default) and PostgreSQL backends."""
