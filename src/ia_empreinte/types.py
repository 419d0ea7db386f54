"""Type aliases shared by every layer."""

from __future__ import annotations

from typing import Annotated, TypeAlias

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

__all__ = ["Array", "Sha256Hex", "SourceText"]

Array: TypeAlias = NDArray[np.float64]
"""A float64 array of draws: shape (draws,), or (draws, rows) for a usage log."""

Sha256Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
"""A SHA-256 digest in lower-case hexadecimal (64 characters)."""

SourceText = Annotated[str, Field(min_length=3)]
"""The citation of a reference value (title, publisher or authors, year, address)."""
