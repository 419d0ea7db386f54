"""Summarise raw draws into the serialisable Estimate (p05, p50, p95, mean)."""

from __future__ import annotations

from ia_empreinte import catalog
from ia_empreinte.engine.chain import DrawsResult
from ia_empreinte.results import (
    COMPONENTS,
    Estimate,
    PeriodImpacts,
    Provenance,
    RequestImpacts,
    Summary,
    TrainingImpacts,
)
from ia_empreinte.units import WH_PER_KWH

__all__ = ["summarise"]


def summarise(
    result: DrawsResult, *, profile_id: str, offer_id: str, seed: int, draws: int,
    inputs_sha256: str,
) -> Estimate:
    """Build the :class:`Estimate` of ``result`` with its provenance and caveats."""
    from ia_empreinte import __version__

    d = result.draws
    phases = ("use", "embodied")
    per_request = RequestImpacts(
        energy_wh=Summary.of(d.per_request_energy_wh["total"]),
        energy_wh_by_component={c: Summary.of(d.per_request_energy_wh[c]) for c in COMPONENTS},
        gwp_kgco2e=Summary.of(d.per_request_gwp_kgco2e["total"]),
        gwp_kgco2e_by_phase={p: Summary.of(d.per_request_gwp_kgco2e[p]) for p in phases},
        water_l=Summary.of(d.per_request_water_l),
        adpe_kgsbeq=Summary.of(d.per_request_adpe_kgsbeq),
        pe_mj=Summary.of(d.per_request_pe_mj),
    )

    def period(years_factor: float | None) -> PeriodImpacts:
        k = d.contract_years if years_factor is None else 1.0
        return PeriodImpacts(
            energy_kwh=Summary.of(d.per_year_energy_kwh["total"] * k),
            energy_kwh_by_component={c: Summary.of(d.per_year_energy_kwh[c] * k)
                                     for c in COMPONENTS},
            gwp_kgco2e=Summary.of(d.per_year_gwp_kgco2e["total"] * k),
            gwp_kgco2e_by_phase={p: Summary.of(d.per_year_gwp_kgco2e[p] * k) for p in phases},
            water_l=Summary.of(d.per_year_water_l * k),
            adpe_kgsbeq=Summary.of(d.per_year_adpe_kgsbeq * k),
            pe_mj=Summary.of(d.per_year_pe_mj * k),
            requests=Summary.of(d.requests_per_year * k),
        )

    training = None
    t = result.training
    if t is not None:
        contract_requests = d.requests_per_year * d.contract_years
        training = TrainingImpacts(
            per_request_energy_wh=(Summary.of(t.per_request_energy_wh)
                                   if t.per_request_energy_wh is not None else None),
            per_request_gwp_kgco2e=(Summary.of(t.per_request_gwp_kgco2e)
                                    if t.per_request_gwp_kgco2e is not None else None),
            contract_gwp_kgco2e=(Summary.of(t.per_request_gwp_kgco2e * contract_requests)
                                 if t.per_request_gwp_kgco2e is not None else None),
            contract_energy_kwh=(
                Summary.of(t.per_request_energy_wh * contract_requests / WH_PER_KWH)
                if t.per_request_energy_wh is not None else None),
            amortisation_requests=Summary.of(t.amortisation_requests),
            source=t.source,
        )
    provenance = Provenance(
        tool_version=__version__, seed=seed, draws=draws, inputs_sha256=inputs_sha256,
        data_sha256=catalog.data_file_hashes(), methods=dict(sorted(result.methods.items())),
        benchmark_records=sorted(set(result.benchmark_records)),
    )
    return Estimate(
        profile_id=profile_id, offer_id=offer_id, per_request=per_request,
        per_year=period(1.0), contract=period(None), training=training,
        provenance=provenance, caveats=result.caveats,
    )
