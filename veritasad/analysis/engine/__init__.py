"""The analysis engine: pure functions from media to a Report (no web, DB or queue imports)."""
