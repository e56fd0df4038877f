"""Helpers for tests and benchmarks: generated media with known content (no downloads)."""
