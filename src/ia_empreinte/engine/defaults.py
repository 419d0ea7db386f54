"""Published conservative defaults for the offer fields a vendor does not declare.

Equal treatment of bidders: an undeclared field must never make an offer cheaper than
the same offer declaring any plausible value of that field. Each rule of
``data/undeclared.toml`` therefore takes the unfavourable end of a cited range (high
PUE and WUE of the data-centre class, the highest grid factor of the catalog, the
shortest hardware lifetime, the fewest accelerators per server, 16-bit weights, batch
1). :func:`offer_defaults` lists, per offer, the fields so defaulted with their value,
rule and source; the engine applies the same rules (:mod:`.sites`).

A field is "undeclared" when its value in the offer is absent (``None``), or for
``datacenter`` the class ``unknown``; ``batch_size`` 1 is listed because it is both
the default and the conservative value (a declared 1 and an absent batch read alike
once an offer is written back to JSON).
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ia_empreinte import catalog
from ia_empreinte.engine import reference
from ia_empreinte.offers import Deployment, ModelSpec, Offer
from ia_empreinte.results import DefaultedField
from ia_empreinte.uncertainty import Quantity, central

__all__ = [
    "GRID_FACTORS",
    "Rule",
    "lower",
    "offer_defaults",
    "reference_server",
    "rule",
    "upper",
    "worst_grid_factor",
]

GRID_FACTORS = ("gwp_kgco2e_per_kwh", "water_l_per_kwh", "pe_mj_per_kwh",
                "adpe_kgsbeq_per_kwh")
"""Per-kWh factors of a zone, each defaulted to its highest catalog value."""

LLM_TASK = "text-generation"
"""The task estimated by the text-generation model (the others by reference energies)."""

_Z95 = 1.6448536269514722  # standard normal 95th percentile


@dataclass(frozen=True)
class Rule:
    """One published default rule of ``data/undeclared.toml``."""

    code: str
    field: str
    en: str
    fr: str
    source: str
    year: int


@functools.cache
def _rules() -> dict[str, Rule]:
    data = resources.files("ia_empreinte").joinpath("data", "undeclared.toml").read_bytes()
    raw: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
    return {code: Rule(code=code, field=str(r["field"]), en=str(r["en"]), fr=str(r["fr"]),
                       source=str(r["source"]), year=int(r["year"]))
            for code, r in raw["rule"].items()}


def rule(code: str) -> Rule:
    """The published default rule ``code``."""
    return _rules()[code]


def upper(q: Quantity) -> float:
    """The high end of a quantity: its upper bound, or its 95th percentile when the
    distribution is unbounded (lognormal, normal)."""
    if isinstance(q, int | float):
        return float(q)
    d = q.model_dump()
    if d["dist"] == "lognormal":
        return float(d["p50"] * d["gsd"] ** _Z95)
    if d["dist"] == "normal":
        return float(d["mean"] + _Z95 * d["sd"])
    return float(q.support()[1])


def lower(q: Quantity) -> float:
    """The low end of a quantity: its lower bound, or its 5th percentile when the
    distribution is unbounded."""
    if isinstance(q, int | float):
        return float(q)
    d = q.model_dump()
    if d["dist"] == "lognormal":
        return float(d["p50"] / d["gsd"] ** _Z95)
    if d["dist"] == "normal":
        return float(d["mean"] - _Z95 * d["sd"])
    lo = float(q.support()[0])
    return lo if math.isfinite(lo) else central(q)


@functools.cache
def worst_grid_factor(name: str) -> tuple[float, str]:
    """The highest value (upper end) of the per-kWh factor ``name`` over every catalog
    zone, and the zone it comes from."""
    best = (-1.0, "")
    for z in catalog.zones():
        f = getattr(z, name)
        if f is not None and upper(f.value) > best[0]:
            best = (upper(f.value), z.id)
    return best


def reference_server(acc: catalog.Accelerator) -> str:
    """The host server class of ``acc`` when the offer names none."""
    if acc.server is not None:
        return acc.server
    return "cpu-server-2s" if acc.kind == "cpu" else "gpu-server-8x"


def _entry(field: str, value: str, code: str) -> DefaultedField:
    r = rule(code)
    return DefaultedField(field=field, value=value, rule=code, rule_en=r.en, rule_fr=r.fr,
                          source=f"{r.source} ({r.year})")


def deployment_defaults(
    dep: Deployment, prefix: str = "", task: str | None = None
) -> list[DefaultedField]:
    """The defaulted fields of one deployment, ``prefix`` naming where it sits and
    ``task`` the task it serves (None: any)."""
    out: list[DefaultedField] = []
    p = f"{prefix}deployment."
    dc = catalog.datacenter(dep.datacenter)
    if dep.datacenter == "unknown":
        out.append(_entry(p + "datacenter", "unknown", "datacenter-unknown"))
    if dep.pue is None:
        out.append(_entry(p + "pue", f"{upper(dc.pue):g}", "pue-class-high"))
    if dep.wue_l_per_kwh is None:
        out.append(_entry(p + "wue_l_per_kwh", f"{upper(dc.wue_l_per_kwh):g}",
                          "wue-class-high"))
    if dep.zone is None:
        parts = []
        for name, unit in (("gwp_kgco2e_per_kwh", "kgCO2e/kWh"), ("water_l_per_kwh", "L/kWh"),
                           ("pe_mj_per_kwh", "MJ/kWh"), ("adpe_kgsbeq_per_kwh", "kgSbeq/kWh")):
            v, z = worst_grid_factor(name)
            parts.append(f"{v:.4g} {unit} ({z})")
        out.append(_entry(p + "zone", "; ".join(parts), "zone-highest-factor"))
    acc = catalog.accelerator(dep.accelerator)
    if dep.server is None:
        sv = catalog.server(reference_server(acc))
        out.append(_entry(p + "server", f"{sv.id} ({sv.accelerator_slots})",
                          "server-reference-fewest"))
    else:
        sv = catalog.server(dep.server)
    if dep.hardware_lifetime_years is None:
        out.append(_entry(p + "hardware_lifetime_years", f"{lower(sv.lifetime_years):g}",
                          "lifetime-server-low"))
    if isinstance(dep.batch_size, int | float) and dep.batch_size == 1:
        out.append(_entry(p + "batch_size", "1", "batch-one"))
    if task == LLM_TASK and dep.serving_stack in (None, "unknown"):
        out.append(_entry(p + "serving_stack", "unknown", "serving-stack-both"))
    return out


def model_defaults(
    model: ModelSpec, prefix: str = "", task: str | None = None
) -> list[DefaultedField]:
    """The defaulted fields of one model specification serving ``task`` (None: any)."""
    out: list[DefaultedField] = []
    p = f"{prefix}model."
    classes = (reference.task_reference(task).classes
               if task is not None and task != LLM_TASK else [])
    if model.precision is None:
        if model.id is None and any(c.precision_sensitive for c in classes):
            # as the engine: the costliest precision measured (engine/chain.py)
            out.append(_entry(p + "precision", "fp32", "precision-fp32-task"))
        elif not classes or any(c.precision_sensitive for c in classes):
            _, _, precision = model.resolved()
            code = "precision-catalog" if model.id is not None else "precision-16bit"
            out.append(_entry(p + "precision", precision, code))
    if task == LLM_TASK and model.reasoning_tokens is None:
        tokens, origin = model.resolved_reasoning_tokens()
        if origin == "catalog":
            out.append(_entry(p + "reasoning_tokens", _shown(tokens), "reasoning-catalog-class"))
        else:
            out.append(_entry(p + "reasoning_tokens", "0", "reasoning-none"))
    if model.architecture is None and len({a for c in classes for a in c.architectures}) > 1:
        out.append(_entry(p + "architecture", "—", "architecture-costliest"))
    return out


def _shown(q: Quantity) -> str:
    if isinstance(q, int | float):
        return f"{q:g}"
    return f"{central(q):g} ({q.model_dump()['dist']})"


def offer_defaults(offer: Offer, tasks: Sequence[str] | None = None) -> list[DefaultedField]:
    """Every field ``offer`` leaves undeclared and the published default used for it,
    main deployment first, then each component in order.

    With ``tasks`` (the profile's), only the model and deployment serving those tasks,
    and the rules that depend on the task (serving stack and reasoning tokens for text
    generation; architecture and 32-bit precision for other tasks)."""
    if tasks is None:
        out = [*model_defaults(offer.model), *deployment_defaults(offer.deployment)]
        for j, comp in enumerate(offer.components):
            prefix = f"components[{j}]."
            out += [*model_defaults(comp.model, prefix),
                    *deployment_defaults(comp.deployment, prefix)]
        return out
    served: list[tuple[int, str]] = []  # (-1 main or component index, task)
    for task in dict.fromkeys(tasks):
        index = next((j for j, c in enumerate(offer.components) if c.task == task), -1)
        served.append((index, task))
    out = []
    seen: set[str] = set()
    for index, task in sorted(served, key=lambda s: s[0]):
        if index < 0:
            model, dep, prefix = offer.model, offer.deployment, ""
        else:
            comp = offer.components[index]
            model, dep, prefix = comp.model, comp.deployment, f"components[{index}]."
        for entry in (*model_defaults(model, prefix, task),
                      *deployment_defaults(dep, prefix, task)):
            if entry.field not in seen:
                seen.add(entry.field)
                out.append(entry)
    return out
