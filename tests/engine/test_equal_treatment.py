"""Equal treatment in the reference data (issue 12, item 3).

- An offer that leaves a field undeclared never comes out lower, on any indicator,
  than the same offer declaring any plausible value of that field (the published
  conservative defaults of data/undeclared.toml).
- Hosts are sized per accelerator share: one accelerator of a multi-accelerator server
  carries a share of the host, never the whole host.
- Every grid factor used by default is life-cycle and names its dataset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ia_empreinte import catalog, estimate
from ia_empreinte.engine.defaults import offer_defaults, rule, upper
from ia_empreinte.engine.sites import make_site
from ia_empreinte.inputs.load import load_profile
from ia_empreinte.offers import parse_offer
from ia_empreinte.uncertainty import Sampler, central

FIXTURES = Path(__file__).parents[1] / "fixtures" / "engine"
PROFILES = Path(__file__).parents[2] / "profiles"
INDICATORS = ("energy_wh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj")


def _figures(profile: Any, offer: dict[str, Any]) -> dict[str, float]:
    pr = estimate(profile, parse_offer(offer), draws=1).per_request
    return {name: getattr(pr, name).p50 for name in INDICATORS}


def _never_lower(profile: Any, base: dict[str, Any], field: str, values: list[Any],
                 where: str = "deployment") -> None:
    undeclared = _figures(profile, base)
    for value in values:
        declared = {**base, where: {**base[where], field: value}}
        figures = _figures(profile, declared)
        for name in INDICATORS:
            assert undeclared[name] >= figures[name] * (1 - 1e-12), (field, value, name)


@pytest.fixture(scope="module")
def tabular() -> Any:
    return load_profile(FIXTURES / "profile-tabular.yaml")


@pytest.fixture(scope="module")
def chatbot() -> Any:
    return load_profile(PROFILES / "chatbot-web-metropole.yaml")


CPU = {"id": "cpu", "model": {"total_params_b": 0.001},
       "deployment": {"accelerator": "cpu-server", "zone": "FR"}}
L4 = {"id": "l4", "model": {"total_params_b": 8},
      "deployment": {"accelerator": "nvidia-l4", "zone": "FR", "pue": 1.4}}


def test_undeclared_pue_is_never_cheaper(tabular: Any) -> None:
    pues = [1.0, 1.1, 1.2, 1.56, 1.8, 2.0]  # every class's range, unknown hosting
    _never_lower(tabular, CPU, "pue", pues)


def test_undeclared_wue_is_never_cheaper(tabular: Any) -> None:
    _never_lower(tabular, CPU, "wue_l_per_kwh", [0.0, 0.1, 0.5, 1.0, 1.8])


def test_undeclared_zone_is_never_cheaper(tabular: Any) -> None:
    base = {**CPU, "deployment": {"accelerator": "cpu-server", "pue": 1.5}}
    _never_lower(tabular, base, "zone", [z.id for z in catalog.zones()])


def test_undeclared_datacenter_is_never_cheaper(tabular: Any) -> None:
    _never_lower(tabular, CPU, "datacenter", [d.id for d in catalog.datacenters()])


def test_undeclared_lifetime_is_never_cheaper(tabular: Any) -> None:
    _never_lower(tabular, CPU, "hardware_lifetime_years", [4, 5, 6])


def test_undeclared_server_is_never_cheaper(chatbot: Any) -> None:
    # the cited range for L4 cards: 4 to 8 per physical server
    _never_lower(chatbot, L4, "server", ["pcie-server-4x", "pcie-server-8x"])


def test_undeclared_batch_is_never_cheaper(chatbot: Any) -> None:
    _never_lower(chatbot, L4, "batch_size", [1, 2, 8, 32])


def test_undeclared_precision_is_never_cheaper(chatbot: Any) -> None:
    _never_lower(chatbot, L4, "precision", ["bf16", "fp16", "fp8", "int8", "int4"],
                 where="model")


def test_every_default_is_listed_with_its_rule() -> None:
    rows = offer_defaults(parse_offer(CPU))
    fields = {r.field: r for r in rows}
    assert set(fields) == {"model.precision", "deployment.datacenter", "deployment.pue",
                           "deployment.wue_l_per_kwh", "deployment.server",
                           "deployment.hardware_lifetime_years", "deployment.batch_size"}
    for r in rows:
        assert r.rule_en == rule(r.rule).en and r.rule_fr == rule(r.rule).fr
        assert r.source
    assert fields["deployment.pue"].value == f"{upper(catalog.datacenter('unknown').pue):g}"


@pytest.mark.parametrize("acc", [a for a in catalog.accelerators() if a.kind == "gpu"],
                         ids=lambda a: a.id)
def test_one_accelerator_carries_a_share_of_its_host(acc: catalog.Accelerator) -> None:
    """A single accelerator of an N-accelerator server (N > 1) carries 1/N of the host's
    power and manufacturing, never the whole host; every accelerator has a cited
    reference server and a non-zero embodied footprint with a range."""
    assert acc.server is not None and acc.accelerators_per_server and acc.server_source
    server = catalog.server(acc.server)
    assert server.accelerator_slots == acc.accelerators_per_server[0] > 1
    dep = parse_offer({"id": "x", "model": {"total_params_b": 1},
                       "deployment": {"accelerator": acc.id}}).deployment
    site = make_site("offer.x", dep, Sampler(seed=1, draws=1))
    assert site.server_share == pytest.approx(1 / server.accelerator_slots)
    whole_idle = central(server.host_idle_power_w)
    assert site.replica_idle_power_w[0] < central(acc.idle_power_w) + whole_idle
    host_emb = central(server.embodied_gwp_kgco2e)
    acc_emb = central(acc.embodied_gwp_kgco2e)
    assert 0 < site.embodied_gwp_kgco2e[0] < acc_emb + host_emb
    for name in ("embodied_gwp_kgco2e", "embodied_adpe_kgsbeq", "embodied_pe_mj"):
        q = getattr(acc, name)
        assert central(q) > 0, name
        lo, hi = q.support() if hasattr(q, "support") else (q, q)
        assert 0 < lo < hi, f"{name} carries a range"


def test_a_single_l4_no_longer_carries_a_whole_host() -> None:
    dep = parse_offer(L4).deployment
    site = make_site("offer.l4", dep, Sampler(seed=1, draws=1))
    whole = catalog.server("gpu-server-1x")
    assert site.host_busy_power_w[0] < central(whole.host_idle_power_w)


def test_every_grid_factor_is_life_cycle_and_names_its_dataset() -> None:
    for z in catalog.zones():
        for name in ("gwp_kgco2e_per_kwh", "pe_mj_per_kwh", "adpe_kgsbeq_per_kwh"):
            f = getattr(z, name)
            if f is None:
                continue
            assert f.scope == "life-cycle", (z.id, name)
            assert f.dataset and f.identifier and f.address.startswith("https://"), (z.id, name)
        if z.water_l_per_kwh is not None:
            assert z.water_l_per_kwh.dataset, z.id
        for alt in z.alternatives:
            assert alt.scope is not None and alt.dataset, (z.id, alt.label)
