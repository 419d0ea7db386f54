"""Request bodies of the HTTP API: decoding, envelopes and the documents inside.

A body is decoded by the same reader as the CLI's ``.json`` files. Its envelope (draws,
seed, options) is a thin pydantic model; the profile and offers inside stay plain JSON
objects until :func:`ia_empreinte.parse_profile` and :func:`ia_empreinte.parse_offer`
validate them, so a bad field gets the CLI's message, located in the body by a prefix
(``/offers/1/deployment/zone``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
from ia_empreinte.documents import parse_model, read_document
from ia_empreinte.errors import IaEmpreinteError, ValidationFailure
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
"""A small valid profile, the example of the OpenAPI document and of docs/http-api.md."""

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
"""A small valid offer, the example of the OpenAPI document and of docs/http-api.md."""

_ENVELOPE = ConfigDict(extra="forbid", frozen=True, strict=True)


Documents = Annotated[list[Document], Field(min_length=1)]


class CompareRequest(BaseModel):
    """Body of ``POST /v1/compare``: as ``ia-empreinte compare PROFILE OFFER...``."""

    model_config = _ENVELOPE
    profile: Document
    offers: Documents
    """The offers, in the order they are shown."""
    options: Document = {}
    """Indicator, scope, scoring method, points, floor, seed and draws (CompareOptions)."""


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
    return read_document("request.json", text=body)


def parse_envelope(model: type[M], data: dict[str, Any]) -> M:
    """Validate the envelope of a body (its own fields, not the documents inside)."""
    return parse_model(model, data, error=ValidationFailure)


def parse_part(parse: Callable[[Any], T], data: Any, prefix: Sequence[str | int]) -> T:
    """Validate one document of the body, locating its errors in the body."""
    try:
        return parse(data)
    except IaEmpreinteError as exc:
        raise problem_for(exc, prefix=prefix) from None


def refuse_record_paths(offer: Offer, prefix: Sequence[str | int]) -> None:
    """Refuse offers that reference benchmark records by path.

    A path would make the server read its own files; records are not (yet) accepted
    inline in a request.

    Raises:
        ProblemError: 422 pointing at the first ``benchmarks`` entry.
    """
    if offer.benchmarks:
        raise ProblemError(
            422,
            "record-path-refused",
            "Benchmark record paths refused",
            "the HTTP API does not read benchmark record files named by path; estimate an "
            "offer with benchmark records with the CLI (ia-empreinte estimate)",
            location=(*prefix, "benchmarks", 0, "path"),
        )


def parse_estimate_request(
    body: bytes, content_type: str | None, settings: ServerSettings
) -> tuple[EstimateRequest, UsageProfile, Offer]:
    """Decode and validate the body of ``POST /v1/estimate``.

    The draws limit is checked before the documents, so an oversized request costs
    nothing.
    """
    request = parse_envelope(EstimateRequest, decode_body(body, content_type))
    check_count(request.draws, settings.max_draws, "draws", ("draws",), "--max-draws")
    profile = parse_part(parse_profile, request.profile, ("profile",))
    offer = parse_part(parse_offer, request.offer, ("offer",))
    refuse_record_paths(offer, ("offer",))
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
) -> tuple[UsageProfile, list[Offer], CompareOptions, Consultation]:
    """Decode and validate the body of ``POST /v1/compare`` or ``POST /v1/report``.

    The limits (offers, draws) are checked before the documents are validated.
    """
    data = decode_body(body, content_type)
    request = parse_envelope(ReportRequest, data)
    check_count(
        len(request.offers), settings.max_offers, "offers", ("offers",), "--max-offers"
    )
    options = parse_part(_parse_options, request.options, ("options",))
    check_count(options.draws, settings.max_draws, "draws", ("options", "draws"), "--max-draws")
    profile = parse_part(parse_profile, request.profile, ("profile",))
    offers = []
    for i, raw in enumerate(request.offers):
        offer = parse_part(parse_offer, raw, ("offers", i))
        refuse_record_paths(offer, ("offers", i))
        offers.append(offer)
    consultation = parse_part(_parse_consultation, request.consultation, ("consultation",))
    return profile, offers, options, consultation


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
