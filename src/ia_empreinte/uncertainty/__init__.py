"""Declared distributions and their sampling into numpy arrays.

An uncertain input is either a plain number or a small table such as
``{dist: triangular, low: 1, mode: 2, high: 4}`` (:mod:`.distributions`); a seeded
:class:`Sampler` draws each named quantity from its own stream (:mod:`.sampler`).
"""

from __future__ import annotations

from ia_empreinte.uncertainty.distributions import (
    Distribution,
    Lognormal,
    Normal,
    Quantity,
    Triangular,
    Uniform,
    bounded,
    central,
    is_certain,
)
from ia_empreinte.uncertainty.sampler import MAX_DRAWS, Sampler

__all__ = [
    "MAX_DRAWS",
    "Distribution",
    "Lognormal",
    "Normal",
    "Quantity",
    "Sampler",
    "Triangular",
    "Uniform",
    "bounded",
    "central",
    "is_certain",
]
