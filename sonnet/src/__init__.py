"""Sonnet's implementation. Import the public names from `sonnet` instead."""
