"""Property-based fuzzing of the live HTTP API against its own OpenAPI document.

Schemathesis generates requests for every operation of the OpenAPI document (the
explicit examples first, then generated bodies and parameters), sends them to a real
server on 127.0.0.1 and checks that no response is a 5xx and that every response
conforms to the document: status code, content type, headers and body schema. The run
is derandomized and bounded so that it stays well under a minute.

(Schemathesis' own pytest plugin does not run on pytest 9 yet, so each operation is
driven with Hypothesis directly through Schemathesis' public strategies.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ia_empreinte.server import ServerSettings, create_app, running

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
GENERATED_EXAMPLES = 50
"""Generated cases per operation, on top of the document's explicit examples."""

# small limits so that generated requests stay cheap and the limits are exercised too
FUZZ_SETTINGS = ServerSettings(max_draws=2000, max_offers=3, timeout_s=20)
SCHEMA = schemathesis.openapi.from_dict(create_app(FUZZ_SETTINGS).openapi())
OPERATIONS: list[Any] = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]

BOUNDED = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def live_url() -> Iterator[str]:
    with running(FUZZ_SETTINGS) as url:
        yield url


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_fault_and_every_response_matches_the_contract(
    operation: Any, live_url: str
) -> None:
    def run(strategy: st.SearchStrategy[Any], max_examples: int) -> None:
        @given(strategy)
        @settings(BOUNDED, max_examples=max_examples)
        def call(case: Any) -> None:
            case.call_and_validate(base_url=live_url, checks=CHECKS)

        call()

    examples = SCHEMA.get_strategies_from_examples(operation)
    if examples:
        run(st.one_of(*examples), 10)
    run(operation.as_strategy(), GENERATED_EXAMPLES)


def test_fuzzing_covers_every_route() -> None:
    # every route of the issue (the OpenAPI document itself is what is fuzzed from)
    assert {(op.method.upper(), op.path) for op in OPERATIONS} == {
        ("GET", "/healthz"),
        ("GET", "/v1/catalog/{table}"),
        ("GET", "/v1/schemas/{name}"),
        ("POST", "/v1/validate/{kind}"),
        ("GET", "/v1/profiles"),
        ("GET", "/v1/profiles/{ident}"),
        ("POST", "/v1/estimate"),
        ("POST", "/v1/compare"),
        ("POST", "/v1/report"),
        ("POST", "/v1/verify"),
    }
