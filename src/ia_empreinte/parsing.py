"""Validating decoded data into a model, with one clear line per error.

How a pydantic error becomes one line: the file, the field and what is expected (for a
misspelt field, the closest allowed name). Used by every model's ``parse_*`` function
and by the input layer (:mod:`ia_empreinte.inputs.documents`, which turns bytes into the
data validated here).
"""

from __future__ import annotations

import difflib
import math
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ia_empreinte.errors import IaEmpreinteError, ValidationFailure, WordedValueError
from ia_empreinte.kinds import kind_mismatch

__all__ = ["parse_model", "type_name"]

M = TypeVar("M", bound=BaseModel)


def type_name(value: Any) -> str:
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
    message_fr = _message_fr(first, model, loc)
    more = len(errors) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
        if message_fr is not None:
            message_fr += (" (et 1 autre problème)" if more == 1
                           else f" (et {more} autres problèmes)")
    return error(message, file=file, location=loc, message_fr=message_fr)


def _is_union_tag(part: Any) -> bool:
    # pydantic adds the tag of a discriminated union or a function name to locations
    return isinstance(part, str) and (
        part in {"uniform", "triangular", "lognormal", "normal", "float", "int"}
        or part.startswith(("function-", "tagged-union["))
    )


def _message(err: Any, model: type[BaseModel], loc: tuple[Any, ...], data: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed, close = _unknown_field(model, loc)
        hint = f"; did you mean '{close}'?" if close else ""
        return f"unknown field{hint} (expected one of: {', '.join(allowed)})"
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
        return f"{msg[0].lower()}{msg[1:]}, got {_shown(value)}"
    return msg[0].lower() + msg[1:] if msg else kind


def _shown(value: Any) -> str:
    """The offending value as a message quotes it (a type name for a table or a list)."""
    shown = repr(value) if not isinstance(value, dict | list) else type_name(value)
    return shown[:57] + "..." if len(shown) > 60 else shown


def _unknown_field(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[list[str], str]:
    """The fields allowed where an unknown one sits, and the closest to it ('' if none)."""
    allowed = _allowed_fields(model, loc[:-1])
    name = str(loc[-1]) if loc else "?"
    close = difflib.get_close_matches(name, allowed, n=1)
    return sorted(allowed), close[0] if close else ""


_EXPECTED_FR = {
    "float_parsing": "un nombre", "float_type": "un nombre", "int_parsing": "un entier",
    "int_type": "un entier", "int_from_float": "un entier", "string_type": "un texte",
    "bool_parsing": "oui ou non (true/false)", "bool_type": "oui ou non (true/false)",
    "list_type": "une liste", "dict_type": "une table (clé : valeur)",
    "model_type": "une table (clé : valeur)", "model_attributes_type": "une table (clé : valeur)",
}
_BOUNDS_FR = {"greater_than": ("gt", ">"), "greater_than_equal": ("ge", ">="),
              "less_than": ("lt", "<"), "less_than_equal": ("le", "<=")}


def _message_fr(err: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The French wording of the common pydantic problems (None: no French wording, the
    English one is shown); a validator's own message is kept, after a French lead."""
    kind = err["type"]
    value = err.get("input")
    shown = _shown(value)
    if kind == "extra_forbidden":
        allowed, close = _unknown_field(model, loc)
        hint = f" ; vouliez-vous dire « {close} » ?" if close else ""
        return f"champ inconnu{hint} (champs admis : {', '.join(allowed)})"
    if kind == "missing":
        return "champ obligatoire absent"
    if kind == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        return f"un nombre fini est attendu, reçu {value}"
    if kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", " ou ")
        return f"valeur attendue parmi {expected}, reçu {shown}"
    if kind in _EXPECTED_FR:
        return f"{_EXPECTED_FR[kind]} est attendu, reçu {shown}"
    if kind in _BOUNDS_FR:
        key, sign = _BOUNDS_FR[kind]
        bound = err.get("ctx", {}).get(key)
        return f"doit être {sign} {bound}, reçu {shown}" if bound is not None else None
    if kind == "value_error":
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, WordedValueError):
            return cause.message_fr
        msg = str(err["msg"]).removeprefix("Value error, ")
        return f"valeur refusée ({msg})"
    return None


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

