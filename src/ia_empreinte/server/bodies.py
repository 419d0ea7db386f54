"""Request bodies of the HTTP API: decoding, envelopes and the documents inside.

A body is decoded by the same reader as the CLI's ``.json`` files. Its envelope (draws,
seed, options) is a thin pydantic model; the profile and offers inside stay plain JSON
objects until :func:`ia_empreinte.parse_profile` and :func:`ia_empreinte.parse_offer`
validate them, so a bad field gets the CLI's message, located in the body by a prefix
(``/offers/1/deployment/zone``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ia_empreinte import (
    CompareOptions,
    Consultation,
    Offer,
    UsageProfile,
    parse_offer,
    parse_profile,
)
from ia_empreinte.errors import IaEmpreinteError, RecordError, ValidationFailure
from ia_empreinte.inputs.documents import parse_model, read_document
from ia_empreinte.records import BenchmarkRecord, record_file_text
from ia_empreinte.server.limits import check_count
from ia_empreinte.server.problems import ProblemError, problem_for
from ia_empreinte.server.settings import ServerSettings

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "EXAMPLE_OFFER",
    "EXAMPLE_PROFILE",
    "JSON",
    "CompareRequest",
    "EstimateRequest",
    "ReportRequest",
    "decode_body",
    "document_components",
    "lay_out_records",
    "parse_compare_request",
    "parse_estimate_request",
    "parse_part",
    "record_folder",
    "request_schema",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)
JSON = "application/json"

DEFAULT_DRAWS = 1000
"""Draws when a request gives none: the CLI's ``--draws`` default."""
DEFAULT_SEED = 42
"""Seed when a request gives none: the CLI's ``--seed`` default."""



def _integral(value: Any) -> Any:
    # JSON Schema counts 263.0 as an integer, and some JSON encoders write it so
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Draws = Annotated[
    int,
    Field(ge=1, description="Monte Carlo draws (1: central values only)"),
    BeforeValidator(_integral),
]
Seed = Annotated[
    int,
    Field(
        ge=-(2**63),
        le=2**63 - 1,
        description="Random seed; the same seed gives identical figures",
    ),
    BeforeValidator(_integral),
]
Document = dict[str, Any]

EXAMPLE_PROFILE: dict[str, Any] = {
    "id": "chatbot-example",
    "title": "Citizen chatbot on a town's website",
    "task": "text-generation",
    "request": {
        "input_tokens": {"dist": "triangular", "low": 1500, "mode": 2500, "high": 4000},
        "output_tokens": 250,
    },
    "volume": {"requests_per_day": 4500, "days_per_year": 365, "hours_per_day": 16},
    "contract_years": 3,
}
"""A small valid profile: the example of the OpenAPI document and of the README (HTTP API)."""

EXAMPLE_OFFER: dict[str, Any] = {
    "id": "llama8b-fr",
    "vendor": "Example vendor",
    "illustrative": True,
    "model": {"total_params_b": 8, "active_params_b": 8, "precision": "bf16"},
    "deployment": {
        "accelerator": "nvidia-h100-sxm-80gb",
        "accelerator_count": 1,
        "batch_size": 64,
        "zone": "FR",
        "pue": 1.2,
    },
}
"""A small valid offer, the example of the OpenAPI document and of the README's HTTP API section."""

_ENVELOPE = ConfigDict(extra="forbid", frozen=True, strict=True)


Documents = Annotated[list[Document], Field(min_length=1)]
Records = Annotated[
    dict[str, Document],
    Field(
        description="The benchmark records the offers name, keyed by the path written in "
        "their 'benchmarks' (see GET /v1/schemas/record)"
    ),
]


class CompareRequest(BaseModel):
    """Body of ``POST /v1/compare``: as ``ia-empreinte compare PROFILE OFFER...``."""

    model_config = _ENVELOPE
    profile: Document
    offers: Documents
    """The offers, in the order they are shown."""
    options: Document = {}
    """Indicator, scope, scoring method, points, floor, seed and draws (CompareOptions)."""
    records: Records = {}


class ReportRequest(CompareRequest):
    """Body of ``POST /v1/report``: as ``ia-empreinte report PROFILE OFFER... -o FILE``."""

    consultation: Document = {}
    """Tender reference, lot and buyer (Consultation)."""


class EstimateRequest(BaseModel):
    """Body of ``POST /v1/estimate``: as ``ia-empreinte estimate PROFILE OFFER``."""

    model_config = _ENVELOPE
    profile: Document
    """A usage profile, as in a profile file."""
    offer: Document
    """An offer, as in an offer file."""
    draws: Draws = DEFAULT_DRAWS
    seed: Seed = DEFAULT_SEED
    records: Records = {}


def decode_body(body: bytes, content_type: str | None) -> dict[str, Any]:
    """A JSON request body as a dict, read like a ``.json`` file by the CLI.

    Raises:
        ProblemError: 415 when the body is declared as something else than JSON, 400
            when it is empty.
        InputFileError: malformed JSON, or a top level that is not an object.
    """
    media = (content_type or JSON).split(";")[0].strip().lower()
    if media != JSON and not media.endswith("+json"):
        raise ProblemError(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"the request body is '{media}'; send JSON with 'Content-Type: {JSON}'",
        )
    if not body.strip():
        raise ProblemError(
            400, "empty-body", "Empty body", "the request body is empty; expected a JSON object"
        )
    return read_document("request.json", text=body)  # refuses lone surrogates too


def parse_envelope(model: type[M], data: dict[str, Any]) -> M:
    """Validate the envelope of a body (its own fields, not the documents inside)."""
    return parse_model(model, data, error=ValidationFailure)


def parse_part(parse: Callable[[Any], T], data: Any, prefix: Sequence[str | int]) -> T:
    """Validate one document of the body, locating its errors in the body."""
    try:
        return parse(data)
    except IaEmpreinteError as exc:
        raise problem_for(exc, prefix=prefix) from None


def _record_path(path: str, location: Sequence[str | int]) -> PurePosixPath:
    """A record path of an offer, if it can only name a file inside the request's folder.

    Raises:
        ProblemError: 422 for an absolute path, ``..``, a backslash or an empty part.
    """
    pure = PurePosixPath(path)
    parts = path.split("/")
    if pure.is_absolute() or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise ProblemError(
            422,
            "record-path-refused",
            "Benchmark record path refused",
            f"the record path '{path}' must be relative, with no '..', '.', empty part or "
            "backslash: the HTTP API never reads the server's files, it lays the records "
            "of the request out at these paths in a private folder",
            location=location,
        )
    return pure


def lay_out_records(
    offers: Sequence[tuple[Offer, Sequence[str | int]]],
    records: dict[str, Document],
    folder: Path | None,
) -> None:
    """Write the records a request sends inline where its offers' ``benchmarks`` name them.

    Each record is validated by the library and written in its canonical file form
    under ``folder``, so the engine reads it and checks its hash as it does for the CLI
    (where the paths are relative to the offer file's folder).

    Args:
        offers: each offer with its location in the body.
        records: the request's ``records``: path as written in the offers -> record.
        folder: a fresh private folder; None refuses any record (fiche verification).

    Raises:
        ProblemError: a path that could leave the folder, a record the request does not
            send, or a record no offer names.
    """
    wanted: set[str] = set()
    for offer, prefix in offers:
        for j, ref in enumerate(offer.benchmarks):
            location = (*prefix, "benchmarks", j, "path")
            _record_path(ref.path, location)
            if folder is None or ref.path not in records:
                raise ProblemError(
                    422,
                    "record-missing",
                    "Benchmark record missing",
                    f"the offer names the benchmark record '{ref.path}'; send its content "
                    f"in the request's 'records' object under the key '{ref.path}'"
                    if folder is not None
                    else f"the offer names the benchmark record '{ref.path}', which this "
                    "route cannot receive; verify this fiche with the CLI (ia-empreinte verify)",
                    location=location,
                )
            wanted.add(ref.path)
    for key in sorted(records):
        if key not in wanted:
            raise ProblemError(
                422,
                "record-unused",
                "Benchmark record not named by any offer",
                f"no offer names a benchmark record '{key}' in its 'benchmarks'",
                location=("records", key),
            )
    if folder is None:
        return
    for key in sorted(wanted):
        record = parse_part(_parse_record, records[key], ("records", key))
        target = folder.joinpath(*_record_path(key, ("records", key)).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(record_file_text(record), encoding="utf-8")


@contextmanager
def record_folder(
    offers: Sequence[tuple[Offer, Sequence[str | int]]], records: dict[str, Document]
) -> Iterator[Path | None]:
    """The folder the offers' benchmark record paths are relative to, for one request.

    None when no offer names a record (nothing to read, nothing to create); else a
    private temporary folder holding the request's records (see
    :func:`lay_out_records`), removed on exit.
    """
    if not any(offer.benchmarks for offer, _ in offers):
        lay_out_records(offers, records, None)  # refuses records no offer names
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="ia-empreinte-records-") as name:
        folder = Path(name)
        lay_out_records(offers, records, folder)
        yield folder


def _parse_record(data: Any) -> BenchmarkRecord:
    return parse_model(BenchmarkRecord, data, error=RecordError)


def parse_estimate_request(
    body: bytes, content_type: str | None, settings: ServerSettings
) -> tuple[EstimateRequest, UsageProfile, Offer]:
    """Decode and validate the body of ``POST /v1/estimate``.

    The draws limit is checked before the documents, so an oversized request costs
    nothing. The records stay in the request (see :func:`record_folder`).
    """
    request = parse_envelope(EstimateRequest, decode_body(body, content_type))
    check_count(request.draws, settings.max_draws, "draws", ("draws",), "--max-draws")
    profile = parse_part(parse_profile, request.profile, ("profile",))
    offer = parse_part(parse_offer, request.offer, ("offer",))
    return request, profile, offer


COMPONENTS = "#/components/schemas/"
INPUT_SUFFIX = "-Input"
"""Suffix of the input documents' components, apart from the answers' (FastAPI's habit)."""
_DOCUMENT_REFS = {
    "profile": "UsageProfile",
    "offer": "Offer",
    "offers": "Offer",
    "options": "CompareOptions",
    "consultation": "Consultation",
}


def document_components() -> dict[str, Any]:
    """OpenAPI component schemas of the documents a body holds (profile, offer).

    They document the contract and steer the fuzzer towards well-formed documents;
    validation itself stays with the library.
    """
    from pydantic.json_schema import models_json_schema

    _, top = models_json_schema(
        [
            (UsageProfile, "validation"),
            (Offer, "validation"),
            (CompareOptions, "validation"),
            (Consultation, "validation"),
        ],
        ref_template=COMPONENTS + "{model}" + INPUT_SUFFIX,
    )
    return {name + INPUT_SUFFIX: schema for name, schema in top["$defs"].items()}


def parse_compare_request(
    body: bytes, content_type: str | None, settings: ServerSettings
) -> tuple[ReportRequest, UsageProfile, list[Offer], CompareOptions, Consultation]:
    """Decode and validate the body of ``POST /v1/compare`` or ``POST /v1/report``.

    The limits (offers, draws) are checked before the documents are validated. The
    records stay in the request (see :func:`record_folder`).
    """
    data = decode_body(body, content_type)
    request = parse_envelope(ReportRequest, data)
    check_count(
        len(request.offers), settings.max_offers, "offers", ("offers",), "--max-offers"
    )
    options = parse_part(_parse_options, request.options, ("options",))
    check_count(options.draws, settings.max_draws, "draws", ("options", "draws"), "--max-draws")
    profile = parse_part(parse_profile, request.profile, ("profile",))
    offers = [
        parse_part(parse_offer, raw, ("offers", i)) for i, raw in enumerate(request.offers)
    ]
    consultation = parse_part(_parse_consultation, request.consultation, ("consultation",))
    return request, profile, offers, options, consultation


def _parse_options(data: Any) -> CompareOptions:
    return parse_model(CompareOptions, data, error=ValidationFailure)


def _parse_consultation(data: Any) -> Consultation:
    return parse_model(Consultation, data, error=ValidationFailure)


def request_schema(
    model: type[BaseModel], settings: ServerSettings, example: dict[str, Any]
) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of an envelope, with the server's limits in it."""
    schema = model.model_json_schema()
    props = schema.get("properties", {})
    for name, component in _DOCUMENT_REFS.items():
        if name in props:
            ref = {"$ref": COMPONENTS + component + INPUT_SUFFIX}
            if props[name].get("type") == "array":
                props[name] = {**props[name], "items": ref}
            else:
                props[name] = ref
    if "draws" in props:
        props["draws"]["maximum"] = settings.max_draws
    if "offers" in props:
        props["offers"]["maxItems"] = settings.max_offers
    return {
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": schema, "example": example}},
        }
    }
