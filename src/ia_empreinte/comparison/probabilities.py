"""Ranks and probabilities read from the offers' shared draws of the scored figure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ia_empreinte.types import Array

__all__ = ["p_best", "p_lower", "ranks"]


def ranks(medians: Sequence[float]) -> list[int]:
    """Competition ranks of the medians: 1 is lowest; equal medians share a rank."""
    return [1 + sum(1 for m in medians if m < mine) for mine in medians]


def p_lower(a: Array, b: Array) -> float:
    """Share of draws in which ``a`` is below ``b``, ties counting half."""
    return float(np.mean(a < b) + 0.5 * np.mean(a == b))


def p_best(scored: Sequence[Array]) -> Array:
    """Per offer, the share of draws in which it has the lowest figure (ties split)."""
    stacked = np.vstack(scored)
    lowest = stacked == stacked.min(axis=0)
    out: Array = (lowest / lowest.sum(axis=0)).mean(axis=1)
    return out
