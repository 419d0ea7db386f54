"""Equal treatment: every catalog accelerator carries a manufacturing footprint.

No accelerator may estimate with a zero embodied impact because our catalog lacks its
figure (an offer would be favoured by a gap of the catalog): the entries without a
published figure carry a documented proxy, and catalog validation refuses an entry
without one.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ia_empreinte import catalog, estimate
from ia_empreinte.engine.sites import make_site
from ia_empreinte.inputs.load import load_profile
from ia_empreinte.offers import parse_offer
from ia_empreinte.uncertainty import Sampler, central

FIXTURES = Path(__file__).parents[1] / "fixtures" / "engine"
FIELDS = ("embodied_gwp_kgco2e", "embodied_adpe_kgsbeq", "embodied_pe_mj")
IDS = [a.id for a in catalog.accelerators()]


def _offer(accelerator: str) -> Any:
    return parse_offer({
        "id": f"embodied-{accelerator}", "illustrative": True,
        "model": {"total_params_b": 0.001},
        "deployment": {"accelerator": accelerator, "accelerator_count": 1, "zone": "FR",
                       "pue": 1.5, "hardware_lifetime_years": 4},
    })


def test_the_walk_covers_the_accelerators_that_had_no_figure() -> None:
    assert {"nvidia-l4", "nvidia-l40s", "nvidia-b200", "nvidia-t4", "nvidia-v100",
            "amd-mi300x", "cpu-server"} <= set(IDS)


@pytest.mark.parametrize("accelerator", IDS)
def test_every_accelerator_estimates_with_its_own_embodied_footprint(accelerator: str) -> None:
    profile = load_profile(FIXTURES / "profile-tabular.yaml")
    offer = _offer(accelerator)
    acc = catalog.accelerator(accelerator)
    site = make_site("offer", offer.deployment, Sampler(42, 1))
    server = catalog.server(site.server.id)
    for field in FIELDS:
        acc_value = central(getattr(acc, field))
        assert acc_value > 0, field
        # The site's per-replica embodied impact includes the accelerator's, not zero.
        expected = acc_value + site.server_share * central(getattr(server, field))
        assert float(getattr(site, field)[0]) == pytest.approx(expected, rel=1e-12), field
    assert acc.embodied_source

    est = estimate(profile, offer, draws=200)
    assert "embodied-missing" not in {c.code for c in est.caveats}
    assert est.per_request.gwp_kgco2e_by_phase["embodied"].p50 > 0
    assert est.per_request.adpe_kgsbeq.p50 > 0
    assert est.per_request.pe_mj.p50 > 0


def test_one_proxy_value_by_hand() -> None:
    """NVIDIA L4: I = k x I_fixed + s x memory, fitted on EcoLogits' H100 (80 GB, 273 kg,
    3721 MJ) and H200 (141 GB, 364 kg, 4906 MJ), k = AD104 294.5 mm2 / GH100 814 mm2.

    s = 91 / 61 = 1.49180 kg/GB; I_fixed = 273 - 80 s = 153.656 kg;
    GWP = 0.361794 x 153.656 + 24 x 1.49180 = 55.591 + 35.803 = 91.39 -> 91.4 kgCO2e;
    PE: s = 1185 / 61 = 19.4262 MJ/GB, I_fixed = 3721 - 80 s = 2166.90 MJ,
    0.361794 x 2166.90 + 24 x 19.4262 = 783.97 + 466.23 = 1250.2 -> 1250 MJ;
    ADPe = 0.00895 x 0.361794 = 0.003238 -> 0.00324 kgSbeq. Range 0.6x / 1.5x the mode.
    """
    l4 = catalog.accelerator("nvidia-l4")
    k = 294.5 / 814
    gwp = k * (273 - 80 * 91 / 61) + 24 * 91 / 61
    pe = k * (3721 - 80 * 1185 / 61) + 24 * 1185 / 61
    assert round(gwp, 1) == 91.4
    assert round(pe) == 1250
    assert central(l4.embodied_gwp_kgco2e) == 91.4
    assert central(l4.embodied_pe_mj) == 1250
    assert central(l4.embodied_adpe_kgsbeq) == 0.00324
    assert math.isclose(0.00895 * k, 0.00324, rel_tol=2e-3)
    dumped = l4.model_dump(mode="json")["embodied_gwp_kgco2e"]
    assert (dumped["low"], dumped["high"]) == (54.8, 137.1)


def _entry(**changes: Any) -> dict[str, Any]:
    entry = catalog.accelerator("nvidia-l4").model_dump(mode="json")
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


@pytest.mark.parametrize("field", [*FIELDS, "embodied_source"])
def test_catalog_validation_refuses_an_accelerator_without_embodied_data(field: str) -> None:
    entry = _entry()
    del entry[field]
    with pytest.raises(ValidationError, match=field):
        catalog.Accelerator.model_validate(entry)


@pytest.mark.parametrize("field", FIELDS)
def test_catalog_validation_refuses_a_zero_embodied_figure(field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        catalog.Accelerator.model_validate(_entry(**{field: 0}))


@pytest.mark.parametrize("field", FIELDS)
def test_every_server_class_has_every_embodied_figure(field: str) -> None:
    for server in catalog.servers():
        assert central(getattr(server, field)) > 0, (server.id, field)
