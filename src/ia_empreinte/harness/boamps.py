"""Boavizta's BoAmps report format: records and estimates out, measurement reports in.

Format followed: BoAmps ``formatVersion`` "0.1", the JSON model published at
https://github.com/Boavizta/BoAmps/tree/main/model, with the field names and units
that CodeCarbon 3.3's own BoAmps output uses (``codecarbon/output_methods/boamps``):
camelCase keys, ``powerConsumption`` in kWh, ``measurementDuration`` in seconds,
``powerCalibrationMeasurement`` (kWh) and ``durationCalibrationMeasurement`` (s) for
the idle baseline. One ``measures`` entry per measurement window; ``cpuTrackingMode``
and ``gpuTrackingMode`` carry the method the record states (``rapl`` / ``cpu_load``
model, NVML counter), which CodeCarbon's own mapper leaves empty. ``None`` fields are
omitted, as in CodeCarbon's mapper. The record's SHA-256 is the ``reportId`` so that a
BoAmps report can be traced back to the signed record.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict

from ia_empreinte.errors import ValidationFailure
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.records import BenchmarkRecord, record_sha256
from ia_empreinte.results import Estimate
from ia_empreinte.uncertainty import central
from ia_empreinte.units import J_PER_KWH

__all__ = [
    "BOAMPS_FORMAT_VERSION",
    "BoampsEvidence",
    "boamps_evidence",
    "estimate_to_boamps",
    "load_boamps_evidence",
    "to_boamps",
]

BOAMPS_FORMAT_VERSION = "0.1"
BOAMPS_SPEC_URI = "https://github.com/Boavizta/BoAmps/tree/main/model"
ESTIMATE_METHOD = "ia-empreinte model (estimate, not a measurement)"
"""``measurementMethod`` of an exported estimate; such a report is refused as evidence."""

_TASK_FAMILY = {
    "text-generation": "chatbot",
    "embeddings": "embedding",
    "speech-to-text": "speechRecognition",
    "text-classification": "textClassification",
    "image-classification": "imageClassification",
    "object-detection": "objectDetection",
    "image-generation": "imageGeneration",
    "text-to-speech": "speechSynthesis",
    "tabular-prediction": "tabularPrediction",
}


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def to_boamps(record: BenchmarkRecord, *, publisher: str | None = None) -> dict[str, Any]:
    """The BoAmps report (a JSON-ready dict) of ``record``."""
    idle = record.idle
    idle_kwh = sum(i.energy.total_j for i in idle) / J_PER_KWH / max(len(idle), 1)
    idle_s = sum(i.duration_s for i in idle) / max(len(idle), 1)
    details = record.measurement.method_details
    measures = [
        {
            "measurementMethod": record.measurement.meter,
            "manufacturer": "ia-empreinte",
            "version": record.software.codecarbon or record.software.harness,
            "cpuTrackingMode": details.get("cpu"),
            "gpuTrackingMode": details.get("accelerators"),
            "powerCalibrationMeasurement": idle_kwh,
            "durationCalibrationMeasurement": idle_s,
            "powerConsumption": w.energy.total_j / J_PER_KWH,
            "measurementDuration": w.duration_s,
            "measurementDateTime": w.start_utc,
        }
        for w in record.windows
    ]
    components: list[dict[str, Any]] = [
        {"componentName": record.hardware.cpu_model, "componentType": "cpu", "nbComponent": 1},
        {"componentName": "RAM", "componentType": "ram", "nbComponent": 1,
         "memorySize": record.hardware.ram_total_gb},
    ]
    for name in sorted(set(record.hardware.gpu_models)):
        components.append({
            "componentName": name, "componentType": "gpu",
            "nbComponent": record.hardware.gpu_models.count(name),
        })
    report = {
        "header": {
            "licensing": "CC-BY-4.0",
            "formatVersion": BOAMPS_FORMAT_VERSION,
            "formatVersionSpecificationUri": BOAMPS_SPEC_URI,
            "reportId": record_sha256(record),
            "reportDatetime": record.created_utc,
            "reportStatus": "final" if record.valid_for_procurement else "draft",
            "publisher": {"name": publisher, "confidentialityLevel": "public"}
            if publisher else None,
        },
        "task": {
            "taskStage": "inference",
            "taskFamily": _TASK_FAMILY.get(record.task, record.task),
            "nbRequest": sum(w.requests for w in record.windows),
            "algorithms": [{
                "algorithmName": record.model.name,
                "parametersNumber": record.model.total_params_b * 1e9
                if record.model.total_params_b else None,
                "quantization": record.model.precision,
            }],
            "dataset": [{
                "dataUsage": "input",
                "dataType": "token" if record.task != "speech-to-text" else "audio",
                "dataQuantity": sum(w.input_tokens for w in record.windows),
                "source": f"{record.workload.pack_id} {record.workload.pack_version}",
                "owner": record.workload.licence,
            }],
            "taskDescription": (
                f"ia-empreinte benchmark, concurrency {record.operating_point.concurrency}, "
                f"{len(record.windows)} windows"
            ),
        },
        "measures": measures,
        "system": {"os": record.software.platform},
        "software": {"language": "python", "version": record.software.python},
        "infrastructure": {"infraType": "onPremise", "components": components},
        "quality": "high" if all(
            m == "measured" for m in record.measurement.methods.values()
        ) else "low",
    }
    out: dict[str, Any] = _strip(report)
    return out


# --- estimates out, measurement reports in -----------------------------------------------


def estimate_to_boamps(
    estimate: Estimate, offer: Offer, profile: UsageProfile, *, report_datetime: str,
    publisher: str | None = None,
) -> dict[str, Any]:
    """The BoAmps report (a JSON-ready dict) of an estimate, for one contract.

    The energy is the estimate's median over the contract, the number of requests its
    median; ``measurementMethod`` says that it is modelled by ia-empreinte, never
    measured (``reportStatus`` ``other``, ``quality`` ``low``), and the p05-p95 band
    and the GHG figure are kept in ``taskDescription``. ``reportId`` is the estimate's
    inputs SHA-256, so the report traces back to the exact inputs.
    """
    c = estimate.contract
    dep = offer.deployment
    total, _active, precision = offer.model.resolved()
    tasks = sorted({s.task for s in profile.effective_steps()})
    measured = any(m == "measured" for m in estimate.provenance.methods.values())
    description = (
        f"ia-empreinte {estimate.provenance.tool_version} estimate of offer {offer.id} on "
        f"usage profile {profile.id} over the contract: energy {c.energy_kwh.p50:.6g} kWh "
        f"(p05 {c.energy_kwh.p05:.6g}, p95 {c.energy_kwh.p95:.6g}), GHG "
        f"{c.gwp_kgco2e.p50:.6g} kgCO2e location-based (p05 {c.gwp_kgco2e.p05:.6g}, p95 "
        f"{c.gwp_kgco2e.p95:.6g}); seed {estimate.provenance.seed}, "
        f"{estimate.provenance.draws} draws; "
        + ("uses the offer's benchmark records" if measured else "modelled, not measured")
    )
    report = {
        "header": {
            "licensing": "CC-BY-4.0",
            "formatVersion": BOAMPS_FORMAT_VERSION,
            "formatVersionSpecificationUri": BOAMPS_SPEC_URI,
            "reportId": estimate.provenance.inputs_sha256,
            "reportDatetime": report_datetime,
            "reportStatus": "other",
            "publisher": {"name": publisher, "confidentialityLevel": "public"}
            if publisher else None,
        },
        "task": {
            "taskStage": "inference",
            "taskFamily": "+".join(_TASK_FAMILY.get(t, t) for t in tasks),
            "nbRequest": c.requests.p50,
            "algorithms": [{
                "algorithmName": offer.model.id or offer.service or offer.id,
                "parametersNumber": float(central(total)) * 1e9,
                "quantization": precision,
            }],
            "dataset": [{"dataUsage": "input", "dataType": "token",
                         "source": f"usage profile {profile.id} version {profile.version}"}],
            "taskDescription": description,
        },
        "measures": [{
            "measurementMethod": ESTIMATE_METHOD,
            "manufacturer": "ia-empreinte",
            "version": estimate.provenance.tool_version,
            "powerConsumption": c.energy_kwh.p50,
        }],
        "infrastructure": {
            "infraType": "onPremise" if dep.datacenter == "on-premise" else "publicCloud"
            if dep.capacity == "shared" else "privateCloud",
            "components": [{"componentName": dep.accelerator, "componentType": "gpu",
                            "nbComponent": dep.accelerator_count * dep.replicas}],
        },
        "environment": {"country": dep.zone or "WORLD"},
        "quality": "low",
    }
    out: dict[str, Any] = _strip(report)
    return out


class BoampsEvidence(BaseModel):
    """What a BoAmps measurement report proves, in the terms of an offer's ``declared``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    report_id: str
    publisher: str
    report_datetime: str
    requests: float
    energy_kwh: float
    energy_wh_per_request: float
    measures: int
    quality: str

    def declared_entry(self) -> dict[str, Any]:
        """The entry for the offer's ``declared`` list (server scope: BoAmps measures
        the machine: CPU, GPU and RAM)."""
        return {
            "energy_wh_per_request": float(f"{self.energy_wh_per_request:.6g}"),
            "scope": "server",
            "source": f"BoAmps report {self.report_id} ({self.publisher}, "
                      f"{self.report_datetime}), {self.requests:g} requests, "
                      f"{self.measures} measure(s), quality {self.quality}",
        }


def _need(data: Any, key: str, where: tuple[str | int, ...], file: str) -> Any:
    if not isinstance(data, dict) or key not in data or data[key] in (None, ""):
        raise ValidationFailure(f"missing; a BoAmps report needs '{key}'",
                                file=file, location=(*where, key))
    return data[key]


def _number(value: Any, where: tuple[str | int, ...], file: str, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(
            value) or value < 0 or (positive and value == 0):
        raise ValidationFailure(
            f"expected a number {'> 0' if positive else '>= 0'}, got {value!r}",
            file=file, location=where)
    return float(value)


def boamps_evidence(data: Any, *, file: str) -> BoampsEvidence:
    """Validate a BoAmps measurement report of an inference task and sum it up.

    Checks what the evidence relies on (BoAmps ``report_schema.json``): an object with
    ``task`` (``taskStage`` with ``inference``, ``nbRequest`` > 0), ``measures`` (at
    least one, each ``powerConsumption`` in kWh >= 0) and ``infrastructure``
    (``components``). The energy per request is the measured energy over the requests
    (gross: BoAmps gives the idle calibration apart, it is not subtracted).

    Raises:
        ValidationFailure: naming the file and the field.
    """
    if not isinstance(data, dict):
        raise ValidationFailure("expected a BoAmps report (a JSON object)", file=file)
    task = _need(data, "task", (), file)
    stage = _need(task, "taskStage", ("task",), file)
    if not isinstance(stage, str) or "inference" not in stage:
        raise ValidationFailure(f"expected an inference task, got {stage!r}", file=file,
                                location=("task", "taskStage"))
    requests = _number(_need(task, "nbRequest", ("task",), file), ("task", "nbRequest"),
                       file, positive=True)
    measures = _need(data, "measures", (), file)
    if not isinstance(measures, list) or not measures:
        raise ValidationFailure("expected a list of at least one measure", file=file,
                                location=("measures",))
    energy = 0.0
    for i, m in enumerate(measures):
        method = m.get("measurementMethod") if isinstance(m, dict) else None
        if isinstance(method, str) and method.startswith(ESTIMATE_METHOD.split(" (")[0]):
            raise ValidationFailure(
                "this report is an ia-empreinte estimate, not a measurement; expected a "
                "measurement report", file=file, location=("measures", i, "measurementMethod"))
        energy += _number(_need(m, "powerConsumption", ("measures", i), file),
                          ("measures", i, "powerConsumption"), file, positive=False)
    infra = _need(data, "infrastructure", (), file)
    components = _need(infra, "components", ("infrastructure",), file)
    if not isinstance(components, list) or not components:
        raise ValidationFailure("expected a list of at least one component", file=file,
                                location=("infrastructure", "components"))
    if energy == 0:
        raise ValidationFailure("the measures add up to 0 kWh; expected a measured energy",
                                file=file, location=("measures",))
    raw_header = data.get("header")
    header: dict[str, Any] = raw_header if isinstance(raw_header, dict) else {}
    raw_publisher = header.get("publisher")
    publisher: dict[str, Any] = raw_publisher if isinstance(raw_publisher, dict) else {}
    return BoampsEvidence(
        report_id=str(header.get("reportId") or "-"),
        publisher=str(publisher.get("name") or "-"),
        report_datetime=str(header.get("reportDatetime") or "-"),
        requests=requests, energy_kwh=energy,
        energy_wh_per_request=energy * 1000 / requests,
        measures=len(measures), quality=str(data.get("quality") or "-"),
    )


def load_boamps_evidence(path: str) -> BoampsEvidence:
    """:func:`boamps_evidence` of the BoAmps report file at ``path`` (JSON).

    Raises:
        InputFileError: the file cannot be read or parsed.
        ValidationFailure: naming the file and the field.
    """
    return boamps_evidence(read_document(path), file=path)
