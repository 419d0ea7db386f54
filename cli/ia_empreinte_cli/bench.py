"""``ia-empreinte bench``: measure a model (run), check a record (verify), keys, exports."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import click

from ia_empreinte import RULE_LABELS_FR, Verdict, record_verdict, verify_record
from ia_empreinte.harness import Progress as BenchProgress
from ia_empreinte.harness import bench_export, bench_keygen, bench_run
from ia_empreinte.registry import key_verdict
from ia_empreinte.render.files import check_writable, write_output
from ia_empreinte_cli.errors import needs_extra

__all__ = ["bench"]

_PHASES = {
    "preflight": "pre-flight",
    "idle-pre": "idle baseline (before)",
    "warmup": "warm-up",
    "window": "window",
    "idle-post": "idle baseline (after)",
    "done": "done",
}


def _renderer(quiet: bool) -> Callable[[BenchProgress], None] | None:
    """Live display on stderr: one updated line on a terminal, plain lines otherwise."""
    if quiet:
        return None
    tty = sys.stderr.isatty()
    state: dict[str, Any] = {"last": 0.0, "key": None}

    def render(p: BenchProgress) -> None:
        key = (p.phase, p.window)
        now = time.monotonic()
        if key == state["key"] and now - state["last"] < (0.25 if tty else 5.0):
            return
        state.update(last=now, key=key)
        label = _PHASES[p.phase]
        if p.window is not None:
            label = f"{label} {p.window}/{p.windows}"
        power = f"{p.power_w:7.1f} W" if p.power_w is not None else "      - W"
        line = (
            f"{label:<24} elapsed {p.elapsed_s:6.1f} s  remaining {p.remaining_s:6.1f} s  "
            f"requests {p.requests_done:6d}  power {power}"
        )
        if tty:
            click.echo("\r" + line, nl=False, err=True)
        else:
            click.echo(line, err=True)

    return render


@click.group()
def bench() -> None:
    """Measure a model's energy per request with a standard protocol (vendors), and
    check the resulting records (buyers)."""


@bench.command(context_settings={"ignore_unknown_options": False})
@click.option("--endpoint", metavar="URL",
              help="OpenAI-compatible server on THIS machine, e.g. http://127.0.0.1:8000.")
@click.option("--api", type=click.Choice(["chat", "completions", "embeddings", "transcriptions"]),
              help="Endpoint to call (default: the workload pack's).")
@click.option("--callable", "callable_spec", metavar="MODULE:FUNCTION",
              help="In-process Python function (or path/to/file.py:function).")
@click.option("--workload", type=click.Path(dir_okay=False),
              help="Workload pack (benchmarks/workloads/*.json).")
@click.option("--concurrency", type=click.IntRange(1, 4096), default=1, show_default=True,
              help="Requests in flight (operating point).")
@click.option("--windows", type=click.IntRange(1, 100), help="Measurement windows K [5].")
@click.option("--window-seconds", type=click.FloatRange(0.1, 86400),
              help="Length T of each window, s [60].")
@click.option("--warmup-seconds", type=click.FloatRange(0, 86400), help="Warm-up, s [60].")
@click.option("--idle-seconds", type=click.FloatRange(0.1, 86400),
              help="Idle baseline before and after, s [60].")
@click.option("--smoke", is_flag=True,
              help="Short windows for a trial; the record is NOT valid for procurement.")
@click.option("--model-name", default="unnamed-model", show_default=True)
@click.option("--model-revision", default="")
@click.option("--params-b", type=float, help="Total parameters, billions.")
@click.option("--active-params-b", type=float, help="Active parameters, billions.")
@click.option("--precision", help="Weights precision (bf16, fp8, int4...).")
@click.option("--accelerator", help="Catalog id of the accelerators (see `catalog accelerators`).")
@click.option("--batch-size", type=click.IntRange(1), help="Server batch cap, if any.")
@click.option("--tracking-mode", type=click.Choice(["machine", "process"]), default="machine",
              show_default=True, help="CodeCarbon scope: whole host, or this process tree.")
@click.option("--measure-power-secs", type=click.FloatRange(0.1, 3600),
              help="CodeCarbon integration interval, s [1; 10 with --smoke].")
@click.option("--sign", "sign_key", type=click.Path(dir_okay=False),
              help="Private key file (from `bench keygen`) to sign the record.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Record file to write (JSON).")
@click.option("--force", is_flag=True, help="Overwrite the record file if it exists.")
@click.option("-q", "--quiet", is_flag=True, help="No live display.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def run(
    endpoint: str | None, api: Any, callable_spec: str | None, workload: str | None,
    concurrency: int, windows: int | None, window_seconds: float | None,
    warmup_seconds: float | None, idle_seconds: float | None, smoke: bool,
    model_name: str, model_revision: str, params_b: float | None,
    active_params_b: float | None, precision: str | None, accelerator: str | None,
    batch_size: int | None, tracking_mode: Any, measure_power_secs: float | None,
    sign_key: str | None, output: str, force: bool, quiet: bool, command: tuple[str, ...],
) -> None:
    """Measure energy per request on one target and write a sealed record.

    Targets: --endpoint URL (with --api), --callable MODULE:FUNCTION, or a command
    after `--` measured for its whole run. Energy is measured on this machine, which
    must be the serving host.
    """
    needs_extra("bench run", "harness", "codecarbon")
    inputs = [p for p in (workload, sign_key) if p is not None]
    # before minutes of measurement; an existing (signed) record needs --force
    check_writable(output, inputs=inputs, overwrite=force)
    progress = _renderer(quiet)
    try:
        record = bench_run(
            endpoint=endpoint, api=api, callable_spec=callable_spec, command=command,
            workload=workload, model_name=model_name, model_revision=model_revision,
            total_params_b=params_b, active_params_b=active_params_b, precision=precision,
            accelerator=accelerator, batch_size=batch_size, concurrency=concurrency,
            windows=windows, window_s=window_seconds, warmup_s=warmup_seconds,
            idle_s=idle_seconds, smoke=smoke, sign_key=sign_key,
            tracking_mode=tracking_mode, measure_power_secs=measure_power_secs,
            progress=progress,
        )
    finally:
        if progress is not None and sys.stderr.isatty():
            click.echo("", err=True)  # end the live status line before any message
    write_output(output, record.file_text(), inputs=inputs, overwrite=force)
    if not quiet:
        res = record.results
        click.echo(f"wrote {output}", err=True)
        click.echo(f"  record sha256          {record.sha256()}", err=True)
        click.echo(f"  energy per request     {res.per_request_wh.mean:.6g} Wh "
                   f"(net of idle {res.net_per_request_wh.mean:.6g} Wh)", err=True)
        methods = ", ".join(f"{k} {v}" for k, v in sorted(record.measurement.methods.items()))
        click.echo(f"  methods                {methods} "
                   f"({record.measurement.quality})", err=True)
        click.echo(f"  valid for procurement  {'yes' if record.valid_for_procurement else 'no'}",
                   err=True)


_STATUS_FR = {"pass": "ok", "warn": "attention", "fail": "échec"}


@bench.command()
@click.argument("record", type=click.Path(dir_okay=False))
@click.option("--public-key", metavar="KEY",
              help="Vendor's public key (file from `bench keygen`, or 64 hex characters); "
              "the record must be signed with it.")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the output.")
@click.option("--registry-url", metavar="URL", envvar="IA_EMPREINTE_REGISTRY_URL",
              help="Registry to ask who holds the signing key [$IA_EMPREINTE_REGISTRY_URL, "
              "else ia-empreinte-registry.sqlite when present].")
@click.option("--deadline", type=click.DateTime(["%Y-%m-%d"]),
              help="Tender deadline: say whether the key was registered before it.")
def verify(record: str, public_key: str | None, lang: str, registry_url: str | None,
           deadline: Any) -> None:
    """Check a record: schema, hash, canonical form, signature and plausibility rules.

    Ends with a verdict a buyer can read: valid for the tender or not, and why, and
    what the signature proves (that the record was not changed, not who measured,
    unless the registry of keys says whose key it is: the organisation it is
    registered to and the date, or "unknown key").
    Exit code 2 naming the failed rule when a check fails.
    """
    rec, checks = verify_record(record, public_key=public_key)
    fr = lang == "fr"
    for check in checks:
        if fr:
            status = _STATUS_FR[check.status]
            rule = RULE_LABELS_FR.get(check.rule, check.rule)
            click.echo(f"{status:<9}  {rule:<26} {check.text('fr')}")
        else:
            click.echo(f"{check.status:<4}  {check.rule:<20} {check.detail}")
    click.echo(f"{record} : SHA-256 {rec.sha256()}" if fr else f"{record}: sha256 {rec.sha256()}")
    sig = rec.integrity.signature if rec.integrity else None
    held = None
    if sig is not None:  # who holds the key, as the registry knows it
        held = key_verdict(sig.key_fingerprint, url=registry_url,
                           deadline=deadline.date() if deadline else None)
        if held is not None:
            click.echo(f"{'clé' if fr else 'key'}   {held.sentence(lang)}")
    for line in buyer_verdict(rec, checks, key_given=public_key is not None,
                              held=held).lines(lang):
        click.echo(line)


def buyer_verdict(rec: Any, checks: Any, *, key_given: bool, held: Any = None) -> Verdict:
    """The verdict of ``bench verify``; ``held`` is the registry's answer on the signing
    key (the holder named when the key is registered and not revoked)."""
    holder = None
    if held is not None and held.key is not None and held.key.revoked_on is None:
        holder = f"{held.key.organisation} ({held.key.registered_on.isoformat()})"
    return record_verdict(rec, checks, key_given=key_given,
                          signer=None if holder is None else (lambda _fp: holder))


@bench.command()
@click.argument("prefix", type=click.Path(dir_okay=False))
def keygen(prefix: str) -> None:
    """Create an Ed25519 key pair PREFIX.key (keep it secret) and PREFIX.pub (publish it)."""
    private, public, fingerprint = bench_keygen(prefix)
    click.echo(f"private key {private} (keep secret)\npublic key  {public}\n"
               f"fingerprint {fingerprint}")


@bench.command()
@click.argument("record", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["boamps"]), default="boamps",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write (default: standard output).")
def export(record: str, fmt: Any, output: str | None) -> None:
    """Export a record (integrity checked) to another format: Boavizta's BoAmps."""
    text = bench_export(record, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text, inputs=(record,))
