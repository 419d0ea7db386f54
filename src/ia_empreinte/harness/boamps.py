"""Export a benchmark record to Boavizta's BoAmps report format.

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

from typing import Any

from ia_empreinte.records import BenchmarkRecord, record_sha256
from ia_empreinte.units import J_PER_KWH

__all__ = ["BOAMPS_FORMAT_VERSION", "to_boamps"]

BOAMPS_FORMAT_VERSION = "0.1"
BOAMPS_SPEC_URI = "https://github.com/Boavizta/BoAmps/tree/main/model"

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
