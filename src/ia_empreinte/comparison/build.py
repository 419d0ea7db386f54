"""Building a :class:`Comparison` from the offers' draws on one shared sampler."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from ia_empreinte import engine
from ia_empreinte.comparison.document import Comparison, OfferFigures, Pair
from ia_empreinte.comparison.figures import figures, parts
from ia_empreinte.comparison.options import INDICATOR_KEYS, CompareOptions, unit_of
from ia_empreinte.comparison.probabilities import p_best, p_lower, ranks
from ia_empreinte.comparison.sensitivity import drivers, gap_inputs
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.offers import Offer, check_offer_serves_profile
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import Caveat, DefaultedField, EstimateDraws, Summary, Trace
from ia_empreinte.scoring import score
from ia_empreinte.uncertainty import MAX_DRAWS, Sampler, central

__all__ = ["compare", "compare_draws"]

_OUT = ConfigDict(extra="forbid", frozen=True)


class _OfferLike(BaseModel):
    model_config = _OUT
    id: str
    vendor: str = ""
    service: str = ""


def compare_draws(
    profile_id: str,
    offers: Sequence[Offer | _OfferLike | Mapping[str, Any]],
    draws: Sequence[EstimateDraws],
    options: CompareOptions | None = None,
    *,
    methods: Sequence[Mapping[str, str]] | None = None,
    caveats: Sequence[Sequence[Caveat]] | None = None,
) -> Comparison:
    """Build a :class:`Comparison` from each offer's draws (all on one shared sampler).

    Args:
        profile_id: the usage profile's id.
        offers: the offers (or mappings with ``id``, ``vendor``, ``service``), in order.
        draws: each offer's :class:`EstimateDraws`, same order, same number of draws.
        options: indicator, scope and scoring; defaults otherwise.
        methods: per offer, how each component was obtained (from the engine).
        caveats: per offer, the engine's caveats.
    """
    opts = options or CompareOptions()
    infos = [
        o if isinstance(o, Offer | _OfferLike) else _OfferLike.model_validate(o) for o in offers
    ]
    if not infos:
        raise ValidationFailure("give at least one offer to compare")
    if len(infos) != len(draws):
        raise ValueError("one EstimateDraws per offer is needed")
    ids = [o.id for o in infos]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValidationFailure(f"offer ids must be distinct; repeated: {', '.join(dup)}")
    req_key, period_key = INDICATOR_KEYS[opts.indicator]
    key = req_key if opts.scope == "per_request" else period_key
    per_scope = [figures(d) for d in draws]
    scored = [f[opts.scope][key] for f in per_scope]
    n = {len(s) for s in scored}
    if len(n) != 1:
        raise ValueError(f"offers were estimated with different numbers of draws: {sorted(n)}")

    medians = [float(np.median(s)) for s in scored]
    rank = ranks(medians)
    best = p_best(scored)

    result: list[OfferFigures] = []
    for i, (info, d, f) in enumerate(zip(infos, draws, per_scope, strict=True)):
        energy_parts, gwp_parts = parts(d, opts.scope)
        result.append(
            OfferFigures(
                offer_id=info.id,
                vendor=info.vendor,
                service=info.service,
                per_request={k: Summary.of(v) for k, v in f["per_request"].items()},
                per_year={k: Summary.of(v) for k, v in f["per_year"].items()},
                contract={k: Summary.of(v) for k, v in f["contract"].items()},
                energy_by_component={k: Summary.of(v) for k, v in energy_parts.items()},
                gwp_by_phase={k: Summary.of(v) for k, v in gwp_parts.items()},
                scored=Summary.of(scored[i]),
                scored_box=[float(q) for q in np.percentile(scored[i], [5, 25, 50, 75, 95])],
                rank=rank[i],
                p_best=float(best[i]),
                drivers=drivers(d.extras, scored[i]),
                methods=dict(methods[i]) if methods else {},
                caveats=list(caveats[i]) if caveats else [],
            )
        )
    pairs: list[Pair] = []
    for i in range(len(infos)):
        for j in range(i + 1, len(infos)):
            gap = scored[i] - scored[j]
            inputs = gap_inputs(ids[i], draws[i].extras, ids[j], draws[j].extras)
            pairs.append(
                Pair(
                    a=ids[i],
                    b=ids[j],
                    p_a_lower=p_lower(scored[i], scored[j]),
                    gap=Summary.of(gap),
                    drivers=drivers(inputs, gap),
                )
            )
    marks = score(
        dict(zip(ids, medians, strict=True)),
        method=opts.method,
        n_max=opts.points,
        floor=opts.floor,
        floor_fraction=opts.floor_fraction,
    )
    notes: list[Caveat] = []
    if not any(medians):
        notes.append(
            Caveat(
                code="score-all-zero",
                message=(
                    "every offer's scored figure is 0: the marks do not tell the offers "
                    "apart; check the usage profile"
                ),
            )
        )
    if marks.floor.floored:
        notes.append(
            Caveat(
                code="score-floor",
                message=(
                    f"{', '.join(marks.floor.floored)}: below the floor of "
                    f"{marks.floor.value:.4g} {unit_of(opts.indicator, opts.scope)}; "
                    "scored at the floor, the declared figures must be checked"
                ),
            )
        )
    return Comparison(
        profile_id=profile_id,
        indicator=opts.indicator,
        scope=opts.scope,
        unit=unit_of(opts.indicator, opts.scope),
        seed=opts.seed,
        draws=len(scored[0]),
        offers=result,
        pairs=pairs,
        scores=marks,
        caveats=notes,
    )


def _run_engine(
    profile: UsageProfile, offer: Offer, sampler: Sampler, records: RecordStore
) -> tuple[EstimateDraws, Trace]:
    """One offer's draws, with the draws of its sampled inputs added to its ``extras``."""
    result = engine.estimate_draws(profile, offer, sampler, records=records)
    extras = {**result.trace.sampled, **result.draws.extras}
    return replace(result.draws, extras=extras), result.trace


def compare(
    profile: UsageProfile,
    offers: Sequence[Offer],
    options: CompareOptions | None = None,
    *,
    records: RecordStore = EMPTY,
) -> Comparison:
    """Estimate every offer on ``profile`` with one shared sampler and compare them.

    Args:
        profile: the buyer's usage profile.
        offers: two or more offers (one is accepted: a comparison of one).
        options: indicator, scope, scoring, seed and number of draws.
        records: the benchmark records the offers pin, by SHA-256 (read by the input
            layer).

    Returns:
        The comparison: figures, ranking, P(A < B), drivers and marks.

    Raises:
        OfferError: an offer does not serve a task of the profile.
    """
    opts = options or CompareOptions()
    if not 1 <= opts.draws <= MAX_DRAWS:
        raise ValidationFailure(f"draws must be between 1 and {MAX_DRAWS:,}, got {opts.draws:,}")
    for i, offer in enumerate(offers):  # every offer, before any computation
        check_offer_serves_profile(profile, offer, at=("offers", i))
    sampler = Sampler(opts.seed, opts.draws, record=True)
    runs = [_run_engine(profile, o, sampler, records) for o in offers]
    comparison = compare_draws(
        profile.id,
        offers,
        [draws for draws, _ in runs],
        opts,
        methods=[dict(trace.methods) for _, trace in runs],
        caveats=[list(trace.caveats) for _, trace in runs],
    )
    uneven = reasoning_declared_unevenly(offers, [trace.defaulted for _, trace in runs])
    if uneven is None:
        return comparison
    return comparison.model_copy(update={"caveats": [*comparison.caveats, uneven]})


def reasoning_declared_unevenly(
    offers: Sequence[Offer], defaulted: Sequence[Sequence[DefaultedField]]
) -> Caveat | None:
    """A jury warning when some offers declare hidden reasoning tokens and others are
    costed without any because they declared nothing (rule ``reasoning-none``).

    No published default can be conservative here without inflating every offer whose
    model does not reason (methodology, section 14), so the comparison says which
    offers to ask: the consultation kit requires a model that reasons to declare its
    hidden tokens.
    """
    declaring = [o.id for o in offers
                 if any((spec.reasoning_tokens is not None
                         and float(central(spec.reasoning_tokens)) > 0)
                        for spec in (o.model, *(c.model for c in o.components)))]
    silent = [o.id for o, fields in zip(offers, defaulted, strict=True)
              if any(f.rule == "reasoning-none" for f in fields)]
    if not declaring or not silent:
        return None
    return Caveat(
        code="reasoning-undeclared",
        message=(f"{', '.join(silent)}: costed without hidden reasoning tokens because the "
                 f"offer declares none, while {', '.join(declaring)} declares some; ask "
                 "whether the model reasons (the consultation kit requires the declaration)"),
    )
