"""Checking a fiche: recompute it from its embedded inputs and list what differs."""

from __future__ import annotations

from typing import Any

from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.sheet.build import fiche_from_inputs
from ia_empreinte.sheet.command import report_command
from ia_empreinte.sheet.model import Difference, Fiche

__all__ = ["verify_fiche"]


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for k in sorted(value):
            _flatten(value[k], f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
        if not value:
            out[prefix] = []
    else:
        out[prefix] = value


def _dump(fiche: Fiche) -> dict[str, Any]:
    data: dict[str, Any] = fiche.model_dump(mode="json", by_alias=True)
    data.pop("computed_on", None)
    data.pop("command", None)
    return data


def verify_fiche(
    fiche: Fiche, *, records: RecordStore = EMPTY
) -> list[Difference]:
    """Recompute a fiche from its embedded inputs and list every figure that differs.

    The stored ``command`` must be the one rebuilt from the inputs and its own bare
    file names (a shell pipe, other options or a folder path are differences); the
    date is checked when the fiche is read. The inputs hash is checked first
    (``inputs_sha256``), then every stored field is compared with the recomputed one,
    exactly (same inputs and seed give bit-identical figures). An empty list means the
    fiche is intact.
    """
    diffs: list[Difference] = []
    recomputed = fiche_from_inputs(fiche.inputs, records=records)
    stored_flat: dict[str, Any] = {}
    new_flat: dict[str, Any] = {}
    _flatten(_dump(fiche), "", stored_flat)
    _flatten(_dump(recomputed), "", new_flat)
    for path in sorted(set(stored_flat) | set(new_flat)):
        a, b = stored_flat.get(path, "(absent)"), new_flat.get(path, "(absent)")
        if a != b:
            diffs.append(Difference(path=path, stored=str(a), recomputed=str(b)))
    command = report_command(fiche.inputs, fiche.command)
    if fiche.command != command:
        # never recomputed from text: a stored command that is not the one rebuilt from
        # the inputs (a shell pipe, other options, a folder path) is an edit
        diffs.append(Difference(path="command", stored=fiche.command, recomputed=command))
    diffs.sort(key=lambda d: _priority(d.path))
    return diffs


def _priority(path: str) -> int:
    """Order of the differences: the hash, then the marks and scored figures first."""
    if path == "inputs_sha256":
        return 0  # says the inputs were edited, whatever else changed
    if path.startswith("comparison.scores.") or ".scored." in path:
        return 1
    if path.startswith("headlines."):
        return 2
    return 4 if path.startswith("inputs.") else 3
