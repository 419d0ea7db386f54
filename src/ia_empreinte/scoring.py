"""Scoring a lower-is-better criterion the way French buyers score a price.

The DAJ fiche « Les méthodes de notation du critère prix dans les marchés publics »
(Direction des affaires juridiques, Bercy, updated 2 Jan 2024, spreadsheet 15 Mar 2024,
https://www.economie.gouv.fr/daj/methodes-notation-critere-prix-outil-pratique) presents
three methods judged regular by the courts; the same logic applies to a footprint, where
lower is better:

- ``proportional`` (classic, hyperbolic): ``mark = N x V_best / V_offer``;
- ``linear``: ``mark = N x (V_worst - V_offer) / (V_worst - V_best)``;
- ``mean`` (relative to the mean of the offers):
  ``mark = N / 2 x (2 - V_offer / V_mean)``, clipped to ``[0, N]``, so an offer at the
  mean gets half the points, one at zero gets all of them and one at twice the mean
  gets none. The exact DAJ wording of this method was not re-read: the buyer must
  publish the formula it uses; this is ours.

The proportional formula collapses when one bidder declares a near-zero value (e.g. a
market-based GHG figure backed by certificates): everyone else's mark tends to 0. A
**floor** protects against it: values below the floor are scored as if they were the
floor. The floor is absolute (in the unit of the scored figure) or relative to the
median of the offers (default: 5 % of the median, i.e. an offer 20 times below the
median offer), and it is always stated with the
marks.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from ia_empreinte.errors import ValidationFailure

__all__ = [
    "DEFAULT_FLOOR_FRACTION",
    "MAX_VALUE",
    "METHODS",
    "Floor",
    "Mark",
    "ScoreMethod",
    "Scores",
    "formula_text",
    "points",
    "score",
    "simulate",
]

ScoreMethod = Literal["proportional", "linear", "mean"]
METHODS: tuple[ScoreMethod, ...] = ("proportional", "linear", "mean")

DEFAULT_FLOOR_FRACTION = 0.05
"""Default relative floor: values below 5 % of the median offer are scored at that level.

A choice of ours, not a legal threshold: an offer twenty times below the median offer
must be checked (as an offre anormalement basse is for a price) before it can crush the
marks of all the others. Real offers differ by 10 to 30 times between a frontier API
far away and a small model on a low-carbon grid, so a tighter floor would flatten real
differences; the buyer may set an absolute floor instead and must publish it."""

MAX_VALUE = 1e300
"""Largest value scored: sums and midpoints of a few values stay finite below it (no
footprint comes near; ``1e308`` would overflow the mean of the ``mean`` method)."""

_OUT = ConfigDict(extra="forbid", frozen=True)


class Floor(BaseModel):
    """The floor applied to the values before scoring."""

    model_config = _OUT
    value: float
    """The floor in the unit of the scored figure."""
    basis: Literal["absolute", "median_fraction", "none"]
    fraction: float | None = None
    """For ``median_fraction``: the fraction of the median offer."""
    floored: list[str] = []
    """Offers whose value was raised to the floor."""


class Mark(BaseModel):
    """The mark of one offer."""

    model_config = _OUT
    offer_id: str
    value: float
    """The figure as estimated."""
    scored_value: float
    """The figure used by the formula (the value, or the floor when below it)."""
    mark: float
    rank: int
    """Competition ranking by mark: 1 is best; equal marks share a rank (1, 1, 3)."""


class Scores(BaseModel):
    """Marks of all offers under one method."""

    model_config = _OUT
    method: ScoreMethod
    points: float
    floor: Floor
    marks: list[Mark]


def formula_text(method: ScoreMethod, points: float, lang: str = "fr") -> str:
    """The formula as a buyer would publish it, e.g. ``Note = 10 × V_min / V_offre``."""
    n = f"{points:g}"
    if lang == "fr":
        return {
            "proportional": f"Note = {n} × V_min / V_offre",
            "linear": f"Note = {n} × (V_max − V_offre) / (V_max − V_min)",
            "mean": f"Note = {n} / 2 × (2 − V_offre / V_moyenne), bornée entre 0 et {n}",
        }[method]
    return {
        "proportional": f"Mark = {n} × V_best / V_offer",
        "linear": f"Mark = {n} × (V_worst − V_offer) / (V_worst − V_best)",
        "mean": f"Mark = {n} / 2 × (2 − V_offer / V_mean), clipped to [0, {n}]",
    }[method]


def points(values: Sequence[float], method: ScoreMethod, n_max: float) -> list[float]:
    """Marks of ``values`` (lower is better) under ``method``, out of ``n_max``.

    No floor is applied here; see :func:`score`. Equal values get equal marks.

    Raises:
        ValidationFailure: no value, a negative or non-finite value, or a zero value
            under the proportional method (the formula divides by it: set a floor).
    """
    _check_values(values)
    if not math.isfinite(n_max) or n_max <= 0:
        raise ValidationFailure(f"points must be a number > 0, got {n_max:g}")
    best, worst = min(values), max(values)
    if method == "proportional":
        if best == 0:
            if worst == 0:
                return [float(n_max)] * len(values)
            raise ValidationFailure(
                "an offer's value is 0: the proportional formula N x best/offer would "
                "give every other offer 0; set a floor"
            )
        return [n_max * (best / v) for v in values]
    if method == "linear":
        if worst == best:
            return [float(n_max)] * len(values)
        return [n_max * ((worst - v) / (worst - best)) for v in values]
    if method == "mean":
        mean = statistics.fmean(values)
        if mean == 0:
            return [float(n_max)] * len(values)
        return [min(n_max, max(0.0, n_max / 2 * (2 - v / mean))) for v in values]
    raise ValidationFailure(
        f"unknown scoring method '{method}'; expected one of: {', '.join(METHODS)}"
    )


def _check_values(values: Sequence[float]) -> None:
    if not values:
        raise ValidationFailure("nothing to score: give at least one value")
    for v in values:
        if not math.isfinite(v) or v < 0:
            raise ValidationFailure(f"values to score must be finite and >= 0, got {v:g}")
        if v > MAX_VALUE:
            raise ValidationFailure(f"values to score must be <= {MAX_VALUE:g}, got {v:g}")


def _ranks(marks: Sequence[float]) -> list[int]:
    return [1 + sum(1 for other in marks if other > m) for m in marks]


def score(
    values: Mapping[str, float],
    *,
    method: ScoreMethod = "proportional",
    n_max: float = 10,
    floor: float | None = None,
    floor_fraction: float | None = DEFAULT_FLOOR_FRACTION,
) -> Scores:
    """Score offers on a lower-is-better figure, with a floor against implausible values.

    Args:
        values: offer id -> the scored figure (e.g. contract GHG in kgCO2e).
        method: ``proportional``, ``linear`` or ``mean``.
        n_max: the points of the criterion (e.g. 10 or 20).
        floor: an absolute floor in the unit of the values; wins over ``floor_fraction``.
        floor_fraction: a floor equal to this fraction of the median value; ``None``
            (and no ``floor``) scores the raw values.

    Returns:
        The marks, ranks and the floor actually applied.
    """
    if floor is not None and (not math.isfinite(floor) or floor < 0):
        raise ValidationFailure(f"floor must be a number >= 0, got {floor:g}")
    if floor_fraction is not None and not 0 <= floor_fraction <= 1:
        raise ValidationFailure(f"floor fraction must be between 0 and 1, got {floor_fraction:g}")
    ids = list(values)
    raw = [float(values[i]) for i in ids]
    _check_values(raw)
    if floor is not None:
        applied = Floor(value=float(floor), basis="absolute")
    elif floor_fraction is not None:
        applied = Floor(
            value=floor_fraction * float(np.median(raw)),
            basis="median_fraction",
            fraction=floor_fraction,
        )
    else:
        applied = Floor(value=0.0, basis="none")
    scored = [max(v, applied.value) for v in raw]
    applied = applied.model_copy(
        update={"floored": [i for i, v in zip(ids, raw, strict=True) if v < applied.value]}
    )
    marks = points(scored, method, n_max)
    ranks = _ranks(marks)
    return Scores(
        method=method,
        points=float(n_max),
        floor=applied,
        marks=[
            Mark(offer_id=i, value=v, scored_value=s, mark=m, rank=r)
            for i, v, s, m, r in zip(ids, raw, scored, marks, ranks, strict=True)
        ],
    )


def simulate(
    values: Sequence[float],
    *,
    n_max: float = 10,
    floor: float | None = None,
    floor_fraction: float | None = DEFAULT_FLOOR_FRACTION,
    methods: Sequence[ScoreMethod] = METHODS,
) -> list[Scores]:
    """Try every method on hypothetical values before publishing the tender (DAJ advice).

    The offers are named ``A``, ``B``, ``C``... in the order given.
    """
    names = {_letter(i): float(v) for i, v in enumerate(values)}
    return [
        score(names, method=m, n_max=n_max, floor=floor, floor_fraction=floor_fraction)
        for m in methods
    ]


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(ord("A") + r) + out
    return out
