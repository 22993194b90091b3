"""Adapter contract tests: the real platform libraries against our fake servers."""
