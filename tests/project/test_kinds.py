"""Document kinds: one module (ia_empreinte.kinds) that the reader, the schema registry
and the HTTP API all ask."""

from __future__ import annotations

from typing import Any

import pytest

from ia_empreinte import kinds
from ia_empreinte.records.schema import RECORD_SCHEMA
from ia_empreinte.schemas import MODELS, schema_names
from ia_empreinte.sheet import FICHE_SCHEMA


def test_every_kind_has_a_model_an_error_and_a_label() -> None:
    assert set(MODELS) == set(kinds.KINDS) == set(kinds.ERRORS)
    assert schema_names() == sorted(kinds.KINDS)
    assert set(kinds.INPUT_KINDS) <= set(kinds.KINDS) <= set(kinds.LABELS)


def test_tags_are_the_models_own() -> None:
    assert kinds.TAGS == {"fiche": FICHE_SCHEMA, "record": RECORD_SCHEMA}
    for kind, tag in kinds.TAGS.items():
        assert MODELS[kind].model_fields["schema_"].default == tag
        assert kinds.tagged_kind({"schema": tag}) == kind


@pytest.mark.parametrize(
    ("data", "among", "expected"),
    [
        ({"schema": "ia-empreinte/fiche@1"}, kinds.KINDS, "fiche"),
        ({"schema": "ia-empreinte/fiche@1"}, kinds.INPUT_KINDS, None),
        ({"schema": "ia-empreinte/benchmark-record/1"}, kinds.INPUT_KINDS, "record"),
        ({"schema": "ia-empreinte/workload/1"}, kinds.KINDS, None),
        ({"schema": "other/fiche@1"}, kinds.KINDS, None),
        ({"volume": {}}, kinds.INPUT_KINDS, "profile"),
        ({"steps": []}, kinds.KINDS, "profile"),
        ({"deployment": {}}, kinds.INPUT_KINDS, "offer"),
        ({"deployment": {}}, ("fiche", "record"), None),
        ({"id": "x"}, kinds.KINDS, None),
    ],
)
def test_detect_kind(data: dict[str, Any], among: tuple[str, ...], expected: str | None) -> None:
    assert kinds.detect_kind(data, among) == expected


@pytest.mark.parametrize(
    ("data", "expected", "message"),
    [
        ({"deployment": {}}, "profile", "this is an offer; expected a usage profile"),
        ({"volume": {}}, "offer", "this is a usage profile; expected an offer"),
        ({"schema": RECORD_SCHEMA}, "workload", "this is a benchmark record; expected a "
         "workload pack"),
        ({"schema": FICHE_SCHEMA}, "fiche", None),
        ({"volume": {}, "deployment": {}}, "record", None),
        (["not", "a", "mapping"], "profile", None),
    ],
)
def test_kind_mismatch(data: Any, expected: str, message: str | None) -> None:
    assert kinds.kind_mismatch(data, expected) == message


def test_http_validate_kinds_are_the_input_kinds_once_each() -> None:
    from ia_empreinte.server.routes import validate_kinds

    # was ["profile", "offer", "record", "record"]: the 404 listed "record" twice
    assert validate_kinds() == ["profile", "offer", "record"]
