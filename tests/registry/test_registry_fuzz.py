"""Fuzzing the registry routes of a live server from the OpenAPI document: whatever the
request, the answer is never a server error (5xx).

Driven with Hypothesis through Schemathesis' public strategies, derandomized and
bounded, as tests/server/test_server_fuzz.py does for the other routes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from ia_empreinte.registry.service import Registry
from ia_empreinte.server import ServerSettings, create_app, running

EXAMPLES = 15
_DOCUMENT = create_app(ServerSettings(registry_url="sqlite:///unused.sqlite")).openapi()
SCHEMA = schemathesis.openapi.from_dict(_DOCUMENT)
OPERATIONS: list[Any] = [
    op for op in (r.ok() for r in SCHEMA.get_all_operations())  # type: ignore[union-attr]
    if op.path.startswith("/v1/registry")
]
BOUNDED = settings(derandomize=True, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck), max_examples=EXAMPLES)


@pytest.fixture(scope="module")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'r.sqlite'}"
    with Registry(url) as reg:
        reg.init()
        reg.add_organisation("Fuzz")
    with running(ServerSettings(registry_url=url, max_draws=500, timeout_s=20)) as base:
        yield base


def test_every_registry_route_is_fuzzed() -> None:
    assert len(OPERATIONS) == 11, [op.label for op in OPERATIONS]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_server_error(operation: Any, live_url: str) -> None:
    @given(operation.as_strategy())
    @BOUNDED
    def call(case: Any) -> None:
        case.call_and_validate(base_url=live_url, checks=[not_a_server_error])

    call()
