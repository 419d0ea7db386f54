"""The HTTP API: routes over the library, problem documents and every limit.

Each test talks to a real uvicorn server on 127.0.0.1 (``ia_empreinte.server.running``)
through httpx, as a tender platform would.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import ia_empreinte
from ia_empreinte import catalog_table, json_schema
from ia_empreinte.errors import InputFileError
from ia_empreinte.server import ServerSettings, create_app, running
from ia_empreinte.server.problems import MEDIA_TYPE
from ia_empreinte.server.settings import read_tokens
from ia_empreinte_cli.app import cli

TOKEN = "s3cret-token-for-tests-0123456789"
PROBLEMS = "https://ia-empreinte.invalid/problems/"

BAD_PROFILE = {
    "id": "bad",
    "task": "text-generation",
    "request": {"input_tokens": 100, "output_tokens": 200},
    "volume": {"requests_per_day": -5},
    "contract_years": 1,
}


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with running(ServerSettings(max_body_bytes=4096)) as base:
        yield base


@pytest.fixture(scope="module")
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as c:
        yield c


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    doc: dict[str, object] = response.json()
    assert doc["status"] == status
    assert doc["type"] == PROBLEMS + slug
    assert "Traceback" not in response.text
    return doc


def test_healthz(client: httpx.Client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": ia_empreinte.__version__}


@pytest.mark.parametrize("table", ["zones", "accelerators", "servers", "datacenters", "models"])
def test_catalog_is_the_library_table(client: httpx.Client, table: str) -> None:
    columns, rows = catalog_table(table)
    r = client.get(f"/v1/catalog/{table}")
    assert r.status_code == 200
    assert r.json() == {"table": table, "columns": columns, "rows": rows}


def test_unknown_catalog_is_404(client: httpx.Client) -> None:
    doc = assert_problem(client.get("/v1/catalog/zonez"), 404, "unknown-catalog-id")
    assert doc["detail"] == (
        "unknown catalog 'zonez'; expected one of: zones, accelerators, servers, "
        "datacenters, models"
    )
    assert doc["instance"] == "/v1/catalog/zonez"


def test_schema_is_the_library_schema(client: httpx.Client) -> None:
    r = client.get("/v1/schemas/profile")
    assert r.status_code == 200
    assert r.json() == json_schema("profile")


def test_unknown_schema_is_404(client: httpx.Client) -> None:
    doc = assert_problem(client.get("/v1/schemas/nope"), 404, "invalid-input")
    assert str(doc["detail"]).startswith("unknown document kind 'nope'; expected one of: ")


def test_validate_valid_profile(client: httpx.Client) -> None:
    good = {**BAD_PROFILE, "volume": {"requests_per_day": 5}}
    r = client.post("/v1/validate/profile", json=good)
    assert r.status_code == 200
    assert r.json() == {"kind": "profile", "valid": True}


def test_validate_error_is_the_cli_message(client: httpx.Client, tmp_path: Path) -> None:
    doc = assert_problem(
        client.post("/v1/validate/profile", json=BAD_PROFILE), 422, "invalid-profile"
    )
    assert doc["pointer"] == "/volume/requests_per_day"
    assert doc["field"] == "volume.requests_per_day"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(BAD_PROFILE))
    result = CliRunner().invoke(cli, ["validate", "--kind", "profile", str(path)])
    assert result.exit_code == 2
    assert result.output == f"Error: {path}: volume.requests_per_day: {doc['detail']}\n"


def test_unknown_validate_kind_is_404(client: httpx.Client) -> None:
    doc = assert_problem(client.post("/v1/validate/estimate", json={}), 404, "unknown-kind")
    assert str(doc["detail"]).startswith("unknown document kind 'estimate'; expected one of: ")


def test_malformed_json_is_400(client: httpx.Client) -> None:
    r = client.post(
        "/v1/validate/profile", content=b'{"id": ', headers={"content-type": "application/json"}
    )
    doc = assert_problem(r, 400, "unreadable-document")
    assert doc["detail"] == "invalid JSON: line 1, column 8: Expecting value"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"[1, 2]", "top level is a list; expected a mapping of fields"),
        (b'{"a": NaN}', "invalid JSON: NaN is not a valid JSON number"),
    ],
)
def test_json_is_read_like_a_file(client: httpx.Client, body: bytes, detail: str) -> None:
    r = client.post(
        "/v1/validate/offer", content=body, headers={"content-type": "application/json"}
    )
    assert assert_problem(r, 400, "unreadable-document")["detail"] == detail


def test_empty_body_is_400(client: httpx.Client) -> None:
    r = client.post("/v1/validate/offer", headers={"content-type": "application/json"})
    assert assert_problem(r, 400, "empty-body")["detail"] == (
        "the request body is empty; expected a JSON object"
    )


def test_form_body_is_415(client: httpx.Client) -> None:
    r = client.post("/v1/validate/offer", data={"a": "b"})
    assert assert_problem(r, 415, "unsupported-media-type")["detail"] == (
        "the request body is 'application/x-www-form-urlencoded'; send JSON with "
        "'Content-Type: application/json'"
    )


def test_unknown_route_is_a_problem(client: httpx.Client) -> None:
    doc = assert_problem(client.get("/v2/nothing"), 404, "http-404")
    assert doc == {
        "type": PROBLEMS + "http-404",
        "title": "Not Found",
        "status": 404,
        "detail": "Not Found",
        "instance": "/v2/nothing",
    }


# --- body size -------------------------------------------------------------------


def test_oversized_body_is_413(client: httpx.Client) -> None:
    body = json.dumps({"id": "x" * 5000}).encode()
    r = client.post(
        "/v1/validate/profile", content=body, headers={"content-type": "application/json"}
    )
    doc = assert_problem(r, 413, "body-too-large")
    assert doc == {
        "type": PROBLEMS + "body-too-large",
        "title": "Request body too large",
        "status": 413,
        "detail": f"the request body is {len(body)} bytes; this server accepts at most 4096 "
        "bytes (ia-empreinte serve --max-body-bytes)",
        "instance": "/v1/validate/profile",
    }


def test_oversized_chunked_body_is_413(client: httpx.Client) -> None:
    # no Content-Length: the limit is enforced while reading
    chunks = (b"x" * 1000 for _ in range(10))
    r = client.post(
        "/v1/validate/profile", content=chunks, headers={"content-type": "application/json"}
    )
    doc = assert_problem(r, 413, "body-too-large")
    assert doc["detail"] == (
        "the request body is more than 4096 bytes; this server accepts at most 4096 bytes "
        "(ia-empreinte serve --max-body-bytes)"
    )


def test_body_at_the_limit_is_read(client: httpx.Client) -> None:
    body = json.dumps({"pad": ""}).encode()
    body = body.replace(b'""', b'"' + b"x" * (4096 - len(body)) + b'"')
    assert len(body) == 4096
    r = client.post(
        "/v1/validate/profile", content=body, headers={"content-type": "application/json"}
    )
    # read in full and validated as a profile: a 422 about its fields, not a 413
    assert_problem(r, 422, "invalid-profile")


# --- bearer tokens ---------------------------------------------------------------


@pytest.fixture(scope="module")
def tokens_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "tokens.txt"
    path.write_text(f"# tokens of the platforms\n\n  {TOKEN}  \nanother-token-0123456789\n")
    return path


@pytest.fixture(scope="module")
def secured(tokens_file: Path) -> Iterator[httpx.Client]:
    with running(ServerSettings(tokens_file=tokens_file)) as base, httpx.Client(
        base_url=base, timeout=30
    ) as c:
        yield c


def test_read_tokens(tokens_file: Path) -> None:
    assert read_tokens(tokens_file) == (TOKEN, "another-token-0123456789")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# only a comment\n", "no token in the file; expected one token per line"),
        ("short\n", "line 1: a token must be at least 16 characters without spaces"),
        (f"{TOKEN}\nwith a space inside 0123\n", "line 2: a token must be at least 16 "
         "characters without spaces"),
    ],
)
def test_bad_tokens_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tokens.txt"
    path.write_text(text)
    with pytest.raises(InputFileError) as caught:
        create_app(ServerSettings(tokens_file=path))
    assert str(caught.value) == f"{path}: {message}"


def test_missing_token_is_401(secured: httpx.Client) -> None:
    r = secured.get("/v1/catalog/zones")
    doc = assert_problem(r, 401, "unauthorized")
    assert doc["detail"] == (
        "this server requires a bearer token: send 'Authorization: Bearer TOKEN'"
    )
    assert r.headers["www-authenticate"] == 'Bearer realm="ia-empreinte"'


@pytest.mark.parametrize(
    "header", [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer another-token"]
)
def test_wrong_token_is_401(secured: httpx.Client, header: str) -> None:
    r = secured.get("/v1/catalog/zones", headers={"authorization": header})
    doc = assert_problem(r, 401, "invalid-token")
    assert doc["detail"] == "the bearer token is not one this server accepts"
    assert r.headers["www-authenticate"] == (
        'Bearer realm="ia-empreinte", error="invalid_token"'
    )


def test_basic_auth_is_401(secured: httpx.Client) -> None:
    r = secured.get("/v1/catalog/zones", auth=("user", TOKEN))
    assert_problem(r, 401, "unauthorized")


@pytest.mark.parametrize("token", [TOKEN, "another-token-0123456789"])
def test_right_token_is_accepted(secured: httpx.Client, token: str) -> None:
    r = secured.get("/v1/schemas/offer", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert r.json() == json_schema("offer")


def test_probe_and_contract_need_no_token(secured: httpx.Client) -> None:
    assert secured.get("/healthz").status_code == 200
    openapi = secured.get("/openapi.json").json()
    assert openapi["components"]["securitySchemes"] == {
        "HTTPBearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from the server's tokens file",
        }
    }
    operation = openapi["paths"]["/v1/catalog/{table}"]["get"]
    assert operation["security"] == [{"HTTPBearer": []}]
    assert "401" in operation["responses"]


def test_open_server_documents_no_security(client: httpx.Client) -> None:
    openapi = client.get("/openapi.json").json()
    assert "securitySchemes" not in openapi["components"]
    assert "401" not in openapi["paths"]["/v1/catalog/{table}"]["get"]["responses"]


# --- CORS ------------------------------------------------------------------------


def test_cors_is_off_by_default(client: httpx.Client) -> None:
    r = client.get("/healthz", headers={"origin": "https://platform.example"})
    assert "access-control-allow-origin" not in r.headers
    r = client.options(
        "/v1/catalog/zones",
        headers={"origin": "https://platform.example", "access-control-request-method": "GET"},
    )
    assert "access-control-allow-origin" not in r.headers


def test_cors_when_configured() -> None:
    settings = ServerSettings(cors_origins=("https://platform.example",))
    with running(settings) as base, httpx.Client(base_url=base) as c:
        r = c.get("/healthz", headers={"origin": "https://platform.example"})
        assert r.headers["access-control-allow-origin"] == "https://platform.example"
        r = c.get("/healthz", headers={"origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in r.headers


# --- faults ----------------------------------------------------------------------


def test_fault_is_500_without_trace(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ia_empreinte.server.routes import catalog as routes

    def broken(name: str) -> object:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(routes, "catalog_table", broken)
    r = client.get("/v1/catalog/zones")
    doc = assert_problem(r, 500, "internal-error")
    assert "secret internal detail" not in r.text
    assert doc["detail"] == (
        "the server failed while handling this request; this is a bug in ia-empreinte, "
        "not a problem with the input"
    )


# --- command and imports ---------------------------------------------------------


def test_serve_rejects_a_bad_tokens_file(tmp_path: Path) -> None:
    missing = tmp_path / "none.txt"
    result = CliRunner().invoke(cli, ["serve", "--tokens-file", str(missing)])
    assert result.exit_code == 2
    assert result.output == f"Error: {missing}: file not found\n"


def test_serve_rejects_a_bad_limit() -> None:
    result = CliRunner().invoke(cli, ["serve", "--max-draws", "0"])
    assert result.exit_code == 2
    assert result.output == "Error: max_draws: input should be greater than or equal to 1\n"


def test_library_and_cli_do_not_import_the_server_stack() -> None:
    code = (
        "import sys, ia_empreinte, ia_empreinte_cli.app;"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out == "[]\n"


# --- draws and time budget -------------------------------------------------------


def estimate_body(**extra: object) -> dict[str, object]:
    from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE

    return {"profile": EXAMPLE_PROFILE, "offer": EXAMPLE_OFFER, **extra}


def test_too_many_draws_is_422() -> None:
    with running(ServerSettings(max_draws=500)) as base, httpx.Client(base_url=base) as c:
        r = c.post("/v1/estimate", json=estimate_body(draws=501))
        assert assert_problem(r, 422, "too-many-draws") == {
            "type": PROBLEMS + "too-many-draws",
            "title": "Too many draws",
            "status": 422,
            "detail": "501 draws requested; this server accepts at most 500 per request "
            "(ia-empreinte serve --max-draws)",
            "instance": "/v1/estimate",
            "pointer": "/draws",
            "field": "draws",
        }
        assert c.post("/v1/estimate", json=estimate_body(draws=500)).status_code == 200


def test_slow_request_is_503() -> None:
    # 100,000 draws take tens of milliseconds: far past a 1 ms budget
    with running(ServerSettings(timeout_s=0.001)) as base, httpx.Client(base_url=base) as c:
        r = c.post("/v1/estimate", json=estimate_body(draws=100_000))
        assert assert_problem(r, 503, "time-budget-exceeded") == {
            "type": PROBLEMS + "time-budget-exceeded",
            "title": "Time budget exceeded",
            "status": 503,
            "detail": "the request did not finish within this server's time budget of "
            "0.001 s (ia-empreinte serve --timeout-s); ask for fewer draws or offers",
            "instance": "/v1/estimate",
        }
        assert r.headers["retry-after"] == "1"
        # the server goes on serving
        assert c.get("/healthz").status_code == 200


def test_offer_error_points_into_the_body(client: httpx.Client) -> None:
    from ia_empreinte.server.bodies import EXAMPLE_OFFER

    offer = {**EXAMPLE_OFFER, "deployment": {**EXAMPLE_OFFER["deployment"], "batch_sise": 8}}
    doc = assert_problem(
        client.post("/v1/estimate", json=estimate_body(offer=offer)), 422, "invalid-offer"
    )
    assert doc["pointer"] == "/offer/deployment/batch_sise"
    assert doc["field"] == "offer.deployment.batch_sise"
    assert str(doc["detail"]).startswith("unknown field; did you mean 'batch_size'?")


def test_envelope_error_points_into_the_body(client: httpx.Client) -> None:
    doc = assert_problem(
        client.post("/v1/estimate", json=estimate_body(drawz=5)), 422, "invalid-input"
    )
    assert doc["pointer"] == "/drawz"
    assert doc["detail"] == (
        "unknown field; did you mean 'draws'? "
        "(expected one of: draws, offer, profile, records, seed)"
    )


def test_record_paths_are_refused(client: httpx.Client) -> None:
    from ia_empreinte.server.bodies import EXAMPLE_OFFER

    offer = {**EXAMPLE_OFFER, "benchmarks": [{"path": "/etc/passwd", "sha256": "0" * 64}]}
    doc = assert_problem(
        client.post("/v1/estimate", json=estimate_body(offer=offer)),
        422,
        "record-path-refused",
    )
    assert doc["pointer"] == "/offer/benchmarks/0/path"
    assert str(doc["detail"]).startswith("the record path '/etc/passwd' must be relative")


def test_integral_floats_count_as_integers(client: httpx.Client) -> None:
    a = client.post("/v1/estimate", json=estimate_body(draws=20.0, seed=3.0))
    b = client.post("/v1/estimate", json=estimate_body(draws=20, seed=3))
    assert a.status_code == 200
    assert a.content == b.content


def test_serve_command_serves() -> None:
    """``ia-empreinte serve`` in its own process, on a free port, until terminated."""
    with subprocess.Popen(
        [sys.executable, "-m", "ia_empreinte_cli", "serve", "--port", "0", "--max-draws", "7"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            check_served(proc)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def check_served(proc: subprocess.Popen[str]) -> None:
    assert proc.stderr is not None
    base = None
    for line in proc.stderr:
        if "Uvicorn running on " in line:
            base = line.split("Uvicorn running on ")[1].split()[0]
            break
    assert base is not None and base.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=base) as c:
        assert c.get("/healthz").json()["status"] == "ok"
        r = c.post("/v1/estimate", json=estimate_body(draws=8))
        assert assert_problem(r, 422, "too-many-draws")["detail"] == (
            "8 draws requested; this server accepts at most 7 per request "
            "(ia-empreinte serve --max-draws)"
        )


def test_serve_with_workers_needs_a_port() -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--workers", "2"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: port 0 (any free port) needs a single worker; give a port\n"
    )


def test_serve_with_two_workers_hands_them_the_settings() -> None:
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [sys.executable, "-m", "ia_empreinte_cli", "serve", "--port", str(port),
           "--workers", "2", "--max-draws", "9"]
    with subprocess.Popen(cmd, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL) as proc:
        try:
            base = f"http://127.0.0.1:{port}"
            # each worker starts its computing processes before it answers: slow on a
            # busy machine
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "workers did not start"
                time.sleep(0.1)
            for _ in range(4):  # whichever worker answers applies the same limit
                r = httpx.post(f"{base}/v1/estimate", json=estimate_body(draws=10))
                detail = str(assert_problem(r, 422, "too-many-draws")["detail"])
                assert detail.startswith("10 draws requested; this server accepts at most 9 ")
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_lone_surrogate_is_400_not_a_fault(client: httpx.Client) -> None:
    body = b'{"profile": {"title": "\\ud800"}, "offer": {}}'
    r = client.post("/v1/estimate", content=body, headers={"content-type": "application/json"})
    assert assert_problem(r, 400, "unreadable-document")["detail"] == (
        "text holds an unpaired surrogate escape (such as \\ud800); expected valid Unicode"
    )
    # a surrogate pair is one character, and fine
    pair = b'{"id": "x", "vendor": "\\ud83d\\ude00"}'
    headers = {"content-type": "application/json"}
    assert_problem(client.post("/v1/validate/offer", content=pair, headers=headers), 422,
                   "invalid-offer")
