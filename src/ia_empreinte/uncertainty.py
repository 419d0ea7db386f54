"""Declared distributions and their sampling into numpy arrays.

An uncertain input is either a plain number or a small table such as
``{dist: triangular, low: 1, mode: 2, high: 4}``. Each distribution validates its own
parameters, samples into a numpy array and reports a central value.

Sampling goes through a :class:`Sampler`: every named quantity gets its own random
stream, derived from the recorded seed and a stable hash of the quantity's key. Two
consequences, both wanted: the same seed gives the same figures bit for bit, and
offers compared on one profile share the draws of every shared input (same key, same
stream) without any bookkeeping. Adding a new input does not shift the draws of the
others. (Compare brightway2-calc's ``seed_override`` and stats_arrays' one class per
distribution.)
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

__all__ = [
    "MAX_DRAWS",
    "Distribution",
    "Lognormal",
    "Normal",
    "Quantity",
    "Sampler",
    "Triangular",
    "Uniform",
    "bounded",
    "central",
    "is_certain",
    "median",
    "percentiles",
]

Array: TypeAlias = NDArray[np.float64]

MAX_DRAWS = 10_000_000
"""Most Monte Carlo draws a :class:`Sampler` takes: 80 MB per sampled quantity, already
several GB for a comparison; beyond, a typo (``draws=1e9``) would exhaust the memory."""

_Z95 = 1.6448536269514722
"""Standard normal quantile at 0.95 (for p05/p95 of a lognormal)."""


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    def sample(self, rng: np.random.Generator, n: int) -> Array:  # pragma: no cover
        raise NotImplementedError

    def central(self) -> float:  # pragma: no cover
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """The lowest and highest value the distribution can take (may be infinite)."""
        raise NotImplementedError  # pragma: no cover


class Uniform(_Dist):
    """Every value between ``low`` and ``high`` equally likely."""

    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def low_is_not_above_high(self) -> Uniform:
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) must not exceed high ({self.high:g})")
        return self

    def sample(self, rng: np.random.Generator, n: int) -> Array:
        return rng.uniform(self.low, self.high, n)

    def central(self) -> float:
        return (self.low + self.high) / 2

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Triangular(_Dist):
    """Triangular distribution from ``low`` to ``high`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def low_mode_high_are_ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"expected low <= mode <= high, got low={self.low:g}, "
                f"mode={self.mode:g}, high={self.high:g}"
            )
        return self

    def sample(self, rng: np.random.Generator, n: int) -> Array:
        if self.low == self.high:
            return np.full(n, self.low)
        return rng.triangular(self.low, self.mode, self.high, n)

    def central(self) -> float:
        return self.mode

    def support(self) -> tuple[float, float]:
        return (self.low, self.high)


class Lognormal(_Dist):
    """Lognormal given by its median ``p50`` and geometric standard deviation ``gsd``.

    About 90 % of draws fall between ``p50 / gsd**1.645`` and ``p50 * gsd**1.645``.
    """

    dist: Literal["lognormal"]
    p50: float = Field(gt=0)
    gsd: float = Field(ge=1, le=20)

    def sample(self, rng: np.random.Generator, n: int) -> Array:
        return rng.lognormal(math.log(self.p50), math.log(self.gsd), n)

    def central(self) -> float:
        return self.p50

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf) if self.gsd > 1 else (self.p50, self.p50)


class Normal(_Dist):
    """Normal distribution, truncated to the quantity's admissible range when sampled."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(ge=0)

    def sample(self, rng: np.random.Generator, n: int) -> Array:
        return rng.normal(self.mean, self.sd, n)

    def central(self) -> float:
        return self.mean

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf) if self.sd > 0 else (self.mean, self.mean)


Distribution = Annotated[
    Uniform | Triangular | Lognormal | Normal, Field(discriminator="dist")
]
"""One of the declared distributions, chosen by its ``dist`` key."""

_DIST_NAMES = ("uniform", "triangular", "lognormal", "normal")
_NUMBER = {"type": "number"}
_QUANTITY_SCHEMA: dict[str, Any] = {
    "description": "A plain number, or a distribution given by its 'dist' key.",
    "oneOf": [
        _NUMBER,
        {
            "type": "object",
            "title": "Uniform",
            "properties": {"dist": {"const": "uniform"}, "low": _NUMBER, "high": _NUMBER},
            "required": ["dist", "low", "high"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "title": "Triangular",
            "properties": {
                "dist": {"const": "triangular"},
                "low": _NUMBER,
                "mode": _NUMBER,
                "high": _NUMBER,
            },
            "required": ["dist", "low", "mode", "high"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "title": "Lognormal",
            "properties": {
                "dist": {"const": "lognormal"},
                "p50": {"type": "number", "exclusiveMinimum": 0},
                "gsd": {"type": "number", "minimum": 1, "maximum": 20},
            },
            "required": ["dist", "p50", "gsd"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "title": "Normal",
            "properties": {
                "dist": {"const": "normal"},
                "mean": _NUMBER,
                "sd": {"type": "number", "minimum": 0},
            },
            "required": ["dist", "mean", "sd"],
            "additionalProperties": False,
        },
    ],
}


def _parse_quantity(value: Any) -> Any:
    """Parse a plain number or a distribution table, with one clear message on error."""
    if isinstance(value, _Dist):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a number or a distribution, got a boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value}")
        return float(value)
    if isinstance(value, dict):
        kind = value.get("dist")
        if kind not in _DIST_NAMES:
            raise ValueError(
                f"expected 'dist' to be one of {', '.join(_DIST_NAMES)}, got {kind!r}"
            )
        try:
            return _dist_adapter().validate_python(value)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in err["loc"][1:])
            msg = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown parameter"
            elif err["type"] == "missing":
                msg = "required parameter is missing"
            prefix = f"{kind} distribution: " + (f"{where}: " if where else "")
            raise ValueError(prefix + msg[0].lower() + msg[1:]) from None
    shown = repr(value) if isinstance(value, str) else type(value).__name__
    raise ValueError(
        "expected a number or a distribution such as "
        f"{{dist: triangular, low, mode, high}}, got {shown}"
    )


def _dump_quantity(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, _Dist) else value


@functools.cache
def _dist_adapter() -> TypeAdapter[Any]:
    return TypeAdapter(Distribution)


Quantity: TypeAlias = Annotated[
    float | Distribution,
    PlainValidator(_parse_quantity),
    PlainSerializer(_dump_quantity, return_type=Any),
    WithJsonSchema(_QUANTITY_SCHEMA),
]
"""A plain number or a distribution (``uniform``, ``triangular``, ``lognormal``, ``normal``)."""


def central(q: float | _Dist) -> float:
    """The central value of a quantity: the number itself, a mode, median or mean."""
    return float(q) if isinstance(q, int | float) else q.central()


def median(draws: Array | float) -> float:
    """The median of draws, the same float as ``np.median`` gives.

    ``np.median`` imports ``numpy.ma`` on its first call (about 20 ms at start-up, a
    tenth of a CLI run); this computes the same thing: the middle element, or the mean
    of the two middle elements, of a partition. NaN if any draw is NaN.
    """
    values = np.asarray(draws, dtype=np.float64).ravel()
    k = values.size // 2
    middle_at = [k] if values.size % 2 else [k - 1, k]
    part = np.partition(values, sorted({*middle_at, values.size - 1}))  # NaN sorts last
    middle = part[middle_at[0]:k + 1]
    if np.isnan(part[-1]):
        return math.nan
    return float(np.mean(middle))


def percentiles(rows: Array, q: tuple[float, ...]) -> Array:
    """The ``q`` percentiles of each row of ``rows``: ``np.percentile(rows, q, axis=1)``.

    The same floats as numpy's default ("linear", Hyndman and Fan's type 7) method,
    step for step: virtual index ``(n - 1) q / 100``, the two order statistics around
    it from one partition, and numpy's two-sided interpolation (from the lower value
    below a weight of 0.5, from the upper one above). Written out because
    ``np.percentile`` imports ``numpy.ma`` on its first call (through ``np.unique``),
    about 20 ms of every CLI run; a test checks the figures against numpy's.
    Returns an array of shape ``(len(q), len(rows))``; NaN for a row holding a NaN.
    """
    n = rows.shape[1]
    virtual = (n - 1) * np.true_divide(np.asarray(q, dtype=np.float64), 100)
    below = np.floor(virtual).astype(np.intp)
    above = below + 1
    top = virtual >= n - 1
    below[top] = above[top] = -1  # the last value; numpy's weight then counts from -1
    gamma = (virtual - below)[:, None]
    kth = sorted({k % n for k in (0, -1, *below.tolist(), *above.tolist())})
    part = np.partition(rows, kth, axis=1)
    low, high = part[:, below].T, part[:, above].T
    diff = high - low
    out: Array = low + diff * gamma
    np.subtract(high, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    out[:, np.isnan(part[:, -1])] = np.nan
    return out


def is_certain(q: float | _Dist) -> bool:
    """True if the quantity has no spread (a plain number or a zero-width distribution)."""
    if isinstance(q, int | float):
        return True
    low, high = q.support()
    return low == high


def bounded(
    low: float,
    high: float,
    *,
    low_inclusive: bool = True,
    unit: str = "",
) -> AfterValidator:
    """A validator that keeps a quantity's declared values in ``[low, high]``.

    For a plain number the number itself is checked. For a distribution its bounds
    (uniform, triangular), its median (lognormal) or its mean (normal) are checked;
    draws outside the range are redrawn at sampling time (truncation).

    Args:
        low: lowest admissible value.
        high: highest admissible value (guards against absurd magnitudes).
        low_inclusive: whether ``low`` itself is admissible.
        unit: unit appended to the message, e.g. ``"tokens"``.
    """
    suffix = f" {unit}" if unit else ""
    op = ">=" if low_inclusive else ">"

    def describe() -> str:
        return f"a number {op} {low:g} and <= {high:g}{suffix}"

    def ok(x: float) -> bool:
        return (x >= low if low_inclusive else x > low) and x <= high

    def check(q: Any) -> Any:
        if isinstance(q, bool):
            raise ValueError(f"expected {describe()}, got a boolean")
        if isinstance(q, int | float):
            if not ok(float(q)):
                raise ValueError(f"expected {describe()}, got {q:g}")
            return q
        values: dict[str, float]
        if isinstance(q, Uniform):
            values = {"low": q.low, "high": q.high}
        elif isinstance(q, Triangular):
            values = {"low": q.low, "mode": q.mode, "high": q.high}
        elif isinstance(q, Lognormal):
            values = {"p50": q.p50}
        else:
            values = {"mean": q.mean}
        for name, x in values.items():
            if not ok(x):
                raise ValueError(f"{name} must be {describe()}, got {x:g}")
        return q

    check.__name__ = "bounded"
    return AfterValidator(check)


def _stream_seed(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "little")


class Sampler:
    """Draws every named quantity from its own seeded stream.

    Args:
        seed: the recorded seed of the run.
        draws: number of Monte Carlo draws (1 gives the deterministic case, using
            central values).

    The stream of a quantity depends only on ``(seed, key)``, so the same key gives the
    same draws in every offer of a comparison. Use keys that name the real shared
    thing: ``"profile.volume.requests_per_day"``, ``"zone.FR.gwp"``.
    """

    def __init__(self, seed: int, draws: int) -> None:
        if not 1 <= draws <= MAX_DRAWS:
            raise ValueError(
                f"draws must be between 1 and {MAX_DRAWS:,}, got {draws:,} (each sampled "
                "quantity holds 8 bytes per draw; the CLI allows 1,000,000)")
        self.seed = int(seed)
        self.draws = int(draws)
        self._cache: dict[str, Array] = {}

    def rng(self, key: str) -> np.random.Generator:
        """A fresh generator for ``key`` (independent of every other key)."""
        return np.random.default_rng([self.seed & 0xFFFFFFFFFFFFFFFF, _stream_seed(key)])

    def sample(
        self,
        key: str,
        q: float | _Dist,
        *,
        low: float = -math.inf,
        high: float = math.inf,
    ) -> Array:
        """Draw ``self.draws`` values of ``q`` under ``key``.

        Draws outside ``[low, high]`` are redrawn (truncation), deterministically.
        A plain number, or ``draws == 1``, gives the central value repeated.
        """
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if isinstance(q, int | float) or self.draws == 1:
            out = np.full(self.draws, central(q), dtype=np.float64)
        else:
            out = _truncated(q.sample, self.rng(key), self.draws, low, high)
        out.setflags(write=False)
        self._cache[key] = out
        return out

    def constant(self, value: float) -> Array:
        """``value`` as an array of the run's length."""
        return np.full(self.draws, float(value), dtype=np.float64)


def _truncated(
    draw: Callable[[np.random.Generator, int], Array],
    rng: np.random.Generator,
    n: int,
    low: float,
    high: float,
) -> Array:
    out = np.asarray(draw(rng, n), dtype=np.float64)
    bad = (out < low) | (out > high)
    for _ in range(100):
        if not bad.any():
            return out
        out[bad] = draw(rng, int(bad.sum()))
        bad = (out < low) | (out > high)
    # A distribution almost wholly outside the admissible range: clip what is left.
    return np.clip(out, low, high)
