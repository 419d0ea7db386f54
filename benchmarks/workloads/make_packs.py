"""Build the standard workload packs from the original CC0 texts in ``corpus_fr.py``.

Run ``python benchmarks/workloads/make_packs.py`` to regenerate the four packs and
``SHA256SUMS``; the output is identical from run to run (fixed seed, sorted keys).

Packs (all French, lengths varied on purpose so that the per-token fit is possible):

* ``chat-fr``: short user questions, 32 to 256 output tokens;
* ``summarisation-fr``: 4 to 12 paragraphs to summarise (long inputs);
* ``rag-fr``: 5 to 10 retrieved paragraphs as context and a short question (short answer);
* ``embeddings-fr``: 1 to 4 sentences per input.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus_fr import CHAT_PROMPTS, PARAGRAPHS, QUESTIONS  # noqa: E402

SEED = 20261125
VERSION = "1.0.0"
LICENCE = "CC0-1.0 (original texts written for ia-empreinte; see corpus_fr.py)"


def _sentences() -> list[str]:
    out: list[str] = []
    for p in PARAGRAPHS:
        out.extend(s.strip() for s in re.split(r"(?<=[.;:])\s+", p) if len(s.strip()) > 20)
    return out


def chat(rng: random.Random) -> dict[str, Any]:
    prompts = list(CHAT_PROMPTS)
    rng.shuffle(prompts)
    items = [
        {"id": f"chat-{i:03d}", "text": p, "max_output_tokens": rng.choice([32, 64, 128, 256])}
        for i, p in enumerate(prompts)
    ]
    return {
        "pack_id": "chat-fr", "task": "text-generation", "api": "chat",
        "description": "French chat about local public services: short prompts, "
        "32 to 256 output tokens.",
        "max_output_tokens": 256, "warmup": items[:6], "requests": items[6:],
    }


def summarisation(rng: random.Random) -> dict[str, Any]:
    items = []
    seen: set[str] = set()
    while len(items) < 45:
        k = rng.randint(4, 12)
        text = "\n\n".join(rng.sample(PARAGRAPHS, k))
        if text in seen:
            continue
        seen.add(text)
        items.append({
            "id": f"sum-{len(items):03d}",
            "system": "Résumez le texte suivant en trois phrases, en français simple.",
            "text": text,
            "max_output_tokens": rng.choice([96, 128, 160]),
        })
    return {
        "pack_id": "summarisation-fr", "task": "text-generation", "api": "chat",
        "description": "Summarise 4 to 12 paragraphs (long inputs, medium outputs).",
        "max_output_tokens": 160, "warmup": items[:5], "requests": items[5:],
    }


def rag(rng: random.Random) -> dict[str, Any]:
    items = []
    seen: set[str] = set()
    while len(items) < 45:
        k = rng.randint(5, 10)
        context = "\n\n".join(rng.sample(PARAGRAPHS, k))
        question = rng.choice(QUESTIONS)
        if context + question in seen:
            continue
        seen.add(context + question)
        items.append({
            "id": f"rag-{len(items):03d}",
            "system": "Répondez en une ou deux phrases, uniquement à partir du contexte.\n\n"
            "Contexte :\n" + context,
            "text": question,
            "max_output_tokens": rng.choice([16, 32, 48]),
        })
    return {
        "pack_id": "rag-fr", "task": "text-generation", "api": "chat",
        "description": "RAG-like: 5 to 10 retrieved paragraphs of context, a short "
        "question, a short answer.",
        "max_output_tokens": 48, "warmup": items[:5], "requests": items[5:],
    }


def embeddings(rng: random.Random) -> dict[str, Any]:
    sentences = _sentences()
    items = []
    seen: set[str] = set()
    while len(items) < 90:
        k = rng.randint(1, 4)
        start = rng.randrange(0, len(sentences) - k)
        text = " ".join(sentences[start : start + k])
        if text in seen:
            continue
        seen.add(text)
        items.append({"id": f"emb-{len(items):03d}", "text": text})
    return {
        "pack_id": "embeddings-fr", "task": "embeddings", "api": "embeddings",
        "description": "Embed 1 to 4 consecutive sentences.",
        "warmup": items[:10], "requests": items[10:],
    }


def main() -> None:
    sums = []
    for build in (chat, summarisation, rag, embeddings):
        rng = random.Random(f"{SEED}-{build.__name__}")
        pack = build(rng)
        pack.update(schema="ia-empreinte/workload/1", pack_version=VERSION, seed=SEED,
                    licence=LICENCE)
        text = json.dumps(pack, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        path = HERE / f"{pack['pack_id']}.json"
        path.write_text(text, encoding="utf-8")
        sums.append(f"{hashlib.sha256(text.encode()).hexdigest()}  {path.name}\n")
    (HERE / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")


if __name__ == "__main__":
    main()
