"""The tables of a fiche gathered from its inputs: reference data, parameters, evidence.

The parameters and assumptions table gives each input with its status (measured /
declared / default / buyer profile) and source, with its year; the evidence table reads
each benchmark record's protocol; training is reported separately, as in Mistral AI's
lifecycle analysis (2025) and AFNOR SPEC 2314 « IA frugale » (AFNOR, 2024).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ia_empreinte import catalog
from ia_empreinte.comparison import Comparison
from ia_empreinte.engine.defaults import upper
from ia_empreinte.errors import CatalogError
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records.store import RecordStore
from ia_empreinte.uncertainty import central

__all__ = [
    "Dataset",
    "Evidence",
    "Parameter",
    "Status",
    "TrainingInfo",
    "datasets",
    "evidence",
    "parameters",
    "training",
]

_OUT = ConfigDict(extra="forbid", frozen=True)


class Dataset(BaseModel):
    """A packaged reference-data file and its SHA-256."""

    model_config = _OUT
    id: str
    sha256: str


Status = Literal["measured", "declared", "default", "profile"]


class Parameter(BaseModel):
    """One row of the parameters and assumptions table."""

    model_config = _OUT
    offer_id: str
    """The offer, or ``profile`` for the buyer's profile."""
    name: str
    value: str
    unit: str
    status: Status
    source: str
    """A citation, or ``offer`` (the offer file) / ``profile`` (the profile file)."""


class Evidence(BaseModel):
    """A benchmark record an offer relies on, with the protocol read from it."""

    model_config = _OUT
    offer_id: str
    path: str
    sha256: str
    task: str
    protocol: str = ""
    """Hardware, software, model, operating point, meter and windows of the run."""
    valid_for_procurement: bool | None = None
    """False for a smoke run; None when the record could not be read here."""


class TrainingInfo(BaseModel):
    """Training declared by a vendor, reported separately (never scored)."""

    model_config = _OUT
    offer_id: str
    energy_kwh: float | None
    gwp_kgco2e: float | None
    amortisation_requests: float
    contract_share_gwp_kgco2e: float | None
    """Declared training GHG x contract requests / amortisation requests (central values)."""
    source: str


def datasets() -> list[Dataset]:
    root = resources.files("ia_empreinte").joinpath("data")
    out = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_file() and entry.name.endswith((".toml", ".csv")):
            out.append(
                Dataset(id=entry.name, sha256=hashlib.sha256(entry.read_bytes()).hexdigest())
            )
    return out


def _show(q: Any) -> str:
    if q is None:
        return ""
    if isinstance(q, int | float):
        return f"{q:g}"
    d = q.model_dump(mode="json")
    kind = d.pop("dist")
    return f"{kind}(" + ", ".join(f"{k}={v:g}" for k, v in d.items()) + ")"


def parameters(profile: UsageProfile, offers: Sequence[Offer]) -> list[Parameter]:
    rows: list[Parameter] = []

    def basis(field: str) -> str:
        b = profile.basis.get(field)
        return f"{b.status}: {b.source}" if b else "profile"

    vol = profile.volume
    for name, q, unit in (
        ("volume.requests_per_day", vol.requests_per_day, "requests/day"),
        ("volume.days_per_year", vol.days_per_year, "days"),
        ("volume.hours_per_day", vol.hours_per_day, "h"),
        ("volume.peak_factor", vol.peak_factor, "-"),
        ("contract_years", profile.contract_years, "years"),
    ):
        rows.append(Parameter(offer_id="profile", name=name, value=_show(q), unit=unit,
                              status="profile", source=basis(name)))
    for step in profile.effective_steps():
        prefix = "request" if profile.steps is None else f"steps.{step.name}.request"
        for field, value in step.request.model_dump(exclude_none=True).items():
            q = getattr(step.request, field)
            name = f"{prefix}.{field}"
            rows.append(Parameter(offer_id="profile", name=name, value=_show(q),
                                  unit=field.split("_")[-1] if "_" in field else field,
                                  status="profile", source=basis(f"request.{field}")))
            del value
    for offer in offers:
        dep = offer.deployment
        oid = offer.id

        def add(name: str, value: str, unit: str, status: Status, source: str,
                oid: str = oid) -> None:
            rows.append(Parameter(offer_id=oid, name=name, value=value, unit=unit,
                                  status=status, source=source))

        total, active, precision = offer.model.resolved()
        model_status: Status = (
            "declared" if offer.model.total_params_b is not None else "default"
        )
        model_src = "offer" if model_status == "declared" else f"catalog model {offer.model.id}"
        add("model.total_params_b", _show(total), "billion", model_status, model_src)
        add("model.active_params_b", _show(active), "billion", model_status, model_src)
        add("model.precision", precision, "-", model_status, model_src)
        try:
            acc = catalog.accelerator(dep.accelerator)
            acc_src = f"{acc.name}; {acc.source} ({acc.year})"
        except CatalogError:  # pragma: no cover - validated with the offer
            acc_src = "catalog"
        add("deployment.accelerator", dep.accelerator, "-", "declared", acc_src)
        add("deployment.accelerator_count", str(dep.accelerator_count), "-", "declared", "offer")
        add("deployment.batch_size", _show(dep.batch_size), "requests", "declared", "offer")
        add("deployment.capacity", dep.capacity, "-", "declared", "offer")
        if dep.zone is not None:
            try:
                z = catalog.zone(dep.zone)
                g = z.gwp_kgco2e_per_kwh
                add("deployment.zone", dep.zone, "-", "declared", z.name)
                add("grid.gwp_kgco2e_per_kwh", _show(g.value), "kgCO2e/kWh", "default",
                    f"{g.source} ({g.year})")
            except CatalogError:  # pragma: no cover - validated with the offer
                add("deployment.zone", dep.zone, "-", "declared", "offer")
        try:
            dc = catalog.datacenter(dep.datacenter)
            dc_src = f"{dc.name}; {dc.source} ({dc.year})"
            dc_pue: Any = dc.pue
            dc_wue: Any = dc.wue_l_per_kwh
        except CatalogError:  # pragma: no cover - validated with the offer
            dc_src, dc_pue, dc_wue = "catalog", None, None
        # undeclared: the high end of the class's range (published default, see the
        # defaulted-fields table and data/undeclared.toml)
        if dep.pue is not None:
            add("deployment.pue", _show(dep.pue), "-", "declared", "offer")
        else:
            add("deployment.pue", _show(upper(dc_pue) if dc_pue is not None else None), "-",
                "default", dc_src)
        if dep.wue_l_per_kwh is not None:
            add("deployment.wue_l_per_kwh", _show(dep.wue_l_per_kwh), "L/kWh", "declared", "offer")
        else:
            add("deployment.wue_l_per_kwh",
                _show(upper(dc_wue) if dc_wue is not None else None), "L/kWh", "default", dc_src)
        if dep.hardware_lifetime_years is not None:
            add("deployment.hardware_lifetime_years", _show(dep.hardware_lifetime_years),
                "years", "declared", "offer")
        for d in offer.declared:
            add(f"declared.energy_wh_per_request ({d.scope})", _show(d.energy_wh_per_request),
                "Wh", "declared", d.source or "offer")
        for b in offer.benchmarks:
            add(f"benchmark ({b.task})" if b.task else "benchmark", b.path, "-", "measured",
                f"record sha256 {b.sha256}")
    return rows


def _protocol(record: Any) -> str:
    """One paragraph describing how a benchmark record was measured (research 5.6)."""
    hw, sw, m, pr = record.hardware, record.software, record.measurement, record.protocol
    acc = f"{hw.accelerator_count} x {hw.accelerator}" if hw.accelerator else "no accelerator"
    gpus = f" ({', '.join(hw.gpu_models)})" if hw.gpu_models else ""
    methods = ", ".join(f"{k}: {v}" for k, v in sorted(m.methods.items()))
    versions = ", ".join(
        f"{name} {v}" for name, v in (("harness", sw.harness), ("python", sw.python),
                                      ("codecarbon", sw.codecarbon),
                                      ("nvidia driver", sw.nvidia_driver)) if v
    )
    res = record.results.net_per_request_wh
    return (
        f"model {record.model.name}{'@' + record.model.revision if record.model.revision else ''}"
        f"; hardware {acc}{gpus}, {hw.cpu_count} x {hw.cpu_model}; software {versions}"
        f"; workload {record.workload.pack_id} v{record.workload.pack_version}"
        f" ({record.workload.n_requests} requests, sha256 {record.workload.sha256[:12]}…)"
        f"; concurrency {pr.concurrency}; {pr.windows} windows of {pr.window_s:g} s after "
        f"{pr.warmup_s:g} s warm-up; meter {m.meter} ({methods}), scope {m.scope}"
        f"; idle subtraction: {pr.idle_subtraction}; net energy per request "
        f"{res.mean:.4g} Wh (sd {res.sd:.2g}, n {res.n})"
    )


def evidence(offers: Sequence[Offer], records: RecordStore) -> list[Evidence]:
    """One row per benchmark record an offer pins: its protocol and whether it is valid.

    Validity comes from the checks run when the record was put in the store, never
    from the record's own ``valid_for_procurement`` claim.
    """
    out = []
    for offer in offers:
        for ref in offer.benchmarks:
            entry = records.entry(ref.sha256)
            protocol = _protocol(entry.record) if entry is not None else ""
            valid = entry.valid_for_procurement if entry is not None else None
            out.append(Evidence(offer_id=offer.id, path=ref.path, sha256=ref.sha256,
                                task=ref.task or "", protocol=protocol,
                                valid_for_procurement=valid))
    return out


def training(comparison: Comparison, offers: Sequence[Offer]) -> list[TrainingInfo]:
    out = []
    by_id = {o.offer_id: o for o in comparison.offers}
    for offer in offers:
        t = offer.training
        if t is None:
            continue
        requests = by_id[offer.id].contract["requests"].p50
        amort = central(t.amortisation_requests)
        gwp = central(t.gwp_kgco2e) if t.gwp_kgco2e is not None else None
        out.append(
            TrainingInfo(
                offer_id=offer.id,
                energy_kwh=central(t.energy_kwh) if t.energy_kwh is not None else None,
                gwp_kgco2e=gwp,
                amortisation_requests=amort,
                contract_share_gwp_kgco2e=gwp * requests / amort if gwp is not None else None,
                source=t.source,
            )
        )
    return out
