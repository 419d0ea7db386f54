"""Accelerator energy of text generation: a physical decode/prefill model.

Per decode step the replica produces one token for each of the ``batch`` sequences.
The step lasts as long as the slower of two things: moving the bytes (weights touched
plus KV cache) through memory, or doing the FLOPs (2 x active parameters per token)
(roofline model: Williams et al. 2009; for LLM decode, Pope et al. 2022 "Efficiently
Scaling Transformer Inference"). Accelerator power sits between idle and max, more
towards max when compute-bound. Energy per step is shared by the batch. Prefill is
compute-bound (2 x active parameters FLOPs per input token). The few efficiency
constants are fitted on the published GPU-only measurements of
``data/calibration/published_measurements_v2.csv`` (``benchmarks/calibration/fit.py``).

The serving stack adds two things. Every decode step (and the prefill) carries a fixed
host-side overhead per transformer layer (kernel launches, Python loop, sampling) during
which the accelerators wait near idle: small for an optimised server (CUDA graphs,
fused kernels), large for a plain generate loop. A generate loop spread over several
accelerators runs them one after the other (layer-wise model split, as Hugging Face
``device_map="auto"``), not in tensor parallel.

All functions take and return numpy arrays (one value per Monte Carlo draw, or per
request of a usage log) and broadcast.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ia_empreinte.types import Array
from ia_empreinte.units import BYTES_PER_GB, FLOP_PER_TFLOP, J_PER_WH, PARAMS_PER_B

__all__ = [
    "AcceleratorSpec",
    "LlmConstants",
    "LlmResult",
    "accelerator_power_w",
    "attention_flops",
    "decode_step",
    "effective_accelerators",
    "kv_cache_bytes",
    "layer_count",
    "llm_request",
    "weights_read_bytes",
]

ArrayLike = Array | float


@dataclass(frozen=True)
class LlmConstants:
    """The fitted efficiency constants and architecture defaults (see ``reference.py``)."""

    bandwidth_efficiency: float
    compute_efficiency: float
    power_fraction_memory_bound: float
    power_fraction_compute_bound: float
    communication_overhead: float
    kv_bytes_per_token_coef: float
    kv_bytes_per_token_exponent: float
    memory_usable_fraction: float
    width_depth_coef: float = 0.0
    """Layers x hidden width ~ coef x active_params_b ** exp (attention FLOPs); 0 ignores
    attention FLOPs."""
    width_depth_exponent: float = 0.7
    layers_coef: float = 16.0
    """Transformer layers ~ coef x total_params_b ** exp (per-layer step overhead)."""
    layers_exponent: float = 0.38


@dataclass(frozen=True)
class AcceleratorSpec:
    """One model replica's accelerators: per-accelerator figures and their count."""

    count: int
    memory_bandwidth_gb_s: float
    peak_tflops: float
    """Dense peak at the precision used (fp8 path where the weights are 8-bit or less)."""
    memory_gb: float
    max_power_w: ArrayLike
    idle_power_w: ArrayLike


@dataclass(frozen=True)
class LlmResult:
    """Per-request accelerator energy and the replica time the request occupies."""

    energy_wh: Array
    busy_s: Array
    """Replica wall time attributable to the request (step time x tokens / batch + prefill)."""


def effective_accelerators(count: int, communication_overhead: float) -> float:
    """Parallel efficiency of tensor parallelism: ``g_eff = g / (1 + c (g - 1))``.

    Source: fitted ``c`` on ML.ENERGY v3.0 rows with 1, 2, 4 and 8 H100 (docs/accuracy.md).
    """
    return count / (1.0 + communication_overhead * (count - 1))


def weights_read_bytes(
    total_params_b: ArrayLike, active_params_b: ArrayLike, batch: ArrayLike,
    bytes_per_param: float,
) -> Array:
    """Weight bytes read per decode step: ``N_total (1 - (1 - N_active/N_total)^B) b``.

    A dense model (active = total) reads all its weights once per step. A mixture of
    experts reads, at batch 1, only its active parameters; with B tokens routed
    independently, the expected share of expert weights touched is 1 - (1 - r)^B with
    r = active/total (each token touches a share r). Source: standard MoE routing
    expectation; see docs/methodology.md.
    """
    total = np.asarray(total_params_b, dtype=np.float64)
    ratio = np.minimum(np.asarray(active_params_b, dtype=np.float64) / total, 1.0)
    touched = 1.0 - np.power(1.0 - ratio, np.asarray(batch, dtype=np.float64))
    return np.asarray(total * PARAMS_PER_B * touched * bytes_per_param, dtype=np.float64)


def kv_cache_bytes(
    total_params_b: ArrayLike, context_tokens: ArrayLike, batch: ArrayLike,
    capacity_bytes: ArrayLike, c: LlmConstants,
) -> Array:
    """KV-cache bytes read per step: ``min(B x context x k N^e, capacity)``.

    ``k N^e`` approximates 2 x layers x KV heads x head dim x 2 bytes from the model
    size (fit on Llama 3.1 8B/70B/405B and Qwen3 8B-32B config.json files: 131-516 kB per
    token). The cache cannot exceed the memory left after the weights (a serving engine
    caps the batch there).
    """
    per_token = c.kv_bytes_per_token_coef * np.power(
        np.asarray(total_params_b, dtype=np.float64), c.kv_bytes_per_token_exponent
    )
    wanted = np.asarray(batch, dtype=np.float64) * np.asarray(context_tokens) * per_token
    return np.asarray(np.minimum(wanted, capacity_bytes), dtype=np.float64)


def attention_flops(
    active_params_b: ArrayLike, queries: ArrayLike, mean_context: ArrayLike, c: LlmConstants
) -> Array:
    """Attention score and mix FLOPs: ``4 x L d x queries x mean context``.

    ``L d`` (layers x hidden width) ~ ``k x N_active^e`` (k = 30,500, e = 0.7: Llama 3.1
    8B/70B/405B config.json; DeepSeek-V3 and Mixtral within 1.4x with active
    parameters). For a prefill of ``n`` tokens with causal masking, ``queries = n`` and
    the mean context is ``n / 2``; for one decode step, ``queries = B``.
    """
    width_depth = c.width_depth_coef * np.power(
        np.asarray(active_params_b, dtype=np.float64), c.width_depth_exponent
    )
    return np.asarray(4.0 * width_depth * np.asarray(queries) * np.asarray(mean_context),
                      dtype=np.float64)


def layer_count(total_params_b: ArrayLike, c: LlmConstants) -> Array:
    """Transformer layers ~ ``k N_total^e`` (k = 16, e = 0.38: config.json of distilgpt2
    (6 layers, 0.08 B), Gemma 2 2B (26), Mistral 7B (32), Llama 2 13B (40), Yi 34B (60),
    Llama 3.1 70B (80), Llama 3.1 405B (126), within 1.3x)."""
    return np.asarray(c.layers_coef * np.power(np.asarray(total_params_b, dtype=np.float64),
                                                c.layers_exponent), dtype=np.float64)


def accelerator_power_w(
    hw: AcceleratorSpec, memory_share: ArrayLike, compute_share: ArrayLike, c: LlmConstants,
    *, pipeline: bool = False,
) -> Array:
    """Replica power: ``g (P_idle + (P_max - P_idle) min(1, f_m s_m + f_c s_c))``.

    ``s_m``, ``s_c``: shares of the step bound by memory and by compute; ``f_m``, ``f_c``
    fitted on the average power ML.ENERGY v3.0 reports for each operating point. With
    ``pipeline`` (layer-wise split, one accelerator busy at a time) only one of the
    ``g`` accelerators is above idle: ``g P_idle + (P_max - P_idle) load``.
    """
    load = np.minimum(
        1.0,
        c.power_fraction_memory_bound * np.asarray(memory_share)
        + c.power_fraction_compute_bound * np.asarray(compute_share),
    )
    idle = np.asarray(hw.idle_power_w, dtype=np.float64)
    busy = 1 if pipeline else hw.count
    return np.asarray(hw.count * idle + busy * (np.asarray(hw.max_power_w) - idle) * load)


def decode_step(
    hw: AcceleratorSpec, total_params_b: ArrayLike, active_params_b: ArrayLike,
    bytes_per_param: float, batch: ArrayLike, context_tokens: ArrayLike, c: LlmConstants,
    *, pipeline: bool = False,
) -> tuple[Array, Array]:
    """Duration (s) and replica power (W) of one decode step of ``batch`` sequences.

    ``t = max(bytes / (BW eff_bw g_eff), B (2 N_active + 4 L d ctx) / (peak eff_c g_eff))``;
    ``g_eff = 1`` for a layer-wise ``pipeline`` split (one accelerator at a time).
    """
    g_eff = 1.0 if pipeline else effective_accelerators(hw.count, c.communication_overhead)
    weights = weights_read_bytes(total_params_b, active_params_b, batch, bytes_per_param)
    capacity = np.maximum(
        hw.count * hw.memory_gb * BYTES_PER_GB * c.memory_usable_fraction
        - np.asarray(total_params_b) * PARAMS_PER_B * bytes_per_param,
        0.0,
    )
    kv = kv_cache_bytes(total_params_b, context_tokens, batch, capacity, c)
    t_mem = (weights + kv) / (hw.memory_bandwidth_gb_s * BYTES_PER_GB * c.bandwidth_efficiency
                              * g_eff)
    flops = (2.0 * np.asarray(active_params_b) * PARAMS_PER_B * np.asarray(batch)
             + attention_flops(active_params_b, batch, context_tokens, c))
    t_comp = flops / (hw.peak_tflops * FLOP_PER_TFLOP * c.compute_efficiency * g_eff)
    t = np.maximum(t_mem, t_comp)
    power = accelerator_power_w(hw, t_mem / t, t_comp / t, c, pipeline=pipeline)
    return np.asarray(t, dtype=np.float64), power


def llm_request(
    hw: AcceleratorSpec, total_params_b: ArrayLike, active_params_b: ArrayLike,
    bytes_per_param: float, batch: ArrayLike, input_tokens: ArrayLike,
    output_tokens: ArrayLike, c: LlmConstants, *,
    step_overhead_s_per_layer: ArrayLike = 0.0, pipeline: bool = False,
) -> LlmResult:
    """Accelerator energy (Wh) of one request: decode share + prefill + stack overhead.

    ``E = [n_out P_step t_step / B + P_c (2 N_active n_in + 2 L d n_in^2) / (peak eff_c
    g_eff) + (n_out / B + 1) o L g P_idle] / 3600``,
    with the decode step evaluated at the mean context ``n_in + n_out / 2``, ``P_c`` the
    compute-bound power, ``o`` the serving stack's overhead per layer and step (the
    accelerators wait near idle meanwhile) and ``L`` the layer count. Source:
    docs/methodology.md, "Text generation".
    """
    n_in = np.asarray(input_tokens, dtype=np.float64)
    n_out = np.asarray(output_tokens, dtype=np.float64)
    b = np.asarray(batch, dtype=np.float64)
    t_step, p_step = decode_step(
        hw, total_params_b, active_params_b, bytes_per_param, b, n_in + n_out / 2.0, c,
        pipeline=pipeline,
    )
    g_eff = 1.0 if pipeline else effective_accelerators(hw.count, c.communication_overhead)
    prefill_flops = (2.0 * np.asarray(active_params_b) * PARAMS_PER_B * n_in
                     + attention_flops(active_params_b, n_in, n_in / 2.0, c))
    t_prefill = prefill_flops / (hw.peak_tflops * FLOP_PER_TFLOP * c.compute_efficiency * g_eff)
    p_prefill = accelerator_power_w(hw, 0.0, 1.0, c, pipeline=pipeline)
    decode_s = n_out * t_step / b
    # One overhead per decode step plus one for the prefill (none for an empty request).
    steps = n_out / b + np.where(n_in + n_out > 0, 1.0, 0.0)
    overhead_s = (steps * np.asarray(step_overhead_s_per_layer, dtype=np.float64)
                  * layer_count(total_params_b, c))
    idle_w = hw.count * np.asarray(hw.idle_power_w, dtype=np.float64)
    energy_j = decode_s * p_step + t_prefill * p_prefill + overhead_s * idle_w
    return LlmResult(
        energy_wh=np.asarray(energy_j / J_PER_WH, dtype=np.float64),
        busy_s=np.asarray(decode_s + t_prefill + overhead_s, dtype=np.float64),
    )
