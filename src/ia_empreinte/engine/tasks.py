"""Accelerator energy of non-LLM tasks: a reference energy per architecture class,
scaled by work units, model size, precision and hardware, with an out-of-sample error.

``E = E_ref[t,c] x U x (N / N_ref[t,c])^a x F(p) / F(p_ref[t,c]) x H x exp(sigma z)``:

- ``E_ref[t,c]``: energy per unit (audio second, token, image, row; image generation:
  per image x denoising step x megapixel x billion parameters) of task ``t`` and
  architecture class ``c`` (``model.architecture``) at ``N_ref`` parameters, measured
  at precision ``p_ref`` on the reference accelerator; ``data/tasks.toml``, written by
  ``benchmarks/calibration/fit_tasks.py`` from published GPU-only rows;
- ``U`` the request's units; ``a`` the model-size exponent (1 for image generation,
  whose units already hold the parameters);
- ``F(p)`` the precision factor (32-bit weights cost ``F(fp32)`` times 16-bit ones);
- ``H`` the hardware factor (:func:`hardware_factor`);
- ``sigma`` the log-space model error: leave-one-source-out residuals, widened with
  the distance from the calibrated domain (:func:`model_error_sigma`).

An undeclared architecture spans every class of the task (:func:`undeclared_span`).
"""

from __future__ import annotations

import math

import numpy as np

from ia_empreinte.types import Array

__all__ = [
    "ARCHITECTURES",
    "UNIT_FIELD",
    "hardware_factor",
    "image_generation_units",
    "model_error_sigma",
    "peak_sigma",
    "precision_group",
    "task_energy_wh",
    "undeclared_span",
]

ArrayLike = Array | float

UNIT_FIELD = {
    "embeddings": "input_tokens",
    "text-classification": "input_tokens",
    "speech-to-text": "audio_seconds",
    "text-to-speech": "audio_seconds",
    "image-classification": "images",
    "object-detection": "images",
    "image-generation": "images",
    "tabular-prediction": "rows",
}
"""The request field that counts a non-LLM task's units (per audio second, token...)."""

ARCHITECTURES: dict[str, tuple[str, ...]] = {
    "speech-to-text": ("encoder-decoder", "ctc"),
    "image-generation": ("unet", "dit"),
    "embeddings": ("encoder",),
    "text-classification": ("encoder",),
    "image-classification": ("cnn", "vit"),
}
"""Architecture classes an offer may declare (``model.architecture``) per task."""


def precision_group(precision: str) -> str:
    """``32-bit`` for fp32, ``16-bit`` for every narrower format.

    Narrower than 16 bits is not credited for non-LLM tasks: no published measurement
    of one exists in the calibration data, and declaring it must not cost a bidder.
    """
    return "32-bit" if precision == "fp32" else "16-bit"


def hardware_factor(
    max_power_w: ArrayLike, peak_tflops: float, ref_max_power_w: ArrayLike, ref_peak_tflops: float
) -> Array:
    """``H = (P_max / P_max,ref) x sqrt(peak_ref / peak)``.

    Energy = power x time; at batch 1 small models are partly overhead-bound, so time
    scales with the inverse peak only partly (square root, the middle of the range from
    fully overhead-bound, exponent 0, to fully compute-bound, exponent 1) while power
    scales with the board's maximum power.
    """
    ratio = np.asarray(max_power_w, dtype=np.float64) / np.asarray(ref_max_power_w)
    return np.asarray(ratio * np.sqrt(ref_peak_tflops / peak_tflops), dtype=np.float64)


def peak_sigma(peak_tflops: float, ref_peak_tflops: float) -> float:
    """Log-space sd of :func:`hardware_factor`'s time term on another accelerator.

    The exponent of the peak ratio lies between 0 and 1 (0.5 used): its p05-p95 is set
    to that whole range, ``sigma = 0.5 |ln(peak_ref / peak)| / 1.645``; 0 on the
    reference accelerator.
    """
    return 0.5 * abs(math.log(ref_peak_tflops / peak_tflops)) / 1.6448536269514722


def model_error_sigma(
    calibration: float, *, accelerator: float = 0.0, precision: float = 0.0,
    derived: float = 0.0,
) -> float:
    """Log-space sd of the model error: components added in quadrature.

    ``calibration``: the class's out-of-sample error (leave one source out);
    ``accelerator``: :func:`peak_sigma` off the reference accelerator; ``precision``:
    the precision factor's error when the offer's precision group was not measured for
    the class; ``derived``: a class with no published row (derived from another).
    """
    return math.sqrt(calibration**2 + accelerator**2 + precision**2 + derived**2)


def image_generation_units(
    images: ArrayLike, width_px: ArrayLike, height_px: ArrayLike, steps: ArrayLike,
    active_params_b: ArrayLike,
) -> Array:
    """Work units of image generation: ``images x steps x N_b x megapixels``.

    Denoiser FLOPs per step grow with its parameters and with the latent tokens, which
    grow with the pixels (Peebles & Xie, "Scalable Diffusion Models with Transformers",
    ICCV 2023: Gflops = parameters x tokens); the published rows scale close to
    linearly in these units (``docs/methodology.md``).
    """
    megapixels = np.asarray(width_px) * np.asarray(height_px) / 1_000_000
    return np.asarray(
        np.asarray(images) * np.asarray(steps) * np.asarray(active_params_b) * megapixels,
        dtype=np.float64,
    )


def task_energy_wh(
    reference_wh_per_unit: ArrayLike, units: ArrayLike, active_params_b: ArrayLike,
    reference_params_b: float, params_exponent: ArrayLike, hw_factor: ArrayLike,
    precision_factor: ArrayLike = 1.0,
) -> Array:
    """``E = E_ref x units x (N / N_ref)^a x F x H`` (Wh per request)."""
    size = np.power(np.asarray(active_params_b) / reference_params_b, params_exponent)
    return np.asarray(
        np.asarray(reference_wh_per_unit) * np.asarray(units) * size * np.asarray(hw_factor)
        * np.asarray(precision_factor),
        dtype=np.float64,
    )


def undeclared_span(log_low: ArrayLike, log_high: ArrayLike, z: ArrayLike,
                    sigma: float) -> Array:
    """Log energy of an undeclared architecture from a standard normal draw ``z``.

    A two-piece normal in log space: above the median, the costliest class with its own
    model error ``sigma``; below, the sd is stretched so that p05 reaches the cheapest
    class's p05: ``ln E = high + sigma z`` for ``z >= 0``, ``high + (sigma + (high - low)
    / 1.645) z`` otherwise. The median is the costliest class (declaring never costs a
    bidder), the band covers every class.
    """
    z = np.asarray(z, dtype=np.float64)
    hi, lo = np.asarray(log_high), np.asarray(log_low)
    below = sigma + (hi - lo) / 1.6448536269514722
    return np.asarray(hi + np.where(z >= 0, sigma, below) * z, dtype=np.float64)
