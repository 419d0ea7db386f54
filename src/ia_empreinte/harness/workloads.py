"""Workload packs: fixed, hashed request sets with a separate warm-up subset.

A pack is a JSON file (``benchmarks/workloads/*.json``) with its identity (``pack_id``,
``pack_version``, ``seed``, ``licence``), the task and API it targets, the warm-up
requests and the measured requests. Its identity in a record is the SHA-256 of the
file's bytes plus the SHA-256 of the canonical JSON of the measured and of the warm-up
requests, so a record says exactly what was sent.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ia_empreinte._canonical import canonical_json, sha256_hex
from ia_empreinte.errors import InputFileError, ValidationFailure
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.parsing import parse_model
from ia_empreinte.profiles import Task

__all__ = ["Api", "Workload", "WorkloadRequest", "load_workload", "requests_sha256"]

Api = Literal["chat", "completions", "embeddings", "transcriptions"]
_STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class WorkloadRequest(BaseModel):
    """One request: a user text (with an optional system text) or an audio file."""

    model_config = _STRICT
    id: str
    text: str = ""
    system: str | None = None
    """Instructions or retrieved context, sent as the system message (chat)."""
    max_output_tokens: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    audio_file: str | None = None
    """For transcriptions: a file relative to the pack file."""
    audio_seconds: Annotated[float, Field(ge=0)] = 0.0


class Workload(BaseModel):
    """A workload pack."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True
    )
    schema_: Literal["ia-empreinte/workload/1"] = Field(
        "ia-empreinte/workload/1", alias="schema"
    )
    pack_id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,63}$")]
    pack_version: str
    task: Task
    api: Api
    description: str
    licence: str
    """Licence of the texts; packs shipped here are original texts under CC0-1.0."""
    seed: int
    """Seed used to draw the lengths and combinations (see make_packs.py)."""
    max_output_tokens: Annotated[int, Field(ge=1)] | None = None
    warmup: list[WorkloadRequest]
    requests: Annotated[list[WorkloadRequest], Field(min_length=1)]
    file_sha256: str = ""
    """Filled when loaded: SHA-256 of the file's bytes (not stored in the file)."""

    @model_validator(mode="after")
    def warmup_is_disjoint(self) -> Workload:
        ids = {r.id for r in self.requests}
        shared = sorted(ids & {r.id for r in self.warmup})
        if shared:
            raise ValueError(f"warm-up and measured requests share ids: {', '.join(shared)}")
        texts = {(r.system, r.text) for r in self.requests}
        if any((r.system, r.text) in texts for r in self.warmup):
            raise ValueError("a warm-up request repeats a measured request (warm caches)")
        return self


def requests_sha256(requests: list[WorkloadRequest]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces) of a request list."""
    data: list[dict[str, Any]] = [r.model_dump(mode="json") for r in requests]
    return sha256_hex(canonical_json(data))


def load_workload(path: str | Path) -> Workload:
    """Read a workload pack.

    Raises:
        InputFileError: missing or unreadable file.
        ValidationFailure: invalid pack.
    """
    p = Path(path)
    if p.suffix.lower() != ".json":
        raise InputFileError("a workload pack is a .json file", file=str(path))
    data = read_document(p)
    data.pop("file_sha256", None)
    pack = parse_model(Workload, data, file=str(path), error=ValidationFailure,
                       kind="workload")
    return pack.model_copy(update={"file_sha256": hashlib.sha256(p.read_bytes()).hexdigest()})
