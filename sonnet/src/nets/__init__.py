"""Implementations of `snt.nets`: networks built from Sonnet modules."""
