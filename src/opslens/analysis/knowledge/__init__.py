"""Packaged domain knowledge (YAML) used by the analyzers."""
