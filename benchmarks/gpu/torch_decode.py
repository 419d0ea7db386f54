"""A stand-in LLM on an NVIDIA GPU, for checking the harness's NVML path on real hardware.

Not a language model: per output token it streams a stack of bf16 weight matrices
through matrix-vector products (memory-bound, like real decoding), and per input token
it runs one matrix product through the same stack (compute-bound, like a prefill). The
work, and so the energy, grows with both token counts, which is what the harness's
per-token fit needs. Token counts are deterministic: whitespace words in, the request's
``max_output_tokens`` out.

Needs ``torch`` with CUDA (the GPU machines' image has it); CPU-only machines skip it.
"""

from __future__ import annotations

from typing import Any

_HIDDEN = 8192
_LAYERS = 8  # 8 x 128 MiB of bf16 weights: 1 GiB read per output token
_weights: list[Any] = []


def _stack() -> list[Any]:
    import torch

    if not _weights:
        gen = torch.Generator(device="cuda").manual_seed(0)
        _weights.extend(
            torch.randn(_HIDDEN, _HIDDEN, device="cuda", dtype=torch.bfloat16, generator=gen)
            / _HIDDEN ** 0.5
            for _ in range(_LAYERS)
        )
    return _weights


def chat(request: dict[str, Any]) -> dict[str, Any]:
    """In-process chat callable: ``{"text", "max_output_tokens"}`` -> OpenAI-like usage."""
    import torch

    weights = _stack()
    n_in = max(1, len(str(request["text"]).split()))
    n_out = int(request.get("max_output_tokens") or 64)
    with torch.no_grad():
        x = torch.ones(n_in, _HIDDEN, device="cuda", dtype=torch.bfloat16)
        for w in weights:  # prefill: all input tokens at once
            x = torch.tanh(x @ w)
        h = x[-1:].contiguous()
        for _ in range(n_out):  # decode: one token at a time
            for w in weights:
                h = torch.tanh(h @ w)
        torch.cuda.synchronize()
    return {
        "choices": [{"message": {"role": "assistant", "content": "…"}}],
        "usage": {"prompt_tokens": n_in, "completion_tokens": n_out,
                  "total_tokens": n_in + n_out},
    }
