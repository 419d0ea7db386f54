"""The work behind each computing route, run in a worker thread under the time budget.

Each function takes the raw body (and query options), calls the library functions the
CLI calls and renders with the CLI's renderers, so the HTTP answer is the CLI's output.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ia_empreinte import (
    Offer,
    build_fiche,
    check_offer_serves_profile,
    compare,
    estimate,
    render_comparison,
    render_fiche,
    verify_fiche,
)
from ia_empreinte.inputs.records import verify_record_bytes
from ia_empreinte.kinds import ERRORS, INPUT_KINDS, detect_kind
from ia_empreinte.parsing import parse_model
from ia_empreinte.records import BenchmarkRecord, Check
from ia_empreinte.records.store import checked
from ia_empreinte.records.verdict import Verdict, record_verdict
from ia_empreinte.render.estimate import render_estimate
from ia_empreinte.render.i18n import Lang
from ia_empreinte.schemas import model_for
from ia_empreinte.server.bodies import (
    JSON,
    decode_body,
    parse_compare_request,
    parse_estimate_request,
    record_store,
)
from ia_empreinte.server.limits import check_count
from ia_empreinte.server.problems import ProblemError
from ia_empreinte.server.settings import ServerSettings
from ia_empreinte.sheet import Difference, parse_fiche

__all__ = [
    "COMPARISON_MEDIA",
    "REPORT_MEDIA",
    "Reply",
    "compare_reply",
    "estimate_reply",
    "report_format",
    "report_reply",
    "validate_reply",
    "verify_reply",
]

ComparisonFormat = Literal["json", "csv", "markdown", "table"]
ReportFormat = Literal["json", "pdf", "xlsx", "html", "markdown"]

COMPARISON_MEDIA: dict[str, str] = {
    "json": JSON,
    "csv": "text/csv",
    "markdown": "text/markdown",
    "table": "text/plain",
}
"""Media type of each ``compare --format``."""

REPORT_MEDIA: dict[str, str] = {
    "json": JSON,
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "markdown": "text/markdown",
}
"""Media type of each fiche format (the ``-o`` suffixes of ``ia-empreinte report``)."""

_SUFFIX = {"json": "json", "pdf": "pdf", "xlsx": "xlsx", "html": "html", "markdown": "md"}


@dataclass(frozen=True)
class Reply:
    """What a route answers: the body, its media type and extra headers."""

    content: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)


def estimate_reply(body: bytes, content_type: str | None, settings: ServerSettings) -> Reply:
    """``POST /v1/estimate``: the document of ``ia-empreinte estimate --format json``."""
    request, profile, offer = parse_estimate_request(body, content_type, settings)
    check_offer_serves_profile(profile, offer, at=("offer",))  # before reading records
    records = record_store([(offer, ("offer",))], request.records)
    result = estimate(profile, offer, draws=request.draws, seed=request.seed, records=records)
    return Reply(render_estimate(result, "json").encode("utf-8"), JSON)


def compare_reply(
    body: bytes,
    content_type: str | None,
    settings: ServerSettings,
    fmt: ComparisonFormat,
    lang: Lang,
) -> Reply:
    """``POST /v1/compare``: the output of ``ia-empreinte compare --format FMT``."""
    request, profile, offers, options, _ = parse_compare_request(body, content_type, settings)
    records = record_store(_located(offers), request.records)
    result = compare(profile, offers, options, records=records)
    return Reply(render_comparison(result, fmt, lang).encode("utf-8"), COMPARISON_MEDIA[fmt])


def _located(offers: list[Offer]) -> list[tuple[Offer, tuple[str, int]]]:
    return [(offer, ("offers", i)) for i, offer in enumerate(offers)]


def report_format(accept: str | None, requested: ReportFormat | None) -> ReportFormat:
    """The fiche format: the ``format`` parameter, else the best match of ``Accept``.

    Raises:
        ProblemError: 406 when ``Accept`` names none of the formats.
    """
    if requested is not None:
        return requested
    ranked: list[tuple[float, int, str]] = []
    for i, item in enumerate((accept or "*/*").split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranked.append((-q, i, media.lower()))
    for _, _, media in sorted(ranked):
        if media in ("*/*", "application/*"):
            return "json"
        for fmt, known in REPORT_MEDIA.items():
            if media == known or (media == "text/*" and known.startswith("text/")):
                return fmt  # type: ignore[return-value]
    raise ProblemError(
        406,
        "not-acceptable",
        "Not acceptable",
        f"no fiche format matches 'Accept: {accept}'; accept one of "
        f"{', '.join(REPORT_MEDIA.values())}, or give ?format="
        f"{'|'.join(REPORT_MEDIA)}",
    )


def report_reply(
    body: bytes,
    content_type: str | None,
    settings: ServerSettings,
    fmt: ReportFormat,
    lang: Lang,
) -> Reply:
    """``POST /v1/report``: the fiche ``ia-empreinte report -o fiche.FMT`` writes."""
    request, profile, offers, options, consultation = parse_compare_request(
        body, content_type, settings
    )
    fiche = build_fiche(
        profile,
        offers,
        options,
        consultation,
        records=record_store(_located(offers), request.records),
        computed_on=datetime.date.today().isoformat(),
        command="POST /v1/report (ia-empreinte HTTP API); check: ia-empreinte verify "
        "fiche.json",
    )
    content = render_fiche(fiche, fmt, lang)
    name = f"fiche-{profile.id}.{_SUFFIX[fmt]}"
    return Reply(
        content,
        REPORT_MEDIA[fmt],
        {"Content-Disposition": f'attachment; filename="{name}"'},
    )


def validate_reply(body: bytes, content_type: str | None, kind: str) -> Reply:
    """``POST /v1/validate/{kind}``: as ``ia-empreinte validate``."""
    if kind not in INPUT_KINDS:
        raise ProblemError(
            404,
            "unknown-kind",
            "Unknown document kind",
            f"unknown document kind '{kind}'; expected one of: {', '.join(INPUT_KINDS)}",
        )
    data = decode_body(body, content_type)
    model = parse_model(model_for(kind), data, error=ERRORS[kind])
    if isinstance(model, BenchmarkRecord):
        # sealed and plausible, as the records an estimate accepts
        checked(model, "record")
    return Reply(b'{"kind":"%s","valid":true}' % kind.encode("ascii"), JSON)


class FicheVerification(BaseModel):
    """Answer of ``POST /v1/verify`` for a fiche (``ia-empreinte verify FICHE.json``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["fiche"]
    ok: bool
    """True when every figure matches the recomputation."""
    inputs_sha256: str
    differences: list[Difference]


class RecordVerification(BaseModel):
    """Answer of ``POST /v1/verify`` for a valid record (``ia-empreinte bench verify``).

    A record that fails a rule is answered with a 422 problem naming the rule.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["record"]
    ok: Literal[True]
    sha256: str
    signed: bool
    key_fingerprint: str | None = None
    """SHA-256 of the signing key, when the record is signed."""
    key_verified: bool = False
    """True only when ``public_key`` was given and the record is signed with it; a
    signature checked without a known key proves integrity, not who signed."""
    checks: list[Check]
    verdict: Verdict | None = None
    """Whether the record is valid for the tender and why, as ``bench verify`` ends."""


VerifyKind = Literal["fiche", "record"]


def verify_reply(
    body: bytes,
    content_type: str | None,
    kind: VerifyKind | None,
    public_key: str | None,
    settings: ServerSettings | None = None,
) -> Reply:
    """``POST /v1/verify``: check a fiche (recomputed) or a benchmark record (sealed).

    A fiche is recomputed only within the server's limits (``max_draws``,
    ``max_offers``), like a compare request.
    """
    data = decode_body(body, content_type)
    if kind is None:
        found = detect_kind(data, among=("fiche", "record"))
        if found not in ("fiche", "record"):
            raise ProblemError(
                422,
                "unknown-kind",
                "Unknown document kind",
                "cannot tell whether this is a fiche or a benchmark record from its "
                "'schema' field; give ?kind=fiche or ?kind=record",
                location=("schema",),
            )
        kind = found  # type: ignore[assignment]
    if kind == "fiche":
        return _verify_fiche(data, settings or ServerSettings())
    return _verify_record(body, public_key)


def _verify_fiche(data: dict[str, Any], settings: ServerSettings) -> Reply:
    fiche = parse_fiche(data)
    # the recomputation is a comparison: the same limits as POST /v1/compare
    check_count(len(fiche.inputs.offers), settings.max_offers, "offers",
                ("inputs", "offers"), "--max-offers")
    check_count(fiche.inputs.options.draws, settings.max_draws, "draws",
                ("inputs", "options", "draws"), "--max-draws")
    # the fiche carries the hashes of its records, not the records: refused here
    record_store(
        [(offer, ("inputs", "offers", i)) for i, offer in enumerate(fiche.inputs.offers)],
        None,
    )
    diffs = verify_fiche(fiche)
    answer = FicheVerification(
        kind="fiche",
        ok=not diffs,
        inputs_sha256=fiche.inputs_sha256,
        differences=diffs,
    )
    return Reply(answer.model_dump_json().encode("utf-8"), JSON)


def _verify_record(body: bytes, public_key: str | None) -> Reply:
    if public_key is not None:
        key = public_key.strip().lower()
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            # never a path: the library would read a key file named by the client
            raise ProblemError(
                422,
                "invalid-public-key",
                "Invalid public key",
                "expected an Ed25519 public key as 64 hexadecimal characters",
            )
        public_key = key
    # the record's integrity covers its exact text, so the body is checked as the file
    record, checks = verify_record_bytes(body, "record.json", public_key_hex=public_key)
    signature = record.integrity.signature if record.integrity else None
    answer = RecordVerification(
        kind="record",
        ok=True,
        sha256=record.sha256(),
        signed=signature is not None,
        key_fingerprint=signature.key_fingerprint if signature is not None else None,
        key_verified=public_key is not None and signature is not None,
        checks=checks,
        verdict=record_verdict(record, checks, key_given=public_key is not None),
    )
    return Reply(answer.model_dump_json().encode("utf-8"), JSON)
