"""Verifying benchmark records: integrity, signature, plausibility (values, no file access).

Reading a record file is the input layer's work (:mod:`ia_empreinte.inputs.records`).

Plausibility rules (see :func:`check_plausibility`) adapt the result checks of the
ML.ENERGY Benchmark (J.-W. Chung et al., 2025, https://arxiv.org/abs/2505.06371;
``scripts/validate_results.py`` in https://github.com/ml-energy/benchmark), the MLPerf
Inference power rules (MLCommons, https://github.com/mlcommons/inference_policies,
``power_measurement.adoc``) and what CodeCarbon 3.3 measures and models (mlco2/codecarbon,
https://github.com/mlco2/codecarbon, ``docs/explanation/methodology.md``).
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Sequence
from typing import Any

from ia_empreinte import catalog
from ia_empreinte.errors import CatalogError, RecordError
from ia_empreinte.kinds import kind_mismatch
from ia_empreinte.parsing import parse_model
from ia_empreinte.records.schema import (
    CI_WARNING,
    IDENTITY_TOLERANCE,
    IDLE_DRIFT_WARNING,
    MAX_POWER_MARGIN,
    MIN_WINDOW_S,
    MIN_WINDOWS,
    RECORD_SCHEMA,
    BenchmarkRecord,
    Check,
    Signature,
)
from ia_empreinte.records.sealing import canonical_bytes, record_file_text, record_sha256
from ia_empreinte.records.stats import derive_results
from ia_empreinte.uncertainty import central
from ia_empreinte.units import J_PER_WH, decimal_comma

__all__ = [
    "ECOLOGITS_FIT",
    "check_integrity",
    "check_plausibility",
    "check_signer",
    "derived_validity",
    "failed_check",
    "parse_record",
    "reference_check",
    "verify_signature",
]


def parse_record(data: dict[str, Any], file: str) -> BenchmarkRecord:
    """Validate a decoded record document (schema and fields; not its integrity).

    Raises:
        RecordError: not a benchmark record, or an invalid field.
    """
    if data.get("schema") != RECORD_SCHEMA:
        mismatch = kind_mismatch(data, "record")
        if mismatch is not None:
            raise RecordError(mismatch, file=file)
        raise RecordError(
            f"not a benchmark record: expected \"schema\": \"{RECORD_SCHEMA}\"",
            file=file, location=("schema",),
        )
    return parse_model(BenchmarkRecord, data, file=file, error=RecordError)


def check_integrity(record: BenchmarkRecord, name: str, *, text: str | None = None) -> None:
    """Check the record's integrity block: sealed, hash, canonical form, signature.

    Args:
        record: the record.
        name: the record's file (or key in a request), for messages.
        text: the exact text the record was read from, checked to be the canonical
            file form; None for a record that did not come from a file.

    Raises:
        RecordError: the failed rule (``hash``, ``canonical-form``, ``signature``).
    """
    if record.integrity is None:
        raise RecordError("no integrity block: the record was not sealed", file=name)
    actual = record_sha256(record)
    if actual != record.integrity.record_sha256:
        raise RecordError(
            f"rule 'hash': content hash {actual} differs from integrity.record_sha256 "
            f"{record.integrity.record_sha256}: the record was altered",
            file=name,
        )
    if text is not None and text != record_file_text(record):
        raise RecordError(
            "rule 'canonical-form': the file is not in canonical form (sorted keys, "
            "one-space indent, final newline): the record was altered",
            file=name,
        )
    signature = record.integrity.signature
    if signature is not None and not verify_signature(signature, canonical_bytes(record)):
        raise RecordError(
            "rule 'signature': the Ed25519 signature does not match the content",
            file=name,
        )


def check_signer(record: BenchmarkRecord, public_key_hex: str, name: str) -> None:
    """Require the record to be signed with ``public_key_hex`` (64 hex characters).

    Raises:
        RecordError: unsigned, or signed with another key (its fingerprint is named).
    """
    sig = record.integrity.signature if record.integrity else None
    if sig is None:
        raise RecordError("rule 'signature': the record is not signed", file=name)
    if sig.public_key != public_key_hex:
        raise RecordError(
            "rule 'signature': signed with another key "
            f"(fingerprint {sig.key_fingerprint[:16]}...)",
            file=name,
        )


def failed_check(checks: list[Check]) -> Check | None:
    """The first failed check, if any."""
    return next((c for c in checks if c.status == "fail"), None)


def derived_validity(record: BenchmarkRecord, checks: Sequence[Check]) -> bool:
    """Whether a record may score an offer, derived from its checks, never from its claim.

    False for a smoke run, a record where no component is measured by a counter
    (``measurement.quality == "estimate"``), and a record with a failed check, among
    ``checks`` (the plausibility rules run now) or the harness's own (``record.checks``:
    they can only lower the validity, never raise it). The harness decides the same way
    when it writes ``valid_for_procurement``.
    """
    return (
        not record.protocol.smoke
        and record.measurement.quality != "estimate"
        and all(c.status != "fail" for c in (*checks, *record.checks))
    )


def check_plausibility(
    record: BenchmarkRecord,
    *,
    max_accelerator_power_w: float | None = None,
) -> list[Check]:
    """Run the plausibility rules on a record (their sources: the module docstring).

    Rules: ``window-length`` (>= 60 s, or smoke), ``window-count`` (>= 3, or smoke),
    ``power-range`` (average power between the idle power and 1.1 x the maximum power
    of the declared accelerators plus the host), ``energy-identity`` (energy per
    output token = average power / output token throughput within 5 %),
    ``results-recomputed`` (stored results equal the ones recomputed from the
    windows), and warnings: ``idle-drift`` (> 10 %), ``ci-width`` (> 5 %),
    ``modelled-components``, ``smoke``, ``exclusive-host`` (load average before the run)
    and ``reference-curve`` (see :func:`reference_check`).

    Args:
        record: the record.
        max_accelerator_power_w: overrides the catalog's maximum power of
            ``hardware.accelerator`` (for tests).
    """
    checks: list[Check] = []
    proto = record.protocol
    shortest = min(w.duration_s for w in record.windows)
    if proto.smoke:
        checks.append(Check.of("smoke", "warn", "smoke run: not valid for procurement",
                               "relevé d'essai : non valable pour un marché"))
    if shortest < MIN_WINDOW_S and not proto.smoke:
        checks.append(Check.of(
            "window-length", "fail", f"shortest window {shortest:.1f} s < {MIN_WINDOW_S:.0f} s",
            f"fenêtre la plus courte {decimal_comma(f'{shortest:.1f}')} s < {MIN_WINDOW_S:.0f} s"))
    else:
        checks.append(Check.of("window-length", "pass", f"shortest window {shortest:.1f} s",
                               f"fenêtre la plus courte {decimal_comma(f'{shortest:.1f}')} s"))
    n = len(record.windows)
    if n < MIN_WINDOWS and not proto.smoke:
        checks.append(Check.of("window-count", "fail", f"{n} windows < {MIN_WINDOWS}",
                               f"{n} fenêtres < {MIN_WINDOWS}"))
    else:
        checks.append(Check.of("window-count", "pass", f"{n} windows", f"{n} fenêtres"))

    res = record.results
    expected = derive_results(record.windows, record.idle)
    same = _close(expected.model_dump(), res.model_dump())
    checks.append(Check.of(
        "results-recomputed", "pass" if same else "fail",
        "results match the windows" if same
        else "stored results differ from those recomputed from the windows",
        "les résultats concordent avec les fenêtres" if same
        else "les résultats enregistrés diffèrent de ceux recalculés à partir des fenêtres",
    ))

    idle_w = res.idle_power_w
    hw_max = _max_power_w(record, max_accelerator_power_w)
    low_ok = res.avg_power_w >= idle_w * (1 - IDENTITY_TOLERANCE)
    high_ok = hw_max is None or res.avg_power_w <= MAX_POWER_MARGIN * hw_max
    bound = f"{MAX_POWER_MARGIN} x {hw_max:.1f} W" if hw_max is not None else "no declared max"
    bound_fr = (f"max {decimal_comma(f'{MAX_POWER_MARGIN} x {hw_max:.1f}')} W" if hw_max is not None
                else "pas de maximum déclaré")
    checks.append(Check.of(
        "power-range", "pass" if low_ok and high_ok else "fail",
        f"average {res.avg_power_w:.2f} W, idle {idle_w:.2f} W, max {bound}",
        f"moyenne {decimal_comma(f'{res.avg_power_w:.2f}')} W, "
        f"repos {decimal_comma(f'{idle_w:.2f}')} W, {bound_fr}",
    ))

    if res.per_output_token_wh is not None and res.throughput_output_tokens_per_s > 0:
        identity_wh = res.avg_power_w / res.throughput_output_tokens_per_s / J_PER_WH
        rel = abs(res.per_output_token_wh.mean - identity_wh) / identity_wh
        checks.append(Check.of(
            "energy-identity", "pass" if rel <= IDENTITY_TOLERANCE else "fail",
            f"E/token {res.per_output_token_wh.mean:.3e} Wh vs P/throughput "
            f"{identity_wh:.3e} Wh ({rel * 100:.1f} %)",
            f"E/jeton {decimal_comma(f'{res.per_output_token_wh.mean:.3e}')} Wh contre P/débit "
            f"{decimal_comma(f'{identity_wh:.3e}')} Wh ({decimal_comma(f'{rel * 100:.1f}')} %)",
        ))

    pre = [i.power_w for i in record.idle if i.phase == "pre"]
    post = [i.power_w for i in record.idle if i.phase == "post"]
    if pre and post and min(pre) > 0:
        drift = abs(sum(post) / len(post) - sum(pre) / len(pre)) / (sum(pre) / len(pre))
        checks.append(Check.of(
            "idle-drift", "warn" if drift > IDLE_DRIFT_WARNING else "pass",
            f"post vs pre idle power {drift * 100:.1f} %",
            f"puissance au repos après contre avant {decimal_comma(f'{drift * 100:.1f}')} %",
        ))
    rel_ci = res.per_request_wh.rel_ci95
    checks.append(Check.of(
        "ci-width", "warn" if rel_ci > CI_WARNING else "pass",
        f"95 % CI half-width {rel_ci * 100:.1f} % of the mean",
        f"demi-largeur de l'IC à 95 % : {decimal_comma(f'{rel_ci * 100:.1f}')} % de la moyenne",
    ))
    modelled = sorted(c for c, m in record.measurement.methods.items() if m == "modelled")
    if modelled:
        checks.append(Check.of(
            "modelled-components", "warn",
            f"{', '.join(modelled)} modelled by CodeCarbon, not measured",
            f"{', '.join(modelled)} : "
            + ("modélisés par CodeCarbon, non mesurés" if len(modelled) > 1
               else "modélisé par CodeCarbon, non mesuré"),
        ))
    pairs = [(w.nvml_energy_j, w.energy.accelerators_j) for w in record.windows
             if w.nvml_energy_j is not None and w.energy.accelerators_j]
    if pairs:
        worst = max(abs(n - a) / a for n, a in pairs if a)
        checks.append(Check.of(
            "nvml-cross-check", "warn" if worst > NVML_TOLERANCE else "pass",
            f"CodeCarbon vs direct NVML counter: largest gap {worst * 100:.1f} %",
            f"CodeCarbon contre compteur NVML direct : plus grand écart "
            f"{decimal_comma(f'{worst * 100:.1f}')} %",
        ))
    load = record.preflight.load_average_1m
    if load is not None:
        per_cpu = load / record.hardware.cpu_count
        busy = per_cpu > EXCLUSIVE_LOAD_PER_CPU and record.measurement.settings.get(
            "tracking_mode", "machine") == "machine"
        cpus = record.hardware.cpu_count
        checks.append(Check.of(
            "exclusive-host", "warn" if busy else "pass",
            f"load average {load:.2f} on {cpus} CPUs before the run"
            + (": other work may be in the machine-wide figures" if busy else ""),
            f"charge moyenne {decimal_comma(f'{load:.2f}')} sur {cpus} processeurs avant la mesure"
            + (" : d'autres travaux peuvent figurer dans les chiffres de la machine entière"
               if busy else ""),
        ))
    reference = reference_check(record)
    if reference is not None:
        checks.append(reference)
    return checks


NVML_TOLERANCE = 0.02
"""CodeCarbon's GPU energy vs a direct NVML counter read: flag gaps above 2 % (our
threshold; CodeCarbon 3.3 reads the same NVML counter, https://github.com/mlco2/codecarbon)."""
EXCLUSIVE_LOAD_PER_CPU = 0.25
"""Load average per CPU above which a machine-wide measurement is flagged as shared."""

ECOLOGITS_FIT = (1.17e-6, -1.12e-2, 4.05e-5)
"""(alpha, beta, gamma) of EcoLogits' fit of GPU energy per output token on ML.ENERGY H100
data: ``f_E(P, B) = alpha x exp(beta x B) x P_active_b + gamma`` Wh (EcoLogits
``docs/methodology/llm_inference.md``, https://github.com/mlco2/ecologits, commit 5be90da,
2025). Used only for a warning: the fit itself is off
by about x2.6 at batch 8."""
REFERENCE_ENVELOPE = (1 / 3, 3.0)
"""Accepted ratio measured / reference: a warning outside x1/3 to x3 (our choice)."""


def reference_check(record: BenchmarkRecord) -> Check | None:
    """Warn when accelerator energy per output token is outside x1/3..x3 of the reference.

    Reference: EcoLogits' curve ``f_E(P_active, B)`` (:data:`ECOLOGITS_FIT`) at the
    record's batch size (or concurrency). Applies to text generation with measured
    accelerator energy and declared active (or total) parameters; None otherwise.
    """
    params = record.model.active_params_b or record.model.total_params_b
    acc = [w.energy.accelerators_j for w in record.windows]
    out = sum(w.output_tokens for w in record.windows)
    if (record.task != "text-generation" or params is None or out == 0
            or any(a is None for a in acc)):
        return None
    batch = record.operating_point.batch_size or record.operating_point.concurrency
    alpha, beta, gamma = ECOLOGITS_FIT
    reference_wh = alpha * math.exp(beta * batch) * params + gamma
    measured_wh = sum(a or 0.0 for a in acc) / out / J_PER_WH
    ratio = measured_wh / reference_wh
    low, high = REFERENCE_ENVELOPE
    inside = low <= ratio <= high
    return Check.of(
        "reference-curve", "pass" if inside else "warn",
        f"accelerator energy per output token {measured_wh:.3e} Wh is x{ratio:.2f} "
        f"the EcoLogits reference {reference_wh:.3e} Wh ({params:g} B active, batch {batch})",
        f"énergie des accélérateurs par jeton produit {decimal_comma(f'{measured_wh:.3e}')} "
        f"Wh, soit x{decimal_comma(f'{ratio:.2f}')} la référence EcoLogits "
        f"{decimal_comma(f'{reference_wh:.3e}')} Wh ({decimal_comma(params)} Md actifs, "
        f"lot de {batch})",
    )


def _max_power_w(record: BenchmarkRecord, override: float | None) -> float | None:
    hw = record.hardware
    if override is not None:
        return override * max(hw.accelerator_count, 1)
    if hw.accelerator is None:
        return None

    try:
        acc = catalog.accelerator(hw.accelerator)
    except CatalogError:
        return None
    total = float(central(acc.max_power_w)) * max(hw.accelerator_count, 1)
    if record.measurement.scope == "server":
        # the host (CPU, RAM) is inside a server-scope record: bound it by its windows'
        # CPU + RAM average power, which the CodeCarbon models cap anyway
        host = sum((w.energy.cpu_j or 0.0) + (w.energy.ram_j or 0.0) for w in record.windows)
        total += host / sum(w.duration_s for w in record.windows)
    return total


def _close(a: Any, b: Any, rel: float = 1e-6) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-15)
    return bool(a == b)


def verify_signature(signature: Signature, message: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``message`` by its key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = bytes.fromhex(signature.public_key)
    if hashlib.sha256(public).hexdigest() != signature.key_fingerprint:
        return False
    try:
        value = base64.b64decode(signature.value, validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(value, message)
    except (InvalidSignature, ValueError):
        return False
    return True
