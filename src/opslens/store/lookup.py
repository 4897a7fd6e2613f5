"""Finding an incident by the ref a person typed, and checking the names people pass in.

Shared by the read (`repository`) and write (`writes`) paths of the store.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opslens.store.models import Incident
from opslens.store.records import IncidentNotFound

__all__ = ["find_incident", "normalize_ref", "parse_enum"]

_REF = re.compile(r"(?i)^\s*(?:inc-?)?0*(\d+)\s*$")


def normalize_ref(ref: str) -> str:
    """`INC-0007` from `INC-0007`, `inc-7`, `7`; anything else unchanged (and then unknown)."""
    match = _REF.match(ref)
    return f"INC-{int(match.group(1)):04d}" if match else ref


def find_incident(session: Session, ref: str, *, lock: bool = False) -> Incident:
    """The incident row of `ref` (any spelling `normalize_ref` takes), locked for update when
    `lock`. Raises IncidentNotFound."""
    query = select(Incident).where(Incident.ref == normalize_ref(ref))
    row = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        raise IncidentNotFound(ref)
    return row


def parse_enum(kind: Any, value: Any, what: str) -> Any:
    """`kind(value)`; a ValueError naming `what` (a field, or the CLI flag it came from) and
    the known values when `value` is none of them."""
    try:
        return kind(value)
    except ValueError:
        known = ", ".join(m.value for m in kind)
        raise ValueError(f"{what}: {value!r} is not one of {known}") from None
