"""A small real language model in numpy, trained here on the shipped CC0 French texts.

It exists so that the harness can be tried and tested end to end without downloading
weights: a word-level model whose embeddings come from a truncated SVD of the corpus'
positive pointwise mutual information (PPMI) matrix, a recurrent state updated through
``layers`` dense tanh layers per token (prefill cost grows with the input length), and
greedy decoding over ``embeddings @ state`` plus bigram log-probabilities (decode cost
grows with the output length). Generation stops at a full stop after a few words or at
``max_tokens``. It writes French-looking word salad; its compute profile (prefill +
decode, per-token cost) is what matters here.

``chat(request)`` and ``embed(request)`` are the in-process callables the harness
drives with ``--callable benchmarks/servers/tinylm.py:chat``.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
EOS = "."


def tokenize(text: str) -> list[str]:
    """Lower-cased words and punctuation marks."""
    return TOKEN.findall(text.lower())


class TinyLM:
    """PPMI-SVD embeddings + recurrent dense layers + bigram decoding.

    Args:
        texts: training texts.
        dim: embedding and state size.
        layers: dense layers applied per token.
        seed: seed of the layer weights.
    """

    def __init__(self, texts: list[str], *, dim: int = 192, layers: int = 4, seed: int = 7):
        corpus = [tokenize(t) for t in texts]
        vocab = sorted({w for doc in corpus for w in doc} | {EOS, "<unk>"})
        self.index = {w: i for i, w in enumerate(vocab)}
        self.vocab = vocab
        v = len(vocab)
        co = np.zeros((v, v))
        bigram = np.ones((v, v)) * 0.01
        for doc in corpus:
            ids = [self.index[w] for w in doc]
            for i, a in enumerate(ids):
                for b in ids[max(0, i - 4) : i]:
                    co[a, b] += 1.0
                    co[b, a] += 1.0
                if i + 1 < len(ids):
                    bigram[a, ids[i + 1]] += 1.0
        total = co.sum()
        row = co.sum(axis=1, keepdims=True) + 1e-9
        with np.errstate(divide="ignore"):
            pmi = np.log(co * total / (row @ row.T) + 1e-12)
        ppmi = np.maximum(pmi, 0.0)
        u, s, _ = np.linalg.svd(ppmi, full_matrices=False)
        k = min(dim, v)
        emb = u[:, :k] * np.sqrt(s[:k])
        if k < dim:
            emb = np.pad(emb, ((0, 0), (0, dim - k)))
        self.emb = emb / (np.linalg.norm(emb, axis=1, keepdims=True) + 1e-9)
        self.log_bigram = np.log(bigram / bigram.sum(axis=1, keepdims=True))
        rng = np.random.default_rng(seed)
        self.weights = [rng.normal(0, 1 / np.sqrt(dim), (dim, dim)) for _ in range(layers)]
        self.eos = self.index[EOS]

    def ids(self, text: str) -> list[int]:
        """Token ids of ``text`` (unknown words map to ``<unk>``)."""
        unk = self.index["<unk>"]
        return [self.index.get(w, unk) for w in tokenize(text)]

    def _step(self, state: np.ndarray, token: int) -> np.ndarray:
        h = 0.7 * state + self.emb[token]
        for w in self.weights:
            h = np.tanh(w @ h)
        return h  # type: ignore[no-any-return]

    def prefill(self, ids: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Run the prompt through the model: final state and per-token states."""
        state = np.zeros(self.emb.shape[1])
        states = []
        for t in ids:
            state = self._step(state, t)
            states.append(state)
        return state, states

    def generate(self, ids: list[int], max_tokens: int) -> list[int]:
        """Greedy decoding until a full stop after 4 words, or ``max_tokens``."""
        state, _ = self.prefill(ids)
        prev = ids[-1] if ids else self.eos
        out: list[int] = []
        seen = np.zeros(len(self.vocab))
        while len(out) < max_tokens:
            logits = self.emb @ state + self.log_bigram[prev] - 2.0 * seen
            token = int(np.argmax(logits))
            out.append(token)
            if token == self.eos and len(out) >= 4:
                break
            seen[token] += 1.0
            state = self._step(state, token)
            prev = token
        return out

    def embed(self, ids: list[int]) -> np.ndarray:
        """Mean of the contextual states, L2-normalised."""
        _, states = self.prefill(ids)
        if not states:
            return np.zeros(self.emb.shape[1])
        vec = np.mean(states, axis=0)
        return vec / (np.linalg.norm(vec) + 1e-9)  # type: ignore[no-any-return]

    def detokenize(self, ids: list[int]) -> str:
        """Join tokens with spaces (punctuation attached)."""
        text = " ".join(self.vocab[i] for i in ids)
        return re.sub(r" ([.,;:!?])", r"\1", text)


@functools.cache
def model() -> TinyLM:
    """The model trained on the shipped CC0 corpus (built once per process, ~1 s)."""
    here = Path(__file__).resolve().parent.parent / "workloads"
    sys.path.insert(0, str(here))
    try:
        from corpus_fr import CHAT_PROMPTS, PARAGRAPHS, QUESTIONS
    finally:
        sys.path.remove(str(here))
    return TinyLM([*PARAGRAPHS, *CHAT_PROMPTS, *QUESTIONS])


def chat(request: dict[str, Any]) -> dict[str, Any]:
    """In-process chat callable: ``{"text", "system", "max_output_tokens"}`` -> OpenAI-like."""
    lm = model()
    prompt = (request.get("system") or "") + "\n" + request["text"]
    ids = lm.ids(prompt)
    out = lm.generate(ids, int(request.get("max_output_tokens") or 64))
    return {
        "choices": [{"message": {"role": "assistant", "content": lm.detokenize(out)}}],
        "usage": {"prompt_tokens": len(ids), "completion_tokens": len(out),
                  "total_tokens": len(ids) + len(out)},
    }


def embed(request: dict[str, Any]) -> dict[str, Any]:
    """In-process embeddings callable."""
    lm = model()
    ids = lm.ids(request["text"])
    vec = lm.embed(ids)
    return {"data": [{"embedding": vec.tolist()}],
            "usage": {"prompt_tokens": len(ids), "total_tokens": len(ids)}}
