"""The click application: the command group, error handling and logging set-up."""

from __future__ import annotations

import logging
from typing import Any

import click

import ia_empreinte
from ia_empreinte.errors import IaEmpreinteError

__all__ = ["CliError", "cli", "main"]


class CliError(click.ClickException):
    """A user error: one line on stderr, exit code 2, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


class _Group(click.Group):
    """A group that turns library errors and unwritable outputs into :class:`CliError`."""

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


def _register() -> None:
    from ia_empreinte_cli import bench, compare, estimate, inputs, kit

    cli.add_command(bench.bench)
    cli.add_command(inputs.validate)
    cli.add_command(inputs.schema)
    cli.add_command(inputs.catalog)
    cli.add_command(estimate.estimate)
    cli.add_command(estimate.audit)
    cli.add_command(compare.compare)
    cli.add_command(compare.score)
    cli.add_command(compare.report)
    cli.add_command(compare.clause)
    cli.add_command(compare.verify)
    cli.add_command(kit.profiles)
    cli.add_command(kit.profile)
    cli.add_command(kit.offer)


_register()


def main() -> None:
    """Entry point of the ``ia-empreinte`` console script."""
    cli(prog_name="ia-empreinte")
