"""Accelerator energy of non-LLM tasks: reference energy scaled by model size and hardware.

``E = E_ref x units x (N / N_ref)^a x H``, with ``E_ref`` per unit (audio second,
token, image, row) from ``data/tasks.toml`` (AI Energy Score v1, ML.ENERGY v3.0, or a
stated assumption), ``a`` the model-size exponent and ``H`` the hardware factor.
Image generation is linear in parameters, denoising steps and megapixels.
"""

from __future__ import annotations

import numpy as np

from ia_empreinte.types import Array

__all__ = ["UNIT_FIELD", "hardware_factor", "image_generation_units", "task_energy_wh"]

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


def hardware_factor(
    max_power_w: ArrayLike, peak_tflops: float, ref_max_power_w: ArrayLike, ref_peak_tflops: float
) -> Array:
    """``H = (P_max / P_max,ref) x sqrt(peak_ref / peak)``.

    Energy = power x time; at batch 1 small models are partly overhead-bound, so time
    scales with the inverse peak only partly (square root, assumption stated in
    docs/methodology.md) while power scales with the board's maximum power.
    """
    ratio = np.asarray(max_power_w, dtype=np.float64) / np.asarray(ref_max_power_w)
    return np.asarray(ratio * np.sqrt(ref_peak_tflops / peak_tflops), dtype=np.float64)


def image_generation_units(
    images: ArrayLike, width_px: ArrayLike, height_px: ArrayLike, steps: ArrayLike,
    active_params_b: ArrayLike,
) -> Array:
    """Work units of image generation: ``images x steps x N_b x megapixels``.

    Source: ML.ENERGY v3.0 text-to-image rows scale close to linearly in these
    (0.0035-0.0052 Wh per unit across FLUX.1-dev, SD 3.5 Large, SANA 1.5).
    """
    megapixels = np.asarray(width_px) * np.asarray(height_px) / 1_000_000
    return np.asarray(
        np.asarray(images) * np.asarray(steps) * np.asarray(active_params_b) * megapixels,
        dtype=np.float64,
    )


def task_energy_wh(
    reference_wh_per_unit: ArrayLike, units: ArrayLike, active_params_b: ArrayLike,
    reference_params_b: float, params_exponent: ArrayLike, hw_factor: ArrayLike,
) -> Array:
    """``E = E_ref x units x (N / N_ref)^a x H`` (Wh per request)."""
    size = np.power(np.asarray(active_params_b) / reference_params_b, params_exponent)
    return np.asarray(
        np.asarray(reference_wh_per_unit) * np.asarray(units) * size * np.asarray(hw_factor),
        dtype=np.float64,
    )
