"""The `[guard]` table of the user's config file.

```toml
[guard]
pii = true                         # also mask e-mail and IP addresses (off by default)

[guard.commands]                   # command-word prefixes -> label; longest prefix wins
"kubectl neat" = "read_only"
"deployctl" = "mutating"

[guard.tools.mytool]               # a full tool spec, same schema as the packaged YAML
sub = { status = "read_only", deploy = "mutating", purge = "destructive" }

[guard.secret_patterns]            # extra secret formats: kind -> regex (group 1 = value)
acme-token = "\\b(acme_[A-Za-z0-9]{32})\\b"
```
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from opslens.guard.labels import Label


class GuardConfig(BaseModel):
    """User settings for the guard; every field has a safe default."""

    model_config = ConfigDict(extra="forbid")

    pii: bool = False
    commands: dict[str, str] = Field(default_factory=dict)
    tools: dict[str, Any] = Field(default_factory=dict)
    secret_patterns: dict[str, str] = Field(default_factory=dict)

    @field_validator("commands")
    @classmethod
    def _labels_are_known(cls, value: dict[str, str]) -> dict[str, str]:
        for prefix, label in value.items():
            if not prefix.split():
                raise ValueError("a command prefix must not be empty")
            Label.parse(label)
        return value


def load_guard_config() -> GuardConfig:
    """The user's `[guard]` table (defaults when absent); ConfigError when invalid."""
    from opslens.config import section

    return section("guard", GuardConfig)
