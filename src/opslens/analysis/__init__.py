"""Analysis: pure functions and accumulators over Events (no I/O)."""
