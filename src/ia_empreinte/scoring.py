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
    "HOMOGENEOUS_RATIO",
    "MAX_VALUE",
    "METHODS",
    "Floor",
    "Mark",
    "MethodAdvice",
    "ScoreMethod",
    "Scores",
    "floor_effect",
    "formula_text",
    "method_warning",
    "points",
    "recommend_method",
    "relative_floor_caveat",
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


HOMOGENEOUS_RATIO = 2.0
"""Offers are *homogeneous* when the highest value is at most twice the lowest one.

A choice of ours that puts the DAJ's advice in numbers: the proportional method suits
few, homogeneous offers; the linear one suits dispersed offers (DAJ fiche « Les
méthodes de notation du critère prix », 2024, cited above). Above a ratio of 2 the
proportional marks of every offer but the best crowd near the bottom of the scale
(values 104, 970 and 2720 get 10, 1.07 and 0.38: the second and third offers, 2.8
times apart, end 0.7 point apart), so the criterion no longer tells them apart."""


class MethodAdvice(BaseModel):
    """The method recommended for a set of values, and why, in French and English."""

    model_config = _OUT
    method: ScoreMethod
    ratio: float
    """Highest over lowest value (``inf`` when the lowest is 0)."""
    offers: int
    reason_fr: str
    reason_en: str

    def reason(self, lang: str = "fr") -> str:
        """The reason in ``lang`` (``fr`` or ``en``)."""
        return self.reason_fr if lang == "fr" else self.reason_en


def _ratio_text(ratio: float, lang: str) -> str:
    if not math.isfinite(ratio):
        return "infini" if lang == "fr" else "infinite"
    text = f"{ratio:.0f}" if ratio >= 100 else f"{ratio:.3g}"
    return text.replace(".", ",") if lang == "fr" else text


def recommend_method(values: Sequence[float]) -> MethodAdvice:
    """The scoring method the DAJ guidance points to for ``values``, and why.

    Proportional for homogeneous offers (highest value at most
    :data:`HOMOGENEOUS_RATIO` times the lowest), linear for dispersed ones; with two
    offers, proportional, since the linear method then gives the second offer 0
    whatever the gap. Never the ``mean`` method (see :func:`method_warning`).

    Args:
        values: the scored values (lower is better), after any floor.

    Raises:
        ValidationFailure: no value, or a negative or non-finite one.
    """
    _check_values(values)
    best, worst = min(values), max(values)
    ratio = math.inf if best == 0 and worst > 0 else (1.0 if worst == 0 else worst / best)
    n = len(values)
    r_fr, r_en = _ratio_text(ratio, "fr"), _ratio_text(ratio, "en")
    if n < 3:
        return MethodAdvice(
            method="proportional", ratio=ratio, offers=n,
            reason_fr=(
                f"{n} offre(s) seulement : la méthode linéaire donnerait 0 à la moins bonne "
                "quel que soit l'écart ; la méthode proportionnelle garde l'écart réel."
            ),
            reason_en=(
                f"Only {n} offer(s): the linear method would give the worse one 0 whatever "
                "the gap; the proportional method keeps the real gap."
            ),
        )
    if ratio <= HOMOGENEOUS_RATIO:
        return MethodAdvice(
            method="proportional", ratio=ratio, offers=n,
            reason_fr=(
                f"Offres homogènes (la plus élevée vaut {r_fr} fois la plus basse, au plus "
                f"{HOMOGENEOUS_RATIO:g}) : la méthode proportionnelle, neutre, convient "
                "(guide de la DAJ)."
            ),
            reason_en=(
                f"Homogeneous offers (the highest is {r_en} times the lowest, at most "
                f"{HOMOGENEOUS_RATIO:g}): the neutral proportional method fits (DAJ guidance)."
            ),
        )
    return MethodAdvice(
        method="linear", ratio=ratio, offers=n,
        reason_fr=(
            f"Offres dispersées (la plus élevée vaut {r_fr} fois la plus basse, plus de "
            f"{HOMOGENEOUS_RATIO:g}) : la méthode proportionnelle tasserait toutes les notes "
            "sauf la meilleure près de 0 ; la méthode linéaire répartit les offres entre la "
            "meilleure et la moins bonne (guide de la DAJ)."
        ),
        reason_en=(
            f"Dispersed offers (the highest is {r_en} times the lowest, more than "
            f"{HOMOGENEOUS_RATIO:g}): the proportional method would crowd every mark but the "
            "best near 0; the linear method spreads the offers between the best and the worst "
            "(DAJ guidance)."
        ),
    )


def method_warning(method: ScoreMethod, lang: str = "fr") -> str | None:
    """The warning a buyer must read before choosing ``method``, or ``None``.

    The ``mean`` method compresses the gaps between offers; a scoring method that
    neutralises the weight of a criterion is irregular (CE, 3 Nov 2014, Commune de
    Belleville-sur-Loire, n° 373362; CE, 20 Nov 2020, n° 427761).
    """
    if method != "mean":
        return None
    if lang == "fr":
        return (
            "Attention : la méthode relative à la moyenne tasse les écarts entre offres "
            "(compression des notes) ; une méthode qui neutralise la pondération d'un "
            "critère est irrégulière (CE, 3 novembre 2014, Commune de Belleville-sur-Loire, "
            "n° 373362). Préférez la méthode linéaire ou proportionnelle."
        )
    return (
        "Warning: the method relative to the mean compresses the gaps between offers "
        "(mark compression); a method that neutralises a criterion's weight is irregular "
        "(CE, 3 Nov 2014, Commune de Belleville-sur-Loire, n° 373362). Prefer the linear "
        "or proportional method."
    )


def relative_floor_caveat(lang: str = "fr") -> str:
    """Why a floor relative to the offers received is weaker than an absolute one."""
    if lang == "fr":
        return (
            "Plancher relatif : il dépend des offres reçues, inconnues à la publication, et "
            "un candidat peut le déplacer par sa propre offre ; préférez un plancher absolu "
            "fixé avant la publication."
        )
    return (
        "Relative floor: it depends on the offers received, unknown when the tender is "
        "published, and a bidder can move it with its own offer; prefer an absolute floor "
        "fixed before publication."
    )


def floor_effect(scores: Scores, lang: str = "fr") -> str | None:
    """What the floor did to the marks, in words; ``None`` when no offer was raised.

    Every offer below the floor is scored at the floor and is subject to a request for
    clarification (demande de précisions); two or more raised offers share the best
    scored value, hence the same mark on this criterion.
    """
    raised = scores.floor.floored
    if not raised:
        return None
    names = ", ".join(raised)
    v = f"{scores.floor.value:g}"
    if lang == "fr":
        v = v.replace(".", ",")
        text = (
            f"Sous le plancher ({v}) : {names}. Leur valeur est notée au plancher et fait "
            "l'objet d'une demande de précisions ; si la réponse ne la justifie pas par les "
            "pièces demandées, la donnée est traitée comme non déclarée et la valeur par "
            "défaut publiée s'applique."
        )
        if len(raised) > 1:
            text += (
                f" Les {len(raised)} offres sous le plancher reçoivent la même note sur ce "
                "critère : le plancher ne les départage pas, les autres critères le font."
            )
        return text
    text = (
        f"Below the floor ({v}): {names}. Their value is scored at the floor and a request "
        "for clarification follows; if the answer does not support it with the evidence asked "
        "for, the figure is treated as undeclared and the published default applies."
    )
    if len(raised) > 1:
        text += (
            f" The {len(raised)} offers below the floor get the same mark on this criterion: "
            "the floor does not separate them, the other criteria do."
        )
    return text
