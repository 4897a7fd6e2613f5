"""Finding an incident by the ref a person typed, and checking the names people pass in.

Shared by the read (`repository`) and write (`writes`) paths of the store.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from opslens.store.models import Incident
from opslens.store.records import IncidentNotFound, normalize_ref, parse_enum

__all__ = ["find_incident", "normalize_ref", "parse_enum"]

def find_incident(session: Session, ref: str, *, lock: bool = False) -> Incident:
    """The incident row of `ref` (any spelling `normalize_ref` takes), locked for update when
    `lock`. Raises IncidentNotFound."""
    query = select(Incident).where(Incident.ref == normalize_ref(ref))
    row = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if row is None:
        raise IncidentNotFound(ref)
    return row
