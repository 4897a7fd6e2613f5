"""The YAML loader every part of opslens uses: libyaml's safe loader when PyYAML was built with
it (about ten times faster on the knowledge base and on large manifests), else Python's."""

from __future__ import annotations

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
