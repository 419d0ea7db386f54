"""Validating a document file of any kind: ``ia-empreinte validate``."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ia_empreinte.errors import InputFileError
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.inputs.records import verify_record
from ia_empreinte.kinds import ERRORS, INPUT_KINDS, detect_kind
from ia_empreinte.parsing import parse_model
from ia_empreinte.schemas import model_for

__all__ = ["validate_file"]


def validate_file(path: str | Path, kind: str | None = None) -> tuple[str, BaseModel]:
    """Read ``path`` and validate it as ``kind`` (detected among the input kinds when None).

    A benchmark record is valid only when its integrity (hash, canonical form,
    signature) and plausibility rules hold, as ``ia-empreinte bench verify`` checks it.

    Returns:
        The kind and the validated model.

    Raises:
        InputFileError: unreadable file or undetectable kind.
        ValidationFailure: a field is invalid (the kind's own subclass); for a record,
            a ``RecordError`` naming the failed rule.
    """
    data = read_document(path)
    if kind is None:
        kind = detect_kind(data, among=INPUT_KINDS)
        if kind is None:
            raise InputFileError(
                "cannot tell what kind of document this is; give --kind "
                f"({', '.join(INPUT_KINDS)})",
                file=str(path),
            )
    model = model_for(kind)
    validated = parse_model(model, data, file=str(path), error=ERRORS[kind], kind=kind)
    if kind == "record":
        validated, _ = verify_record(path)
    return kind, validated
