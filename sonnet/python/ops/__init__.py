"""Sonnet 1's `sonnet.python.ops` package: re-exports only."""
