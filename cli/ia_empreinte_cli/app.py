"""The click application: the command group, error handling and logging set-up."""

from __future__ import annotations

import errno
import logging
import os
import sys
from typing import Any

import click

import ia_empreinte
from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte.render.files import tracking_reads
from ia_empreinte_cli.audit import audit
from ia_empreinte_cli.bench import bench
from ia_empreinte_cli.boamps import boamps
from ia_empreinte_cli.compare import compare, report, verify
from ia_empreinte_cli.dce import clause, dce, score
from ia_empreinte_cli.errors import CliError
from ia_empreinte_cli.estimate import estimate
from ia_empreinte_cli.inputs import catalog, schema, validate
from ia_empreinte_cli.kit import offer, profile, profiles
from ia_empreinte_cli.registry import registry
from ia_empreinte_cli.serve import serve

__all__ = ["CliError", "cli", "main"]


class _Group(click.Group):
    """A group that turns library errors into :class:`CliError` (one line, exit code 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with tracking_reads():  # no output may overwrite a file the command read
                return super().invoke(ctx)
        except IaEmpreinteError as exc:
            raise CliError(exc.one_line()) from None
        except OSError as exc:
            if exc.errno in _FULL and _from_stdout(exc):
                raise CliError(f"standard output: cannot write ({exc.strerror})") from None
            raise


_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}
"""Errors of a device that cannot take more output (``> /dev/full``, a full disk)."""


def _from_stdout(exc: OSError) -> bool:
    """Whether ``exc`` came from printing to standard output; if so, what is still
    pending there is dropped, so that the interpreter's last flush stays silent.

    The output was lost: exit code 2 and one line on standard error say so, as for an
    ``-o FILE`` on a full device, instead of a traceback.
    """
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "echo" and frame.f_locals.get("file") is sys.stdout:
            break
        tb = tb.tb_next
    else:
        return False
    real = sys.__stdout__
    if real is None or sys.stdout is not real:  # a test runner's capture
        return True
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)  # the real standard output
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return True


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(ia_empreinte.__version__, "--version", prog_name="ia-empreinte")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Estimate, compare and document the environmental footprint of AI services.

    Energy, greenhouse gases, water, abiotic resources and primary energy, per request,
    per year and per contract, from a buyer's usage profile and the vendors' offers.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


for _command in (
    audit, bench, boamps, catalog, clause, compare, dce, estimate, offer, profile, profiles,
    registry,
    report, schema, score, serve, validate, verify,
):
    cli.add_command(_command)


def main() -> None:
    """Entry point of the ``ia-empreinte`` console script."""
    cli(prog_name="ia-empreinte")
