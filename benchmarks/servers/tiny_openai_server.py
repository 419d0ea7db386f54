"""A small real OpenAI-compatible HTTP server around ``tinylm`` (standard library only).

Vendors can try the harness against it and the tests start it::

    python benchmarks/servers/tiny_openai_server.py --port 8321
    ia-empreinte bench run --endpoint http://127.0.0.1:8321 --api chat \\
        --workload benchmarks/workloads/chat-fr.json --smoke -o record.json

Endpoints: ``POST /v1/chat/completions``, ``/v1/completions``, ``/v1/embeddings``,
``/v1/audio/transcriptions`` (multipart WAV upload; "transcribes" by counting voiced
20 ms frames: a plumbing check, not a speech model), ``GET /v1/models``, ``GET /health``.
Every answer carries OpenAI's ``usage`` with the server's own token counts. The model
is trained at start-up (about a second) before the port is announced on stdout as
``listening on http://HOST:PORT``.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import time
import wave
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tinylm

MODEL_ID = "tinylm-fr"


def _completion(prompt: str, max_tokens: int) -> tuple[str, int, int]:
    lm = tinylm.model()
    ids = lm.ids(prompt)
    out = lm.generate(ids, max_tokens)
    return lm.detokenize(out), len(ids), len(out)


def _wav_seconds_and_voiced(data: bytes) -> tuple[float, int]:
    with wave.open(io.BytesIO(data)) as wav:
        rate = wav.getframerate()
        frames = wav.readframes(wav.getnframes())
        width = wav.getsampwidth()
    samples = np.frombuffer(frames, dtype=np.int16 if width == 2 else np.uint8).astype(float)
    seconds = len(samples) / rate if rate else 0.0
    step = max(1, rate // 50)
    rms = [float(np.sqrt(np.mean(samples[i : i + step] ** 2)))
           for i in range(0, len(samples), step)]
    return seconds, sum(1 for r in rms if r > 500)


def _multipart_file(body: bytes, content_type: str) -> bytes:
    boundary = content_type.split("boundary=")[-1].encode()
    for part in body.split(b"--" + boundary):
        if b'name="file"' in part:
            return part.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n", 1)[0]
    raise ValueError("no file part")


class Handler(BaseHTTPRequestHandler):
    """OpenAI-compatible routes."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the harness measures energy, console output would add noise."""

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path in ("/health", "/v1/health"):
            self._send(200, {"status": "ok"})
        elif self.path == "/v1/models":
            self._send(200, {"object": "list", "data": [{"id": MODEL_ID, "object": "model"}]})
        else:
            self._send(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        try:
            if self.path == "/v1/audio/transcriptions":
                self._send(200, self._transcribe(body))
                return
            req = json.loads(body or b"{}")
            if self.path == "/v1/chat/completions":
                self._send(200, self._chat(req))
            elif self.path == "/v1/completions":
                self._send(200, self._complete(req))
            elif self.path == "/v1/embeddings":
                self._send(200, self._embed(req))
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})
        except (KeyError, TypeError, ValueError) as exc:
            self._send(400, {"error": {"message": f"bad request: {exc}"}})

    def _chat(self, req: dict[str, Any]) -> dict[str, Any]:
        prompt = "\n".join(str(m["content"]) for m in req["messages"])
        text, n_in, n_out = _completion(prompt, int(req.get("max_tokens") or 64))
        return {
            "id": f"chatcmpl-{time.time_ns()}", "object": "chat.completion",
            "model": MODEL_ID,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": n_in, "completion_tokens": n_out,
                      "total_tokens": n_in + n_out},
        }

    def _complete(self, req: dict[str, Any]) -> dict[str, Any]:
        text, n_in, n_out = _completion(str(req["prompt"]), int(req.get("max_tokens") or 64))
        return {
            "id": f"cmpl-{time.time_ns()}", "object": "text_completion", "model": MODEL_ID,
            "choices": [{"index": 0, "text": text, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": n_in, "completion_tokens": n_out,
                      "total_tokens": n_in + n_out},
        }

    def _embed(self, req: dict[str, Any]) -> dict[str, Any]:
        inputs = req["input"] if isinstance(req["input"], list) else [req["input"]]
        lm = tinylm.model()
        data, total = [], 0
        for i, text in enumerate(inputs):
            ids = lm.ids(str(text))
            total += len(ids)
            data.append({"object": "embedding", "index": i,
                         "embedding": lm.embed(ids).round(6).tolist()})
        return {"object": "list", "model": MODEL_ID, "data": data,
                "usage": {"prompt_tokens": total, "total_tokens": total}}

    def _transcribe(self, body: bytes) -> dict[str, Any]:
        audio = _multipart_file(body, self.headers.get("Content-Type", ""))
        seconds, voiced = _wav_seconds_and_voiced(audio)
        return {"text": f"[{voiced} voiced frames]",
                "usage": {"type": "duration", "seconds": seconds}}


def serve(host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Train the model, bind the server and return it (call ``serve_forever``)."""
    tinylm.model()
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8321)
    args = parser.parse_args(argv)
    server = serve(args.host, args.port)
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
