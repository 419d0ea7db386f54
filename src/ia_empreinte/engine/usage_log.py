"""Usage-log audit: the actual footprint of the requests served during a period.

A usage log is a CSV (header row) or JSONL file with one request per row: a
``timestamp`` (ISO 8601) and the request sizes (``input_tokens``, ``output_tokens``,
``audio_seconds``, ``images``, ``rows``...), plus ``task`` for a multi-task offer.
Every row goes through the same chain as an estimate, all rows at once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from pydantic import ValidationError

from ia_empreinte.engine.chain import DrawsResult, StepInput, run_chain, to_draws
from ia_empreinte.errors import InputFileError
from ia_empreinte.offers import Offer
from ia_empreinte.profiles import REQUIRED_REQUEST_FIELDS, TASKS, Request, Task
from ia_empreinte.records.store import EMPTY, RecordStore
from ia_empreinte.results import Caveat
from ia_empreinte.types import Array
from ia_empreinte.uncertainty import Sampler
from ia_empreinte.units import H_PER_YEAR, S_PER_H

__all__ = ["UsageLog", "audit_draws", "audit_log_draws", "read_log"]

_MAX_BYTES = 2_000_000_000
_CELLS_PER_CHUNK = 2_000_000
_SIZE_FIELDS = tuple(Request.model_fields)


@dataclass(frozen=True)
class UsageLog:
    """A validated usage log: one array per request field, the rows of each task, the span.

    ``groups`` maps each task to the indices of its rows, or to None when every row
    is of that task (the common case, which then needs no gather).
    """

    columns: dict[str, Array]
    groups: dict[str, NDArray[np.intp] | None]
    span_s: float
    rows: int
    sha256: str

    @property
    def tasks(self) -> NDArray[np.str_]:
        """The task of each row."""
        out = np.empty(self.rows, dtype=object)
        for task, idx in self.groups.items():
            out[slice(None) if idx is None else idx] = task
        return out.astype(str)


def _infer_task(columns: set[str]) -> str | None:
    if "output_tokens" in columns:
        return "text-generation"
    if "audio_seconds" in columns:
        return "speech-to-text"
    if "images" in columns:
        return "image-classification"
    if "rows" in columns:
        return "tabular-prediction"
    if "input_tokens" in columns:
        return "embeddings"
    return None


def _records(path: Path, text: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows as lists; each row ends with its line number in the file."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        header: list[str] = []
        rows: list[list[Any]] = []
        dicts: list[tuple[int, dict[str, Any]]] = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputFileError(f"line {lineno}: invalid JSON ({exc.msg})",
                                     file=str(path)) from None
            except RecursionError:
                raise InputFileError(f"line {lineno}: invalid JSON (nested too deeply)",
                                     file=str(path)) from None
            if not isinstance(obj, dict):
                raise InputFileError(f"line {lineno}: expected a JSON object per line",
                                     file=str(path))
            dicts.append((lineno, obj))
            for k in obj:
                if k not in header:
                    header.append(k)
        rows = [[obj.get(k) for k in header] + [lineno] for lineno, obj in dicts]
        return header, rows
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputFileError("the usage log is empty", file=str(path)) from None
    rows = []
    for row in reader:
        if not row:
            continue
        if len(row) != len(header):
            raise InputFileError(
                f"line {reader.line_num}: expected {len(header)} columns, got {len(row)}",
                file=str(path))
        rows.append([*row, reader.line_num])
    return header, rows


_ISO = re.compile(
    r"(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?\n)*"
)


def _timestamp(text: str) -> float:
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def _span_s(path: Path, stamps: list[Any], lines: list[int]) -> float:
    """Seconds between the first and the last timestamp (naive times read as UTC).

    Fast path: when every stamp has the same ISO 8601 shape and length, text order is
    time order, so numpy checks every date and only the extremes are parsed. Otherwise
    (or when a date is impossible) every stamp is parsed, naming the first bad line.
    """
    texts = [str(t) for t in stamps]
    same_shape = len({len(t) for t in texts}) == 1 and len({t[19:] for t in texts}) == 1
    if same_shape and _ISO.fullmatch("\n".join(texts) + "\n") is not None:
        try:
            # every stamp is a real date-time (not 30 February), then the extremes
            np.array([t[:10] + "T" + t[11:19] for t in texts], dtype="datetime64[s]")
            return _timestamp(max(texts)) - _timestamp(min(texts))
        except ValueError:
            pass  # e.g. month 13: find the line below
    values: list[float] = []
    for text, line in zip(texts, lines, strict=True):
        try:
            values.append(_timestamp(text))
        except ValueError:
            raise InputFileError(
                f"line {line}: column 'timestamp': expected an ISO 8601 date-time, "
                f"got {text!r}", file=str(path)) from None
    return max(values) - min(values)


def _bound_error(name: str, value: float) -> str | None:
    """Why ``value`` is outside the profile's range for request field ``name``, or None.

    The same bounds and words as a profile's ``request`` (e.g. tokens <= 1e7).
    """
    try:
        Request.model_validate({name: value})
    except ValidationError as exc:
        msg = str(exc.errors(include_url=False)[0]["msg"])
        return msg.removeprefix("Value error, ")
    return None


def _out_of_bounds(name: str, arr: Array) -> bool:
    known = arr[~np.isnan(arr)]
    return known.size > 0 and any(
        _bound_error(name, float(v)) is not None for v in (known.min(), known.max())
    )


def _check_bounds(path: Path, name: str, arr: Array, lines: list[int]) -> None:
    """Refuse a value a profile would refuse, naming the first line that has it."""
    if not _out_of_bounds(name, arr):
        return
    for i, v in enumerate(arr):
        if not np.isnan(v):
            problem = _bound_error(name, float(v))
            if problem is not None:
                raise InputFileError(f"line {lines[i]}: column '{name}': {problem}",
                                     file=str(path))


def _sha256_meanwhile(data: bytes) -> Callable[[], str]:
    """The SHA-256 of ``data``, hashed on another core while the caller parses it.

    hashlib releases the GIL on large buffers, so a big log is hashed in parallel with
    the numpy reading (about 8 % of an audit of 100,000 rows); small ones inline.
    """
    if len(data) < _HASH_IN_THREAD_BYTES:
        digest = hashlib.sha256(data).hexdigest()
        return lambda: digest
    found: list[str] = []
    worker = threading.Thread(target=lambda: found.append(hashlib.sha256(data).hexdigest()),
                              name="ia-empreinte-log-sha256", daemon=True)
    worker.start()

    def result() -> str:
        worker.join()
        return found[0]

    return result


def read_log(path: str | Path) -> UsageLog:
    """Read and validate a usage log (CSV with a header row, or JSONL).

    Raises:
        InputFileError: naming the file, the line and the column of the first bad value.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read the usage log ({exc.strerror})", file=str(p)) from None
    if len(data) > _MAX_BYTES:
        raise InputFileError("the usage log is larger than 2 GB", file=str(p))
    sha256 = _sha256_meanwhile(data)
    if p.suffix.lower() not in (".jsonl", ".ndjson"):
        fast = _read_csv_fast(data, sha256)
        # a value out of a profile's bounds: the row-by-row path names its line
        if fast is not None and not any(_out_of_bounds(k, v) for k, v in fast.columns.items()):
            return fast
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError("the usage log is not UTF-8 text", file=str(p)) from None
    header, rows = _records(p, text)
    if not rows:
        raise InputFileError("the usage log has no request rows", file=str(p))
    repeated = [h for i, h in enumerate(header) if h in header[:i]]
    if repeated:
        raise InputFileError(f"column '{repeated[0]}' appears twice; expected each column once",
                             file=str(p))
    unknown = [h for h in header if h not in (*_SIZE_FIELDS, "timestamp", "task")]
    if unknown:
        raise InputFileError(
            f"unknown column '{unknown[0]}'; expected timestamp, task and request fields "
            f"({', '.join(_SIZE_FIELDS)})", file=str(p))
    if "timestamp" not in header:
        raise InputFileError("missing column 'timestamp'", file=str(p))
    lines = [r[-1] for r in rows]
    columns: dict[str, Array] = {}
    for j, name in enumerate(header):
        if name in ("timestamp", "task"):
            continue
        raw = [r[j] for r in rows]
        try:
            if any(isinstance(v, bool) for v in raw):
                raise TypeError("a JSON true or false is not a number")
            arr = np.array([float(v) if v not in (None, "") else np.nan for v in raw])
            bad = ~np.isfinite(arr) | (arr < 0)
        except (TypeError, ValueError):
            bad = np.ones(len(raw), dtype=bool)
            for i, v in enumerate(raw):
                if isinstance(v, bool):
                    continue
                try:
                    x = float(v)
                    bad[i] = not (np.isfinite(x) and x >= 0)
                except (TypeError, ValueError):
                    pass
            arr = np.zeros(len(raw))
        if bad.any():
            i = int(np.argmax(bad))
            if raw[i] in (None, "") and "task" in header:
                arr = np.where(bad, np.nan, arr)  # blank cells are fine in a multi-task log
                bad_numbers = np.array([v not in (None, "") for v in raw]) & bad
                if not bad_numbers.any():
                    _check_bounds(p, name, arr, lines)
                    columns[name] = arr
                    continue
                i = int(np.argmax(bad_numbers))
            raise InputFileError(
                f"line {lines[i]}: column '{name}': expected a number >= 0, got {raw[i]!r}",
                file=str(p))
        _check_bounds(p, name, arr, lines)
        columns[name] = arr
    span_s = _span_s(p, [r[header.index("timestamp")] for r in rows], lines)
    if "task" in header:
        jk = header.index("task")
        tasks = np.array([str(r[jk]) for r in rows])
        for i, t in enumerate(tasks):
            if t not in TASKS:
                raise InputFileError(
                    f"line {lines[i]}: column 'task': unknown task {str(t)!r}; expected one of "
                    f"{', '.join(TASKS)}", file=str(p))
    else:
        task = _infer_task(set(columns))
        if task is None:
            raise InputFileError("cannot tell the task from the columns; add a 'task' column",
                                 file=str(p))
        tasks = np.full(len(rows), task)
    for t in np.unique(tasks):
        mask = tasks == t
        for f in REQUIRED_REQUEST_FIELDS[str(t)]:
            col = columns.get(f)
            if col is None or np.isnan(col[mask]).any():
                i = int(np.argmax(mask if col is None else mask & np.isnan(col)))
                raise InputFileError(
                    f"line {lines[i]}: column '{f}': task {t} needs a number here",
                    file=str(p))
    names, codes = np.unique(tasks, return_inverse=True)
    groups: dict[str, NDArray[np.intp] | None] = (
        {str(names[0]): None} if len(names) == 1
        else {str(t): np.flatnonzero(codes == k) for k, t in enumerate(names)}
    )
    return UsageLog(columns=columns, groups=groups, span_s=span_s,
                    rows=len(rows), sha256=sha256())


_SUFFIX = re.compile(rb"(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_SEPARATORS = (b"--T::", b"-- ::")
_MAX_DIGITS = 15  # below 2**53: the integer of the digits is exact in a float64
_MAX_STAMP = 40
_POW10 = 10.0 ** np.arange(_MAX_DIGITS + 1)  # exact: 10**k is a float64 for k <= 22
_HASH_IN_THREAD_BYTES = 1 << 20
_BLOCK_BYTES = 1 << 19  # each block's temporaries stay in the CPU cache
_ZERO = np.uint8(ord("0"))


def _is_digit(chars: NDArray[np.uint8]) -> NDArray[np.bool_]:
    return chars - _ZERO <= 9  # below '0' wraps above 9


def _plain_decimals(buf: NDArray[np.uint8], starts: NDArray[np.intp],
                    widths: NDArray[np.intp], with_dots: bool) -> Array | None:
    """Cells of plain decimals (``123``, ``0.25``, ``.5``, at most 15 digits) as floats.

    Read by Horner's rule one character place at a time, all rows at once: the digits
    make an integer below 2**53 and the divisor is an exact power of ten, so IEEE
    division gives the correctly rounded value, exactly what ``float(text)`` gives.
    Anything else (an empty cell, a sign, an exponent, more digits): None.
    """
    if widths.min() == 0 or widths.max() > _MAX_DIGITS + with_dots:
        return None
    if not with_dots:
        return _plain_integers(buf, starts, widths)
    mantissa = np.zeros(len(widths), dtype=np.int64)
    n_frac = np.zeros(len(widths), dtype=np.intp)
    dots = np.zeros(len(widths), dtype=np.intp)
    always = int(widths.min())
    for k in range(int(widths.max())):
        char = buf.take(starts + k, mode="clip")  # past a short cell: masked below
        digit = char - _ZERO
        grow = digit <= 9  # anything but a digit wraps above 9
        is_dot = char == ord(".")
        inside = None if k < always else widths > k
        if not (grow | is_dot if inside is None else grow | is_dot | ~inside).all():
            return None
        if inside is not None:
            grow &= inside
            is_dot &= inside
        n_frac += grow & (dots > 0)
        dots += is_dot
        mantissa = np.where(grow, mantissa * 10 + digit, mantissa)
    if dots.max() > 1 or (widths - dots).min() == 0 or (widths - dots).max() > _MAX_DIGITS:
        return None
    return mantissa.astype(np.float64) / _POW10[n_frac]


def _plain_integers(buf: NDArray[np.uint8], starts: NDArray[np.intp],
                    widths: NDArray[np.intp]) -> Array | None:
    """:func:`_plain_decimals` for a log with no dot at all: digits only, in place."""
    widest = int(widths.max())
    mantissa: NDArray[np.signedinteger[Any]] = np.zeros(
        len(widths), dtype=np.int32 if widest <= 9 else np.int64)  # 32 bits: half the traffic
    always = int(widths.min())
    for k in range(widest):
        digit = buf[k:].take(starts, mode="clip") - _ZERO  # past a short cell: masked
        if k >= always:
            inside = widths > k
            digit[~inside] = 0
            if digit.max() > 9:
                return None
            mantissa = np.where(inside, mantissa * 10 + digit, mantissa)
        elif digit.max() > 9:  # anything but a digit wraps above 9
            return None
        else:
            mantissa *= 10
            mantissa += digit
    return mantissa.astype(np.float64)


def _stamp_shape(first: bytes) -> tuple[NDArray[np.uint8], NDArray[np.bool_]] | None:
    """The shape every stamp of a log must share with its first one, or None if odd.

    Returns (the first stamp's bytes, where a digit is expected): ``YYYY-MM-DDThh:mm:ss``
    (or a space for the T), then an optional fraction of a second and zone suffix
    (``Z``, ``+01:00``) that must be the same on every row but for the fraction's digits.
    """
    if not 19 <= len(first) <= _MAX_STAMP or _SUFFIX.fullmatch(first[19:]) is None:
        return None
    chars = np.frombuffer(first, dtype=np.uint8)
    digits = _is_digit(chars)
    if digits[:19].sum() != 14 or chars[:19][~digits[:19]].tobytes() not in _SEPARATORS:
        return None
    return chars, digits


def _stamp_extremes(
    buf: NDArray[np.uint8], starts: NDArray[np.intp], widths: NDArray[np.intp],
    shape: tuple[NDArray[np.uint8], NDArray[np.bool_]],
) -> tuple[bytes, bytes] | None:
    """(earliest, latest) stamp of a block of rows, all checked; None if any is odd.

    Every stamp must have the shape of the log's first one, and each two-digit field
    its range, compared as two bytes (month 01-12, day 01-31, hour 00-23...); numpy
    reads the stamps dated 29 to 31 to refuse 30 February. Stamps of one shape sort as
    text in time order, as the row-by-row reader relies on too.
    """
    first, digits = shape
    width = len(first)
    if widths.min() != width or widths.max() != width:
        return None
    cells = np.lib.stride_tricks.sliding_window_view(buf, width)[starts]
    if not ((_is_digit(cells) == digits).all()
            and (cells[:, ~digits] == first[~digits]).all()):
        return None

    def pair(at: int) -> NDArray[np.uint16]:
        """Characters ``at`` and ``at + 1`` of every stamp as one big-endian number."""
        return np.ndarray((len(cells),), dtype=">u2", buffer=cells, offset=at,
                          strides=(width,))

    def within(at: int, low: bytes, high: bytes) -> bool:
        values = pair(at)
        return bool(((values >= _pair(low)) & (values <= _pair(high))).all())

    # digits in place: two-digit fields compare as their two bytes (month 01-12...)
    if not (within(5, b"01", b"12") and within(8, b"01", b"31") and within(11, b"00", b"23")
            and within(14, b"00", b"59") and within(17, b"00", b"59")
            and ((pair(0) > 0x3030) | (pair(2) > 0x3030)).all()):  # not year 0000
        return None
    late = np.flatnonzero(pair(8) > _pair(b"28"))  # 29 to 31: does the month have it?
    if late.size:
        try:
            np.ascontiguousarray(cells[late, :19]).view("S19").astype("datetime64[s]")
        except ValueError:
            return None  # 30 February: the careful path names its line
    # stamps of one shape sort as their bytes: compare big-endian words, left to right
    order = [np.ndarray((len(cells),), dtype=">u8", buffer=cells, offset=8 * i,
                        strides=(width,)) for i in range(width // 8)]
    order += [pair(at) for at in range(8 * (width // 8), width - 1, 2)]
    if width % 2:
        order.append(cells[:, -1])
    earliest, last = _lexical_extremes(order)
    return cells[earliest].tobytes(), cells[last].tobytes()


def _pair(chars: bytes) -> int:
    return int.from_bytes(chars, "big")


def _lexical_extremes(keys: list[NDArray[Any]]) -> tuple[int, int]:
    """Rows of the smallest and the largest tuple of ``keys`` (compared in order)."""
    native = [key.astype(key.dtype.newbyteorder("=")) for key in keys]  # contiguous, unswapped
    found = []
    for pick in (np.min, np.max):
        rows = native[0] == pick(native[0])
        for key in native[1:]:
            rows &= key == pick(key[rows])
        found.append(int(np.argmax(rows)))
    return found[0], found[1]


def _read_csv_block(
    buf: NDArray[np.uint8], header: list[str], with_dots: bool,
    shape: tuple[NDArray[np.uint8], NDArray[np.bool_]],
) -> tuple[dict[str, Array], tuple[bytes, bytes]] | None:
    """Columns and stamp extremes of whole rows of a clean CSV (``buf`` ends a row)."""
    seps = np.flatnonzero(buf <= ord(","))  # in a clean log: ',' '\n', '+' or ' ' of stamps
    kinds = buf[seps]
    if shape[0][10] == ord(" ") or shape[0][19:].tobytes().find(b"+") >= 0:
        keep = (kinds == ord(",")) | (kinds == ord("\n"))
        seps, kinds = seps[keep], kinds[keep]
    k = len(header)
    if seps.size % k:
        return None
    pattern = np.zeros(k, dtype=bool)
    pattern[-1] = True
    if not ((kinds == ord("\n")).reshape(-1, k) == pattern).all():
        return None  # a ragged row, a blank line or a stray control character
    flat_starts = np.empty_like(seps)
    flat_starts[0] = 0
    flat_starts[1:] = seps[:-1] + 1
    widths = (seps - flat_starts).reshape(-1, k)
    starts = flat_starts.reshape(-1, k)
    columns: dict[str, Array] = {}
    extremes: tuple[bytes, bytes] | None = None
    for j, name in enumerate(header):
        begin = np.ascontiguousarray(starts[:, j])
        if name == "timestamp":
            extremes = _stamp_extremes(buf, begin, widths[:, j], shape)
            if extremes is None:
                return None
        else:
            values = _plain_decimals(buf, begin, widths[:, j], with_dots)
            if values is None:
                return None
            columns[name] = values
    assert extremes is not None
    return columns, extremes


def _read_csv_fast(data: bytes, sha256: Callable[[], str] | None = None) -> UsageLog | None:
    """The common case, a clean single-task CSV of plain numbers, parsed by numpy.

    The separators are found in the raw bytes and every column of a block of rows is
    decoded at once (blocks of 512 KiB, so that temporaries stay in the CPU cache);
    nothing goes through a Python object per row. Returns None whenever anything is
    unusual (a ``task`` column, a blank or quoted cell, a ragged row, an exponent or a
    sign, timestamps of several shapes): :func:`read_log` then takes the row-by-row
    path, which names the line and column of the first problem. Both read the same
    numbers (a test checks it).
    """
    body = data.removeprefix(b"\xef\xbb\xbf")
    if b"\r" in body:
        body = body.replace(b"\r\n", b"\n")
        if b"\r" in body:
            return None
    if not body.endswith(b"\n"):
        body += b"\n"
    head_end = body.index(b"\n")
    try:
        header = [h.strip() for h in body[:head_end].decode("utf-8").split(",")]
    except UnicodeDecodeError:
        return None
    if (
        "timestamp" not in header
        or len(set(header)) != len(header)
        or any(h not in (*_SIZE_FIELDS, "timestamp") for h in header)
    ):
        return None
    task = _infer_task(set(header) - {"timestamp"})
    if task is None or any(f not in header for f in REQUIRED_REQUEST_FIELDS[task]):
        return None
    first_row = body[head_end + 1:body.find(b"\n", head_end + 1)].split(b",")
    if len(first_row) != len(header):
        return None
    shape = _stamp_shape(first_row[header.index("timestamp")])
    if shape is None:
        return None
    with_dots = b"." in body
    buf = np.frombuffer(body, dtype=np.uint8)
    parts: list[dict[str, Array]] = []
    extremes: list[bytes] = []
    start = head_end + 1
    while start < len(body):
        end = body.rfind(b"\n", start, start + _BLOCK_BYTES) + 1
        if end <= start:  # one row longer than a block
            end = body.index(b"\n", start) + 1
        block = _read_csv_block(buf[start:end], header, with_dots, shape)
        if block is None:
            return None
        parts.append(block[0])
        extremes.extend(block[1])
        start = end
    if not parts:
        return None
    columns = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    try:
        span_s = _timestamp(max(extremes).decode()) - _timestamp(min(extremes).decode())
    except ValueError:
        return None
    rows = len(next(iter(columns.values())))
    digest = hashlib.sha256(data).hexdigest() if sha256 is None else sha256()
    return UsageLog(columns=columns, groups={task: None}, span_s=span_s, rows=rows,
                    sha256=digest)


def audit_draws(
    offer: Offer, log_path: str | Path, sampler: Sampler, *, records: RecordStore = EMPTY
) -> tuple[DrawsResult, str, str]:
    """Draws of the footprint of every logged request; returns (result, log sha, label).

    ``contract`` covers the logged period (``span x n / (n - 1)``); ``per_year`` is that
    period annualised. Rows are evaluated in chunks of (draws x rows) cells.
    """
    log = read_log(log_path)
    result = audit_log_draws(offer, log, sampler, records=records)
    return result, log.sha256, f"usage-log-{log.sha256[:12]}"


def audit_log_draws(
    offer: Offer, log: UsageLog, sampler: Sampler, *, records: RecordStore = EMPTY
) -> DrawsResult:
    """Draws of the footprint of the requests of an already read usage ``log``."""
    caveats: list[Caveat] = []
    chunk = max(1, _CELLS_PER_CHUNK // sampler.draws)
    steps: list[StepInput] = []
    for t, idx in log.groups.items():
        n = log.rows if idx is None else len(idx)
        for start in range(0, n, chunk):
            part = slice(start, start + chunk) if idx is None else idx[start:start + chunk]
            sizes = {k: np.ascontiguousarray(v[part])[None, :] for k, v in log.columns.items()
                     if not np.isnan(v[part]).any()}
            task = cast(Task, t)
            steps.append(StepInput(task=task, sizes=sizes, count=sampler.constant(1.0)))
    period_s = log.span_s * log.rows / (log.rows - 1) if log.rows > 1 else 0.0
    if period_s <= 0:
        caveats.append(Caveat(code="audit-period-unknown", message=(
            "the log's timestamps span no time: per-year figures equal the logged totals and "
            "dedicated idle time is not counted")))
        period_years = 1.0
        idle_years = 0.0
    else:
        period_years = idle_years = period_s / (H_PER_YEAR * S_PER_H)

    def reduce(x: Array) -> Array:
        return np.asarray(x.sum(axis=-1) if x.ndim == 2 else x, dtype=np.float64)

    totals, trace = run_chain(offer, steps, sampler, reduce, records=records,
                              period_years=idle_years)
    requests = sampler.constant(float(log.rows))
    draws = to_draws(totals, requests, sampler.constant(period_years),
                     period_scale=period_years)
    return DrawsResult(draws, trace.noting(caveats))
