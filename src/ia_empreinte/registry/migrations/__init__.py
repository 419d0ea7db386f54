"""Alembic migrations of the registry database, run programmatically (no alembic.ini)."""
