"""The one error a collector raises on purpose: a source that cannot be read (one line)."""

from __future__ import annotations

from opslens.errors import OpslensError


class CollectError(OpslensError):
    """A source could not be read: unreachable, refused (401/403), timed out, malformed."""
