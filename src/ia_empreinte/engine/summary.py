"""Summarise raw draws into the serialisable Estimate (p05, p50, p95, mean)."""

from __future__ import annotations

from ia_empreinte import catalog
from ia_empreinte._canonical import canonical_json, sha256_hex
from ia_empreinte._version import __version__
from ia_empreinte.engine.chain import DrawsResult
from ia_empreinte.offers import Offer
from ia_empreinte.results import (
    COMPONENTS,
    Estimate,
    PeriodImpacts,
    Provenance,
    RequestImpacts,
    Summary,
    TrainingImpacts,
)
from ia_empreinte.types import Array
from ia_empreinte.units import WH_PER_KWH

__all__ = ["inputs_sha256", "summarise"]


def summarise(
    result: DrawsResult, *, profile_id: str, offer_id: str, seed: int, draws: int,
    inputs_sha256: str,
) -> Estimate:
    """Build the :class:`Estimate` of ``result`` with its provenance and caveats."""

    d = result.draws
    phases = ("use", "embodied")
    years: dict[str, Array | float] = {"per_year": 1.0, "contract": d.contract_years}
    raw: dict[str, Array] = {
        "energy_wh": d.per_request_energy_wh["total"],
        **{f"energy_wh.{c}": d.per_request_energy_wh[c] for c in COMPONENTS},
        "gwp_kgco2e": d.per_request_gwp_kgco2e["total"],
        **{f"gwp_kgco2e.{p}": d.per_request_gwp_kgco2e[p] for p in phases},
        "water_l": d.per_request_water_l,
        "adpe_kgsbeq": d.per_request_adpe_kgsbeq,
        "pe_mj": d.per_request_pe_mj,
        **{f"water_l.{k}": v for k, v in d.per_request_water_l_by_scope.items()},
        **{f"pe_mj.{k}": v for k, v in d.per_request_pe_mj_by_phase.items()},
    }
    for name, k in years.items():
        raw |= {
            f"{name}.energy_kwh": d.per_year_energy_kwh["total"] * k,
            **{f"{name}.energy_kwh.{c}": d.per_year_energy_kwh[c] * k for c in COMPONENTS},
            f"{name}.gwp_kgco2e": d.per_year_gwp_kgco2e["total"] * k,
            **{f"{name}.gwp_kgco2e.{p}": d.per_year_gwp_kgco2e[p] * k for p in phases},
            f"{name}.water_l": d.per_year_water_l * k,
            f"{name}.adpe_kgsbeq": d.per_year_adpe_kgsbeq * k,
            f"{name}.pe_mj": d.per_year_pe_mj * k,
            f"{name}.requests": d.requests_per_year * k,
            **{f"{name}.water_l.{w}": v * k for w, v in d.per_year_water_l_by_scope.items()},
            **{f"{name}.pe_mj.{p}": v * k for p, v in d.per_year_pe_mj_by_phase.items()},
        }
    t = result.training
    if t is not None:
        contract_requests = d.requests_per_year * d.contract_years
        raw["training.amortisation_requests"] = t.amortisation_requests
        if t.per_request_energy_wh is not None:
            raw["training.per_request_energy_wh"] = t.per_request_energy_wh
            raw["training.contract_energy_kwh"] = (
                t.per_request_energy_wh * contract_requests / WH_PER_KWH)
        if t.per_request_gwp_kgco2e is not None:
            raw["training.per_request_gwp_kgco2e"] = t.per_request_gwp_kgco2e
            raw["training.contract_gwp_kgco2e"] = t.per_request_gwp_kgco2e * contract_requests
    s = Summary.of_many(raw, draws)
    per_request = RequestImpacts(
        energy_wh=s["energy_wh"],
        energy_wh_by_component={c: s[f"energy_wh.{c}"] for c in COMPONENTS},
        gwp_kgco2e=s["gwp_kgco2e"],
        gwp_kgco2e_by_phase={p: s[f"gwp_kgco2e.{p}"] for p in phases},
        water_l=s["water_l"], adpe_kgsbeq=s["adpe_kgsbeq"], pe_mj=s["pe_mj"],
        water_l_by_scope={w: s[f"water_l.{w}"] for w in d.per_request_water_l_by_scope},
        pe_mj_by_phase={p: s[f"pe_mj.{p}"] for p in d.per_request_pe_mj_by_phase},
    )

    def period(name: str) -> PeriodImpacts:
        return PeriodImpacts(
            energy_kwh=s[f"{name}.energy_kwh"],
            energy_kwh_by_component={c: s[f"{name}.energy_kwh.{c}"] for c in COMPONENTS},
            gwp_kgco2e=s[f"{name}.gwp_kgco2e"],
            gwp_kgco2e_by_phase={p: s[f"{name}.gwp_kgco2e.{p}"] for p in phases},
            water_l=s[f"{name}.water_l"], adpe_kgsbeq=s[f"{name}.adpe_kgsbeq"],
            pe_mj=s[f"{name}.pe_mj"], requests=s[f"{name}.requests"],
            water_l_by_scope={w: s[f"{name}.water_l.{w}"]
                              for w in d.per_year_water_l_by_scope},
            pe_mj_by_phase={p: s[f"{name}.pe_mj.{p}"] for p in d.per_year_pe_mj_by_phase},
        )

    training = None
    if t is not None:
        training = TrainingImpacts(
            per_request_energy_wh=s.get("training.per_request_energy_wh"),
            per_request_gwp_kgco2e=s.get("training.per_request_gwp_kgco2e"),
            contract_gwp_kgco2e=s.get("training.contract_gwp_kgco2e"),
            contract_energy_kwh=s.get("training.contract_energy_kwh"),
            amortisation_requests=s["training.amortisation_requests"],
            source=t.source,
        )
    provenance = Provenance(
        tool_version=__version__, seed=seed, draws=draws, inputs_sha256=inputs_sha256,
        data_sha256=catalog.data_file_hashes(),
        methods=dict(sorted(result.trace.methods.items())),
        benchmark_records=sorted(set(result.trace.records)),
    )
    return Estimate(
        profile_id=profile_id, offer_id=offer_id, per_request=per_request,
        per_year=period("per_year"), contract=period("contract"), training=training,
        provenance=provenance, caveats=list(result.trace.caveats),
        defaulted_fields=list(result.trace.defaulted),
    )


def inputs_sha256(profile: object, offer: Offer, records: list[str]) -> str:
    """SHA-256 of the canonical JSON of the validated inputs plus the records' hashes."""
    doc: dict[str, object] = {"profile": profile, "offer": offer.model_dump(mode="json")}
    if records:
        doc["benchmark_records"] = sorted(set(records))
    return sha256_hex(canonical_json(doc))
