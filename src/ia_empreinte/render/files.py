"""Writing output files atomically: a failure never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ia_empreinte.errors import InputFileError

__all__ = ["check_writable", "write_atomic", "write_output"]


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    Raises:
        OSError: the folder does not exist or is not writable (nothing is left behind).
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates the file 0600; give it the mode a plain open() would give
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cannot_write(path: str | Path, exc: OSError) -> InputFileError:
    reason = exc.strerror or type(exc).__name__
    if Path(path).is_dir():
        reason = "it is a directory; expected a file name"
    return InputFileError(f"cannot write the output ({reason})", file=str(path))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _refuse_inputs(path: str | Path, inputs: Iterable[str | Path]) -> None:
    target = Path(path)
    if target.exists() and any(_same_file(target, Path(i)) for i in inputs):
        raise InputFileError(
            "is also an input of this command; expected another output file", file=str(path)
        )


def write_output(
    path: str | Path, data: bytes | str, *, inputs: Iterable[str | Path] = ()
) -> None:
    """:func:`write_atomic` for a file the user named: errors become one clear line.

    Args:
        path: the output file.
        data: its content.
        inputs: the files the command read; writing over one of them is refused.

    Raises:
        InputFileError: ``FILE: cannot write the output (reason)``, or the output is
            one of ``inputs``; nothing is left behind.
    """
    _refuse_inputs(path, inputs)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def check_writable(path: str | Path, *, inputs: Iterable[str | Path] = ()) -> None:
    """Fail early, before a long computation, when ``path`` could not be written.

    Creates and removes a temporary file in the target's folder (so missing folders,
    read-only file systems and permissions are all caught); nothing is left behind.

    Raises:
        InputFileError: as :func:`write_output` would.
    """
    _refuse_inputs(path, inputs)
    target = Path(path)
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
