"""Type aliases shared by every layer."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray

__all__ = ["Array"]

Array: TypeAlias = NDArray[np.float64]
"""A float64 array of draws: shape (draws,), or (draws, rows) for a usage log."""
