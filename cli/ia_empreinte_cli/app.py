"""The click application: the command group, error handling and logging set-up."""

from __future__ import annotations

import logging
from typing import Any

import click

import ia_empreinte
from ia_empreinte.errors import IaEmpreinteError
from ia_empreinte_cli.bench import bench
from ia_empreinte_cli.compare import clause, compare, report, score, verify
from ia_empreinte_cli.errors import CliError
from ia_empreinte_cli.estimate import audit, estimate
from ia_empreinte_cli.inputs import catalog, schema, validate
from ia_empreinte_cli.kit import offer, profile, profiles
from ia_empreinte_cli.serve import serve

__all__ = ["CliError", "cli", "main"]


class _Group(click.Group):
    """A group that turns library errors into :class:`CliError` (one line, exit code 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IaEmpreinteError as exc:
            raise CliError(exc.one_line()) from None


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
    audit, bench, catalog, clause, compare, estimate, offer, profile, profiles, report,
    schema, score, serve, validate, verify,
):
    cli.add_command(_command)


def main() -> None:
    """Entry point of the ``ia-empreinte`` console script."""
    cli(prog_name="ia-empreinte")
