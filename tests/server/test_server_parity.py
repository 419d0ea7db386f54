"""The same inputs give the same figures through the CLI, the Python API and HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from click.testing import CliRunner

from ia_empreinte import estimate, parse_offer, parse_profile
from ia_empreinte.render.estimate import render_estimate
from ia_empreinte.server import running
from ia_empreinte.server.bodies import EXAMPLE_OFFER, EXAMPLE_PROFILE
from ia_empreinte_cli.app import cli


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with running() as base, httpx.Client(base_url=base, timeout=30) as c:
        yield c


@pytest.fixture()
def files(tmp_path: Path) -> tuple[str, str]:
    # YAML files, as a buyer writes them; the HTTP body carries the same content as JSON
    profile = tmp_path / "profile.yaml"
    offer = tmp_path / "offer.yaml"
    profile.write_text(yaml.safe_dump(EXAMPLE_PROFILE), encoding="utf-8")
    offer.write_text(yaml.safe_dump(EXAMPLE_OFFER), encoding="utf-8")
    return str(profile), str(offer)


@pytest.mark.parametrize(("draws", "seed"), [(None, None), (1, 0), (2000, 7)])
def test_cli_python_and_http_give_the_same_figures(
    client: httpx.Client, files: tuple[str, str], draws: int | None, seed: int | None
) -> None:
    options: list[str] = []
    body: dict[str, object] = {"profile": EXAMPLE_PROFILE, "offer": EXAMPLE_OFFER}
    if draws is not None and seed is not None:
        options = ["--draws", str(draws), "--seed", str(seed)]
        body |= {"draws": draws, "seed": seed}

    result = CliRunner().invoke(
        cli, ["estimate", *files, "--format", "json", *options], catch_exceptions=False
    )
    assert result.exit_code == 0
    from_cli = result.output

    from_python = render_estimate(
        estimate(
            parse_profile(EXAMPLE_PROFILE),
            parse_offer(EXAMPLE_OFFER),
            draws=draws if draws is not None else 1000,
            seed=seed if seed is not None else 42,
        ),
        "json",
    )

    r = client.post("/v1/estimate", json=body)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    from_http = r.text

    # the same document byte for byte, hence the same figures, seed and input hash
    assert from_http == from_cli == from_python
    doc = json.loads(from_http)
    assert doc["provenance"]["draws"] == (draws or 1000)
    assert doc["provenance"]["seed"] == (seed if seed is not None else 42)
    if draws == 1:
        summary = doc["per_request"]["energy_wh"]
        assert summary["p05"] == summary["p50"] == summary["p95"] == summary["mean"]


def test_validation_messages_match_the_cli(client: httpx.Client, tmp_path: Path) -> None:
    offer = {**EXAMPLE_OFFER, "deployment": {**EXAMPLE_OFFER["deployment"], "zone": "ZZ"}}
    path = tmp_path / "offer.json"
    path.write_text(json.dumps(offer), encoding="utf-8")
    cli_result = CliRunner().invoke(cli, ["validate", str(path)])
    assert cli_result.exit_code == 2

    doc = client.post("/v1/validate/offer", json=offer).json()
    assert cli_result.output == f"Error: {path}: {doc['field']}: {doc['detail']}\n"

    doc = client.post("/v1/estimate", json={"profile": EXAMPLE_PROFILE, "offer": offer}).json()
    assert doc["pointer"] == "/offer/deployment"
    assert cli_result.output == f"Error: {path}: deployment: {doc['detail']}\n"
