"""What the host offers a meter: a readable RAPL counter, the load average."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["load_average", "rapl_readable"]


def rapl_readable(root: str = "/sys/class/powercap") -> bool:
    """True when a RAPL package ``energy_uj`` counter can be read."""
    base = Path(root)
    if not base.is_dir():
        return False
    for counter in base.glob("intel-rapl:*/energy_uj"):
        try:
            counter.read_text()
            return True
        except OSError:
            continue
    return False


def load_average() -> float | None:
    """The 1-minute load average (None where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except (OSError, AttributeError):
        return None
