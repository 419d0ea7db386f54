"""The estimation engine: from a usage profile (or a usage log) and an offer to an Estimate.

The chain (docs/methodology.md) is a sequence of small pure vectorised functions in
``llm`` (text-generation accelerator energy), ``tasks`` (other tasks), ``host``,
``facility`` and ``embodied``, composed in ``chain``. This module summarises the draws
into the serialisable :class:`~ia_empreinte.results.Estimate`.
"""

from __future__ import annotations

from pathlib import Path

from ia_empreinte._canonical import canonical_json, sha256_hex
from ia_empreinte.engine.chain import DrawsResult, StepInput, estimate_draws
from ia_empreinte.engine.summary import summarise
from ia_empreinte.engine.usage_log import audit_draws
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import Estimate
from ia_empreinte.uncertainty import Sampler

__all__ = [
    "DrawsResult",
    "StepInput",
    "audit",
    "estimate",
    "estimate_draws",
    "inputs_sha256",
    "summarise",
]


def inputs_sha256(profile: object, offer: Offer, records: list[str]) -> str:
    """SHA-256 of the canonical JSON of the validated inputs plus the records' hashes."""
    doc: dict[str, object] = {"profile": profile, "offer": offer.model_dump(mode="json")}
    if records:
        doc["benchmark_records"] = sorted(set(records))
    return sha256_hex(canonical_json(doc))


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
        RecordError: ``records`` does not hold a record the offer pins.
    """
    result = estimate_draws(profile, offer, Sampler(seed, draws), records=records)
    sha = inputs_sha256(profile.model_dump(mode="json"), offer, list(result.trace.records))
    return summarise(result, profile_id=profile.id, offer_id=offer.id, seed=seed,
                     draws=draws, inputs_sha256=sha)


def audit(
    offer: Offer, log_path: str | Path, *, draws: int = 1000, seed: int = 42,
    records: RecordStore = EMPTY,
) -> Estimate:
    """The actual footprint of the requests of a usage log (CSV or JSONL) under ``offer``.

    Every row is evaluated at once (vectorised). ``contract`` is the logged period,
    ``per_year`` the same annualised over the span of the timestamps.

    Raises:
        InputFileError: the log cannot be read, or a row is invalid (file, line, column).
    """

    result, log_sha, profile_id = audit_draws(offer, log_path, Sampler(seed, draws),
                                              records=records)
    sha = inputs_sha256({"usage_log_sha256": log_sha}, offer, list(result.trace.records))
    return summarise(result, profile_id=profile_id, offer_id=offer.id, seed=seed,
                     draws=draws, inputs_sha256=sha)
