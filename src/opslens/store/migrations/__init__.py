"""Alembic migrations of the incident store (append only: never edit a released one)."""
