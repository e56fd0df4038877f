"""Engine commands: `veritasad analyze`, `veritasad eval` (to be written)."""
