"""Where the registry database is, and which schema revision the code expects
(light: no SQLAlchemy)."""

from __future__ import annotations

import os

__all__ = ["DEFAULT_FILE", "HEAD", "URL_ENV", "resolve_url"]

DEFAULT_FILE = "ia-empreinte-registry.sqlite"
"""The SQLite file used when no URL is given, in the current folder."""
URL_ENV = "IA_EMPREINTE_REGISTRY_URL"
"""Environment variable naming the registry database when ``--database-url`` is absent."""
HEAD = "0002"
"""The newest migration; the code reads and writes the tables of this revision."""


def resolve_url(url: str | None = None) -> str:
    """The database URL: ``url``, else ``$IA_EMPREINTE_REGISTRY_URL``, else the
    default SQLite file in the current folder."""
    chosen = url or os.environ.get(URL_ENV) or f"sqlite:///{DEFAULT_FILE}"
    return chosen
