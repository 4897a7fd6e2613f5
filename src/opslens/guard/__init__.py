"""The safety guard: command classification, secret redaction, prompt-injection defence.

Every path that shows a command or sends text out goes through this package:

- `classify(cmd)` / `CommandGuard` label shell commands `read_only`, `sensitive_read`,
  `unknown`, `mutating` or `destructive` (parse, don't grep; rules are packaged YAML plus the
  user's `[guard]` table); `vet_commands` splits model-proposed commands into checks and
  commands to avoid.
- `Redactor` replaces secrets with stable placeholders and counts them.
- `strip_control`, `fence_untrusted`, `find_injection` and `check_citations` defend the LLM
  layer against instructions hidden in logs and against invented evidence.
"""

from opslens.guard.classify import CommandGuard, classify, default_guard
from opslens.guard.config import GuardConfig
from opslens.guard.injection import (
    FENCE_INSTRUCTIONS,
    InjectionFinding,
    fence_untrusted,
    find_injection,
    strip_control,
)
from opslens.guard.labels import Classification, Label
from opslens.guard.redact import Redactor
from opslens.guard.vetting import (
    CitationCheck,
    CommandVetting,
    VettedCommand,
    check_citations,
    vet_commands,
)

__all__ = [
    "FENCE_INSTRUCTIONS",
    "CitationCheck",
    "Classification",
    "CommandGuard",
    "CommandVetting",
    "GuardConfig",
    "InjectionFinding",
    "Label",
    "Redactor",
    "VettedCommand",
    "check_citations",
    "classify",
    "default_guard",
    "fence_untrusted",
    "find_injection",
    "strip_control",
    "vet_commands",
]
