"""Tools for privacy attack tests: the position of someone holding the database files,
their history and the encryption key (see README.md here)."""
