"""opslens: a local-first incident assistant for DevOps and SRE teams."""

__version__ = "0.1.0"
