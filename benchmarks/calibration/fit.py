"""Fit the text-generation model on published measurements; check it leaving one source out.

Reads ``src/ia_empreinte/data/calibration/published_measurements_v2.csv`` (97 rows, a copy
of ``shared/calibration`` with citations). Every row is described as a usage profile and
an offer by ``evaluate.describe`` (the file contract; the same code as
``benchmarks/calibration/evaluate.py``); rows it cannot describe are listed with the
reason. The accelerator model is fitted only on **GPU-only measured text-generation
rows** inside their boundary; rows lacking an input the fit needs (a published batch)
are skipped with the reason. Wider-boundary rows are whole-chain plausibility checks
(``docs/accuracy.md``), never fit targets.

Constants fitted (``ia_empreinte.engine.llm``): bandwidth and compute efficiency, power
fractions when memory- and compute-bound, tensor-parallel overhead, and the per-layer
step overhead of the two serving stacks (optimised server, plain generate loop), by
penalised least squares in log space (energy per request, plus average power and step
time where published) with weak priors from published engineering figures (``PRIORS``),
so a constant the remaining rows cannot pin down falls back to its prior instead of an
arbitrary value.

Uncertainty: every source is left out in turn; the constants refitted on the others
predict its rows (out-of-sample residuals). The log residuals give the model error and
how it grows with the distance from the calibrated domain (generate loop, generate loop
split over several accelerators, accelerator not in the fit rows, precision class not
measured on it, batch outside the range seen),
by maximum likelihood of ``r_i ~ N(0, s_base^2 + sum_k x_ik s_k^2)``.

Usage::

    python benchmarks/calibration/fit.py           # fit; write the toml and docs/accuracy.md
    python benchmarks/calibration/fit.py --check   # leave one source out; exit 1 on failure

``--check`` runs every GPU-only row through the same chain as ``ia-empreinte estimate``
(``estimate_draws``, 1000 draws, seed 42) with the constants refitted without the row's
source, in two modes: the serving stack declared where the source names it, and today's
file contract (no serving stack). Non-LLM rows come from ``fit_tasks.loso_predictions``
when that module is present.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import optimize

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import evaluate as ev  # noqa: E402

from ia_empreinte import catalog  # noqa: E402
from ia_empreinte.engine import reference  # noqa: E402
from ia_empreinte.engine.chain import PRECISION_CLASS, estimate_draws, llm_peak_tflops  # noqa: E402
from ia_empreinte.engine.llm import AcceleratorSpec, LlmConstants, llm_request  # noqa: E402
from ia_empreinte.offers import Offer  # noqa: E402
from ia_empreinte.profiles import UsageProfile  # noqa: E402
from ia_empreinte.uncertainty import Sampler, central  # noqa: E402
from ia_empreinte.units import BYTES_PER_PARAM  # noqa: E402

try:
    from fit_tasks import loso_predictions  # type: ignore[import-not-found]
except ImportError:  # the non-LLM harness of another branch, not merged yet
    loso_predictions = None

ROOT = HERE.parents[1]
CSV = ROOT / "src" / "ia_empreinte" / "data" / "calibration" / "published_measurements_v2.csv"
TOML = ROOT / "src" / "ia_empreinte" / "data" / "llm_calibration.toml"
ACCURACY = ROOT / "docs" / "accuracy.md"
DRAWS, SEED = 1000, 42

INPUT_TOKENS = 400.0
"""Input tokens assumed where a row does not publish them (as ``evaluate.py``)."""
KV_COEF, KV_EXPONENT = 60_000.0, 0.35
"""KV bytes per token ~ 60 kB x N_total^0.35 at 16 bits: least squares on the config.json
of Llama 3.1 8B (131 kB), 70B (328 kB), 405B (516 kB), Qwen3 8B (147 kB), 14B (164 kB),
32B (262 kB), 30B-A3B (98 kB) = 2 x layers x KV heads x head dim x 2 bytes."""
WIDTH_DEPTH_COEF, WIDTH_DEPTH_EXPONENT = 30_500.0, 0.7
"""Layers x hidden width ~ 30,500 x N_active^0.7 (Llama 3.1 8B: 32 x 4096, 70B: 80 x 8192,
405B: 126 x 16384), for attention FLOPs."""
LAYERS_COEF, LAYERS_EXPONENT = 16.0, 0.38
"""Layers ~ 16 x N_total^0.38 (config.json: distilgpt2 6, Gemma 2 2B 26, Mistral 7B 32,
Llama 2 13B 40, Yi 34B 60, Llama 3.1 70B 80, 405B 126)."""
MEMORY_USABLE = 0.9
"""vLLM's default gpu_memory_utilization."""

NAMES = ("bandwidth_efficiency", "compute_efficiency", "power_fraction_memory_bound",
         "power_fraction_compute_bound", "communication_overhead",
         "step_overhead_optimised_s_per_layer", "step_overhead_generate_loop_s_per_layer")
PRIORS: dict[str, tuple[float, float, str]] = {
    # name: (prior centre, log10 sd, source)
    "bandwidth_efficiency": (0.6, 0.15, "Databricks, 'LLM Inference Performance Engineering: "
                             "Best Practices' (2023): model bandwidth utilisation about 60 %"),
    "compute_efficiency": (0.45, 0.15, "Chowdhery et al., 'PaLM' (arXiv:2204.02311, 2022), "
                           "Table 3: 46 % model FLOPs utilisation"),
    "power_fraction_memory_bound": (0.5, 0.2, "Patel et al., 'Characterizing Power Management "
                                    "Opportunities for LLMs in the Cloud' (ASPLOS 2024): token "
                                    "generation well below TDP"),
    "power_fraction_compute_bound": (0.9, 0.1, "Patel et al. 2024 (same): prompt phase near TDP"),
    "communication_overhead": (0.05, 0.5, "broad: a few % per extra GPU of tensor parallel"),
    "step_overhead_optimised_s_per_layer": (2e-5, 0.7, "broad: CUDA-graph replay, about 1-2 ms "
                                            "per step for 80 layers"),
    "step_overhead_generate_loop_s_per_layer": (4e-4, 0.5, "PyTorch eager: about 50 kernels "
                                                "per layer at 5-10 us launch each (PyTorch "
                                                "blog 'Accelerating PyTorch with CUDA Graphs', "
                                                "2021)"),
}
POWER_WEIGHT = TIME_WEIGHT = 0.3
SIGMA_NAMES = ("sigma_base", "sigma_generate_loop", "sigma_layer_split", "sigma_accelerator",
               "sigma_precision", "sigma_batch_per_decade")
SIGMA_FLOOR = 0.05
"""Smallest log-space sd of any component (published values carry their own noise)."""
ACCEPT_MEDIAN, ACCEPT_COVER, AIM_WIDTH, MIN_ROWS = 0.15, 0.80, 4.0, 5
# EcoLogits 0.11.3 GPU energy per output token and GPU (ecologits/impacts/llm.py, PyPI 2025,
# https://pypi.org/project/ecologits/0.11.3/; methodology https://ecologits.ai).
ECO_ALPHA, ECO_BETA, ECO_GAMMA, ECO_BATCH = 1.1665273e-6, -1.1205921e-2, 4.0529281e-5, 64


@dataclass
class FitRow:
    """One GPU-only text-generation row at its published operating point."""

    case: Any  # evaluate.Case
    accelerator: str
    count: int
    batch: float
    precision: str
    stack: str
    total_b: float
    active_b: float
    input_tokens: float
    output_tokens: float
    energy_wh: float
    power_w: float | None = None
    step_s: float | None = None
    assumptions: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return str(self.case.source)

    @property
    def row_id(self) -> str:
        return str(self.case.row_id)


def read_rows(path: Path = CSV) -> tuple[list[dict[str, str]], list[FitRow],
                                         list[tuple[str, str, str]]]:
    """Raw CSV rows, the fit rows, and (row, source, reason) for every row left out."""
    with path.open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    rows: list[FitRow] = []
    skipped: list[tuple[str, str, str]] = []
    for r in raw:
        try:
            case = ev.describe(r, "full")
        except ev.Undescribable as exc:
            skipped.append((r["row_id"], r["source"], str(exc)))
            continue
        if case.task != "text-generation":
            continue  # other tasks: fit_tasks.py
        if not case.gpu_only_measured:
            skipped.append((r["row_id"], r["source"], "wider boundary than the accelerators: "
                            "whole-chain plausibility check, not a fit target"))
            continue
        if any("batch" in a and "assumed" in a for a in case.assumptions):
            skipped.append((r["row_id"], r["source"], "batch not published"))
            continue
        if case.stack is None:
            skipped.append((r["row_id"], r["source"], "serving stack not published"))
            continue
        setup = r["serving_setup"]
        power = _number_after(setup, "avg power ")
        itl = _number_after(setup, "median ITL ")
        req = case.profile["request"]
        rows.append(FitRow(
            case=case, accelerator=case.accelerator, count=case.count, batch=case.batch,
            precision=case.precision, stack=case.stack,
            total_b=case.offer["model"]["total_params_b"],
            active_b=case.offer["model"]["active_params_b"],
            input_tokens=req["input_tokens"], output_tokens=req["output_tokens"],
            energy_wh=case.published_wh, power_w=power,
            step_s=itl / 1000 if itl is not None else None, assumptions=case.assumptions,
        ))
    return raw, rows, skipped


def _number_after(text: str, prefix: str) -> float | None:
    i = text.find(prefix)
    return ev.leading_number(text[i + len(prefix):]) if i >= 0 else None


def ecologits_gpu_wh(r: FitRow) -> float:
    """EcoLogits 0.11.3 GPU energy per request: GPUs x N_out x f_E(P_active, 64).

    f_E = alpha e^(beta B) P + gamma (Wh per output token per GPU), B fixed at 64; GPUs =
    next power of two of ceil(1.2 x P_total x 16 / 8 / 80). Its output as users get it
    (the batch is not an input).
    """
    n = math.ceil(1.2 * r.total_b * 16 / 8 / 80)
    gpus = 2 ** math.ceil(math.log2(n)) if n > 1 else 1
    per_token = ECO_ALPHA * math.exp(ECO_BETA * ECO_BATCH) * r.active_b + ECO_GAMMA
    return gpus * r.output_tokens * per_token


def constants(theta: np.ndarray) -> LlmConstants:
    return LlmConstants(
        bandwidth_efficiency=float(theta[0]), compute_efficiency=float(theta[1]),
        power_fraction_memory_bound=float(theta[2]),
        power_fraction_compute_bound=float(theta[3]), communication_overhead=float(theta[4]),
        kv_bytes_per_token_coef=KV_COEF, kv_bytes_per_token_exponent=KV_EXPONENT,
        memory_usable_fraction=MEMORY_USABLE, width_depth_coef=WIDTH_DEPTH_COEF,
        width_depth_exponent=WIDTH_DEPTH_EXPONENT, layers_coef=LAYERS_COEF,
        layers_exponent=LAYERS_EXPONENT,
    )


@dataclass(frozen=True)
class _Batch:
    """Rows of one kind (stack x split) as arrays, for one vectorised model call."""

    index: np.ndarray
    hw: AcceleratorSpec
    bpp: np.ndarray
    total: np.ndarray
    active: np.ndarray
    batch: np.ndarray
    n_in: np.ndarray
    n_out: np.ndarray
    loop: bool
    pipeline: bool


def batches(rows: list[FitRow]) -> list[_Batch]:
    out = []
    for loop in (False, True):
        for pipeline in (False, True):
            idx = np.array([i for i, r in enumerate(rows) if (r.stack == "generate-loop") == loop
                            and (loop and r.count > 1) == pipeline], dtype=int)
            if not len(idx):
                continue
            sel = [rows[i] for i in idx]
            accs = [catalog.accelerator(r.accelerator) for r in sel]
            hw = AcceleratorSpec(
                count=np.array([r.count for r in sel], dtype=float),  # type: ignore[arg-type]
                memory_bandwidth_gb_s=np.array([a.memory_bandwidth_gb_s for a in accs]),  # type: ignore[arg-type]
                peak_tflops=np.array([llm_peak_tflops(a, r.precision)  # type: ignore[arg-type]
                                      for a, r in zip(accs, sel, strict=True)]),
                memory_gb=np.array([a.memory_gb for a in accs]),  # type: ignore[arg-type]
                max_power_w=np.array([central(a.max_power_w) for a in accs]),
                idle_power_w=np.array([central(a.idle_power_w) for a in accs]),
            )
            out.append(_Batch(
                idx, hw, np.array([BYTES_PER_PARAM[r.precision] for r in sel]),
                np.array([r.total_b for r in sel]), np.array([r.active_b for r in sel]),
                np.array([r.batch for r in sel]), np.array([r.input_tokens for r in sel]),
                np.array([r.output_tokens for r in sel]), loop, pipeline))
    return out


def predict(rows: list[FitRow], theta: np.ndarray, groups: list[_Batch] | None = None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Energy (Wh), average replica power (W) and time per output token x batch (s)."""
    c = constants(theta)
    e, p, t = (np.empty(len(rows)) for _ in range(3))
    for g in groups if groups is not None else batches(rows):
        res = llm_request(g.hw, g.total, g.active, g.bpp, g.batch, g.n_in, g.n_out, c,  # type: ignore[arg-type]
                          step_overhead_s_per_layer=theta[6] if g.loop else theta[5],
                          pipeline=g.pipeline)
        e[g.index] = res.energy_wh
        p[g.index] = res.energy_wh * 3600 / res.busy_s
        t[g.index] = res.busy_s * g.batch / g.n_out
    return e, p, t


def _prior_penalty(theta: np.ndarray) -> float:
    return float(sum(((math.log10(theta[i]) - math.log10(PRIORS[n][0])) / PRIORS[n][1]) ** 2
                     for i, n in enumerate(NAMES)))


def fit(rows: list[FitRow]) -> np.ndarray:
    """Penalised least squares (log space) on energy, power and step time."""
    groups = batches(rows)
    pub_e = np.array([r.energy_wh for r in rows])
    has_p = np.array([r.power_w is not None for r in rows])
    pub_p = np.array([r.power_w or 1.0 for r in rows])
    has_t = np.array([r.step_s is not None for r in rows])
    pub_t = np.array([r.step_s or 1.0 for r in rows])

    def loss(x: np.ndarray) -> float:
        theta = np.power(10.0, x)
        if np.any(theta[:4] > 1.0) or theta[4] > 1.0:
            return 1e9
        e, p, t = predict(rows, theta, groups)
        return float(np.sum(np.log10(e / pub_e) ** 2)
                     + POWER_WEIGHT * np.sum(np.log10(p / pub_p)[has_p] ** 2)
                     + TIME_WEIGHT * np.sum(np.log10(t / pub_t)[has_t] ** 2)
                     + _prior_penalty(theta))

    x0 = np.log10([PRIORS[n][0] for n in NAMES])
    res = optimize.minimize(loss, x0, method="Nelder-Mead",
                            options={"maxiter": 4000, "xatol": 1e-4, "fatol": 1e-7})
    return np.asarray(np.power(10.0, res.x), dtype=float)


@dataclass(frozen=True)
class Domain:
    """What a set of fit rows has seen (the calibrated domain)."""

    accelerators: tuple[str, ...]
    precisions: dict[str, tuple[str, ...]]
    batch_range: dict[str, tuple[float, float]]
    params_range: tuple[float, float]


def domain_of(rows: list[FitRow]) -> Domain:
    accs = tuple(sorted({r.accelerator for r in rows}))
    precs = {a: tuple(sorted({PRECISION_CLASS[r.precision] for r in rows if r.accelerator == a}))
             for a in accs}
    ranges = {s: (min(r.batch for r in rows if r.stack == s),
                  max(r.batch for r in rows if r.stack == s))
              for s in sorted({r.stack for r in rows})}
    actives = [r.active_b for r in rows]
    return Domain(accs, precs, ranges, (min(actives), max(actives)))


def distance(r: FitRow, d: Domain) -> np.ndarray:
    """Indicators of the variance components for one row against a domain."""
    acc_unseen = r.accelerator not in d.accelerators
    prec_unseen = acc_unseen or PRECISION_CLASS[r.precision] not in d.precisions[r.accelerator]
    rng = d.batch_range.get(r.stack)
    # A stack the fold never saw has no batch range to stand outside of: its rows are
    # the "new source" error every estimate carries (sigma_base), not a batch distance.
    decades = (max(math.log10(rng[0] / r.batch), math.log10(r.batch / rng[1]), 0.0)
               if rng is not None else 0.0)
    loop = r.stack == "generate-loop"
    return np.array([1.0, float(loop), float(loop and r.count > 1), float(acc_unseen),
                     float(prec_unseen), decades ** 2])


def sigma_components(resid: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Maximum likelihood of ``r_i ~ N(0, x_i . s^2)``, each ``s_k >= SIGMA_FLOOR``.

    A component no left-out row exercises (its column all 0) has no evidence: it is set
    to ``sigma_base`` (one unit of that distance costs as much as a new source)."""
    seen = np.any(x != 0, axis=0)

    def nll(log_s: np.ndarray) -> float:
        var = x[:, seen] @ np.exp(2 * log_s)
        return float(np.sum(np.log(var) + resid ** 2 / var))

    start = np.log(np.full(int(seen.sum()), 0.3))
    res = optimize.minimize(nll, start, method="L-BFGS-B",
                            bounds=[(math.log(SIGMA_FLOOR), math.log(5.0))] * int(seen.sum()))
    out = np.empty(x.shape[1])
    out[seen] = np.exp(res.x)
    out[~seen] = out[0]
    return out


@dataclass
class Loso:
    """Leave-one-source-out: refitted constants per source and out-of-sample residuals."""

    theta: dict[str, np.ndarray]
    domain: dict[str, Domain]
    central: np.ndarray
    """Prediction of each row by the constants fitted without its source."""
    resid: np.ndarray
    """ln(published / prediction)."""
    x: np.ndarray


def leave_one_source_out(rows: list[FitRow]) -> Loso:
    sources = sorted({r.source for r in rows})
    theta: dict[str, np.ndarray] = {}
    domain: dict[str, Domain] = {}
    pred = np.empty(len(rows))
    x = np.empty((len(rows), len(SIGMA_NAMES)))
    for src in sources:
        train = [r for r in rows if r.source != src]
        idx = [i for i, r in enumerate(rows) if r.source == src]
        theta[src] = fit(train)
        domain[src] = domain_of(train)
        test = [rows[i] for i in idx]
        pred[idx] = predict(test, theta[src])[0]
        for i in idx:
            x[i] = distance(rows[i], domain[src])
    pub = np.array([r.energy_wh for r in rows])
    return Loso(theta, domain, pred, np.log(pub / pred), x)


def calibration(theta: np.ndarray, sig: np.ndarray, d: Domain, n_rows: int,
                sources: list[str]) -> dict[str, Any]:
    """The ``[constants]`` table of ``llm_calibration.toml``."""
    out: dict[str, Any] = {n: float(round(v, 8)) for n, v in zip(NAMES, theta, strict=True)}
    out["model_error_gsd"] = round(math.exp(sig[0]), 4)
    out.update({n: round(float(v), 4) for n, v in zip(SIGMA_NAMES, sig, strict=True)})
    out.update({
        "kv_bytes_per_token_coef": KV_COEF, "kv_bytes_per_token_exponent": KV_EXPONENT,
        "memory_usable_fraction": MEMORY_USABLE, "width_depth_coef": WIDTH_DEPTH_COEF,
        "width_depth_exponent": WIDTH_DEPTH_EXPONENT, "layers_coef": LAYERS_COEF,
        "layers_exponent": LAYERS_EXPONENT, "calibration_input_tokens": INPUT_TOKENS,
        "params_range_b": [d.params_range[0], d.params_range[1]],
        "batch_range": [min(v[0] for v in d.batch_range.values()),
                        max(v[1] for v in d.batch_range.values())],
        "calibrated_accelerators": list(d.accelerators),
        "calibrated_precisions": {a: list(v) for a, v in d.precisions.items()},
        "calibrated_batch_range": {s: [v[0], v[1]] for s, v in d.batch_range.items()},
        "unknown_stack_batch": [1.0, 8.0],
        "fitted_on": f"{n_rows} GPU-only text-generation rows of "
                     f"published_measurements_v2.csv ({', '.join(sources)})",
        "source": "data/calibration/published_measurements_v2.csv (citations per row: ML.ENERGY "
                  "Leaderboard v3.0 and v1.0, Chung et al., NeurIPS 2025 D&B; Hugging Face AI "
                  "Energy Score v1/v2); fit: benchmarks/calibration/fit.py, leave-one-source-out "
                  "residuals in docs/accuracy.md",
        "year": 2026,
    })
    return out


def model_of(cal: dict[str, Any]) -> reference.LlmCalibration:
    return reference.LlmCalibration.model_validate(cal)


def band(case: Any, cal: reference.LlmCalibration, contract: str) -> tuple[float, float, float]:
    """p05, p50, p95 of the accelerator energy per request, through the CLI's chain."""
    offer_doc = dict(case.offer)
    dep = dict(offer_doc["deployment"])
    if contract == "today":
        dep.pop("serving_stack", None)
    elif case.stack is not None:
        dep["serving_stack"] = case.stack
    offer = Offer.model_validate({**offer_doc, "deployment": dep})
    profile = UsageProfile.model_validate(case.profile)
    with reference.overriding_llm_calibration(cal):
        draws = estimate_draws(profile, offer, Sampler(SEED, DRAWS)).draws
    acc = draws.per_request_energy_wh["accelerators"]
    p05, p50, p95 = np.percentile(acc, [5, 50, 95])
    return float(p05), float(p50), float(p95)


@dataclass
class Scored(ev.Band):
    row_id: str
    source: str
    task: str
    model: str
    published_wh: float
    p05: float
    p50: float
    p95: float


def llm_scored(rows: list[FitRow], loso: Loso, sig: np.ndarray, contract: str) -> list[Scored]:
    out = []
    for r in rows:
        theta, d = loso.theta[r.source], loso.domain[r.source]
        cal = model_of(calibration(theta, sig, d, 0, []))
        p05, p50, p95 = band(r.case, cal, contract)
        out.append(Scored(r.row_id, r.source, "text-generation", r.case.model, r.energy_wh,
                          p05, p50, p95))
    return out


def task_scored(raw: list[dict[str, str]]) -> list[Scored] | None:
    if loso_predictions is None:
        return None
    return [Scored(str(p["row_id"]), str(p["source"]), str(p["task"]), str(p.get("model", "")),
                   float(p["published_wh"]), float(p["p05_wh"]), float(p["median_wh"]),
                   float(p["p95_wh"])) for p in loso_predictions(raw)]


stats = ev.stats
"""n, median |log10|, within 2x, coverage_p05_p95, median p95/p05 (as evaluate.py)."""


def table(scored: list[Scored], key: Callable[[Scored], str]) -> list[tuple[str, dict[str, float]]]:
    names = sorted({key(s) for s in scored})
    return [(n, stats([s for s in scored if key(s) == n])) for n in names]


def acceptance(scored: list[Scored]) -> tuple[bool, list[str]]:
    lines = []
    ok = True
    for name, s in table(scored, lambda s: s.task):
        if s["n"] >= MIN_ROWS and s["median_abs_log10"] > ACCEPT_MEDIAN:
            ok = False
            lines.append(f"task {name}: median |log10| {s['median_abs_log10']:.3f} > 0.15")
    s = stats(scored)
    if s["median_abs_log10"] > ACCEPT_MEDIAN:
        ok = False
        lines.append(f"overall median |log10| {s['median_abs_log10']:.3f} > 0.15")
    if s["coverage_p05_p95"] < ACCEPT_COVER:
        ok = False
        lines.append(f"overall coverage {s['coverage_p05_p95']:.0%} < 80 %")
    return ok, lines


def format_table(title: str, scored: list[Scored]) -> list[str]:
    out = [f"== {title} ==",
           f"{'group':<44} {'n':>3} {'med|log10|':>10} {'within2x':>8} {'p05-p95':>7} "
           f"{'p95/p05':>8}"]
    for label, key in (("task", lambda s: s.task), ("source", lambda s: s.source)):
        for name, s in table(scored, key):
            out.append(f"{(label + ': ' + name)[:44]:<44} {s['n']:>3.0f} "
                       f"{s['median_abs_log10']:>10.3f} {s['within_2x']:>8.0%} "
                       f"{s['coverage_p05_p95']:>7.0%} {s['median_p95_p05']:>8.2f}")
    s = stats(scored)
    out.append(f"{'overall':<44} {s['n']:>3.0f} {s['median_abs_log10']:>10.3f} "
               f"{s['within_2x']:>8.0%} {s['coverage_p05_p95']:>7.0%} {s['median_p95_p05']:>8.2f}")
    ok, why = acceptance(scored)
    out.append("acceptance (median |log10| <= 0.15 per task with >= 5 rows and overall; "
               f">= 80 % inside p05-p95; aim p95/p05 <= {AIM_WIDTH:g}): "
               + ("met" if ok else "FAILED: " + "; ".join(why)))
    return out


@dataclass
class Result:
    raw: list[dict[str, str]]
    rows: list[FitRow]
    skipped: list[tuple[str, str, str]]
    theta: np.ndarray
    sig: np.ndarray
    loso: Loso
    cal: dict[str, Any]
    scored: dict[str, list[Scored]]
    tasks: list[Scored] | None


def run() -> Result:
    raw, rows, skipped = read_rows()
    theta = fit(rows)
    loso = leave_one_source_out(rows)
    sig = sigma_components(loso.resid, loso.x)
    sources = sorted({r.source for r in rows})
    cal = calibration(theta, sig, domain_of(rows), len(rows), sources)
    scored = {c: llm_scored(rows, loso, sig, c) for c in ("full", "today")}
    shipped = model_of(cal)
    scored["shipped"] = [Scored(r.row_id, r.source, "text-generation", r.case.model,
                                r.energy_wh, *band(r.case, shipped, "today")) for r in rows]
    return Result(raw, rows, skipped, theta, sig, loso, cal, scored, task_scored(raw))


def report(res: Result) -> tuple[list[str], bool]:
    lines = [f"{len(res.rows)} GPU-only text-generation rows fitted; left out of the LLM fit:"]
    lines += [f"  {rid:>4} {src[:32]:<32} {why}" for rid, src, why in res.skipped]
    lines.append("constants (all rows):")
    lines += [f"  {n} = {v:.6g}" for n, v in zip(NAMES, res.theta, strict=True)]
    lines.append("model error (log-space sd, leave-one-source-out residuals):")
    unused = ~np.any(res.loso.x != 0, axis=0)
    lines += [f"  {n} = {v:.4f}" + ("  (no left-out row at this distance: set to sigma_base)"
                                     if unused[i] else "")
              for i, (n, v) in enumerate(zip(SIGMA_NAMES, res.sig, strict=True))]
    if res.tasks is None:
        lines.append("fit_tasks.loso_predictions not available: LLM rows only")
    ok_all = True
    for contract, title in (("full", "serving stack declared where the source names it"),
                            ("today", "today's file contract (no serving stack)")):
        scored = res.scored[contract] + (res.tasks or [])
        lines.append("")
        lines += format_table(f"leave one source out, {title}", scored)
        ok_all &= acceptance(scored)[0]
    s = stats(res.scored["shipped"])
    lines += ["", "for information, in-sample (the shipped constants, today's contract, what "
              "ia-empreinte estimate gives for these text-generation rows): "
              f"median |log10| {s['median_abs_log10']:.3f}, within 2x {s['within_2x']:.0%}, "
              f"inside p05-p95 {s['coverage_p05_p95']:.0%}, median p95/p05 "
              f"{s['median_p95_p05']:.2f}"]
    return lines, ok_all


def toml_text(cal: dict[str, Any]) -> str:
    from toml_out import value

    lines = ["# Generated by benchmarks/calibration/fit.py; do not edit by hand.", "[constants]"]
    lines += [f"{k} = {value(v, quote_keys=True)}" for k, v in cal.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="leave-one-source-out acceptance only; exit 1 if it fails")
    args = parser.parse_args(argv)
    res = run()
    lines, ok = report(res)
    print("\n".join(lines))
    if args.check:
        return 0 if ok else 1
    import accuracy_doc

    TOML.write_text(toml_text(res.cal), encoding="utf-8")
    ACCURACY.write_text(accuracy_doc.markdown(res, sys.modules[__name__]), encoding="utf-8")
    print(f"wrote {TOML.relative_to(ROOT)} and {ACCURACY.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
