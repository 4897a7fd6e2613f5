"""Migration scripts, numbered 0001, 0002, ... (revision ids equal the numbers)."""
