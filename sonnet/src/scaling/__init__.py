"""Tests of Sonnet beyond one device: strategies, parameter servers, export."""
