"""The estimation chain: per-request accelerator energy, then host, idle, facility,
zone impacts and embodied impacts, summed per period. Composed explicitly here.

Two entry points share the chain: :func:`estimate_draws` (a usage profile, Monte Carlo
over every distribution) and :func:`audit_draws` (a usage log, every row at once).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ia_empreinte import catalog
from ia_empreinte.engine import reference
from ia_empreinte.engine.embodied import dedicated_embodied_per_year, shared_embodied
from ia_empreinte.engine.facility import facility_overhead_wh, per_kwh_impact, water_l
from ia_empreinte.engine.host import dedicated_idle_wh, host_energy_wh, shared_idle_wh
from ia_empreinte.engine.llm import LlmConstants, llm_request
from ia_empreinte.engine.measured import declared_for, measured_energy
from ia_empreinte.engine.sites import Site, make_site
from ia_empreinte.engine.tasks import (
    UNIT_FIELD,
    hardware_factor,
    image_generation_units,
    task_energy_wh,
)
from ia_empreinte.offers import Component, Offer
from ia_empreinte.profiles import Request, Task, UsageProfile
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import Caveat, EstimateDraws, Method, Trace
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import Lognormal, Quantity, Sampler
from ia_empreinte.units import BYTES_PER_PARAM, H_PER_YEAR, J_PER_WH, S_PER_H, WH_PER_KWH

__all__ = ["DrawsResult", "StepInput", "estimate_draws", "run_chain", "to_draws"]

Reducer = Callable[[Array], Array]



@dataclass(frozen=True)
class TrainingDraws:
    """Declared training footprint, amortised per request (``None`` where not declared)."""

    per_request_energy_wh: Array | None
    per_request_gwp_kgco2e: Array | None
    amortisation_requests: Array
    source: str


@dataclass(frozen=True)
class DrawsResult:
    """The raw draws of an estimate, with the :class:`~ia_empreinte.results.Trace` of how
    they were obtained (caveats, methods, records used, sampled inputs)."""

    draws: EstimateDraws
    trace: Trace
    training: TrainingDraws | None = None


@dataclass(frozen=True)
class StepInput:
    """One step of the functional unit: its task, request sizes (arrays) and count."""

    task: Task
    sizes: dict[str, Array]
    """Request fields as arrays: shape (draws,) for a profile, (draws, rows) for a log."""
    count: Array
    reduce: Reducer | None = None
    """This step's own reduction (a binned log: bins x counts summed per group), in
    place of the chain's."""


def _constants() -> LlmConstants:
    cal = reference.llm_calibration()
    return LlmConstants(
        bandwidth_efficiency=cal.bandwidth_efficiency,
        compute_efficiency=cal.compute_efficiency,
        power_fraction_memory_bound=cal.power_fraction_memory_bound,
        power_fraction_compute_bound=cal.power_fraction_compute_bound,
        communication_overhead=cal.communication_overhead,
        kv_bytes_per_token_coef=cal.kv_bytes_per_token_coef,
        kv_bytes_per_token_exponent=cal.kv_bytes_per_token_exponent,
        memory_usable_fraction=cal.memory_usable_fraction,
        width_depth_coef=cal.width_depth_coef,
        width_depth_exponent=cal.width_depth_exponent,
    )


def _component_key(offer: Offer, task: str) -> str:
    for j, comp in enumerate(offer.components):
        if comp.task == task:
            return f"offer.{offer.id}.components[{j}]"
    return f"offer.{offer.id}"


def _model_sizes(
    comp: Component, key: str, sampler: Sampler
) -> tuple[Array, Array, str]:
    total_q, active_q, precision = comp.model.resolved()
    spec = comp.model
    total_key = (f"{key}.model.total_params_b" if spec.total_params_b is not None
                 else f"model.{spec.id}.total_params_b")
    if spec.active_params_b is not None:
        active_key = f"{key}.model.active_params_b"
    elif spec.total_params_b is not None:
        active_key = total_key
    else:
        active_key = f"model.{spec.id}.active_params_b"
    total = sampler.sample(total_key, total_q, low=1e-6)
    active = np.minimum(sampler.sample(active_key, active_q, low=1e-6), total)
    return total, active, precision


def _column(x: Array, two_d: bool) -> Array:
    """Draws as a column when the request sizes are (draws, rows), else unchanged."""
    return x[:, None] if two_d else x


def _llm_step(
    step: StepInput, comp: Component, key: str, site: Site, sampler: Sampler,
) -> tuple[Array, Array, list[Caveat]]:
    """Text generation: the decode/prefill model of :mod:`.llm` x the model-error factor.

    Returns the accelerator energy (Wh), busy time (s) and the caveats of the step.
    """
    total, active, precision = _model_sizes(comp, key, sampler)
    batch = sampler.sample(f"{key}.deployment.batch_size", comp.deployment.batch_size, low=1.0)
    cal = reference.llm_calibration()
    bpp = BYTES_PER_PARAM[precision]
    two_d = step.sizes["input_tokens"].ndim == 2
    hw = site.hardware
    peak = hw.peak_tflops
    if bpp <= 1.0 and site.accelerator.peak_tflops_fp8 is not None:
        peak = site.accelerator.peak_tflops_fp8  # 8-bit weights run on the fp8/int8 path
    hw = dataclasses.replace(
        hw, peak_tflops=peak,
        max_power_w=_column(np.asarray(hw.max_power_w, dtype=np.float64), two_d),
        idle_power_w=_column(np.asarray(hw.idle_power_w, dtype=np.float64), two_d),
    )
    res = llm_request(
        hw, _column(total, two_d), _column(active, two_d), bpp, _column(batch, two_d),
        step.sizes["input_tokens"], step.sizes["output_tokens"], _constants(),
    )
    error = sampler.sample(
        "engine.llm.model_error",
        Lognormal(dist="lognormal", p50=1.0, gsd=cal.model_error_gsd)
        if cal.model_error_gsd > 1 else 1.0,
    )
    caveats: list[Caveat] = []
    lo, hi = cal.params_range_b
    mid = float(np.median(active))
    if not lo <= mid <= hi:
        caveats.append(Caveat(
            code="model-outside-calibration",
            message=f"{key}: {mid:g} B active parameters is outside the calibrated range "
            f"{lo:g}-{hi:g} B",
        ))
    b_lo, b_hi = cal.batch_range
    if not b_lo <= float(np.median(batch)) <= b_hi:
        caveats.append(Caveat(
            code="model-outside-calibration",
            message=f"{key}: batch size {float(np.median(batch)):g} is outside the calibrated "
            f"range {b_lo:g}-{b_hi:g}",
        ))
    weights_gb = float(np.median(total)) * bpp
    memory_gb = site.hardware.count * site.hardware.memory_gb
    if weights_gb > memory_gb:
        caveats.append(Caveat(
            code="model-exceeds-memory",
            message=f"{key}: {weights_gb:g} GB of weights do not fit in the "
            f"{memory_gb:g} GB of {site.hardware.count} x {site.accelerator.id}; "
            "the offer's accelerator count is probably too low",
        ))
    if site.accelerator.id != "nvidia-h100-sxm-80gb":
        caveats.append(Caveat(
            code="accelerator-outside-calibration",
            message=f"{key}: the text-generation model is calibrated on H100 SXM only; "
            f"{site.accelerator.id} is extrapolated from its bandwidth, FLOP/s and power",
        ))
    return res.energy_wh * _column(error, two_d), res.busy_s, caveats


def _task_step(
    step: StepInput, comp: Component, key: str, site: Site, sampler: Sampler,
) -> tuple[Array, Array, list[Caveat]]:
    """Other tasks: reference energy x units x size and hardware factors (:mod:`.tasks`).

    Returns the accelerator energy (Wh), busy time (s) and the caveats of the step.
    """
    _, active, _ = _model_sizes(comp, key, sampler)
    batch = sampler.sample(f"{key}.deployment.batch_size", comp.deployment.batch_size, low=1.0)
    ref = reference.task_reference(step.task)
    ref_acc = catalog.accelerator(ref.reference_accelerator)
    e_ref = sampler.sample(f"engine.tasks.{step.task}.reference_wh_per_unit",
                           ref.reference_wh_per_unit, low=0.0)
    ref_max = sampler.sample(f"accelerator.{ref_acc.id}.max_power_w", ref_acc.max_power_w,
                             low=0.0)
    h = hardware_factor(site.hardware.max_power_w, site.accelerator.peak_tflops_bf16, ref_max,
                        ref_acc.peak_tflops_bf16)
    two_d = next(iter(step.sizes.values())).ndim == 2
    if step.task == "image-generation":
        default_steps = ref.default_denoising_steps or 28.0
        sizes = step.sizes
        units = image_generation_units(
            sizes["images"], sizes.get("image_width", 1024.0),
            sizes.get("image_height", 1024.0),
            sizes.get("denoising_steps", default_steps),
            _column(active, two_d),
        )
        energy = task_energy_wh(_column(e_ref, two_d), units, 1.0, ref.reference_params_b, 0.0,
                                _column(h, two_d))
    else:
        exponent = sampler.sample("engine.tasks.params_exponent",
                                  reference.task_scaling().value, low=0.0)
        energy = task_energy_wh(
            _column(e_ref, two_d), step.sizes[UNIT_FIELD[step.task]], _column(active, two_d),
            ref.reference_params_b, _column(exponent, two_d), _column(h, two_d),
        )
    caveats: list[Caveat] = []
    if float(np.median(batch)) > 1:
        caveats.append(Caveat(
            code="batch-not-modelled",
            message=f"{key}: batching of {step.task} is not modelled (batch-1 reference)",
        ))
    frac = sampler.sample("engine.task_power_fraction",
                          reference.defaults().task_power_fraction.value, low=0.01, high=1.0)
    idle_w = np.asarray(site.hardware.idle_power_w, dtype=np.float64)
    max_w = np.asarray(site.hardware.max_power_w, dtype=np.float64)
    busy_power = site.hardware.count * _column(idle_w + frac * (max_w - idle_w), two_d)
    return energy, np.asarray(energy * J_PER_WH / busy_power, dtype=np.float64), caveats


def run_chain(
    offer: Offer,
    steps: Sequence[StepInput],
    sampler: Sampler,
    reduce: Reducer,
    *,
    records: RecordStore,
    period_years: float | Array,
    peak_load: Array | float = 1.0,
) -> tuple[dict[str, Array], Trace]:
    """Period totals of every figure (Wh, kg, L, MJ), one array over the draws, and the
    trace of the chain (its caveats, the method of each component, the records used).

    ``reduce`` turns a per-request array into the period total (x requests per year
    for a profile, a sum over rows for a log). ``period_years`` sizes the dedicated
    idle time and embodied share; ``peak_load`` (peak factor x 24 h / service hours)
    sizes the capacity check of dedicated replicas.
    """
    caveats: list[Caveat] = []
    methods: dict[str, Method] = {}
    used: list[str] = []
    sites: dict[str, Site] = {}
    for step in steps:
        comp = offer.component_for(step.task)
        key = _component_key(offer, step.task)
        site = sites.get(key)
        if site is None:
            site = make_site(key, comp.deployment, sampler)
            sites[key] = site
            caveats += site.caveats
        step_fn = _llm_step if step.task == "text-generation" else _task_step
        acc_wh, busy_s, step_caveats = step_fn(step, comp, key, site, sampler)
        caveats += step_caveats
        host_wh = host_energy_wh(
            site.host_busy_power_w[:, None] if busy_s.ndim == 2 else site.host_busy_power_w,
            busy_s,
        )
        method: Method = "modelled"
        host_method: Method = "modelled"
        measured = measured_energy(offer, step.task, step.sizes, records, sampler)
        if measured is not None:
            acc_wh = measured.energy_wh
            method = "measured"
            used.append(measured.record_sha256)
            caveats.append(measured.caveat)
            if measured.covers_host:
                host_wh = np.zeros_like(host_wh)
                host_method = "measured"
        else:
            declared = declared_for(offer, step.task, sampler)
            if declared is not None:
                value, scope = declared.energy_wh, declared.scope
                caveats.append(declared.caveat)
                method = "declared"
                if busy_s.ndim == 2:
                    value = value[:, None] * np.ones_like(acc_wh)
                if scope == "accelerators":
                    acc_wh = value
                elif scope == "server":
                    acc_wh, host_wh, host_method = value, np.zeros_like(host_wh), "declared"
                else:
                    pue = site.pue[:, None] if busy_s.ndim == 2 else site.pue
                    acc_wh, host_wh, host_method = value / pue, np.zeros_like(host_wh), "declared"
                    methods["facility_overhead"] = "declared"  # the figure includes the PUE
        methods.setdefault("accelerators", method)
        if methods["accelerators"] != method:
            methods["accelerators"] = "modelled" if "modelled" in (method, methods[
                "accelerators"]) else method
        methods.setdefault("host", host_method)
        count = step.count[:, None] if busy_s.ndim == 2 else step.count
        step_reduce = reduce if step.reduce is None else step.reduce
        site.add("accelerators_wh", step_reduce(acc_wh * count))
        site.add("host_wh", step_reduce(host_wh * count))
        site.add("busy_s", step_reduce(busy_s * count))

    totals: dict[str, Array] = {}

    def add(name: str, value: Array) -> None:
        totals[name] = totals[name] + value if name in totals else value

    for site in sites.values():
        busy = site.totals["busy_s"]
        dep = site.deployment
        if dep.capacity == "dedicated":
            idle_wh = dedicated_idle_wh(site.replica_idle_power_w, dep.replicas, busy,
                                        period_years)
            reserved_s = dep.replicas * np.asarray(period_years) * H_PER_YEAR * S_PER_H
            reserved = float(np.median(reserved_s))
            need = float(np.median(busy * peak_load)) / reserved if reserved > 0 else 0.0
            if need > 1.0:
                caveats.append(Caveat(
                    code="capacity-exceeded",
                    message=f"{site.key}: at peak load the volume needs {need:.1f}x the busy "
                    f"time of the {dep.replicas} dedicated replica(s) declared",
                ))
            years = np.asarray(period_years)
            emb = {name: dedicated_embodied_per_year(getattr(site, f"embodied_{name}"),
                                                     dep.replicas, site.lifetime_years) * years
                   for name in ("gwp_kgco2e", "adpe_kgsbeq", "pe_mj")}
        else:
            idle_wh = shared_idle_wh(site.replica_idle_power_w, busy, site.utilisation)
            emb = {name: shared_embodied(getattr(site, f"embodied_{name}"), busy,
                                         site.lifetime_years, site.utilisation)
                   for name in ("gwp_kgco2e", "adpe_kgsbeq", "pe_mj")}
        it_wh = site.totals["accelerators_wh"] + site.totals["host_wh"] + idle_wh
        overhead_wh = facility_overhead_wh(it_wh, site.pue)
        facility_kwh = (it_wh + overhead_wh) / WH_PER_KWH
        add("accelerators_wh", site.totals["accelerators_wh"])
        add("host_wh", site.totals["host_wh"])
        add("idle_wh", np.asarray(idle_wh))
        add("facility_overhead_wh", overhead_wh)
        add("gwp_use_kgco2e", per_kwh_impact(facility_kwh, site.gwp_kgco2e_per_kwh))
        add("gwp_embodied_kgco2e", emb["gwp_kgco2e"])
        add("water_l", water_l(it_wh / WH_PER_KWH, site.pue, site.wue_l_per_kwh,
                               site.water_l_per_kwh))
        add("adpe_kgsbeq", per_kwh_impact(facility_kwh, site.adpe_kgsbeq_per_kwh)
            + emb["adpe_kgsbeq"])
        add("pe_mj", per_kwh_impact(facility_kwh, site.pe_mj_per_kwh) + emb["pe_mj"])
    methods.setdefault("idle", "modelled")
    methods.setdefault("facility_overhead", "modelled")
    methods.setdefault("embodied", "modelled")
    return totals, Trace(caveats=tuple(caveats), methods=methods, records=tuple(used))


def _profile_steps(profile: UsageProfile, sampler: Sampler) -> list[StepInput]:
    steps: list[StepInput] = []
    for i, step in enumerate(profile.effective_steps()):
        prefix = "profile.request" if profile.steps is None else f"profile.steps[{i}].request"
        sizes: dict[str, Array] = {}
        req: Request = step.request
        for name in Request.model_fields:
            q: Quantity | None = getattr(req, name)
            if q is not None:
                sizes[name] = sampler.sample(f"{prefix}.{name}", q, low=0.0)
        count = (sampler.constant(1.0) if profile.steps is None
                 else sampler.sample(f"profile.steps[{i}].count", step.count, low=0.0))
        steps.append(StepInput(task=step.task, sizes=sizes, count=count))
    return steps


def _training(offer: Offer, sampler: Sampler) -> TrainingDraws | None:
    t = offer.training
    if t is None:
        return None
    key = f"offer.{offer.id}.training"
    n = sampler.sample(f"{key}.amortisation_requests", t.amortisation_requests, low=1.0)
    energy = (sampler.sample(f"{key}.energy_kwh", t.energy_kwh, low=0.0) * WH_PER_KWH / n
              if t.energy_kwh is not None else None)
    gwp = (sampler.sample(f"{key}.gwp_kgco2e", t.gwp_kgco2e, low=0.0) / n
           if t.gwp_kgco2e is not None else None)
    return TrainingDraws(energy, gwp, n, t.source)


def to_draws(totals: dict[str, Array], requests: Array, years: Array, *,
             period_scale: float = 1.0) -> EstimateDraws:
    """Split period totals into the per-request and per-year figures of the contract.

    ``period_scale``: years per period (1 for a profile; the log span for an audit).
    """
    per_req = {k: v / requests for k, v in totals.items()}
    per_year = {k: v / period_scale for k, v in totals.items()}
    comps = ("accelerators", "host", "idle", "facility_overhead")

    def energy(src: dict[str, Array], scale: float) -> dict[str, Array]:
        out = {c: src[f"{c}_wh"] / scale for c in comps}
        out["total"] = sum((out[c] for c in comps), np.zeros_like(out["accelerators"]))
        return out

    def gwp(src: dict[str, Array]) -> dict[str, Array]:
        out = {"use": src["gwp_use_kgco2e"], "embodied": src["gwp_embodied_kgco2e"]}
        out["total"] = out["use"] + out["embodied"]
        return out

    return EstimateDraws(
        per_request_energy_wh=energy(per_req, 1.0),
        per_request_gwp_kgco2e=gwp(per_req),
        per_request_water_l=per_req["water_l"],
        per_request_adpe_kgsbeq=per_req["adpe_kgsbeq"],
        per_request_pe_mj=per_req["pe_mj"],
        per_year_energy_kwh=energy(per_year, float(WH_PER_KWH)),
        per_year_gwp_kgco2e=gwp(per_year),
        per_year_water_l=per_year["water_l"],
        per_year_adpe_kgsbeq=per_year["adpe_kgsbeq"],
        per_year_pe_mj=per_year["pe_mj"],
        requests_per_year=requests / period_scale,
        contract_years=years,
    )


def estimate_draws(
    profile: UsageProfile, offer: Offer, sampler: Sampler, *, records: RecordStore = EMPTY
) -> DrawsResult:
    """Raw Monte Carlo draws of the footprint of ``offer`` under ``profile``.

    Sampler keys: ``profile.<field path>`` for the profile, ``offer.<id>.<field path>``
    for the offer, the catalog identity for reference data (``zone.FR.gwp_kgco2e_per_kwh``)
    and ``engine.*`` for the engine's own constants, so offers compared on one Sampler
    share the draws of their shared inputs.
    """
    warnings = [Caveat(code="profile-warning", message=w) for w in profile.warnings]
    with sampler.recording() as sampled:
        draws, trace, training = _profile_draws(profile, offer, sampler, records)
    trace = dataclasses.replace(trace.noting(warnings), sampled=dict(sampled))
    return DrawsResult(draws, trace, training)


def _profile_draws(
    profile: UsageProfile, offer: Offer, sampler: Sampler, records: RecordStore
) -> tuple[EstimateDraws, Trace, TrainingDraws | None]:
    vol = profile.volume
    rpd = sampler.sample("profile.volume.requests_per_day", vol.requests_per_day, low=1e-9)
    days = sampler.sample("profile.volume.days_per_year", vol.days_per_year, low=1e-9, high=366)
    requests = rpd * days
    years = sampler.sample("profile.contract_years", profile.contract_years, low=1e-9)
    peak = sampler.sample("profile.volume.peak_factor", vol.peak_factor, low=1.0)
    hours = sampler.sample("profile.volume.hours_per_day", vol.hours_per_day, low=1e-3, high=24)
    steps = _profile_steps(profile, sampler)
    totals, trace = run_chain(
        offer, steps, sampler, lambda x: x * requests, records=records, period_years=1.0,
        peak_load=peak * 24.0 / hours,
    )
    draws = to_draws(totals, requests, years)
    if not draws.per_request_energy_wh["total"].any():
        trace = trace.noting([Caveat(
            code="zero-footprint",
            message=f"offer {offer.id}: every figure is 0: the profile's requests carry no "
            "work on this shared service (check the request sizes)",
        )])
    return draws, trace, _training(offer, sampler)

