"""Sonnet 1's `sonnet.python.modules` package: re-exports only."""
