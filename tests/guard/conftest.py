"""Fixtures for the guard tests: a guard with packaged rules only (no user config)."""

from __future__ import annotations

import pytest

from opslens.guard import CommandGuard


@pytest.fixture(scope="session")
def guard() -> CommandGuard:
    """Packaged rules only, independent of the developer's config file."""
    return CommandGuard(user_rules={})
