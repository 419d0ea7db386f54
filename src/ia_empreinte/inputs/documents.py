"""Reading input documents (YAML, TOML, JSON) safely into validated models.

One place decides how bytes become a dict and how a pydantic error becomes one clear
line: the file, the field and what is expected. YAML is read with a safe loader that
also refuses duplicate keys and anchors/aliases (alias bombs); files larger than
:data:`MAX_FILE_BYTES` are refused before being read.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from ia_empreinte.errors import IaEmpreinteError, InputFileError, ValidationFailure
from ia_empreinte.kinds import kind_mismatch

__all__ = [
    "MAX_FILE_BYTES",
    "SUFFIXES",
    "parse_model",
    "read_document",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest input document accepted: 10 MiB (a profile or an offer is a few KiB)."""

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}

M = TypeVar("M", bound=BaseModel)


class _StrictSafeLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses anchors, aliases and duplicate keys."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not accepted; write the value out",
                problem_mark=event.start_mark,
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="YAML anchors (&name) are not accepted; write the value out",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key '{key}'", problem_mark=key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# YAML 1.1 reads ``1e15`` (no dot) as a string; read it as the number users mean.
_StrictSafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON number")


def read_document(path: str | Path, *, text: bytes | None = None) -> dict[str, Any]:
    """Read a YAML, TOML or JSON document into a dict.

    Args:
        path: the file; its extension chooses the format. When ``text`` is given,
            ``path`` only names the document in messages and chooses the format.
        text: the document's bytes, for documents that do not come from a file.

    Raises:
        InputFileError: missing, a directory, too large, not UTF-8 text, bad syntax,
            or a top level that is not a mapping.
    """
    p = Path(path)
    name = str(path)
    if text is None:
        if p.is_dir():
            raise InputFileError("is a directory; expected a file", file=name)
        if not p.exists():
            raise InputFileError("file not found", file=name)
    fmt = SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise InputFileError(
            f"unsupported file extension '{p.suffix}'; expected .yaml, .yml, .toml or .json",
            file=name,
        )
    if text is None:
        try:
            size = p.stat().st_size
        except OSError as exc:
            raise InputFileError(f"cannot read file ({exc.strerror})", file=name) from None
        if size > MAX_FILE_BYTES:
            raise InputFileError(
                f"file is {size / 1024 / 1024:.1f} MiB; the limit is "
                f"{MAX_FILE_BYTES // 1024 // 1024} MiB",
                file=name,
            )
        try:
            text = p.read_bytes()
        except OSError as exc:
            raise InputFileError(f"cannot read file ({exc.strerror})", file=name) from None
    if len(text) > MAX_FILE_BYTES:
        raise InputFileError(
            f"document is {len(text) / 1024 / 1024:.1f} MiB; the limit is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MiB",
            file=name,
        )
    if b"\x00" in text:
        raise InputFileError("binary content; expected a UTF-8 text document", file=name)
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError("not UTF-8 text; expected a UTF-8 text document", file=name) from None
    if not decoded.strip():
        raise InputFileError("file is empty; expected a document", file=name)
    data = _parse(decoded, fmt, name)
    try:  # "\ud800" escapes decode to lone surrogates, which no output can encode
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        raise InputFileError(
            "text holds an unpaired surrogate escape (such as \\ud800); expected valid "
            "Unicode", file=name) from None
    if not isinstance(data, dict):
        raise InputFileError(
            f"top level is {_kind(data)}; expected a mapping of fields", file=name
        )
    return data


def _parse(text: str, fmt: str, name: str) -> Any:
    try:
        if fmt == "yaml":
            loader = _StrictSafeLoader(text)
            try:
                return loader.get_single_data()
            finally:
                loader.dispose()
        if fmt == "toml":
            return tomllib.loads(text)
        return json.loads(text, parse_constant=_reject_constant)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise InputFileError(f"invalid YAML: {where}{exc.problem}", file=name) from None
    except yaml.YAMLError as exc:
        raise InputFileError(f"invalid YAML: {exc}", file=name) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"invalid TOML: {exc}", file=name) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"invalid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}", file=name
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InputFileError(f"invalid {fmt.upper()}: {exc}", file=name) from None


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"a {type(value).__name__}"


def parse_model(
    model: type[M],
    data: Any,
    *,
    file: str | None = None,
    error: type[IaEmpreinteError] = ValidationFailure,
    kind: str | None = None,
) -> M:
    """Validate ``data`` into ``model``, turning the first problem into one clear error.

    Args:
        model: the pydantic model.
        data: the decoded document.
        file: the file name, for the message.
        error: the error class to raise.
        kind: the document kind expected (``profile``, ``offer``...): an invalid
            document that is plainly of another kind is named as such (``this is an
            offer; expected a usage profile``) instead of its first unknown field.

    Raises:
        error: with the file, the field location and what is expected.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        if kind is not None:
            mismatch = kind_mismatch(data, kind)
            if mismatch is not None:
                raise error(mismatch, file=file) from None
        raise _convert(exc, model, data, file, error) from None


def _convert(
    exc: ValidationError,
    model: type[BaseModel],
    data: Any,
    file: str | None,
    error: type[IaEmpreinteError],
) -> IaEmpreinteError:
    errors = exc.errors(include_url=False)
    # A misspelled key shows up as an unknown field plus a missing one: name the
    # misspelling first, since it explains the other.
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = tuple(p for p in first["loc"] if not _is_union_tag(p))
    message = _message(first, model, loc, data)
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return error(message, file=file, location=loc)


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the tag of a discriminated union or a function name to locations
    return isinstance(part, str) and (
        part in {"uniform", "triangular", "lognormal", "normal", "float", "int"}
        or part.startswith(("function-", "tagged-union["))
    )


def _message(err: Any, model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        name = str(loc[-1]) if loc else "?"
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field{hint} (expected one of: {', '.join(sorted(allowed))})"
    if kind == "missing":
        return "required field is missing"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix) :]
    value = err.get("input")
    if kind in {"finite_number"} or (isinstance(value, float) and not math.isfinite(value)):
        return f"expected a finite number, got {value}"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        shown = repr(value) if not isinstance(value, dict | list) else _kind(value)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{msg[0].lower()}{msg[1:]}, got {shown}"
    return msg[0].lower() + msg[1:] if msg else kind


def _allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at ``loc`` inside ``model`` (best effort, for hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        current = _inner_model(fields[part].annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None

