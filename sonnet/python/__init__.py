"""Sonnet 1's deep import paths (`sonnet.python.modules.base`, ...).

Old code imports names from here; each module below re-exports the same
objects that `sonnet` exposes, from their one-concept files in `sonnet.src`.
"""
