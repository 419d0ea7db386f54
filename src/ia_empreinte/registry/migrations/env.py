"""Alembic environment of the registry: runs on the connection the caller hands over.

:func:`ia_empreinte.registry.database.upgrade` builds the Alembic configuration in
memory and passes its open connection in ``config.attributes["connection"]``; nothing
is read from an ``alembic.ini`` or the environment.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=True,  # SQLite alters a table by copying it
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
