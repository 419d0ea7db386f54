"""Reference data: electricity zones, accelerators, servers, data centres and models.

The data lives in TOML files under ``ia_empreinte/data/``; every entry carries a
``source`` and a ``year``. Files are read on first use through
:mod:`importlib.resources` into validated models, never at import time.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ia_empreinte.errors import CatalogError
from ia_empreinte.types import SourceText
from ia_empreinte.uncertainty import Quantity, bounded, central, is_certain

__all__ = [
    "TABLES",
    "Accelerator",
    "Datacenter",
    "Factor",
    "ModelCard",
    "Server",
    "Zone",
    "accelerator",
    "accelerators",
    "data_file_hashes",
    "datacenter",
    "datacenters",
    "model",
    "models",
    "server",
    "servers",
    "zone",
    "zones",
]

_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
Year = Annotated[int, Field(ge=1990, le=2100)]
PositiveQuantity = Annotated[Quantity, bounded(0, 1e12, low_inclusive=False)]
NonNegativeQuantity = Annotated[Quantity, bounded(0, 1e12)]


class Factor(BaseModel):
    """One sourced value (possibly uncertain), e.g. a grid's kgCO2e per kWh."""

    model_config = _STRICT
    value: NonNegativeQuantity
    source: SourceText
    year: Year
    notes: str = ""
    scope: Literal["life-cycle", "direct", "other"] | None = None
    """What a grid factor covers: ``life-cycle`` (generation with its upstream chain and
    infrastructure), ``direct`` (combustion only); every factor used by default is
    ``life-cycle``, so that one comparison never mixes scopes."""
    dataset: str = ""
    """The named public dataset the value was read from."""
    identifier: str = ""
    """The table, column or row identifier inside the dataset."""
    address: str = ""
    """Where the dataset is published (URL)."""


class NamedFactor(Factor):
    """An alternative value kept for sensitivity, e.g. RTE's direct-emission factor."""

    label: str


class Zone(BaseModel):
    """An electricity zone: a country, a region or an aggregate such as ``WORLD``.

    ``id`` is the ISO 3166 alpha-2 code (``FR``), a region (``US-VA``) or a pseudo-code
    (``EU27``, ``WORLD``); ``iso3`` the alpha-3 code where one exists.
    """

    model_config = _STRICT
    id: str
    iso3: str | None = None
    name: str
    gwp_kgco2e_per_kwh: Factor
    water_l_per_kwh: Factor | None = None
    """Off-site water consumed to generate one kWh."""
    pe_mj_per_kwh: Factor | None = None
    """Primary energy per kWh delivered."""
    adpe_kgsbeq_per_kwh: Factor | None = None
    """Abiotic resource depletion (elements) per kWh delivered."""
    alternatives: list[NamedFactor] = []
    """Other GWP factors kept as sensitivity cases (not used by default)."""


class Accelerator(BaseModel):
    """An accelerator (GPU) or, for ``cpu-server``, a CPU-only compute class."""

    model_config = _STRICT
    id: str
    name: str
    vendor: str
    kind: Literal["gpu", "cpu"] = "gpu"
    max_power_w: PositiveQuantity
    idle_power_w: NonNegativeQuantity
    memory_gb: Annotated[float, Field(gt=0)]
    memory_bandwidth_gb_s: Annotated[float, Field(gt=0)]
    peak_tflops_bf16: Annotated[float, Field(gt=0)]
    """Dense bf16/fp16 peak, TFLOP/s (no sparsity)."""
    peak_tflops_fp8: Annotated[float, Field(gt=0)] | None = None
    """Dense fp8/int8 peak, TFLOP/s; None where the hardware has no fp8/int8 path."""
    peak_tflops_fp4: Annotated[float, Field(gt=0)] | None = None
    """Dense fp4 peak, TFLOP/s; None where the hardware has no fp4 tensor path (4-bit
    weights then run on the fp8 path, else the bf16 one)."""
    embodied_gwp_kgco2e: PositiveQuantity
    """Manufacturing per device; required (never zero): a proxy where nothing is published."""
    embodied_adpe_kgsbeq: PositiveQuantity
    embodied_pe_mj: PositiveQuantity
    embodied_source: SourceText
    """Where the embodied figures come from, or the proxy's scaling rule."""
    server: str | None = None
    """Reference host server class (data/servers.toml) when the offer names none: the
    class at the fewest accelerators per server of the cited range."""
    accelerators_per_server: tuple[int, int] | None = None
    """Cited range of accelerators per physical server (fewest, most)."""
    server_source: str = ""
    """Where accelerators per server are published."""
    source: SourceText
    year: Year
    notes: str = ""


class Server(BaseModel):
    """A host server class: everything but the accelerators."""

    model_config = _STRICT
    id: str
    name: str
    accelerator_slots: Annotated[int, Field(ge=0, le=64)]
    host_idle_power_w: NonNegativeQuantity
    host_max_power_w: PositiveQuantity
    embodied_gwp_kgco2e: PositiveQuantity
    embodied_adpe_kgsbeq: PositiveQuantity
    embodied_pe_mj: PositiveQuantity
    lifetime_years: PositiveQuantity
    source: SourceText
    year: Year
    notes: str = ""


class Datacenter(BaseModel):
    """A data-centre class with its facility overhead and on-site water."""

    model_config = _STRICT
    id: str
    name: str
    pue: Annotated[Quantity, bounded(1, 4)]
    wue_l_per_kwh: NonNegativeQuantity
    """On-site water (cooling, humidification) per kWh of IT energy."""
    source: SourceText
    year: Year
    notes: str = ""


class ModelCard(BaseModel):
    """A known AI model with its size; ``status`` says if the size is published."""

    model_config = _STRICT
    id: str
    name: str
    provider: str
    total_params_b: Annotated[Quantity, bounded(0, 100_000, low_inclusive=False)]
    active_params_b: Annotated[Quantity, bounded(0, 100_000, low_inclusive=False)]
    precision: Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"] = "bf16"
    reasoning_tokens: NonNegativeQuantity | None = None
    """Class default of hidden reasoning tokens per request (models that always reason);
    ``reasoning_source`` cites it."""
    reasoning_source: str = ""
    open_weights: bool
    architecture: str | None = None
    """Architecture class of a non-LLM model (``model.architecture`` of an offer),
    as its developer publishes it; None for a language model or where not recorded."""
    status: Literal["sourced", "estimated"]
    basis: str = ""
    """For ``estimated`` sizes: how the estimate was made."""
    source: SourceText
    year: Year
    notes: str = ""


T = TypeVar("T", bound=BaseModel)

TABLES: dict[str, tuple[str, str, type[BaseModel]]] = {
    "zones": ("zones.toml", "zone", Zone),
    "accelerators": ("accelerators.toml", "accelerator", Accelerator),
    "servers": ("servers.toml", "server", Server),
    "datacenters": ("datacenters.toml", "datacenter", Datacenter),
    "models": ("models.toml", "model", ModelCard),
}
"""Catalog name -> (file under ``data/``, array-of-tables key, entry model)."""


def _read_bytes(filename: str) -> bytes:
    return resources.files("ia_empreinte").joinpath("data", filename).read_bytes()


@functools.cache
def _table(name: str) -> Mapping[str, BaseModel]:
    filename, key, model = TABLES[name]
    raw: dict[str, Any] = tomllib.loads(_read_bytes(filename).decode("utf-8"))
    out: dict[str, BaseModel] = {}
    for i, entry in enumerate(raw.get(key, [])):
        try:
            item = model.model_validate(entry)
        except ValidationError as exc:  # a packaging bug, not a user error
            raise RuntimeError(f"data/{filename}: {key}[{i}]: {exc}") from exc
        ident = item.id  # type: ignore[attr-defined]
        if ident in out:
            raise RuntimeError(f"data/{filename}: duplicate id {ident!r}")
        out[ident] = item
    return out


def _lookup(name: str, ident: str, what: str) -> Any:
    table = _table(name)
    if ident in table:
        return table[ident]
    close = difflib.get_close_matches(ident, list(table), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise CatalogError(
        f"unknown {what} '{ident}'{hint} (see `ia-empreinte catalog {name}`)"
    )


def zones() -> list[Zone]:
    """Every electricity zone, in file order."""
    return list(_table("zones").values())  # type: ignore[arg-type]


def zone(code: str) -> Zone:
    """The zone for an ISO 3166 alpha-2 or alpha-3 code, a region id or ``WORLD``.

    Raises:
        CatalogError: the code is not in the catalog.
    """
    wanted = code.strip().upper()
    table: Mapping[str, Zone] = _table("zones")  # type: ignore[assignment]
    if wanted in table:
        return table[wanted]
    for z in table.values():
        if z.iso3 and z.iso3.upper() == wanted:
            return z
    result: Zone = _lookup("zones", wanted, "zone")
    return result


def accelerators() -> list[Accelerator]:
    """Every accelerator class, in file order."""
    return list(_table("accelerators").values())  # type: ignore[arg-type]


def accelerator(ident: str) -> Accelerator:
    """The accelerator with catalog id ``ident`` (see ``ia-empreinte catalog accelerators``)."""
    result: Accelerator = _lookup("accelerators", ident, "accelerator")
    return result


def servers() -> list[Server]:
    """Every host server class, in file order."""
    return list(_table("servers").values())  # type: ignore[arg-type]


def server(ident: str) -> Server:
    """The host server class ``ident``."""
    result: Server = _lookup("servers", ident, "server class")
    return result


def datacenters() -> list[Datacenter]:
    """Every data-centre class, in file order."""
    return list(_table("datacenters").values())  # type: ignore[arg-type]


def datacenter(ident: str) -> Datacenter:
    """The data-centre class ``ident``."""
    result: Datacenter = _lookup("datacenters", ident, "data-centre class")
    return result


def models() -> list[ModelCard]:
    """Every model of the model catalog, in file order."""
    return list(_table("models").values())  # type: ignore[arg-type]


def model(ident: str) -> ModelCard:
    """The model card ``ident``."""
    result: ModelCard = _lookup("models", ident, "model")
    return result


@functools.cache
def data_file_hashes() -> dict[str, str]:
    """SHA-256 of every packaged data file, for the provenance block of reports."""
    folder = resources.files("ia_empreinte").joinpath("data")
    return {
        f.name: hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith((".toml", ".csv"))
    }


def table_rows(name: str) -> tuple[list[str], list[dict[str, Any]]]:
    """A catalog as flat rows for display: (columns, rows).

    Quantities are shown by their central value; a distribution's spread is given in
    a ``*_range`` column. Sourced factors of zones are flattened to value/source/year.

    Raises:
        CatalogError: ``name`` is not a catalog.
    """

    if name not in TABLES:
        raise CatalogError(f"unknown catalog '{name}'; expected one of: {', '.join(TABLES)}")
    rows: list[dict[str, Any]] = []
    columns: list[str] = []
    for item in _table(name).values():
        row: dict[str, Any] = {}
        for key, value in item.model_dump().items():
            attr = getattr(item, key)
            if isinstance(attr, Factor):
                row[key] = central(attr.value)
                scope = f", {attr.scope}" if attr.scope else ""
                row[f"{key}_source"] = f"{attr.source} ({attr.year}{scope})"
            elif isinstance(attr, tuple):
                row[key] = "-".join(str(x) for x in attr)
            elif isinstance(attr, list):
                row[key] = "; ".join(
                    f"{getattr(a, 'label', '')}={central(a.value):g}" for a in attr
                ) if attr else None
            elif isinstance(value, dict) and "dist" in value:
                row[key] = central(attr)
                if not is_certain(attr):
                    low, high = attr.support()
                    row[f"{key}_range"] = f"{low:g}-{high:g}"
            else:
                row[key] = value
        for key in row:
            if key not in columns:
                columns.append(key)
        rows.append(row)
    # keep each "_range" or "_source" column right after the column it qualifies
    base = [c for c in columns if not c.endswith(("_range", "_source"))]
    ordered: list[str] = []
    for c in base:
        ordered.append(c)
        ordered.extend(x for x in (f"{c}_range", f"{c}_source") if x in columns)
    return ordered, rows
