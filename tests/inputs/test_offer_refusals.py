"""The rules that refuse an offer: a task of the profile it does not serve, model sizes
that contradict the catalog or each other. One function and named validators, checked
by the library entry points before any computation."""

from __future__ import annotations

from typing import Any

import pytest

from ia_empreinte import compare, estimate, load_offer, load_profile
from ia_empreinte.errors import OfferError
from ia_empreinte.offers import check_offer_serves_profile, parse_offer, unserved_tasks
from ia_empreinte.profiles import parse_profile
from tests.conftest import EXAMPLE_OFFERS, PROFILES

AERIAL = load_profile(str(PROFILES / "analyse-images-aeriennes.yaml"))
TABULAR = load_offer(str(EXAMPLE_OFFERS / "cpu-tabular-fr.yaml"))
VISION = load_offer(str(EXAMPLE_OFFERS / "vision-cloud-fr.yaml"))
LINE = ("task: offer cpu-tabular-fr does not serve task object-detection of profile "
        "analyse-images-aeriennes (it serves: tabular-prediction)")


def _offer(**extra: Any) -> dict[str, Any]:
    return {"id": "o", "model": {"total_params_b": 8},
            "deployment": {"accelerator": "nvidia-h100-sxm-80gb"}, **extra}


def test_estimate_refuses_before_computing() -> None:
    with pytest.raises(OfferError) as info:
        estimate(AERIAL, TABULAR, draws=10)
    assert info.value.one_line() == LINE


def test_compare_points_at_the_offer() -> None:
    with pytest.raises(OfferError) as info:
        compare(AERIAL, [VISION, TABULAR])
    assert info.value.location == ("offers", 1, "task")
    assert info.value.message == LINE.removeprefix("task: ")


def test_the_check_names_the_file() -> None:
    with pytest.raises(OfferError) as info:
        check_offer_serves_profile(AERIAL, TABULAR, file="offres/d.yaml")
    assert str(info.value) == f"offres/d.yaml: {LINE}"


def test_several_unserved_tasks_are_named_in_step_order() -> None:
    callbot = load_profile(str(PROFILES / "callbot-mairie-30k.yaml"))
    offer = parse_offer(_offer(task="text-generation"))
    assert unserved_tasks(callbot, offer) == ["speech-to-text", "text-to-speech"]
    with pytest.raises(OfferError, match=r"does not serve tasks speech-to-text, "
                       r"text-to-speech of profile callbot-mairie-30k \(it serves: "
                       r"text-generation\)$"):
        check_offer_serves_profile(callbot, offer)


def test_an_offer_without_a_task_serves_any_task_as_before() -> None:
    """The file contract accepts an offer with no task: its main model is taken to serve
    every task no component serves, so files written before the field still estimate."""
    generic = parse_offer(_offer())
    assert generic.served_tasks() is None
    assert unserved_tasks(AERIAL, generic) == []
    assert "task" not in generic.model_dump(mode="json")  # same canonical inputs and hash
    assert parse_offer(_offer(task="object-detection")).model_dump()["task"] == (
        "object-detection")


def test_every_shipped_pair_is_served() -> None:
    from tests.inputs.test_examples import PAIR_LIST

    for profile, offer in PAIR_LIST:
        assert unserved_tasks(load_profile(str(PROFILES / f"{profile}.yaml")),
                              load_offer(str(EXAMPLE_OFFERS / f"{offer}.yaml"))) == []


def test_main_task_given_to_a_component_too_is_refused() -> None:
    comp = {"task": "text-generation", "model": {"total_params_b": 1},
            "deployment": {"accelerator": "nvidia-l4"}}
    with pytest.raises(OfferError) as info:
        parse_offer(_offer(task="text-generation", components=[comp]))
    assert info.value.message == (
        "task text-generation is served both by the main model and by a component; "
        "expected the main model's 'task' to differ from every component's")


@pytest.mark.parametrize(("model", "message"), [
    ({"id": "llama-3.1-8b", "total_params_b": 70},
     "total_params_b 70 conflicts with catalog model llama-3.1-8b (total_params_b 8.03, "
     "published by the developer); expected the catalog's total_params_b or no 'id'"),
    ({"total_params_b": 8, "active_params_b": 8.5},
     "active_params_b 8.5 is greater than total_params_b 8; expected active_params_b <= "
     "total_params_b"),
    ({"id": "qwen3-8b", "active_params_b": 30},
     "active_params_b 30 conflicts with catalog model qwen3-8b (active_params_b 8.2, "
     "published by the developer); expected the catalog's active_params_b or no 'id'"),
])
def test_model_size_conflicts(model: dict[str, Any], message: str) -> None:
    with pytest.raises(OfferError) as info:
        parse_offer(_offer(model=model))
    assert info.value.message == message
    assert info.value.field == "model"


def test_component_size_conflict_names_the_component() -> None:
    comp = {"task": "speech-to-text", "model": {"id": "whisper-small", "total_params_b": 1},
            "deployment": {"accelerator": "nvidia-l4"}}
    with pytest.raises(OfferError) as info:
        parse_offer(_offer(components=[comp]))
    assert info.value.field == "components[0].model"


@pytest.mark.parametrize("model", [
    {"id": "llama-3.1-8b", "total_params_b": 8.03, "active_params_b": 8.03},  # repeated
    {"id": "gpt-4o", "total_params_b": 100},  # the catalog only estimates gpt-4o's size
    {"total_params_b": 46.7, "active_params_b": 12.9},
])
def test_consistent_sizes_are_accepted(model: dict[str, Any]) -> None:
    parse_offer(_offer(model=model))


def test_a_single_task_profile_is_one_step() -> None:
    prof = parse_profile({"id": "p", "task": "embeddings", "request": {"input_tokens": 10},
                          "volume": {"requests_per_day": 1}, "contract_years": 1})
    offer = parse_offer(_offer(task="text-generation"))
    assert unserved_tasks(prof, offer) == ["embeddings"]


@pytest.mark.parametrize(("written", "read"), [
    ("BF16", "bf16"), ("bfloat16", "bf16"), ("torch.float16", "fp16"), (" FP32 ", "fp32"),
    ("float8_e4m3fn", "fp8"), ("FP8", "fp8"), ("MXFP4", "fp4"), ("Int8", "int8"),
])
def test_precision_spellings_are_read(written: str, read: str) -> None:
    """Model cards and serving configs write PyTorch dtype names and capitals: they are
    read as the canonical precision, so the offer's hash does not depend on the spelling."""
    offer = parse_offer({"id": "o", "model": {"total_params_b": 8, "precision": written},
                         "deployment": {"accelerator": "nvidia-h100-sxm-80gb"}}, file="o.yaml")
    assert offer.model.precision == read
    canonical = parse_offer({"id": "o", "model": {"total_params_b": 8, "precision": read},
                             "deployment": {"accelerator": "nvidia-h100-sxm-80gb"}},
                            file="o.yaml")
    assert offer == canonical


@pytest.mark.parametrize("written", ["fp3", "int3", "float64", "bfloat", ""])
def test_unknown_precision_is_refused_naming_the_field(written: str) -> None:
    with pytest.raises(OfferError) as caught:
        parse_offer({"id": "o", "model": {"total_params_b": 8, "precision": written},
                     "deployment": {"accelerator": "nvidia-h100-sxm-80gb"}}, file="o.yaml")
    assert caught.value.one_line().startswith("o.yaml: model.precision: ")
    assert "fp32" in caught.value.one_line()
