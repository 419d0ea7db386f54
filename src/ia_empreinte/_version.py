"""The package version, in one place (read by the provenance of every document)."""

__version__ = "0.1.0"
