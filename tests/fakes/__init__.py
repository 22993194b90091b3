"""Fake platform servers on 127.0.0.1, for the adapters' contract tests."""
