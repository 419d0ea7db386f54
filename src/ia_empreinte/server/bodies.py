"""Request bodies of the HTTP API: decoding, envelopes and the documents inside.

A body is decoded by the same reader as the CLI's ``.json`` files. Its envelope (draws,
seed, options) is a thin pydantic model; the profile and offers inside stay plain JSON
objects until :func:`ia_empreinte.parse_profile` and :func:`ia_empreinte.parse_offer`
validate them, so a bad field gets the CLI's message, located in the body by a prefix
(``/offers/1/deployment/zone``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
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
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.parsing import parse_model
from ia_empreinte.records import BenchmarkRecord, RecordStore, StoredRecord
from ia_empreinte.records.store import check_pin, checked
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
    "parse_compare_request",
    "parse_estimate_request",
    "parse_part",
    "record_store",
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


MAX_PATH_PART = 255
"""Longest part of a record path (a file name on every common file system)."""


def _record_path(path: str, location: Sequence[str | int]) -> None:
    """Refuse a record path an offer file could not name next to itself.

    The paths are only keys of the request's ``records`` here, but the same offer must
    work with the CLI, which reads them relative to the offer file's folder.

    Raises:
        ProblemError: 422 for an absolute path, ``..``, a backslash, an empty part, a
            NUL character or a part longer than 255 characters.
    """
    parts = path.split("/")
    if (PurePosixPath(path).is_absolute() or "\\" in path or "\0" in path
            or any(p in ("", ".", "..") or len(p) > MAX_PATH_PART for p in parts)):
        raise ProblemError(
            422,
            "record-path-refused",
            "Benchmark record path refused",
            f"the record path {path!r} must be relative, with no '..', '.', empty part, "
            f"backslash, NUL or part over {MAX_PATH_PART} characters: the HTTP API never "
            "reads the server's files, it finds each record in the request's 'records' "
            "under the path the offer gives",
            location=location,
        )


def record_store(
    offers: Sequence[tuple[Offer, Sequence[str | int]]],
    records: dict[str, Document] | None,
) -> RecordStore:
    """The records a request sends inline, checked, in a store keyed by their SHA-256.

    Each record is validated, its integrity and plausibility checked (as ``bench
    verify``) and its hash compared with the one the offer pins, in memory: nothing is
    written.

    Args:
        offers: each offer with its location in the body.
        records: the request's ``records`` (path as written in the offers -> record);
            None for a route that cannot receive records (fiche verification).

    Raises:
        ProblemError: a refused path, a record the request does not send, a record no
            offer names, two paths where one is a folder of the other, or an invalid
            record (422).
    """
    wanted: dict[str, str] = {}
    for offer, prefix in offers:
        for j, ref in enumerate(offer.benchmarks):
            location = (*prefix, "benchmarks", j, "path")
            _record_path(ref.path, location)
            if records is None or ref.path not in records:
                raise ProblemError(
                    422,
                    "record-missing",
                    "Benchmark record missing",
                    f"the offer names the benchmark record '{ref.path}'; send its content "
                    f"in the request's 'records' object under the key '{ref.path}'"
                    if records is not None
                    else f"the offer names the benchmark record '{ref.path}', which this "
                    "route cannot receive; verify this fiche with the CLI (ia-empreinte verify)",
                    location=location,
                )
            for other in wanted:
                if other.startswith(ref.path + "/") or ref.path.startswith(other + "/"):
                    raise ProblemError(
                        422,
                        "record-path-refused",
                        "Benchmark record path refused",
                        f"the record paths '{other}' and '{ref.path}' cannot both be "
                        "files: one is a folder of the other",
                        location=location,
                    )
            wanted.setdefault(ref.path, ref.sha256)
            if wanted[ref.path] != ref.sha256:
                raise ProblemError(
                    422,
                    "invalid-record",
                    "Invalid benchmark record",
                    f"the offers pin two versions of the record '{ref.path}'",
                    location=(*prefix, "benchmarks", j, "sha256"),
                )
    for key in sorted(records or {}):
        if key not in wanted:
            raise ProblemError(
                422,
                "record-unused",
                "Benchmark record not named by any offer",
                f"no offer names a benchmark record '{key}' in its 'benchmarks'",
                location=("records", key),
            )
    entries = []
    for key in sorted(wanted):
        data = (records or {})[key]
        entries.append(parse_part(functools.partial(_pinned, key=key, sha256=wanted[key]),
                                  data, ("records", key)))
    return RecordStore(entries)


def _pinned(data: Any, key: str, sha256: str) -> StoredRecord:
    record = parse_model(BenchmarkRecord, data, error=RecordError)
    entry = checked(record, key)  # integrity first: an altered record says so
    check_pin(record, sha256, key)
    return entry


def parse_estimate_request(
    body: bytes, content_type: str | None, settings: ServerSettings
) -> tuple[EstimateRequest, UsageProfile, Offer]:
    """Decode and validate the body of ``POST /v1/estimate``.

    The draws limit is checked before the documents, so an oversized request costs
    nothing. The records stay in the request (see :func:`record_store`).
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
    records stay in the request (see :func:`record_store`).
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
