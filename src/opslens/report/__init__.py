"""Report: the typed contract, its builder and renderers."""
