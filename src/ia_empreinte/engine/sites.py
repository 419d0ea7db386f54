"""Where a model runs: the sampled hardware and facility figures of one deployment.

A *site* gathers, for one deployment of an offer (the main one or a component), the
Monte Carlo draws of everything the chain needs about the hardware and the hosting
facility, keyed so that shared reference data share their draws across offers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ia_empreinte import catalog
from ia_empreinte.engine import reference
from ia_empreinte.engine.defaults import lower, reference_server, upper, worst_grid_factor
from ia_empreinte.engine.llm import AcceleratorSpec
from ia_empreinte.offers import Deployment
from ia_empreinte.results import Caveat
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import Quantity, Sampler

__all__ = ["Site", "choose_server", "make_site"]


@dataclass
class Site:
    """Sampled figures of one deployment, and accumulators of its period totals."""

    key: str
    deployment: Deployment
    accelerator: catalog.Accelerator
    server: catalog.Server
    server_share: float
    """Servers (or share of one) the replica occupies: g / slots."""
    hardware: AcceleratorSpec
    host_busy_power_w: Array
    replica_idle_power_w: Array
    pue: Array
    wue_l_per_kwh: Array
    gwp_kgco2e_per_kwh: Array
    water_l_per_kwh: Array
    adpe_kgsbeq_per_kwh: Array
    pe_mj_per_kwh: Array
    lifetime_years: Array
    embodied_gwp_kgco2e: Array
    embodied_adpe_kgsbeq: Array
    embodied_pe_mj: Array
    utilisation: Array
    caveats: tuple[Caveat, ...] = ()
    """What was defaulted or is missing for this deployment (PUE, zone, factors)."""
    totals: dict[str, Array] = field(default_factory=dict)
    """Period totals accumulated over the steps served here (Wh, s, kg...)."""

    def add(self, name: str, value: Array) -> None:
        """Add ``value`` to the period total ``name``."""
        if name in self.totals:
            self.totals[name] = self.totals[name] + value
        else:
            self.totals[name] = value


def choose_server(deployment: Deployment, accelerator: catalog.Accelerator) -> tuple[str, float]:
    """Host server class and the share of it one replica uses (``g / slots``).

    The offer's ``server`` when declared; else the accelerator's reference server
    (``data/accelerators.toml``: an 8-GPU HGX-class host for H100/H200/B200/MI300X, a
    4-card PCIe host for L4/L40S/T4, the fewest accelerators per server of the cited
    range), so a single small GPU carries its share of a host, not a whole one.
    """
    g = deployment.accelerator_count
    ident = deployment.server if deployment.server is not None else reference_server(
        accelerator)
    server = catalog.server(ident)
    return server.id, g / max(server.accelerator_slots, 1)


def _factor(
    sampler: Sampler, key: str, factor: catalog.Factor | None
) -> Array | None:
    if factor is None:
        return None
    return sampler.sample(key, factor.value, low=0.0)


def make_site(key: str, deployment: Deployment, sampler: Sampler) -> Site:
    """Sample every hardware and facility figure of ``deployment``, with its caveats.

    Reference data keys: ``accelerator.<id>.<field>``, ``server.<id>.<field>``,
    ``datacenter.<id>.<field>``, ``zone.<id>.<field>``; offer values under ``key``.
    """
    acc = catalog.accelerator(deployment.accelerator)
    server_id, share = choose_server(deployment, acc)
    server = catalog.server(server_id)
    dc = catalog.datacenter(deployment.datacenter)
    defaults = reference.defaults()
    caveats: list[Caveat] = []

    def s(k: str, q: Quantity, low: float = 0.0, high: float = math.inf) -> Array:
        return sampler.sample(k, q, low=low, high=high)

    a = f"accelerator.{acc.id}"
    idle_w = s(f"{a}.idle_power_w", acc.idle_power_w)
    max_w = s(f"{a}.max_power_w", acc.max_power_w)
    hw = AcceleratorSpec(
        count=deployment.accelerator_count,
        memory_bandwidth_gb_s=acc.memory_bandwidth_gb_s,
        peak_tflops=acc.peak_tflops_bf16,
        memory_gb=acc.memory_gb,
        max_power_w=max_w,
        idle_power_w=np.minimum(idle_w, max_w),
    )
    sv = f"server.{server.id}"
    host_idle = s(f"{sv}.host_idle_power_w", server.host_idle_power_w)
    host_max = np.maximum(s(f"{sv}.host_max_power_w", server.host_max_power_w), host_idle)
    load = s("engine.host_load_fraction", defaults.host_load_fraction.value, 0.0, 1.0)
    host_busy = share * (host_idle + load * (host_max - host_idle))
    replica_idle = deployment.accelerator_count * hw.idle_power_w + share * host_idle

    # Undeclared fields take the published conservative defaults of
    # data/undeclared.toml (see engine/defaults.py): declaring never costs a bidder.
    if deployment.pue is not None:
        pue = s(f"{key}.deployment.pue", deployment.pue, 1.0)
    else:
        pue = sampler.constant(max(upper(dc.pue), 1.0))
        caveats.append(Caveat(
            code="pue-defaulted",
            message=f"{key}: no PUE declared; the high end of data-centre class "
            f"'{dc.id}' used ({upper(dc.pue):g})",
        ))
    if deployment.wue_l_per_kwh is not None:
        wue = s(f"{key}.deployment.wue_l_per_kwh", deployment.wue_l_per_kwh)
    else:
        wue = sampler.constant(upper(dc.wue_l_per_kwh))

    per_kwh: dict[str, Array] = {}
    if deployment.zone is None:
        caveats.append(Caveat(
            code="zone-defaulted",
            message=f"{key}: no hosting zone declared; the highest grid factor of the "
            "catalog used for each indicator",
        ))
        for name in ("gwp_kgco2e_per_kwh", "water_l_per_kwh", "adpe_kgsbeq_per_kwh",
                     "pe_mj_per_kwh"):
            per_kwh[name] = sampler.constant(worst_grid_factor(name)[0])
        gwp = per_kwh.pop("gwp_kgco2e_per_kwh")
    else:
        zone = catalog.zone(deployment.zone)
        world = catalog.zone("WORLD")
        z = f"zone.{zone.id}"
        gwp = s(f"{z}.gwp_kgco2e_per_kwh", zone.gwp_kgco2e_per_kwh.value)
        for name, code in (("water_l_per_kwh", "water-factor-missing"),
                           ("adpe_kgsbeq_per_kwh", "adpe-factor-missing"),
                           ("pe_mj_per_kwh", "pe-factor-missing")):
            value = _factor(sampler, f"{z}.{name}", getattr(zone, name))
            if value is None:
                value = _factor(sampler, f"zone.WORLD.{name}", getattr(world, name))
                caveats.append(Caveat(
                    code=code,
                    message=f"zone {zone.id} has no {name} factor; world average used",
                ))
            per_kwh[name] = value if value is not None else sampler.constant(0.0)

    if deployment.hardware_lifetime_years is not None:
        lifetime = s(f"{key}.deployment.hardware_lifetime_years",
                     deployment.hardware_lifetime_years, 0.5)
    else:
        lifetime = sampler.constant(max(lower(server.lifetime_years), 0.5))

    def embodied(field_name: str) -> Array:
        # Catalog validation requires every embodied figure (a proxy where nothing is
        # published): no zero fallback, so no offer is favoured by a gap of the catalog.
        acc_v = s(f"{a}.{field_name}", getattr(acc, field_name))
        srv_v = s(f"{sv}.{field_name}", getattr(server, field_name))
        return np.asarray(deployment.accelerator_count * acc_v + share * srv_v)

    utilisation = s("engine.shared_utilisation", defaults.shared_utilisation.value, 0.05, 1.0)
    return Site(
        key=key, deployment=deployment, accelerator=acc, server=server, server_share=share,
        hardware=hw, host_busy_power_w=np.asarray(host_busy), replica_idle_power_w=replica_idle,
        pue=pue, wue_l_per_kwh=wue, gwp_kgco2e_per_kwh=gwp,
        water_l_per_kwh=per_kwh["water_l_per_kwh"],
        adpe_kgsbeq_per_kwh=per_kwh["adpe_kgsbeq_per_kwh"],
        pe_mj_per_kwh=per_kwh["pe_mj_per_kwh"],
        lifetime_years=lifetime,
        embodied_gwp_kgco2e=embodied("embodied_gwp_kgco2e"),
        embodied_adpe_kgsbeq=embodied("embodied_adpe_kgsbeq"),
        embodied_pe_mj=embodied("embodied_pe_mj"),
        utilisation=utilisation, caveats=tuple(caveats),
    )
