"""The benchmark record model (schema ``ia-empreinte/benchmark-record/1``) and its energy model.

A :class:`BenchmarkRecord` is the JSON document ``ia-empreinte bench run`` writes
(see the README's section for vendors). It keeps every protocol parameter, the hardware
and software inventory, the idle baseline, the raw per-window values with the method of
each energy component (``measured`` by a hardware counter, ``modelled`` by CodeCarbon's
TDP x load or RAM model), the derived per-request and per-token energies with Student-t
95 % intervals, and an integrity block (see :mod:`~ia_empreinte.records.sealing` for the
canonical form, hash and signature).

Pure values: nothing here reads a file (the input layer, :mod:`ia_empreinte.inputs`, does).
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    PrivateAttr,
    field_validator,
    model_validator,
)

from ia_empreinte import _canonical
from ia_empreinte.errors import RecordError
from ia_empreinte.profiles import Task
from ia_empreinte.types import Sha256Hex

__all__ = [
    "CANONICALIZATION",
    "RECORD_SCHEMA",
    "BenchmarkRecord",
    "Check",
    "ComponentEnergy",
    "Hardware",
    "IdleWindow",
    "Integrity",
    "MeasuredEnergyModel",
    "Measurement",
    "MeasurementMethod",
    "MeasurementWindow",
    "MeteredPart",
    "ModelInfo",
    "OperatingPoint",
    "PerTokenFit",
    "Preflight",
    "Protocol",
    "Results",
    "Signature",
    "Software",
    "Stat",
    "Target",
    "WorkloadInfo",
]

RECORD_SCHEMA: Final = "ia-empreinte/benchmark-record/1"
CANONICALIZATION: Final = "ia-empreinte-canonical-json/1"

MeasurementMethod = Literal["measured", "modelled"]
MeteredPart = Literal["accelerators", "cpu", "ram"]

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

MIN_WINDOW_S = 60.0
"""Shortest valid measurement window outside smoke mode (the ML.ENERGY validator errors
below 30 s, https://github.com/ml-energy/benchmark; 60 s is this project's floor)."""
MIN_WINDOWS = 3
"""Fewer valid windows than this is a hard failure (this project's rule)."""
MAX_POWER_MARGIN = 1.1
"""Average accelerator power may not exceed 1.1 x the declared maximum (ML.ENERGY validator)."""
IDENTITY_TOLERANCE = 0.05
"""|E/token - P_avg / token throughput| relative tolerance (this project's rule)."""
IDLE_DRIFT_WARNING = 0.10
"""Pre/post idle power drift above 10 % is a warning (this project's rule)."""
CI_WARNING = 0.05
"""A 95 % CI half-width above 5 % of the mean is a warning."""


class ComponentEnergy(BaseModel):
    """Energy of one window split by component, joules. ``None``: component not tracked."""

    model_config = _STRICT
    accelerators_j: NonNegativeFloat | None = None
    cpu_j: NonNegativeFloat | None = None
    ram_j: NonNegativeFloat | None = None

    @property
    def total_j(self) -> float:
        """Sum of the tracked components, joules."""
        return sum(v for v in (self.accelerators_j, self.cpu_j, self.ram_j) if v is not None)


class IdleWindow(BaseModel):
    """An idle baseline window: server up, model loaded, no requests."""

    model_config = _STRICT
    phase: Literal["pre", "post"]
    start_utc: str
    duration_s: PositiveFloat
    energy: ComponentEnergy

    @property
    def power_w(self) -> float:
        """Average power over the window, watts."""
        return self.energy.total_j / self.duration_s


class MeasurementWindow(BaseModel):
    """One measurement window at fixed concurrency."""

    model_config = _STRICT
    index: Annotated[int, Field(ge=0)]
    start_utc: str
    duration_s: PositiveFloat
    requests: Annotated[int, Field(ge=0)]
    failed_requests: Annotated[int, Field(ge=0)] = 0
    input_tokens: Annotated[int, Field(ge=0)] = 0
    output_tokens: Annotated[int, Field(ge=0)] = 0
    units: NonNegativeFloat = 0.0
    """Non-token work done (audio seconds, images, rows), for non-token tasks."""
    energy: ComponentEnergy
    nvml_energy_j: NonNegativeFloat | None = None
    """Direct NVML total-energy-counter delta over the window (cross-check)."""
    busy_s: NonNegativeFloat = 0.0
    """Sum of the completed requests' latencies (service time), seconds."""
    latency_xtx: list[list[float]] = []
    """Sum over completed requests of x x^T with x = (1, input tokens, output tokens):
    with :attr:`latency_xty`, the sufficient statistics of the per-token fit."""
    latency_xty: list[float] = []
    """Sum over completed requests of x x latency (seconds)."""


class Stat(BaseModel):
    """A mean over windows with its Student-t 95 % interval."""

    model_config = _STRICT
    mean: float
    ci95_low: float
    ci95_high: float
    sd: NonNegativeFloat
    n: Annotated[int, Field(ge=1)]

    @property
    def rel_ci95(self) -> float:
        """Relative half-width of the 95 % interval (0 when the mean is 0)."""
        if self.mean == 0:
            return 0.0
        return abs((self.ci95_high - self.ci95_low) / 2 / self.mean)


class PerTokenFit(BaseModel):
    """Net (idle-subtracted) energy per request fitted as ``e0 + e_in x in + e_out x out``."""

    model_config = _STRICT
    e0_wh: float
    e_in_wh_per_token: float
    e_out_wh_per_token: float
    method: str
    n_points: Annotated[int, Field(ge=1)]


class Results(BaseModel):
    """Derived figures (recomputed and checked by ``bench verify``)."""

    model_config = _STRICT
    idle_power_w: NonNegativeFloat
    avg_power_w: NonNegativeFloat
    per_request_wh: Stat
    net_per_request_wh: Stat
    per_output_token_wh: Stat | None = None
    net_per_output_token_wh: Stat | None = None
    per_unit_wh: Stat | None = None
    net_per_unit_wh: Stat | None = None
    throughput_requests_per_s: NonNegativeFloat
    throughput_output_tokens_per_s: NonNegativeFloat
    mean_input_tokens: NonNegativeFloat
    mean_output_tokens: NonNegativeFloat
    fit: PerTokenFit | None = None


class Check(BaseModel):
    """The outcome of one plausibility rule.

    ``detail`` is the English text stored in records and sent by the HTTP API; a check
    computed by this version also carries its French text for the buyer's tables
    (:meth:`text`), kept out of the stored form so that records and their hashes do not
    depend on it.
    """

    model_config = _STRICT
    rule: str
    status: Literal["pass", "warn", "fail"]
    detail: str
    _detail_fr: str | None = PrivateAttr(default=None)

    @classmethod
    def of(cls, rule: str, status: Literal["pass", "warn", "fail"], en: str,
           fr: str) -> Check:
        """A check with its detail in English (stored) and French (displayed)."""
        check = cls(rule=rule, status=status, detail=en)
        check._detail_fr = fr
        return check

    def text(self, lang: str = "en") -> str:
        """The detail in ``lang``: French where the rule gave it, else the stored English."""
        return self._detail_fr if lang == "fr" and self._detail_fr else self.detail


class Target(BaseModel):
    """What the harness drove."""

    model_config = _STRICT
    kind: Literal["endpoint", "callable", "command"]
    api: Literal["chat", "completions", "embeddings", "transcriptions"] | None = None
    url: str | None = None
    callable: str | None = None
    command: list[str] | None = None
    serving_host: Literal["this-machine"] = "this-machine"
    """Energy is measured on the machine running the harness, which must be the server."""


class ModelInfo(BaseModel):
    """The model as the vendor declares it."""

    model_config = _STRICT
    name: str
    revision: str = ""
    total_params_b: PositiveFloat | None = None
    active_params_b: PositiveFloat | None = None
    precision: str | None = None


class WorkloadInfo(BaseModel):
    """The workload pack and its identity."""

    model_config = _STRICT
    pack_id: str
    pack_version: str
    sha256: Sha256Hex
    """SHA-256 of the pack file as shipped."""
    requests_sha256: Sha256Hex
    """SHA-256 of the canonical JSON of the measured requests."""
    warmup_sha256: Sha256Hex
    n_requests: Annotated[int, Field(ge=1)]
    n_warmup: Annotated[int, Field(ge=0)]
    seed: int
    licence: str
    max_output_tokens: int | None = None


class OperatingPoint(BaseModel):
    """Where on the load curve the measurement was taken."""

    model_config = _STRICT
    concurrency: Annotated[int, Field(ge=1)]
    batch_size: Annotated[int, Field(ge=1)] | None = None
    precision: str | None = None


class Hardware(BaseModel):
    """Hardware inventory of the serving host."""

    model_config = _STRICT
    cpu_model: str
    cpu_count: Annotated[int, Field(ge=1)]
    ram_total_gb: NonNegativeFloat
    accelerator: str | None = None
    """Catalog id declared by the vendor (``ia-empreinte catalog accelerators``)."""
    accelerator_count: Annotated[int, Field(ge=0)] = 0
    gpu_models: list[str] = []
    virtualization: str = "unknown"


class Software(BaseModel):
    """Software versions."""

    model_config = _STRICT
    harness: str
    python: str
    platform: str
    codecarbon: str | None = None
    nvidia_driver: str | None = None
    pynvml: str | None = None


class Measurement(BaseModel):
    """How energy was obtained."""

    model_config = _STRICT
    meter: str
    """``codecarbon`` for real runs, ``fake`` in unit tests."""
    methods: dict[MeteredPart, MeasurementMethod]
    method_details: dict[str, str] = {}
    settings: dict[str, str | float | int | bool | None] = {}
    scope: Literal["accelerators", "server"]
    """``server``: accelerators + CPU + RAM of the host; ``accelerators``: accelerators only."""
    pue_applied: Literal[False] = False
    """IT energy only: PUE is never applied inside a record."""

    @property
    def quality(self) -> Literal["measured", "partially-measured", "estimate"]:
        """``measured``: CPU and accelerators by counters; ``partially-measured``:
        accelerators measured, CPU modelled; ``estimate``: nothing but models
        (CodeCarbon 3.3 methodology, https://github.com/mlco2/codecarbon,
        ``docs/explanation/methodology.md``). RAM is modelled in every case."""
        acc = self.methods.get("accelerators")
        cpu = self.methods.get("cpu")
        if cpu == "measured" and acc in (None, "measured"):
            return "measured"
        if acc == "measured":
            return "partially-measured"
        return "estimate"


class Protocol(BaseModel):
    """The protocol parameters the run used."""

    model_config = _STRICT
    smoke: bool
    windows: Annotated[int, Field(ge=1)]
    window_s: PositiveFloat
    warmup_s: NonNegativeFloat
    idle_s: NonNegativeFloat
    concurrency: Annotated[int, Field(ge=1)]
    idle_subtraction: Literal["mean of pre and post idle power x window duration"] = (
        "mean of pre and post idle power x window duration"
    )
    ci_method: Literal["student-t 95 %"] = "student-t 95 %"


class Preflight(BaseModel):
    """What the harness found before measuring."""

    model_config = _STRICT
    rapl_readable: bool
    nvml_energy_counter: bool
    gpu_count: Annotated[int, Field(ge=0)]
    load_average_1m: NonNegativeFloat | None = None
    notes: list[str] = []


class Signature(BaseModel):
    """An Ed25519 signature of the canonical form."""

    model_config = _STRICT
    alg: Literal["ed25519"] = "ed25519"
    public_key: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    """Raw public key, hex."""
    key_fingerprint: Sha256Hex
    """SHA-256 of the raw public key."""
    value: str
    """Base64 signature of the canonical bytes."""


class Integrity(BaseModel):
    """Hash (and optional signature) of the record's canonical form."""

    model_config = _STRICT
    canonicalization: Literal["ia-empreinte-canonical-json/1"] = CANONICALIZATION
    record_sha256: Sha256Hex
    signature: Signature | None = None


class BenchmarkRecord(BaseModel):
    """What the harness measured (schema ``ia-empreinte/benchmark-record/1``)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True
    )
    schema_: Literal["ia-empreinte/benchmark-record/1"] = Field(
        RECORD_SCHEMA, alias="schema", serialization_alias="schema"
    )
    record_id: str
    created_utc: str
    valid_for_procurement: bool
    """False for smoke runs, failed checks and records where no component is measured
    (``measurement.quality == "estimate"``): such a record documents, never scores."""
    task: Task
    target: Target
    model: ModelInfo
    workload: WorkloadInfo
    operating_point: OperatingPoint
    hardware: Hardware
    software: Software
    measurement: Measurement
    protocol: Protocol
    preflight: Preflight
    idle: list[IdleWindow]
    windows: list[MeasurementWindow]
    results: Results
    checks: list[Check] = []
    """Checks run by the harness when the record was made."""
    integrity: Integrity | None = None

    @field_validator("windows")
    @classmethod
    def has_windows(cls, value: list[MeasurementWindow]) -> list[MeasurementWindow]:
        if not value:
            raise ValueError("a record needs at least one measurement window")
        return value

    @model_validator(mode="after")
    def smoke_runs_are_not_for_procurement(self) -> BenchmarkRecord:
        if self.protocol.smoke and self.valid_for_procurement:
            raise ValueError("a smoke run cannot be valid_for_procurement")
        return self

    def payload(self) -> dict[str, Any]:
        """The JSON-ready dict of the record without its integrity block."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude={"integrity"})
        return data

    def sha256(self) -> str:
        """SHA-256 of the canonical form (what offers pin), see :mod:`.sealing`."""
        return hashlib.sha256(_canonical.canonical_bytes(self.payload())).hexdigest()

    def file_text(self) -> str:
        """The exact text of the record file: sorted keys, one-space indent, final newline."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=False)
        return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False,
                          allow_nan=False) + "\n"

    def energy_model(
        self, scope: Literal["accelerators", "server"] | None = None
    ) -> MeasuredEnergyModel:
        """The per-request energy model the engine uses instead of its parametric one.

        Net (idle-subtracted) energy at the record's operating point:
        ``E(in, out) = e0 + e_in x in + e_out x out`` (Wh), from the fitted per-token
        model when the workload varied lengths, else the measured net energy per output
        token (per input token for embeddings, per request otherwise).

        Args:
            scope: ``server`` (accelerators + host CPU and RAM, the default for records
                whose meter saw the whole host) or ``accelerators`` (only where the
                record has measured accelerator energy).

        Raises:
            RecordError: the requested scope is not in the record.
        """
        scope = scope or self.measurement.scope
        share = 1.0
        if scope != self.measurement.scope:
            if scope == "server":
                raise RecordError("the record covers accelerators only, not the whole server")
            share = _accelerator_share(self)
        res = self.results
        fit = res.fit
        e0 = e_in = e_out = 0.0
        if fit is not None:
            e0, e_in, e_out = fit.e0_wh, fit.e_in_wh_per_token, fit.e_out_wh_per_token
        elif res.net_per_unit_wh is not None:
            pass
        elif res.mean_output_tokens > 0:
            e_out = res.net_per_request_wh.mean / res.mean_output_tokens
        elif res.mean_input_tokens > 0:
            e_in = res.net_per_request_wh.mean / res.mean_input_tokens
        else:
            e0 = res.net_per_request_wh.mean
        e_unit = res.net_per_unit_wh.mean * share if res.net_per_unit_wh is not None else None
        methods: dict[str, MeasurementMethod] = {
            c: m for c, m in self.measurement.methods.items()
            if scope == "server" or c == "accelerators"
        }
        return MeasuredEnergyModel(
            e0_wh=e0 * share,
            e_in_wh_per_token=e_in * share,
            e_out_wh_per_token=e_out * share,
            e_unit_wh=e_unit,
            scope=scope,
            task=self.task,
            rel_ci95=res.net_per_request_wh.rel_ci95,
            methods=methods,
            record_sha256=self.sha256(),
        )


def _accelerator_share(record: BenchmarkRecord) -> float:
    gross = sum(w.energy.total_j for w in record.windows)
    acc = [w.energy.accelerators_j for w in record.windows]
    if any(a is None for a in acc) or gross <= 0 or record.hardware.accelerator_count == 0:
        raise RecordError("the record has no accelerator energy; use scope 'server'")
    return sum(a or 0.0 for a in acc) / gross


class MeasuredEnergyModel(BaseModel):
    """Per-request IT energy at a record's operating point, net of idle power.

    ``energy_wh(in, out) = e0_wh + e_in_wh_per_token x in + e_out_wh_per_token x out``;
    for non-token tasks ``e_unit_wh`` per audio second, image or row.
    """

    model_config = _STRICT
    e0_wh: float
    e_in_wh_per_token: float
    e_out_wh_per_token: float
    e_unit_wh: float | None = None
    scope: Literal["accelerators", "server"]
    task: str
    rel_ci95: NonNegativeFloat
    methods: dict[str, MeasurementMethod]
    record_sha256: Sha256Hex

    def energy_wh(self, input_tokens: float, output_tokens: float, units: float = 0.0) -> float:
        """Energy of one request, Wh: ``e0 + e_in x in + e_out x out (+ e_unit x units)``."""
        out = self.e0_wh + self.e_in_wh_per_token * input_tokens
        out += self.e_out_wh_per_token * output_tokens
        if self.e_unit_wh is not None:
            out += self.e_unit_wh * units
        return out
