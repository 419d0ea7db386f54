"""Writing output files: see :mod:`ia_empreinte._files` (whole or not at all, through
links and devices, never over a file the command read)."""

from __future__ import annotations

from ia_empreinte._files import check_writable, tracking_reads, write_atomic, write_output

__all__ = ["check_writable", "tracking_reads", "write_atomic", "write_output"]
