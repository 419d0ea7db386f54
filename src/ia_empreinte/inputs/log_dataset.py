"""Partitioned usage logs: a folder of log files partitioned hive style, or one file.

A national log is a folder such as ``collectivite=75056/month=2026-01/part-0.parquet``
(hive partitioning, as Spark, Hive and ``pyarrow.dataset.write_dataset`` write it). Each
file is one unit of work: read in record batches, checked and counted by size bin
(:func:`~ia_empreinte.inputs.usage_logs.read_log_bins`), so that an audit holds bins,
never rows. The partition fields and values are parsed by
:class:`pyarrow.dataset.HivePartitioning` as text (``01001`` stays ``01001``).
Files whose name starts with ``.`` or ``_`` (``_SUCCESS``, ``_metadata``) are skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]

from ia_empreinte.errors import InputFileError

__all__ = ["LOG_SUFFIXES", "LogFile", "log_files"]

LOG_SUFFIXES = (".parquet", ".pq", ".csv", ".jsonl", ".ndjson")
MAX_FILES = 1_000_000


@dataclass(frozen=True)
class LogFile:
    """One file of a usage log and the partition it belongs to."""

    path: str
    key: tuple[tuple[str, str], ...]
    """The partition fields and values of its folders, in path order."""
    size_bytes: int


def log_files(path: str | Path) -> list[LogFile]:
    """The files of a usage log, sorted by path: ``path`` itself for a file, else every
    log file under the folder with its hive partition key.

    Raises:
        InputFileError: the folder holds no log file, a file that is not a log, a
            folder name that is not ``field=value``, or files with different fields.
    """
    root = Path(path)
    if not root.is_dir():
        try:
            size = root.stat().st_size
        except OSError as exc:
            raise InputFileError(f"cannot read the usage log ({exc.strerror})",
                                 file=str(root)) from None
        return [LogFile(str(root), (), size)]
    found: list[LogFile] = []
    fields: tuple[str, ...] | None = None
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        rel = Path(folder).relative_to(root)
        for name in sorted(names):
            if name.startswith((".", "_")):
                continue
            file = Path(folder) / name
            if file.suffix.lower() not in LOG_SUFFIXES:
                raise InputFileError(
                    "not a usage log file; expected " + ", ".join(LOG_SUFFIXES)
                    + " files under the folder", file=str(file))
            key = _hive_key(rel, file)
            names_here = tuple(k for k, _ in key)
            if fields is None:
                fields = names_here
            elif names_here != fields:
                raise InputFileError(
                    f"partition fields {', '.join(names_here) or '(none)'}; expected "
                    f"{', '.join(fields) or '(none)'} as the other files", file=str(file))
            found.append(LogFile(str(file), key, file.stat().st_size))
            if len(found) > MAX_FILES:
                raise InputFileError(f"more than {MAX_FILES:,} files; expected fewer",
                                     file=str(root))
    if not found:
        raise InputFileError("no usage log file under the folder; expected "
                             + ", ".join(LOG_SUFFIXES) + " files", file=str(root))
    return found


def _hive_key(rel: Path, file: Path) -> tuple[tuple[str, str], ...]:
    """The ``field=value`` folders of ``rel``, parsed by pyarrow's hive partitioning."""
    parts = [p for p in rel.parts if p not in ("", ".")]
    for p in parts:
        if "=" not in p or p.startswith("="):
            raise InputFileError(f"folder {p!r} is not a partition; expected field=value "
                                 "folders (hive style: collectivite=75056/month=2026-01)",
                                 file=str(file))
    names = [p.split("=", 1)[0] for p in parts]
    if len(set(names)) != len(names):
        raise InputFileError("a partition field appears twice in the path", file=str(file))
    if not parts:
        return ()
    # imported here: pyarrow.dataset loads pandas when it is installed (0.5 s), which
    # every other command would pay at start-up through the CLI's audit command
    import pyarrow.dataset as pds  # type: ignore[import-untyped]

    scheme = pds.HivePartitioning(pa.schema([(n, pa.string()) for n in names]))
    try:
        keys = pds.get_partition_keys(scheme.parse("/" + "/".join([*parts, file.name])))
    except (pa.ArrowInvalid, ValueError) as exc:
        raise InputFileError(f"cannot read the partition folders ({exc})",
                             file=str(file)) from None
    return tuple((n, str(keys[n])) for n in names if keys.get(n) is not None)
