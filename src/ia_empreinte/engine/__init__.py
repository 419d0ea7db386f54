"""The estimation engine: from a usage profile (or a read usage log) and an offer to an Estimate.

The chain (docs/methodology.md) is a sequence of small pure vectorised functions in
``llm`` (text-generation accelerator energy), ``tasks`` (other tasks), ``host``,
``facility`` and ``embodied``, composed in ``chain``. This module summarises the draws
into the serialisable :class:`~ia_empreinte.results.Estimate`.
"""

from __future__ import annotations

from ia_empreinte.engine.chain import DrawsResult, StepInput, estimate_draws
from ia_empreinte.engine.log_audit import USAGE_LOG_SCHEMA, audit
from ia_empreinte.engine.summary import inputs_sha256, summarise
from ia_empreinte.offers import Offer, check_offer_serves_profile
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import Estimate
from ia_empreinte.uncertainty import Sampler

__all__ = [
    "USAGE_LOG_SCHEMA",
    "DrawsResult",
    "StepInput",
    "audit",
    "estimate",
    "estimate_draws",
    "inputs_sha256",
    "summarise",
]


def estimate(
    profile: UsageProfile, offer: Offer, *, draws: int = 1000, seed: int = 42,
    records: RecordStore = EMPTY,
) -> Estimate:
    """The footprint of ``offer`` under ``profile``: per request, per year, per contract.

    Args:
        profile: the buyer's usage profile.
        offer: the candidate service.
        draws: Monte Carlo draws (1 gives the deterministic central case).
        seed: the recorded seed; the same seed gives bit-identical figures.
        records: the benchmark records the offer pins, by SHA-256 (read by the input
            layer: :func:`ia_empreinte.inputs.records.load_records`).

    Raises:
        OfferError: the offer does not serve a task of the profile.
        RecordError: ``records`` does not hold a record the offer pins.
    """
    check_offer_serves_profile(profile, offer)
    result = estimate_draws(profile, offer, Sampler(seed, draws), records=records)
    sha = inputs_sha256(profile.model_dump(mode="json"), offer, list(result.trace.records))
    return summarise(result, profile_id=profile.id, offer_id=offer.id, seed=seed,
                     draws=draws, inputs_sha256=sha)
