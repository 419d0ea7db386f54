"""Unit constants. Conversions are exact expressions, never rounded literals."""

from __future__ import annotations

J_PER_WH = 3_600
"""Joules in one watt-hour (1 W x 3600 s)."""

WH_PER_KWH = 1_000
J_PER_KWH = J_PER_WH * WH_PER_KWH
"""Joules in one kilowatt-hour: 3,600,000."""

MJ_PER_KWH = J_PER_KWH / 1_000_000
"""Megajoules in one kilowatt-hour: 3.6."""

S_PER_H = 3_600
H_PER_DAY = 24
DAYS_PER_YEAR = 365.25
"""Mean length of a Julian year, for lifetimes given in years."""
H_PER_YEAR = H_PER_DAY * DAYS_PER_YEAR
"""8,766 hours in a mean year."""

G_PER_KG = 1_000
ML_PER_L = 1_000
BYTES_PER_GB = 1_000_000_000
"""Decimal gigabyte, as accelerator vendors state memory and bandwidth."""
FLOP_PER_TFLOP = 1e12
PARAMS_PER_B = 1e9
"""Parameters in one billion (model sizes are given in billions, ``_b``)."""

BYTES_PER_PARAM = {
    "fp32": 4.0,
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
    "fp4": 0.5625,
}
"""Bytes per weight for each numeric precision.

``fp4`` (MXFP4 / NVFP4): 4-bit values plus one shared scale per block. MXFP4 keeps an
8-bit scale per 32 values (4.25 bits; Open Compute Project, "OCP Microscaling Formats
(MX) Specification" v1.0, 2023), NVFP4 an FP8 scale per 16 values (4.5 bits; NVIDIA,
"Introducing NVFP4 for Efficient and Accurate Low-Precision Inference", 2025): the
larger, 4.5 bits = 0.5625 bytes, is used for both."""


def decimal_comma(number: float | str) -> str:
    """A number with the French decimal comma: a float is written with ``:g`` first; a
    text already formatted (``f"{x:.2f}"``, ``"1.1 x 808.0"``) has its points replaced."""
    text = f"{number:g}" if isinstance(number, int | float) else number
    return text.replace(".", ",")
