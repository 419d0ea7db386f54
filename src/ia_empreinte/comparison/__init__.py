"""Comparing offers on one usage profile, on shared random draws.

Every offer is estimated with the same :class:`~ia_empreinte.uncertainty.Sampler`, so
the inputs they share (the profile's volumes and request sizes, the grid factor of a
shared zone, shared lifetimes) take the same value in draw ``i`` for every offer.
Differences between offers are then differences of the offers, not Monte Carlo noise
(common random numbers, as in brightway2-calc ``MultiLCA``,
https://github.com/brightway-lca/brightway2-calc). From the draws:

- the ranking on the scored indicator (median of the draws, lower is better);
- ``P(A < B)``: the share of draws in which offer A has the lower figure (ties count
  half);
- the drivers of each figure and of each gap: Spearman rank correlation between the
  draws of each uncertain input and the draws of the output, and the median of the
  output when the input sits in its lowest / highest 5 % of draws (a tornado swing
  read from the same draws, without re-running the engine);
- the marks of the procurement formula (:mod:`ia_empreinte.scoring`) on the medians
  (research section 5.7: scores use the central value, bands are shown to the jury).
"""

from __future__ import annotations

from ia_empreinte.comparison.build import compare, compare_draws
from ia_empreinte.comparison.document import Comparison, OfferFigures, Pair
from ia_empreinte.comparison.options import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    INDICATOR_KEYS,
    CompareOptions,
    FigureScope,
    Indicator,
    parse_compare_options,
    unit_of,
)
from ia_empreinte.comparison.sensitivity import Driver, drivers, spearman

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "INDICATOR_KEYS",
    "CompareOptions",
    "Comparison",
    "Driver",
    "FigureScope",
    "Indicator",
    "OfferFigures",
    "Pair",
    "compare",
    "compare_draws",
    "drivers",
    "parse_compare_options",
    "spearman",
    "unit_of",
]
