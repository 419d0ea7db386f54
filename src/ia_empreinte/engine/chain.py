"""The estimation chain: per-request accelerator energy, then host, idle, facility,
zone impacts and embodied impacts, summed per period. Composed explicitly here.

Two entry points share the chain: :func:`estimate_draws` (a usage profile, Monte Carlo
over every distribution) and :func:`audit_draws` (a usage log, every row at once).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ia_empreinte import catalog
from ia_empreinte.engine import reference
from ia_empreinte.engine.defaults import offer_defaults
from ia_empreinte.engine.embodied import dedicated_embodied_per_year, shared_embodied
from ia_empreinte.engine.facility import (
    facility_overhead_wh,
    per_kwh_impact,
    water_l,
    water_offsite_l,
    water_onsite_l,
)
from ia_empreinte.engine.host import dedicated_idle_wh, host_energy_wh, shared_idle_wh
from ia_empreinte.engine.llm import LlmConstants, llm_request
from ia_empreinte.engine.measured import declared_below_model, declared_for, measured_energy
from ia_empreinte.engine.sites import Site, make_site
from ia_empreinte.engine.tasks import (
    ARCHITECTURES,
    UNIT_FIELD,
    hardware_factor,
    image_generation_units,
    model_error_sigma,
    peak_sigma,
    precision_group,
    task_energy_wh,
    undeclared_span,
)
from ia_empreinte.errors import OfferError
from ia_empreinte.offers import Component, Offer
from ia_empreinte.profiles import Request, Task, UsageProfile
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import Caveat, EstimateDraws, Method, Trace
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import Normal, Quantity, Sampler, Uniform
from ia_empreinte.units import BYTES_PER_PARAM, H_PER_YEAR, J_PER_WH, S_PER_H, WH_PER_KWH

__all__ = [
    "DrawsResult",
    "LlmDomain",
    "StepInput",
    "estimate_draws",
    "llm_domain",
    "llm_peak_tflops",
    "run_chain",
    "to_draws",
    "unknown_stack_span",
]

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
        layers_coef=cal.layers_coef,
        layers_exponent=cal.layers_exponent,
    )


PRECISION_CLASS = {"fp32": "32-bit", "bf16": "16-bit", "fp16": "16-bit", "fp8": "8-bit",
                   "int8": "8-bit", "int4": "4-bit", "fp4": "4-bit"}
"""Precision classes of the calibration domain (the arithmetic path they run on)."""


@dataclass(frozen=True)
class LlmDomain:
    """Where an LLM estimate stands with respect to the calibration rows.

    ``id`` names the calibrated model the estimate rests on: ``<accelerator>/<stack>``
    (stack ``optimised``, ``generate-loop`` or ``unknown``; an undeclared stack at a
    batch that implies a batching server is ``optimised``). Offers with the same ``id``
    share one model-error draw; offers with different ids draw independently.
    """

    id: str
    stack: str
    unknown_span: float
    """Share of the log-distance between the two stacks an undeclared stack spans (0-1)."""
    sigma: float
    """Log-space standard deviation of the model error at this distance."""
    reasons: tuple[tuple[str, str], ...]
    """What takes the estimate outside the calibrated domain: (caveat code, text)."""


def unknown_stack_span(batch: float, cal: reference.LlmCalibration) -> float:
    """1 at or below the first ``unknown_stack_batch``, 0 at or above the second,
    log-linear in between."""
    lo, hi = cal.unknown_stack_batch
    if batch <= lo:
        return 1.0
    if batch >= hi:
        return 0.0
    return float(np.log(hi / batch) / np.log(hi / lo))


def llm_domain(accelerator: str, precision: str, stack: str | None, batch: float,
               cal: reference.LlmCalibration, count: int = 1) -> LlmDomain:
    """The calibration domain of an LLM estimate and its model-error width.

    ``sigma^2 = s_base^2 + k (s_loop^2 + [count > 1] s_split^2) + [accelerator unseen]
    s_acc^2 + [precision class unseen on it] s_prec^2 + (s_batch x decades outside the
    batch range)^2``, with ``k`` 1 for a generate loop, the undeclared span for an
    unknown stack, else 0 (``count``: accelerators of the replica).
    """
    span = 0.0
    if stack in (None, "unknown"):
        span = unknown_stack_span(batch, cal)
        stack = "unknown" if span > 0 else "optimised"
    var = cal.sigma_base ** 2
    reasons: list[tuple[str, str]] = []
    loop_var = cal.sigma_generate_loop ** 2 + (cal.sigma_layer_split ** 2 if count > 1 else 0.0)
    if stack == "generate-loop":
        var += loop_var
    elif stack == "unknown":
        var += span * loop_var
        reasons.append(("serving-stack-undeclared",
                        f"serving stack not declared at batch {batch:g}: the estimate spans "
                        "an optimised server and a plain generate loop, centred on the "
                        "costlier (declare deployment.serving_stack)"))
    if accelerator not in cal.calibrated_accelerators:
        var += cal.sigma_accelerator ** 2 + cal.sigma_precision ** 2
        reasons.append(("accelerator-outside-calibration",
                        f"no calibration row on {accelerator}: extrapolated from its "
                        "bandwidth, FLOP/s and power"))
    elif PRECISION_CLASS[precision] not in cal.calibrated_precisions.get(accelerator, ()):
        var += cal.sigma_precision ** 2
        reasons.append(("model-outside-calibration",
                        f"{PRECISION_CLASS[precision]} weights never measured on {accelerator}"))
    measured = cal.calibrated_batch_range
    # An undeclared stack is judged against every batch measured; a stack never
    # measured has no range (its error is in sigma_base, as fit.py's distance).
    seen = ([measured[stack]] if stack in measured
            else list(measured.values()) if stack == "unknown" else [])
    if seen:
        lo, hi = min(r[0] for r in seen), max(r[1] for r in seen)
        decades = max(np.log10(lo / batch), np.log10(batch / hi), 0.0)
        if decades > 0:
            var += (cal.sigma_batch_per_decade * decades) ** 2
            reasons.append(("model-outside-calibration",
                            f"batch {batch:g} outside the measured {lo:g}-{hi:g}"))
    return LlmDomain(id=f"{accelerator}/{stack}", stack=stack, unknown_span=span,
                     sigma=float(np.sqrt(var)), reasons=tuple(reasons))


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


def llm_peak_tflops(acc: catalog.Accelerator, precision: str) -> float:
    """Dense peak on the precision's path: fp4 where the accelerator has it, 8-bit
    weights (and 4-bit without an fp4 path) on the fp8/int8 path, else bf16."""
    if precision == "fp4" and acc.peak_tflops_fp4 is not None:
        return acc.peak_tflops_fp4
    if BYTES_PER_PARAM[precision] <= 1.0 and acc.peak_tflops_fp8 is not None:
        return acc.peak_tflops_fp8
    return acc.peak_tflops_bf16


def _log_mix(a: Array, b: Array, u: Array) -> Array:
    """``a^(1-u) b^u`` (0 where either is 0: a request without work)."""
    positive = (a > 0) & (b > 0)
    with np.errstate(divide="ignore"):
        mixed = np.exp((1.0 - u) * np.log(np.where(positive, a, 1.0))
                       + u * np.log(np.where(positive, b, 1.0)))
    return np.asarray(np.where(positive, mixed, 0.0), dtype=np.float64)


def _llm_step(
    step: StepInput, comp: Component, key: str, site: Site, sampler: Sampler,
) -> tuple[Array, Array, list[Caveat]]:
    """Text generation: the decode/prefill model of :mod:`.llm` x the model-error factor.

    The serving stack sets the per-layer step overhead and the multi-accelerator split;
    an undeclared stack mixes both in log space (half the draws at the costlier generate
    loop, so declaring never raises the central value). The model error is drawn under
    ``engine.llm.model_error[<domain id>]`` (:func:`llm_domain`): one standard normal per
    calibration domain, scaled by the offer's distance from it.

    Returns the accelerator energy (Wh), busy time (s) and the caveats of the step.
    """
    total, active, precision = _model_sizes(comp, key, sampler)
    batch = sampler.sample(f"{key}.deployment.batch_size", comp.deployment.batch_size, low=1.0)
    cal = reference.llm_calibration()
    bpp = BYTES_PER_PARAM[precision]
    two_d = step.sizes["input_tokens"].ndim == 2
    hw = site.hardware
    hw = dataclasses.replace(
        hw, peak_tflops=llm_peak_tflops(site.accelerator, precision),
        max_power_w=_column(np.asarray(hw.max_power_w, dtype=np.float64), two_d),
        idle_power_w=_column(np.asarray(hw.idle_power_w, dtype=np.float64), two_d),
    )
    reasoning_q, reasoning_from = comp.model.resolved_reasoning_tokens()
    output = step.sizes["output_tokens"]
    if reasoning_from != "none":
        reasoning_key = (f"{key}.model.reasoning_tokens" if reasoning_from == "declared"
                         else f"model.{comp.model.id}.reasoning_tokens")
        output = output + _column(sampler.sample(reasoning_key, reasoning_q, low=0.0), two_d)
    domain = llm_domain(site.accelerator.id, precision, comp.deployment.serving_stack,
                        float(np.median(batch)), cal, site.hardware.count)
    consts = _constants()

    def run(stack: str) -> tuple[Array, Array]:
        loop = stack == "generate-loop"
        res = llm_request(
            hw, _column(total, two_d), _column(active, two_d), bpp, _column(batch, two_d),
            step.sizes["input_tokens"], output, consts,
            step_overhead_s_per_layer=(cal.step_overhead_generate_loop_s_per_layer if loop
                                       else cal.step_overhead_optimised_s_per_layer),
            pipeline=loop and site.hardware.count > 1,
        )
        return res.energy_wh, res.busy_s

    if domain.stack == "unknown":
        e_opt, t_opt = run("optimised")
        e_gen, t_gen = run("generate-loop")
        # Half the draws at the generate loop, the other half spread towards the
        # optimised server: u = span x min(1, 2 v), v uniform.
        v = sampler.sample(f"{key}.deployment.serving_stack",
                           Uniform(dist="uniform", low=0.0, high=1.0))
        u = _column(domain.unknown_span * np.minimum(1.0, 2.0 * v), two_d)
        energy, busy = _log_mix(e_opt, e_gen, u), _log_mix(t_opt, t_gen, u)
    else:
        energy, busy = run(domain.stack)
    z = sampler.sample(f"engine.llm.model_error[{domain.id}]",
                       Normal(dist="normal", mean=0.0, sd=1.0))
    error = np.exp(domain.sigma * z)
    caveats: list[Caveat] = []
    lo, hi = cal.params_range_b
    mid = float(np.median(active))
    if not lo <= mid <= hi:
        caveats.append(Caveat(
            code="model-outside-calibration",
            message=f"{key}: {mid:g} B active parameters is outside the calibrated range "
            f"{lo:g}-{hi:g} B",
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
    for code, text in domain.reasons:
        caveats.append(Caveat(
            code=code,
            message=f"{key}: {text}; model error widened to a geometric sd of "
            f"{np.exp(domain.sigma):.2f} (calibration domain {domain.id})",
        ))
    # The error is the model's, in time as in energy (power is the better-known part):
    # host, idle and embodied shares allocated on the busy time carry it too.
    factor = _column(error, two_d)
    return energy * factor, busy * factor, caveats


def _class_label(cls: reference.TaskClass) -> str:
    return "|".join(cls.architectures) or "any"


def _task_step(
    step: StepInput, comp: Component, key: str, site: Site, sampler: Sampler,
) -> tuple[Array, Array, list[Caveat]]:
    """Other tasks: reference energy of the architecture class x units x size, precision
    and hardware factors x the class's model error (:mod:`.tasks`).

    The model error is drawn per calibration: ``engine.task.model_error[<task>:<class>]``
    (shared by every offer resting on that class's fit), plus independent terms per
    accelerator extrapolated to (``...@<accelerator>``) and per precision group not
    measured (``...#<group>``). An undeclared architecture spans every class of the task
    (:func:`.tasks.undeclared_span`) with its own draw (``...:undeclared``).

    Returns the accelerator energy (Wh), busy time (s) and the caveats of the step.
    """
    _, active, precision = _model_sizes(comp, key, sampler)
    batch = sampler.sample(f"{key}.deployment.batch_size", comp.deployment.batch_size, low=1.0)
    task = step.task
    ref = reference.task_reference(task)
    shared = reference.task_model_error()
    architecture: str | None = comp.model.architecture
    if architecture is None and comp.model.id is not None:
        published = catalog.model(comp.model.id).architecture  # by its developer
        if published is not None and ref.for_architecture(published):
            architecture = published  # a class of this task: as if declared
    classes = ref.for_architecture(architecture)
    if not classes:
        allowed = ", ".join(ARCHITECTURES.get(task, ())) or "none (omit the field)"
        raise OfferError(f"{key}.model.architecture: '{architecture}' is not an architecture "
                         f"class of {task}; expected {allowed}")
    ref_acc = catalog.accelerator(ref.reference_accelerator)
    ref_max = sampler.sample(f"accelerator.{ref_acc.id}.max_power_w", ref_acc.max_power_w,
                             low=0.0)
    h = hardware_factor(site.hardware.max_power_w, site.accelerator.peak_tflops_bf16, ref_max,
                        ref_acc.peak_tflops_bf16)
    two_d = next(iter(step.sizes.values())).ndim == 2
    caveats: list[Caveat] = []
    if (comp.model.precision is None and comp.model.id is None
            and any(c.precision_sensitive for c in classes)):
        precision = "fp32"  # the conservative default: never cheaper than declaring
        caveats.append(Caveat(
            code="precision-defaulted",
            message=f"{key}: model.precision not declared; fp32 assumed for {task}, the "
            "costliest precision measured (declare it to use yours)",
        ))
    group = precision_group(precision)
    if task == "image-generation":
        sizes = step.sizes
        units = image_generation_units(
            sizes["images"], sizes.get("image_width", 1024.0),
            sizes.get("image_height", 1024.0),
            sizes.get("denoising_steps", ref.default_denoising_steps or 50.0),
            _column(active, two_d),
        )
    else:
        units = step.sizes[UNIT_FIELD[task]]
    s_acc = (0.0 if site.accelerator.id == ref_acc.id else
             peak_sigma(site.accelerator.peak_tflops_bf16, ref_acc.peak_tflops_bf16))
    energies: list[Array] = []
    errors: list[tuple[reference.TaskClass, float, float, float]] = []
    for cls in classes:
        label = _class_label(cls)
        e_ref = sampler.sample(f"engine.tasks.{task}[{label}].reference_wh_per_unit",
                               cls.reference_wh_per_unit, low=0.0)
        factor = ((cls.fp32_factor if group == "32-bit" else 1.0)
                  / (cls.fp32_factor if cls.reference_precision == "32-bit" else 1.0)
                  if cls.precision_sensitive else 1.0)
        exponent = 0.0 if task == "image-generation" else cls.params_exponent
        energy = task_energy_wh(_column(e_ref, two_d), units + cls.fixed_units,
                                _column(active, two_d),
                                cls.reference_params_b, exponent, _column(h, two_d), factor)
        energies.append(energy)
        s_prec = (shared.sigma_precision if cls.precision_sensitive
                  and group != cls.reference_precision else 0.0)
        s_cal = float(np.hypot(cls.sigma, shared.sigma_derived if cls.derived else 0.0))
        errors.append((cls, s_cal, s_acc, s_prec))
        reasons = []
        if cls.derived:
            reasons.append(f"the {label} class of {task} has no published measurement "
                           "(derived)")
        if s_prec:
            reasons.append(f"{group} weights were not measured for the {label} class")
        if s_acc:
            reasons.append(f"{task} is calibrated on {ref_acc.id} only; {site.accelerator.id} "
                           "is extrapolated from its power and FLOP/s")
        if reasons:
            sigma = model_error_sigma(s_cal, accelerator=s_acc, precision=s_prec)
            caveats.append(Caveat(
                code=("accelerator-outside-calibration" if s_acc and not cls.derived
                      and not s_prec else "model-outside-calibration"),
                message=f"{key}: {'; '.join(reasons)}: the model error widens to a "
                f"geometric sd of {math.exp(sigma):.2f}",
            ))
    normal = Normal(dist="normal", mean=0.0, sd=1.0)
    if len(classes) == 1:
        cls, s_cal, s_acc, s_prec = errors[0]
        name = f"engine.task.model_error[{task}:{_class_label(cls)}]"
        central_e = energies[0]
        log_error = s_cal * sampler.sample(name, normal)
    else:
        name = f"engine.task.model_error[{task}:undeclared]"
        s_cal = max(e[1] for e in errors)
        s_prec = max(e[3] for e in errors)
        logs = [np.log(np.maximum(e, 1e-300)) for e in energies]
        central_e = np.exp(undeclared_span(np.minimum.reduce(logs), np.maximum.reduce(logs),
                                           _column(sampler.sample(name, normal), two_d),
                                           s_cal))
        log_error = np.zeros(sampler.draws)
        caveats.append(Caveat(
            code="architecture-undeclared",
            message=f"{key}: model.architecture not declared; the band spans the "
            f"{', '.join(_class_label(c) for c in classes)} classes of {task}, its median "
            "at the costliest (declare it to narrow the band)",
        ))
    if s_acc:
        log_error = log_error + s_acc * sampler.sample(
            f"{name[:-1]}@{site.accelerator.id}]", normal)
    if s_prec:
        log_error = log_error + s_prec * sampler.sample(f"{name[:-1]}#{group}]", normal)
    energy = central_e * np.exp(_column(log_error, two_d))
    if float(np.median(batch)) > 1:
        caveats.append(Caveat(
            code="batch-not-modelled",
            message=f"{key}: batching of {task} is not modelled (batch-1 reference)",
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
                low = declared_below_model(offer.id, step.task, declared, {
                    "accelerators": acc_wh, "server": acc_wh + host_wh,
                    "facility": (acc_wh + host_wh)
                    * (site.pue[:, None] if busy_s.ndim == 2 else site.pue),
                }[scope])
                if low is not None:
                    caveats.append(low)
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
        it_kwh = it_wh / WH_PER_KWH
        add("water_l", water_l(it_kwh, site.pue, site.wue_l_per_kwh, site.water_l_per_kwh))
        add("water_onsite_l", water_onsite_l(it_kwh, site.wue_l_per_kwh))
        add("water_offsite_l", water_offsite_l(it_kwh, site.pue, site.water_l_per_kwh))
        add("adpe_kgsbeq", per_kwh_impact(facility_kwh, site.adpe_kgsbeq_per_kwh)
            + emb["adpe_kgsbeq"])
        pe_use = per_kwh_impact(facility_kwh, site.pe_mj_per_kwh)
        add("pe_mj", pe_use + emb["pe_mj"])
        add("pe_use_mj", pe_use)
        add("pe_embodied_mj", np.asarray(emb["pe_mj"]))
    methods.setdefault("idle", "modelled")
    methods.setdefault("facility_overhead", "modelled")
    methods.setdefault("embodied", "modelled")
    return totals, Trace(caveats=tuple(caveats), methods=methods, records=tuple(used),
                         defaulted=tuple(offer_defaults(offer, [s.task for s in steps])))


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

    def split(src: dict[str, Array], names: dict[str, str]) -> dict[str, Array]:
        return {k: src[v] for k, v in names.items() if v in src}

    water_scopes = {"onsite": "water_onsite_l", "offsite": "water_offsite_l"}
    pe_phases = {"use": "pe_use_mj", "embodied": "pe_embodied_mj"}
    return EstimateDraws(
        per_request_water_l_by_scope=split(per_req, water_scopes),
        per_year_water_l_by_scope=split(per_year, water_scopes),
        per_request_pe_mj_by_phase=split(per_req, pe_phases),
        per_year_pe_mj_by_phase=split(per_year, pe_phases),
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

