"""Storage backend tests on real SQLite files."""
