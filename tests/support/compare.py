"""A fixed comparison built from hand-made draws, for renderer and golden tests.

The draws follow a tiny model written here (not the engine), so the golden files only
change when the comparison or the renderers change, not when the engine's constants do:
per request, accelerator energy is drawn per offer, host energy is 30 % of it,
facility overhead is (PUE - 1) x IT energy; GHG = facility energy x grid factor of the
offer's zone (+ a fixed embodied share); volumes come from the shared profile draws.
"""

from __future__ import annotations

import numpy as np

from ia_empreinte.comparison import CompareOptions, Comparison, compare_draws
from ia_empreinte.results import Caveat, EstimateDraws
from ia_empreinte.uncertainty import Lognormal, Sampler, Triangular, Uniform

GRID = {
    "FR": Triangular(dist="triangular", low=0.030, mode=0.044, high=0.080),
    "DE": Triangular(dist="triangular", low=0.30, mode=0.38, high=0.45),
}

OFFERS = [
    {"id": "souverain-fr", "vendor": "Nuage Éthique & Fils", "service": "Assistant « Marianne »",
     "zone": "FR", "acc_wh": 0.9, "pue": 1.3},
    {"id": "hyperscale-de", "vendor": "Big <Cloud> GmbH", "service": "Chat \"Pro\"",
     "zone": "DE", "acc_wh": 0.5, "pue": 1.15},
    {"id": "mutualise-fr", "vendor": "Régie numérique", "service": "IA mutualisée",
     "zone": "FR", "acc_wh": 1.6, "pue": 1.5},
]


def offer_draws(sampler: Sampler, offer: dict[str, object]) -> EstimateDraws:
    """The draws of one offer under the fixed toy model."""
    oid = str(offer["id"])
    rpd = sampler.sample(
        "profile.volume.requests_per_day",
        Triangular(dist="triangular", low=2500, mode=4500, high=7500),
    )
    years = sampler.constant(3.0)
    acc = sampler.sample(f"offer.{oid}.accelerator_wh", Lognormal(dist="lognormal",
                         p50=float(offer["acc_wh"]), gsd=1.4))  # type: ignore[arg-type]
    pue = sampler.sample(f"offer.{oid}.pue", Uniform(dist="uniform",
                         low=float(offer["pue"]) - 0.05, high=float(offer["pue"]) + 0.05))  # type: ignore[arg-type]
    zone = str(offer["zone"])
    grid = sampler.sample(f"zone.{zone}.gwp", GRID[zone])
    host = 0.3 * acc
    overhead = (pue - 1) * (acc + host)
    facility_wh = acc + host + overhead
    use_kg = facility_wh / 1000 * grid
    embodied_kg = np.full(sampler.draws, 0.00002)
    req_year = rpd * 365
    per_request_energy = {"accelerators": acc, "host": host, "idle": np.zeros(sampler.draws),
                          "facility_overhead": overhead}
    per_year_energy = {k: v * req_year / 1000 for k, v in per_request_energy.items()}
    return EstimateDraws(
        per_request_energy_wh=per_request_energy,
        per_request_gwp_kgco2e={"use": use_kg, "embodied": embodied_kg},
        per_request_water_l=facility_wh / 1000 * 1.8,
        per_request_adpe_kgsbeq=np.full(sampler.draws, 1e-9),
        per_request_pe_mj=facility_wh / 1000 * 3.6 * 2.58,
        per_year_energy_kwh=per_year_energy,
        per_year_gwp_kgco2e={"use": use_kg * req_year, "embodied": embodied_kg * req_year},
        per_year_water_l=facility_wh / 1000 * 1.8 * req_year,
        per_year_adpe_kgsbeq=np.full(sampler.draws, 1e-9) * req_year,
        per_year_pe_mj=facility_wh / 1000 * 3.6 * 2.58 * req_year,
        requests_per_year=req_year,
        contract_years=years,
        extras={
            "profile.volume.requests_per_day": rpd,
            f"offer.{oid}.accelerator_wh": acc,
            f"offer.{oid}.pue": pue,
            f"zone.{zone}.gwp": grid,
        },
    )


def fixed_comparison(options: CompareOptions | None = None) -> Comparison:
    """The comparison the golden files are made of (200 draws, seed 7)."""
    opts = options or CompareOptions(seed=7, draws=200)
    sampler = Sampler(opts.seed, opts.draws)
    draws = [offer_draws(sampler, o) for o in OFFERS]
    return compare_draws(
        "chatbot-web-metropole",
        [{k: o[k] for k in ("id", "vendor", "service")} for o in OFFERS],
        draws,
        opts,
        methods=[{"accelerators": "modelled"}, {"accelerators": "declared"},
                 {"accelerators": "measured"}],
        caveats=[[], [Caveat(code="zone-default", message="grid factor of DE used")], []],
    )


def example_inputs(
    vendor_suffix: str = "",
) -> tuple[object, list[object]]:
    """The example profile and three example offers (optionally with hostile names)."""
    from ia_empreinte import load_offer, load_profile, parse_offer
    from ia_empreinte.inputs.documents import read_document
    from tests.conftest import EXAMPLE_OFFERS, PROFILES

    profile = load_profile(PROFILES / "chatbot-web-metropole.yaml")
    offers = []
    for name in ("frontier-api-us", "open-mid-cloud-fr", "small-onprem-dedicated"):
        path = EXAMPLE_OFFERS / f"{name}.yaml"
        if vendor_suffix:
            data = read_document(path)
            data["vendor"] = str(data.get("vendor", "")) + vendor_suffix
            data["service"] = vendor_suffix
            offers.append(parse_offer(data))
        else:
            offers.append(load_offer(path))
    return profile, offers


HOSTILE = " <script>alert(\"x\")</script> & 'Co' \"quoted\""
"""Names a vendor could write in its offer file: markup, quotes and ampersands."""
