"""Score ``ia-empreinte estimate`` against published energy measurements, row by row.

Every row of the calibration CSV (default: the shipped second release,
``src/ia_empreinte/data/calibration/published_measurements_v2.csv``, 97 rows) that the
public file contract can describe becomes a usage profile and an offer (YAML written to
a temporary folder, fields: profile ``id``/``task``/``volume``/``request``; offer ``id``,
``model.total_params_b``/``active_params_b``/``precision``, ``deployment.accelerator``/
``accelerator_count``/``batch_size``/``zone``/``pue``), which the real CLI estimates:
``ia-empreinte estimate PROFILE OFFER --format json --draws 1000 --seed 42``. The
component at the row's boundary is compared with the published figure: accelerator
energy for GPU-only rows (the targets of the accelerator model), the whole chain for
wider boundaries (host, idle, PUE: plausibility checks only). Rows the contract cannot
describe are listed with the reason. Assumptions made to describe a row are printed.

Usage::

    python benchmarks/calibration/evaluate.py [CSV] [--rows 1,2,88] [--json OUT]
        [--contract today|full]

``--contract today`` (the default) writes only the fields of the file contract as it
stood before the serving stack was added (no ``deployment.serving_stack``): the mode in
which further published measurements are run. ``--contract full`` also declares the
row's serving stack when the source names it (vLLM, xDiT: ``optimised``; Hugging Face
transformers, PyTorch generate loop: ``generate-loop``).

Data (the CSV's ``citation`` column):

- The ML.ENERGY Benchmark / Leaderboard v3.0: Chung et al., "The ML.ENERGY Benchmark:
  Toward Automated Inference Energy Measurement and Optimization", NeurIPS 2025 Datasets
  and Benchmarks; data files of https://github.com/ml-energy/leaderboard (Dec 2025).
- ML.ENERGY Leaderboard v1.0 (July 2023), single-GPU Hugging Face / FastChat benchmark.
- Hugging Face AI Energy Score leaderboard, v1 (Feb 2025; Luccioni, Gamazaychikov et
  al.), https://huggingface.co/spaces/AIEnergyScore/Leaderboard; v2 update (Hugging Face
  and Salesforce, Dec 2025) as quoted in press coverage.
- Luccioni, Jernite, Strubell, "Power Hungry Processing: Watts Driving the Cost of AI
  Deployment?", ACM FAccT 2024, arXiv:2311.16863.
- Luccioni, Viguier, Ligozat, "Estimating the Carbon Footprint of BLOOM, a 176B Parameter
  Language Model", JMLR 24(253), 2023, arXiv:2211.02001.
- Elsworth et al. (Google), "Measuring the environmental impact of delivering AI at
  Google Scale", arXiv:2508.15734, 2025.
- Epoch AI (J. You), "How much energy does ChatGPT use?", Gradient Updates, Feb 2025.
- Jegham, Abdelatti, Elmoubarki, Hendawi, "How Hungry is AI? Benchmarking Energy, Water,
  and Carbon Footprint of LLM Inference", arXiv:2505.09598, 2025.
- "Energy Use of AI Inference: Efficiency Pathways and Test-Time Compute",
  arXiv:2509.20241, 2025.
- Mistral AI with Carbone 4 and ADEME, "Our contribution to a global environmental
  standard for AI" (LCA of Mistral Large 2), July 2025; Meta Llama 2 / 3 / 3.1 / 4 model
  cards (training emissions); Patterson et al., "Carbon Emissions and Large Neural
  Network Training", arXiv:2104.10350, 2021.

Parameter counts missing from the CSV are taken from the models' Hugging Face model
cards (``CARD_SIZES``; denoiser only for diffusion models, as in the ML.ENERGY rows).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
CSV = ROOT / "src" / "ia_empreinte" / "data" / "calibration" / "published_measurements_v2.csv"
DRAWS, SEED = 1000, 42
ASSUMED_INPUT_TOKENS = 400.0  # as benchmarks/calibration/fit.py for unpublished prompts
ASSUMED_BATCH = 64.0  # ML.ENERGY's "typical" operating point, for unstated production batches
CLIP_SECONDS = 7.4  # LibriSpeech test-clean mean utterance (5.4 h / 2,620), as tasks.toml
MEMORY_USABLE = 0.9  # vLLM's default gpu_memory_utilization, for the fewest GPUs that fit
CARD_SIZES: dict[str, float] = {
    "openai/whisper-tiny": 0.039, "openai/whisper-large-v3": 1.55,
    "distil-whisper/distil-large-v2": 0.756, "microsoft/resnet-50": 0.0256,
    "google/vit-base-patch16-224": 0.0864, "BAAI/bge-small-en-v1.5": 0.0334,
    "BAAI/bge-base-en-v1.5": 0.109, "Salesforce/SFR-Embedding-Mistral": 7.11,
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": 0.067,
    "deepset/deberta-v3-large-squad2": 0.435, "facebook/bart-large-cnn": 0.406,
    "distilbert/distilgpt2": 0.082, "stabilityai/sd-turbo": 0.865,
    "stabilityai/stable-diffusion-2-1": 0.865, "stabilityai/stable-diffusion-xl-base-1.0": 2.6,
    "DeepSeek-V3 (Azure host)": 671.0,
}
CARD_ACTIVE: dict[str, float] = {"DeepSeek-V3 (Azure host)": 37.0}
IMAGE_SIDE: dict[str, int] = {  # pipeline default resolution (model config sample_size x 8)
    "stabilityai/sd-turbo": 512, "stabilityai/stable-diffusion-2-1": 768,
    "stabilityai/stable-diffusion-xl-base-1.0": 1024,
}
ACCELERATORS = (("B200", "nvidia-b200"), ("H100", "nvidia-h100-sxm-80gb"),
                ("A100", "nvidia-a100-sxm-80gb"))
MEMORY_GB = {"nvidia-b200": 180.0, "nvidia-h100-sxm-80gb": 80.0, "nvidia-a100-sxm-80gb": 80.0}
BYTES = {"fp32": 4.0, "fp16": 2.0, "bf16": 2.0, "fp8": 1.0, "fp4": 0.5625}
OPTIMISED_STACKS = ("vllm", "tensorrt", "sglang", "tgi", "xdit")
GENERATE_LOOPS = ("hf transformers", "pytorch", "no continuous batching",
                  "ai energy score protocol", "optimum-benchmark")


class Undescribable(Exception):
    """The row cannot be written as a profile and an offer of today's file contract."""


class Band:
    """A published figure and the estimate's p05, p50, p95 (``published_wh``, ``p05``...)."""

    published_wh: float
    p05: float
    p50: float
    p95: float

    @property
    def ratio(self) -> float:
        return self.p50 / self.published_wh

    @property
    def inside(self) -> bool:
        """Inside p05-p95, up to float rounding (a zero-width band at a reference row)."""
        return self.p05 * (1 - 1e-9) <= self.published_wh <= self.p95 * (1 + 1e-9)


@dataclass
class Case(Band):
    row_id: str
    source: str
    model: str
    task: str
    accelerator: str
    count: int
    batch: float
    precision: str
    stack: str | None
    """Serving stack the source names (None: not stated)."""
    published_wh: float
    gpu_only_measured: bool
    components: list[str]
    profile: dict[str, Any]
    offer: dict[str, Any]
    assumptions: list[str] = field(default_factory=list)
    p05: float = math.nan
    p50: float = math.nan
    p95: float = math.nan


def leading_number(text: str) -> float | None:
    m = re.match(r"\s*~?(\d[\d.]*)", text)
    return float(m.group(1)) if m else None


def task_of(r: dict[str, str], c: dict[str, Any], notes: list[str]) -> str:
    """Contract task id and request fields (into ``c``) for the CSV's task text."""
    t = r["task"].lower()
    if "training" in t or "18 months" in t:
        raise Undescribable("training / life-cycle total, not a per-request figure")
    if "video" in t:
        raise Undescribable("text-to-video: no such task in the file contract")
    if "image" in t and ("generation" in t or "text-to-image" in t):
        side = re.search(r"(\d+)x(\d+)", r["task"])
        if side:
            c["image_width"], c["image_height"] = int(side.group(1)), int(side.group(2))
        elif r["model"] in IMAGE_SIDE:
            c["image_width"] = c["image_height"] = IMAGE_SIDE[r["model"]]
            notes.append("resolution: pipeline default")
        steps = re.search(r"(\d+) (?:denoising )?steps", r["serving_setup"])
        if steps:
            c["denoising_steps"] = int(steps.group(1))
        else:
            notes.append("denoising steps not published: engine default")
        c["images"] = 1
        return "image-generation"
    if "image classification" in t:
        c["images"] = 1
        return "image-classification"
    if "speech-to-text" in t:
        c["audio_seconds"] = CLIP_SECONDS
        notes.append(f"clip length {CLIP_SECONDS} s assumed")
        return "speech-to-text"
    n_in = leading_number(r["input_tokens"])
    if "embeddings" in t:
        assert n_in is not None
        c["input_tokens"] = 2 * n_in  # a similarity query embeds two sentences
        return "embeddings"
    if "classification" in t or "extractive qa" in t:
        assert n_in is not None
        c["input_tokens"] = n_in
        if "qa" in t:
            notes.append("extractive QA as text-classification (one encoder pass)")
        return "text-classification"
    n_out = leading_number(r["output_tokens"])
    if n_out is None:
        raise Undescribable(f"output length not published ({r['output_tokens'] or 'blank'})")
    if n_in is None:
        n_in = 100.0 if r["input_tokens"].startswith("short") else ASSUMED_INPUT_TOKENS
        notes.append(f"input {n_in:g} tokens assumed")
    c["input_tokens"], c["output_tokens"] = n_in, n_out
    return "text-generation"


def sizes(r: dict[str, str], notes: list[str]) -> tuple[float, float]:
    total_txt, active_txt = r["total_params_b"].strip(), r["active_params_b"].strip()
    if total_txt.startswith((">", "<")):
        raise Undescribable(f"model size only bounded ({total_txt})")
    total, active = leading_number(total_txt), leading_number(active_txt)
    if total is None and r["model"] in CARD_SIZES:
        total = CARD_SIZES[r["model"]]
        active = CARD_ACTIVE.get(r["model"], total)
        notes.append("size from model card")
    if total is None and active is None:
        raise Undescribable("model size not published")
    if total is None or active is None:
        notes.append("dense assumed (total = active)")
    total = total if total is not None else active
    active = active if active is not None else total
    assert total is not None and active is not None
    return total, active


def precision_of(r: dict[str, str], notes: list[str]) -> str:
    s = r["serving_setup"].lower()
    for word, p in (("fp4", "fp4"), ("fp8", "fp8"), ("bfloat16", "bf16"), ("bf16", "bf16"),
                    ("fp32", "fp32"), ("fp16", "fp16")):
        if word in s or word in r["model"].lower():
            return p
    notes.append("precision not stated: bf16/fp16 assumed")
    return "fp16" if "pytorch" in s else "bf16"


def hardware(r: dict[str, str], total: float, prec: str,
             notes: list[str]) -> tuple[str, int]:
    hw = r["hardware"]
    acc = next((cid for key, cid in ACCELERATORS if key in hw), None)
    if acc is None:
        raise Undescribable(f"accelerator not in the catalog ({hw or 'not stated'})")
    if any(w in hw for w in ("variant not stated", "inferred", "assumed")):
        notes.append(f"accelerator assumed {acc}")
    m = re.match(r"\s*(\d+)x", hw)
    if m:
        return acc, int(m.group(1))
    if "DGX" in r["serving_setup"]:
        notes.append("8 GPUs assumed (one DGX H100)")
        return acc, 8
    need = max(1, math.ceil(total * BYTES[prec] / (MEMORY_USABLE * MEMORY_GB[acc])))
    notes.append(f"{need} GPUs assumed (fewest that hold the weights)")
    return acc, need


def batch_of(r: dict[str, str], notes: list[str]) -> float:
    s = r["serving_setup"]
    m = re.search(r"avg batch ([\d.]+)", s) or re.search(r"batch(?: size)? (\d+)", s)
    if m:
        return float(m.group(1))
    notes.append(f"batch {ASSUMED_BATCH:g} assumed")
    return ASSUMED_BATCH


def stack_of(r: dict[str, str]) -> str | None:
    """The serving stack the source names, if any."""
    s = r["serving_setup"].lower()
    if any(w in s for w in GENERATE_LOOPS):
        return "generate-loop"
    if any(w in s for w in OPTIMISED_STACKS):
        return "optimised"
    return None


def components_of(scope: str) -> list[str]:
    if scope.startswith("GPU-only"):
        return ["accelerators"]
    if "GPU+CPU+RAM" in scope:
        return ["accelerators", "host", "idle"]
    if "PUE" in scope or "facility" in scope or "full serving stack" in scope:
        return ["total"]
    raise Undescribable(f"boundary not comparable with a component ({scope[:50]})")


def describe(r: dict[str, str], contract: str = "today") -> Case:
    """Profile and offer for one CSV row, or :class:`Undescribable`.

    ``contract``: ``today`` writes no serving stack; ``full`` declares the one the
    source names (text generation only)."""
    wh = leading_number(r["energy_wh_per_request"])
    if wh is None:
        raise Undescribable("no energy per request (training or aggregate figure)")
    if "aggregate" in r["model"]:
        raise Undescribable("aggregate over many models, no single model size")
    notes: list[str] = []
    request: dict[str, Any] = {}
    task = task_of(r, request, notes)
    total, active = sizes(r, notes)
    prec = precision_of(r, notes)
    acc, count = hardware(r, total, prec, notes)
    comps = components_of(r["scope"])
    batch = batch_of(r, notes)
    pue = re.search(r"PUE (\d\.\d+)", r["serving_setup"] + " " + r["scope"])
    deployment: dict[str, Any] = {"accelerator": acc, "accelerator_count": count,
                                  "batch_size": batch, "zone": "US"}
    if pue:
        deployment["pue"] = float(pue.group(1))
    stack = stack_of(r)
    if contract == "full" and stack is not None and task == "text-generation":
        deployment["serving_stack"] = stack
    profile = {"id": f"row-{r['row_id']}", "task": task, "request": request,
               "volume": {"requests_per_day": 100_000, "days_per_year": 365},
               "contract_years": 1}
    offer = {"id": f"row-{r['row_id']}", "model": {"total_params_b": total,
             "active_params_b": active, "precision": prec}, "deployment": deployment}
    return Case(r["row_id"], r["source"], r["model"].split("/")[-1], task, acc, count, batch,
                prec, stack, wh, r["scope"].startswith("GPU-only")
                and r["data_type"].startswith("measured"), comps, profile, offer, notes)


def cli() -> list[str]:
    exe = shutil.which("ia-empreinte", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "ia_empreinte_cli"]


def estimate(case: Case, folder: Path) -> None:
    """Run the CLI on the row's files and keep the quantiles of its boundary."""
    prof, off = folder / f"{case.row_id}-profile.yaml", folder / f"{case.row_id}-offer.yaml"
    prof.write_text(yaml.safe_dump(case.profile, sort_keys=False), encoding="utf-8")
    off.write_text(yaml.safe_dump(case.offer, sort_keys=False), encoding="utf-8")
    proc = subprocess.run([*cli(), "estimate", str(prof), str(off), "--format", "json",
                           "--draws", str(DRAWS), "--seed", str(SEED)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise Undescribable(f"ia-empreinte refused it: {proc.stderr.strip()[:160]}")
    per = json.loads(proc.stdout)["per_request"]
    for q in ("p05", "p50", "p95"):
        value = (per["energy_wh"][q] if case.components == ["total"] else
                 sum(per["energy_wh_by_component"][c][q] for c in case.components))
        setattr(case, q, float(value))


def stats(cases: Sequence[Band]) -> dict[str, float]:
    err = np.abs(np.log10([c.ratio for c in cases]))
    return {"n": len(cases), "median_abs_log10": float(np.median(err)),
            "within_2x": float(np.mean(err <= math.log10(2))),
            "coverage_p05_p95": float(np.mean([c.inside for c in cases])),
            "median_p95_p05": float(np.median([c.p95 / c.p05 for c in cases]))}


def summaries(cases: list[Case]) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for title, subset in (("all described rows", cases),
                          ("GPU-only measured rows (targets)",
                           [c for c in cases if c.gpu_only_measured]),
                          ("wider-boundary rows (plausibility)",
                           [c for c in cases if not c.gpu_only_measured])):
        if not subset:
            continue
        groups: dict[str, dict[str, float]] = {}
        for key in ("source", "task"):
            for name in sorted({getattr(c, key) for c in subset}):
                groups[f"{key}: {name}"] = stats([c for c in subset if getattr(c, key) == name])
        groups["overall"] = stats(subset)
        out[title] = groups
    return out


def print_report(cases: list[Case], skipped: list[tuple[str, str, str, str]],
                 summary: dict[str, dict[str, dict[str, float]]]) -> None:
    print(f"{'row':>4} {'source':<30} {'model':<34} {'task':<20} {'hardware':<24} "
          f"{'batch':>7} {'pub Wh':>9} {'p05':>9} {'p50':>9} {'p95':>9} {'ratio':>6} in")
    for c in cases:
        print(f"{c.row_id:>4} {c.source[:30]:<30} {c.model[:34]:<34} {c.task:<20} "
              f"{c.count}x {c.accelerator[:21]:<21} {c.batch:>7.1f} {c.published_wh:>9.4g} "
              f"{c.p05:>9.4g} {c.p50:>9.4g} {c.p95:>9.4g} {c.ratio:>6.2f} "
              f"{'yes' if c.inside else 'NO'}{'' if c.gpu_only_measured else ' [wider]'}")
    print("\nAssumptions made to describe a row:")
    for c in cases:
        if c.assumptions:
            print(f"  {c.row_id:>4} {c.model[:34]:<34} {'; '.join(c.assumptions)}")
    print("\nRows the file contract cannot describe:")
    for row_id, source, model, reason in skipped:
        print(f"  {row_id:>4} {source[:30]:<30} {model[:40]:<40} {reason}")
    for title, groups in summary.items():
        print(f"\n== {title} ==")
        print(f"{'group':<48} {'n':>3} {'med|log10|':>10} {'within2x':>8} {'cover':>6} "
              f"{'p95/p05':>8}")
        for name, s in groups.items():
            print(f"{name[:48]:<48} {s['n']:>3.0f} {s['median_abs_log10']:>10.3f} "
                  f"{s['within_2x']:>8.0%} {s['coverage_p05_p95']:>6.0%} "
                  f"{s['median_p95_p05']:>8.2f}")
        if title.startswith("GPU-only"):
            judged = {k: v for k, v in groups.items()
                      if k == "overall" or (k.startswith("task:") and v["n"] >= 5)}
            fails = [k for k, v in judged.items() if v["median_abs_log10"] > 0.15]
            cover = groups["overall"]["coverage_p05_p95"]
            print(f"acceptance (median |log10| <= 0.15 for tasks with n >= 5 and overall; "
                  f"coverage >= 80 %; aim p95/p05 <= 4): "
                  f"{'fails on ' + ', '.join(fails) if fails else 'median met'}; coverage "
                  f"{cover:.0%} {'met' if cover >= 0.8 else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", nargs="?", type=Path, default=CSV)
    parser.add_argument("--rows", help="comma-separated row_id values to keep")
    parser.add_argument("--json", type=Path, help="write rows, skipped rows and summaries")
    parser.add_argument("--contract", choices=("today", "full"), default="today",
                        help="today: the file contract without serving_stack (default); "
                        "full: declare the serving stack the source names")
    args = parser.parse_args(argv)
    with args.csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if args.rows:
        keep = set(args.rows.split(","))
        rows = [r for r in rows if r["row_id"] in keep]
    cases: list[Case] = []
    skipped: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for r in rows:
            try:
                case = describe(r, args.contract)
                estimate(case, Path(tmp))
                cases.append(case)
            except Undescribable as exc:
                skipped.append((r["row_id"], r["source"], r["model"], str(exc)))
    summary = summaries(cases)
    print(f"contract: {args.contract} ("
          + ("profile id/task/volume/request; offer id, model sizes and precision, "
             "deployment accelerator/count/batch/zone/pue: no serving stack"
             if args.contract == "today" else "with deployment.serving_stack where the "
             "source names it") + ")")
    print_report(cases, skipped, summary)
    if args.json:
        doc = {"csv": str(args.csv), "draws": DRAWS, "seed": SEED, "contract": args.contract,
               "rows": [{**{k: v for k, v in asdict(c).items() if k not in ("profile", "offer")},
                         "ratio": c.ratio, "inside": c.inside, "profile": c.profile,
                         "offer": c.offer} for c in cases],
               "skipped": [dict(zip(("row_id", "source", "model", "reason"), s, strict=True))
                           for s in skipped],
               "summary": summary}
        args.json.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
