"""Declared distributions and the :data:`Quantity` type of every uncertain input.

An uncertain input is either a plain number or a small table such as
``{dist: triangular, low: 1, mode: 2, high: 4}``. Each distribution validates its own
parameters, samples into a numpy array and reports a central value (compare
stats_arrays' one class per distribution).
"""

from __future__ import annotations

import functools
import math
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
    model_validator,
)

from ia_empreinte.errors import WordedValueError
from ia_empreinte.units import decimal_comma

__all__ = [
    "TAIL_Z",
    "Distribution",
    "Lognormal",
    "Normal",
    "Quantity",
    "Triangular",
    "Uniform",
    "bounded",
    "central",
    "is_certain",
]

Array: TypeAlias = NDArray[np.float64]

TAIL_Z = 1.6448536269514722
"""Standard normal quantile at 0.95: p05 and p95 of a normal (``mean -+ z sd``) or of a
lognormal (``p50 /* gsd ** z``)."""


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


def _parse_quantity(value: Any) -> Any:
    """Parse a plain number or a distribution table, with one clear message on error."""
    if isinstance(value, _Dist):
        return value
    if isinstance(value, bool):
        raise WordedValueError("expected a number or a distribution, got a boolean",
                               "un nombre ou une distribution est attendu, reçu un booléen")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise WordedValueError(f"expected a finite number, got {value}",
                                   f"un nombre fini est attendu, reçu {value}")
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
    raise WordedValueError(
        "expected a number or a distribution such as "
        f"{{dist: triangular, low, mode, high}}, got {shown}",
        "un nombre ou une distribution telle que {dist: triangular, low, mode, high} est "
        f"attendu, reçu {shown}",
    )


def _dump_quantity(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, _Dist) else value


@functools.cache
def _dist_adapter() -> TypeAdapter[Any]:
    return TypeAdapter(Distribution)


Quantity: TypeAlias = Annotated[
    float | Distribution,
    PlainValidator(_parse_quantity, json_schema_input_type=float | Distribution),
    PlainSerializer(_dump_quantity, return_type=Any),
]
"""A plain number or a distribution (``uniform``, ``triangular``, ``lognormal``, ``normal``).

Its JSON Schema is pydantic's own for ``float | Distribution``; the validator only
replaces pydantic's error messages by one line that names the distribution."""


def central(q: float | _Dist) -> float:
    """The central value of a quantity: the number itself, a mode, median or mean."""
    return float(q) if isinstance(q, int | float) else q.central()


def is_certain(q: float | _Dist) -> bool:
    """True if the quantity has no spread (a plain number or a zero-width distribution)."""
    if isinstance(q, int | float):
        return True
    low, high = q.support()
    return low == high


def _checked_values(q: _Dist) -> dict[str, float]:
    """The figures of a distribution that must lie in the admissible range.

    Bounds for uniform and triangular; the median and 5th / 95th percentiles of a
    lognormal and a normal, so that at most 5 % of the draws fall outside on either
    side: truncating more would turn the declared distribution into another one.
    """
    if isinstance(q, Uniform):
        return {"low": q.low, "high": q.high}
    if isinstance(q, Triangular):
        return {"low": q.low, "mode": q.mode, "high": q.high}
    if isinstance(q, Lognormal):
        spread = q.gsd**TAIL_Z
        return {"p50": q.p50, "p05 (p50 / gsd^1.645)": q.p50 / spread,
                "p95 (p50 x gsd^1.645)": q.p50 * spread}
    if isinstance(q, Normal):
        return {"mean": q.mean, "p05 (mean - 1.645 sd)": q.mean - TAIL_Z * q.sd,
                "p95 (mean + 1.645 sd)": q.mean + TAIL_Z * q.sd}
    raise TypeError(f"not a distribution: {q!r}")  # pragma: no cover


_UNITS_FR = {
    "years": "ans", "tokens": "jetons", "tokens per request": "jetons par requête",
    "steps": "étapes", "rows": "lignes", "requests/day": "requêtes par jour",
    "requests": "requêtes", "images": "images", "days": "jours", "events": "événements",
    "concurrent requests": "requêtes simultanées",
    "billion parameters": "milliards de paramètres",
}
"""French units of the range messages (symbols such as kWh or px are the same)."""


def bounded(
    low: float,
    high: float,
    *,
    low_inclusive: bool = True,
    unit: str = "",
) -> AfterValidator:
    """A validator that keeps a quantity's declared values in ``[low, high]``.

    For a plain number the number itself is checked. For a distribution its bounds
    (uniform, triangular), or its median and its 5th and 95th percentiles (lognormal,
    normal) are checked; the few draws outside the range are redrawn at sampling time
    (truncation).

    Args:
        low: lowest admissible value.
        high: highest admissible value (guards against absurd magnitudes).
        low_inclusive: whether ``low`` itself is admissible.
        unit: unit appended to the message, e.g. ``"tokens"``.
    """
    suffix = f" {unit}" if unit else ""
    unit_fr = _UNITS_FR.get(unit, unit)
    suffix_fr = f" {unit_fr}" if unit_fr else ""
    op = ">=" if low_inclusive else ">"

    def describe() -> str:
        return f"a number {op} {low:g} and <= {high:g}{suffix}"

    def describe_fr() -> str:
        return f"un nombre {op} {decimal_comma(low)} et <= {decimal_comma(high)}{suffix_fr}"

    def ok(x: float) -> bool:
        return (x >= low if low_inclusive else x > low) and x <= high

    def check(q: Any) -> Any:
        if isinstance(q, bool):
            raise WordedValueError(f"expected {describe()}, got a boolean",
                                   f"{describe_fr()} est attendu, reçu un booléen")
        if isinstance(q, int | float):
            if not ok(float(q)):
                raise WordedValueError(f"expected {describe()}, got {q:g}",
                                       f"{describe_fr()} est attendu, reçu {decimal_comma(q)}")
            return q
        for name, x in _checked_values(q).items():
            if not ok(x):
                tail = " (more than 5 % of the draws would be cut off)" if "p05" in name or (
                    "p95" in name) else ""
                tail_fr = " (plus de 5 % des tirages seraient coupés)" if tail else ""
                raise WordedValueError(
                    f"{name} must be {describe()}, got {x:g}{tail}",
                    f"{name} doit être {describe_fr()}, reçu {decimal_comma(x)}{tail_fr}")
        return q

    check.__name__ = "bounded"
    return AfterValidator(check)
