"""Reading input documents (YAML, TOML, JSON) safely into validated models.

One place decides how bytes become a dict and how a pydantic error becomes one clear
line: the file, the field and what is expected. YAML is read with a safe loader that
also refuses duplicate keys and anchors/aliases (alias bombs); files larger than
:data:`MAX_FILE_BYTES` are refused before being read.
"""

from __future__ import annotations

import codecs
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from ia_empreinte._files import MAX_FILE_BYTES, read_input_bytes
from ia_empreinte.errors import InputFileError
from ia_empreinte.parsing import type_name

__all__ = ["SUFFIXES", "loads_json", "read_document"]


SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".toml": "toml", ".json": "json"}


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
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.MarkedYAMLError(
                    problem="YAML merge keys (<<) are not accepted; write the fields out",
                    problem_mark=key_node.start_mark,
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.MarkedYAMLError(
                    problem="complex keys (? [a, b] or ? {a: b}) are not accepted; "
                    "expected a field name",
                    problem_mark=key_node.start_mark,
                )
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


_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")


def _construct_int(loader: _StrictSafeLoader, node: Any) -> Any:
    """YAML 1.1 integers, without its surprises: ``0365`` (octal 245), ``1:00`` (60),
    ``0b101`` are refused, since YAML 1.2 and people read them differently."""
    value = str(node.value).replace("_", "")
    digits = value.lstrip("+-")
    if ":" in value:
        raise yaml.MarkedYAMLError(
            problem=f"'{node.value}' is a base-60 number in YAML 1.1 "
            f"({loader.construct_yaml_int(node)}); quote it if it is text, or write "
            "the number in base 10",
            problem_mark=node.start_mark,
        )
    if _LEADING_ZERO.fullmatch(value):
        raise yaml.MarkedYAMLError(
            problem=f"'{node.value}' has a leading zero, which YAML 1.1 reads as octal "
            f"({loader.construct_yaml_int(node)}); write {int(digits)} without it, or "
            "quote it if it is text",
            problem_mark=node.start_mark,
        )
    if digits.startswith("0b"):
        raise yaml.MarkedYAMLError(
            problem=f"'{node.value}' is a binary number in YAML 1.1 only; write the "
            "number in base 10",
            problem_mark=node.start_mark,
        )
    return loader.construct_yaml_int(node)


def _construct_float(loader: _StrictSafeLoader, node: Any) -> Any:
    if ":" in str(node.value):
        raise yaml.MarkedYAMLError(
            problem=f"'{node.value}' is a base-60 number in YAML 1.1 "
            f"({loader.construct_yaml_float(node)}); quote it if it is text, or write "
            "the number in base 10",
            problem_mark=node.start_mark,
        )
    return loader.construct_yaml_float(node)


_StrictSafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_StrictSafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)


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
        text = read_input_bytes(p)
    fmt = SUFFIXES.get(p.suffix.lower())
    if fmt is None:
        raise InputFileError(
            f"unsupported file extension '{p.suffix}'; expected .yaml, .yml, .toml or .json",
            file=name,
        )
    if len(text) > MAX_FILE_BYTES:
        raise InputFileError(
            f"document is {len(text) / 1024 / 1024:.1f} MiB; the limit is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MiB",
            file=name,
        )
    wide = _utf16_or_32(text)
    if wide is not None:
        raise InputFileError(f"{wide} text; expected a UTF-8 text document", file=name)
    if b"\x00" in text:
        raise InputFileError("binary content; expected a UTF-8 text document", file=name)
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError("not UTF-8 text; expected a UTF-8 text document", file=name) from None
    if not decoded.strip():
        raise InputFileError("file is empty; expected a document", file=name)
    data = _parse(decoded, fmt, name)
    _check_numbers(data, name, ())
    try:  # "\ud800" escapes decode to lone surrogates, which no output can encode
        json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        raise InputFileError(
            "text holds an unpaired surrogate escape (such as \\ud800); expected valid "
            "Unicode", file=name) from None
    if not isinstance(data, dict):
        raise InputFileError(
            f"top level is {type_name(data)}; expected a mapping of fields", file=name
        )
    return data


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(f"duplicate key '{key}'")
        out[key] = value
    return out


def loads_json(text: str, name: str) -> Any:
    """Decode JSON text as every reader here does: no NaN or Infinity, no duplicate key.

    Raises:
        InputFileError: ``NAME: invalid JSON: ...`` on one line.
    """
    return _parse(text, "json", name)


def _utf16_or_32(text: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` when ``text`` plainly is (a byte order mark, or every
    other byte zero), else None."""
    if text.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if text.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    head = text[:64]
    if len(head) >= 2 and b"\x00" in head:
        even, odd = head[0::2], head[1::2]
        if (odd.count(0) == len(odd) and 0 not in even) or (
                even.count(0) == len(even) and 0 not in odd):
            return "UTF-16"
    return None


def _check_numbers(data: Any, name: str, loc: tuple[str | int, ...]) -> None:
    """Refuse integers no float can hold (``10**400``): every figure is computed in floats.

    Iterative, so that a deeply nested document cannot exhaust the stack here.
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, loc)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            stack.extend((v, (*where, k)) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((v, (*where, i)) for i, v in reversed(list(enumerate(value))))
        elif isinstance(value, int) and not isinstance(value, bool):
            try:
                float(value)
            except OverflowError:
                raise InputFileError(
                    "number too large; expected a finite number (at most about 1.8e308)",
                    file=name, location=where) from None


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
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
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
    except TypeError as exc:  # e.g. an unhashable key a loader let through
        raise InputFileError(f"invalid {fmt.upper()}: {exc}", file=name) from None
