"""Writing output files: whole or not at all, and through what the name points at.

A regular file is replaced atomically (a temporary file in the same folder, then a
rename) keeping its mode, and its owner when run as root. A symbolic link is followed:
the file it points at is written, the link stays. A file with several hard links is
rewritten in place, so that every link sees the new content (its old content is put
back if the write fails). A device, a FIFO or a terminal (``/dev/null``, ``/dev/tty``)
is written through, never replaced; ``/dev/stdout``, ``/dev/stderr`` and ``/dev/fd/N``
write to the process's own standard streams or descriptors.

Every file the command read (see :mod:`ia_empreinte.inputs.documents`) is refused as an
output, whether it was named on the command line or reached through a document.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ia_empreinte.errors import InputFileError
from ia_empreinte.inputs.documents import tracking_reads, was_read

__all__ = ["check_writable", "tracking_reads", "write_atomic", "write_output"]

_TEMP_PREFIX = ".iae-"
"""Short temporary names: a legal 250-character output name still fits (255 at most)."""

_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}
_FD_PATH = re.compile(r"/(?:dev/fd|proc/self/fd)/([0-9]+)")


def _stream_fd(path: str | Path) -> int | None:
    """The descriptor ``/dev/stdout``, ``/dev/stderr``, ``/dev/fd/N`` stand for, if any."""
    text = os.path.normpath(os.path.abspath(path))
    if text in _STREAMS:
        return _STREAMS[text]
    match = _FD_PATH.fullmatch(text)
    return int(match.group(1)) if match else None


def _resolve(path: str | Path) -> tuple[str, os.stat_result | None]:
    """The file ``path`` finally names (links followed) and its status (None: absent).

    Raises:
        OSError: a symbolic link loop, a path through a non-folder, no permission.
    """
    real = os.path.realpath(path)
    try:
        return real, os.stat(real)
    except FileNotFoundError:
        return real, None


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` as described in the module documentation.

    Raises:
        OSError: the folder does not exist or is not writable, a FIFO has no reader...
            (nothing is left behind, an existing file keeps its content).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = _stream_fd(path)
    if fd is not None:
        _write_stream(fd, payload)
        return
    real, st = _resolve(path)
    if st is None:
        _replace(real, payload, None)
    elif stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory")
    elif not stat.S_ISREG(st.st_mode):
        _write_through(real, payload)
    elif st.st_nlink > 1:
        _rewrite_in_place(real, payload)
    else:
        _replace(real, payload, st)


def _write_stream(fd: int, payload: bytes) -> None:
    stream = {1: sys.stdout, 2: sys.stderr}.get(fd)
    if stream is not None:  # keep the order with what was already printed
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            buffer.write(payload)
            buffer.flush()
        else:
            stream.write(payload.decode("utf-8"))
            stream.flush()
        return
    _write_all(fd, payload)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view):]


def _write_through(real: str, payload: bytes) -> None:
    """A device, a FIFO, a socket...: write into it, never replace it."""
    try:  # a FIFO without a reader would block forever: say so instead
        fd = os.open(real, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OSError(errno.ENXIO, "no process reads this FIFO or socket") from None
        raise
    try:
        os.set_blocking(fd, True)
        _write_all(fd, payload)
    finally:
        os.close(fd)


def _rewrite_in_place(real: str, payload: bytes) -> None:
    """A file with several hard links: rewrite it, putting the old content back on failure."""
    fd = os.open(real, os.O_RDWR | os.O_CLOEXEC)
    try:
        old = b""
        while chunk := os.read(fd, 1 << 20):
            old += chunk
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            _write_all(fd, payload)
        except OSError:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            _write_all(fd, old)
            raise
    finally:
        os.close(fd)


def _replace(real: str, payload: bytes, old: os.stat_result | None) -> None:
    """Write a temporary file next to ``real``, then rename it over ``real``."""
    folder = os.path.dirname(real) or "."
    fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp", dir=folder)
    try:
        if old is None:  # mkstemp creates the file 0600; give it what open() would give
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
        else:  # keep the replaced file's mode, and its owner when allowed (root)
            if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, old.st_uid, old.st_gid)
            os.fchmod(fd, stat.S_IMODE(old.st_mode))
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, real)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _cannot_write(path: str | Path, exc: OSError) -> InputFileError:
    reason = exc.strerror or type(exc).__name__
    if exc.errno == errno.ELOOP:
        reason = "a symbolic link loop; expected a file name"
    elif isinstance(exc, IsADirectoryError) or os.path.isdir(path):
        reason = "it is a directory; expected a file name"
    return InputFileError(f"cannot write the output ({reason})", file=str(path))


def _refuse_inputs(path: str | Path, inputs: Iterable[str | Path], overwrite: bool) -> None:
    fd = _stream_fd(path)
    try:
        st = os.fstat(fd) if fd is not None else _resolve(path)[1]
    except OSError:
        return  # the write itself will say why
    if st is None:
        return
    for other in inputs:
        try:
            o = os.stat(other)
        except OSError:
            continue
        if (o.st_dev, o.st_ino) == (st.st_dev, st.st_ino):
            break
    else:
        if not was_read(st):
            if not overwrite and fd is None and stat.S_ISREG(st.st_mode):
                raise InputFileError("file exists; use --force to overwrite it", file=str(path))
            return
    raise InputFileError(
        "is also an input of this command; expected another output file", file=str(path)
    )


def write_output(
    path: str | Path,
    data: bytes | str,
    *,
    inputs: Iterable[str | Path] = (),
    overwrite: bool = True,
) -> None:
    """:func:`write_atomic` for a file the user named: errors become one clear line.

    Args:
        path: the output file.
        data: its content.
        inputs: files the command read; writing over one of them is refused, as over
            any file read so far under :func:`ia_empreinte.inputs.documents.tracking_reads`.
        overwrite: False refuses an existing regular file (``--force`` not given).

    Raises:
        InputFileError: ``FILE: cannot write the output (reason)``, the output is an
            input, or it exists and ``overwrite`` is False; nothing is left behind.
    """
    _refuse_inputs(path, inputs, overwrite)
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def check_writable(
    path: str | Path, *, inputs: Iterable[str | Path] = (), overwrite: bool = True
) -> None:
    """Fail early, before a long computation, when ``path`` could not be written.

    Creates and removes a temporary file in the target's folder (so missing folders,
    read-only file systems and permissions are all caught); nothing is left behind.

    Raises:
        InputFileError: as :func:`write_output` would.
    """
    _refuse_inputs(path, inputs, overwrite)
    fd = _stream_fd(path)
    try:
        if fd is not None:
            os.fstat(fd)
            return
        real, st = _resolve(path)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        if st is not None and (not stat.S_ISREG(st.st_mode) or st.st_nlink > 1):
            if not os.access(real, os.W_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
            return
        tmp_fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".tmp",
                                       dir=os.path.dirname(real) or ".")
        os.close(tmp_fd)
        os.unlink(tmp)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
