"""ia-empreinte: the environmental footprint of AI services for public procurement."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
