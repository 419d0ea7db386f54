"""The buyer's kit: shipped profiles, the profile questionnaire, the offer template."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import typing
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from pydantic import BaseModel

import ia_empreinte
from ia_empreinte import (
    ProfileError,
    basis_coverage,
    build_profile,
    offer_template,
    parse_profile,
    parse_profile_answer,
    shipped_profile,
    shipped_profile_ids,
    shipped_profile_text,
)
from ia_empreinte.kit import explain_answer, profile_questions
from ia_empreinte.offers import Offer
from ia_empreinte_cli.app import cli
from tests.conftest import PROFILES, ROOT

PACKAGED = ROOT / "src" / "ia_empreinte" / "data" / "profiles"

IDS = [
    "analyse-images-aeriennes",
    "assistant-redaction-agents",
    "callbot-mairie-30k",
    "chatbot-web-metropole",
    "detection-fuites-eau",
    "prevision-cantines",
    "prevision-crues",
    "rag-actes-deliberations",
    "traduction-accueil",
    "transcription-seances",
    "tri-courrier-entrant",
    "videoprotection-algorithmique",
]


# --- shipped profiles -------------------------------------------------------------


def test_shipped_profile_ids() -> None:
    assert shipped_profile_ids() == IDS


def test_repository_profiles_are_the_packaged_ones() -> None:
    """profiles/ (what users browse) and data/profiles/ (what the wheel ships) are equal.

    Fix a failure with: cp src/ia_empreinte/data/profiles/*.yaml profiles/
    """
    repo = {p.name: p.read_bytes() for p in PROFILES.glob("*.yaml")}
    packaged = {p.name: p.read_bytes() for p in PACKAGED.glob("*.yaml")}
    assert sorted(repo) == sorted(packaged)
    for name, data in packaged.items():
        assert repo[name] == data, f"profiles/{name} differs from the packaged copy"


def test_shipped_profile_is_the_file() -> None:
    path = PROFILES / "callbot-mairie-30k.yaml"
    assert shipped_profile_text("callbot-mairie-30k") == path.read_text(encoding="utf-8")
    p = shipped_profile("callbot-mairie-30k")
    assert [s.task for s in p.effective_steps()] == [
        "speech-to-text", "text-generation", "text-to-speech"
    ]


def test_profiles_list_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["profiles", "list", "--format", "json"],
                           catch_exceptions=False)
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == IDS
    by_id = {r["id"]: r for r in rows}
    # uniform 200-400 calls a day: central 300, x 250 days
    assert by_id["callbot-mairie-30k"] == {
        "id": "callbot-mairie-30k",
        "tasks": "speech-to-text+text-generation+text-to-speech",
        "requests_per_year": 75000,
        "contract_years": 3.0,
        "title_fr": "Standard téléphonique automatisé (callbot) – commune de 30 000 habitants",
    }
    assert by_id["chatbot-web-metropole"]["requests_per_year"] == 4500 * 365
    assert by_id["prevision-crues"]["requests_per_year"] == 288 * 365
    assert by_id["rag-actes-deliberations"]["tasks"] == "embeddings+text-generation"


def test_profiles_list_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["profiles", "list"], catch_exceptions=False)
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "tasks", "requests_per_year", "contract_years", "title_fr"]
    assert len(lines) == 2 + len(IDS)
    assert lines[2].split()[:4] == ["analyse-images-aeriennes", "object-detection", "23800", "3"]


def test_profiles_show(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["profiles", "show", "prevision-crues"], catch_exceptions=False)
    assert result.output == (PROFILES / "prevision-crues.yaml").read_text(encoding="utf-8")


def test_profiles_show_unknown_id_suggests_the_closest(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["profiles", "show", "callbot-mairie"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: unknown profile 'callbot-mairie'; did you mean 'callbot-mairie-30k'? "
        "(see `ia-empreinte profiles list`)\n"
    )


# --- basis coverage -----------------------------------------------------------------


def test_basis_coverage_finds_missing_and_unknown_entries() -> None:
    profile = parse_profile({
        "id": "t",
        "steps": [
            {"name": "a", "task": "speech-to-text", "request": {"audio_seconds": 60}},
            {"name": "b", "task": "text-generation", "count": 4,
             "request": {"input_tokens": 600, "output_tokens": 60}},
        ],
        "volume": {"requests_per_day": 400},
        "contract_years": 3,
        "basis": {
            "volume.requests_per_day": {"status": "sourced", "source": "Plaisir"},
            "steps.1.count": {"status": "assumed"},
            "volume.request_per_day": {"status": "assumed"},
        },
    })
    coverage = basis_coverage(profile)
    assert coverage.missing == [
        "contract_years",
        "steps.0.request.audio_seconds",
        "steps.1.request.input_tokens",
        "steps.1.request.output_tokens",
    ]
    assert coverage.unknown == ["volume.request_per_day"]


# --- the questionnaire --------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("volume.requests_per_day", "400", 400.0),
        ("volume.requests_per_day", "1 500,5", 1500.5),
        ("volume.requests_per_day", "200-400", {"dist": "uniform", "low": 200.0, "high": 400.0}),
        ("volume.requests_per_day", "200 à 400", {"dist": "uniform", "low": 200.0, "high": 400.0}),
        ("request.input_tokens", "500/1500/4000",
         {"dist": "triangular", "low": 500.0, "mode": 1500.0, "high": 4000.0}),
        ("contract_years", "2,5", 2.5),
        ("id", "mon-profil-1", "mon-profil-1"),
        ("task", "speech-to-text", "speech-to-text"),
        ("volume_source", "", ""),
        ("volume_source", "registre des délibérations 2024",
         "registre des délibérations 2024"),
        ("task", "Transcription", "speech-to-text"),
        ("task", "résumé", "text-generation"),
        ("steps.1.task", "synthèse vocale", "text-to-speech"),
        ("request.input_tokens", "3 pages", 1500),
        ("request.input_tokens", "600 mots", 800),
        ("request.input_tokens", "2-4 pages", {"dist": "uniform", "low": 1000, "high": 2000}),
        ("request.audio_seconds", "3h", 10800.0),
        ("request.audio_seconds", "1h30", 5400.0),
        ("request.audio_seconds", "90 min", 5400.0),
        ("request.audio_seconds", "1:30:00", 5400.0),
        ("request.audio_seconds", "45", 45.0),
        ("volume.hours_per_day", "8h30", 8.5),
        ("volume.period", "par semaine", "semaine"),
        ("volume.period", "événement", "evenement"),
        ("step_count", "2", 2),
    ],
)
def test_parse_profile_answer(key: str, text: str, expected: Any) -> None:
    assert parse_profile_answer(key, text) == expected


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("volume.requests_per_day", "beaucoup",
         "volume.requests_per_day: expected a number, a range such as 200-400 or "
         "low/mode/high, got 'beaucoup'"),
        ("volume.requests_per_day", "0",
         "volume.requests_per_day: expected a number > 0 and <= 1e+10 requests/day, got 0"),
        ("volume.hours_per_day", "25", "volume.hours_per_day: expected a number > 0 and "
         "<= 24 h, got 25"),
        ("request.input_tokens", "4/2/1", "request.input_tokens: triangular distribution: "
         "expected low <= mode <= high, got low=4, mode=2, high=1"),
        ("request.input_tokens", "1/2", "request.input_tokens: a triangular range is "
         "written low/mode/high, e.g. 200/300/500"),
        ("id", "Mon Profil", "id: expected lower-case letters, digits and hyphens, starting "
         "with a letter or a digit, 80 characters at most, got 'Mon Profil'"),
        ("task", "bavardage", "task: expected a task: génération de texte (text-generation); "
         "transcription de la parole (speech-to-text); synthèse vocale (text-to-speech); "
         "vectorisation de textes (embeddings); classification de textes "
         "(text-classification); classification d'images (image-classification); détection "
         "d'objets dans des images (object-detection); génération d'images "
         "(image-generation); prédiction sur données tabulaires (tabular-prediction); "
         "got 'bavardage'"),
        ("volume_source", "120", "volume_source: expected where the figure comes from (a "
         "document, a count, a web address), e.g. 'registre des délibérations 2024', got "
         "'120'; leave it empty if the figure is an assumption"),
        ("request.audio_seconds", "trois heures", "request.audio_seconds: expected a "
         "duration such as 45 s, 3h, 1h30, 90 min or 1:30:00, got 'trois heures'"),
        ("step_count", "9", "step_count: expected a whole number from 1 to 6, got '9'"),
        ("title_fr", "  ", "title_fr: an answer is required"),
    ],
)
def test_parse_profile_answer_refuses(key: str, text: str, message: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_profile_answer(key, text)
    assert info.value.one_line() == message


def test_build_profile_marks_the_sourced_volume() -> None:
    profile = build_profile({
        "title_fr": "Tri du courrier", "id": "tri", "functional_unit": "un pli",
        "task": "text-classification", "request.input_tokens": 800.0,
        "volume.requests_per_day": 600.0, "volume_source": "rapport d'activité 2024",
        "volume.days_per_year": 250.0, "volume.hours_per_day": 8.0,
        "volume.peak_factor": 1.5, "contract_years": 3.0,
    })
    assert profile.basis["volume.requests_per_day"].status == "sourced"
    assert profile.basis["volume.requests_per_day"].source == "rapport d'activité 2024"
    assert profile.basis["request.input_tokens"].status == "assumed"
    assert basis_coverage(profile).missing == []
    assert profile.request is not None and profile.request.input_tokens == 800.0


# Wrong answers on purpose: task "bavardage", tokens "beaucoup", hours 30, contract 0.
INTERACTIVE_INPUT = "\n".join([
    "Chatbot de la mairie",      # title
    "",                          # id: accept the suggestion chatbot-de-la-mairie
    "une question d'un usager",  # functional unit
    "",                          # steps: default 1
    "bavardage",                 # wrong task, asked again
    "text-generation",
    "beaucoup",                  # wrong input tokens, asked again
    "800",
    "200-400",                   # output tokens: uniform
    "",                          # volume counted per day (the default)
    "300/400/600",               # requests per day: triangular
    "",                          # volume source: none (assumed)
    "",                          # days per year: default 250
    "30",                        # wrong hours per day, asked again
    "12",
    "",                          # peak factor: default 2
    "0",                         # wrong contract years, asked again
    "4",
]) + "\n"


def test_profile_new_interactive_asks_again_after_wrong_answers(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["profile", "new"], input=INTERACTIVE_INPUT,
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("Tâche (") == 2
    assert "Error: expected a task: génération de texte (text-generation); " in out
    assert "got 'bavardage'" in out
    assert out.count("Jetons (tokens) en entrée par requête") == 2
    assert ("Error: expected a number, a range such as 200-400 or low/mode/high, "
            "got 'beaucoup'") in out
    assert "Error: expected a number > 0 and <= 24 h, got 30" in out
    assert "Error: expected a number > 0 and <= 30 years, got 0" in out
    assert "Identifiant du profil (minuscules, chiffres, tirets) [chatbot-de-la-mairie]" in out
    assert out.endswith("Profil écrit : chatbot-de-la-mairie.yaml\n")

    path = tmp_path / "chatbot-de-la-mairie.yaml"
    check = runner.invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert check.output == f"{path}: valid profile\n"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["task"] == "text-generation"
    assert data["request"] == {
        "input_tokens": 800, "output_tokens": {"dist": "uniform", "low": 200, "high": 400}
    }
    assert data["volume"] == {
        "requests_per_day": {"dist": "triangular", "low": 300, "mode": 400, "high": 600},
        "days_per_year": 250, "peak_factor": 2, "hours_per_day": 12,
    }
    assert data["contract_years"] == 4
    assert data["functional_unit"] == "une question d'un usager"
    assert {k: v["status"] for k, v in data["basis"].items()} == {
        "request.input_tokens": "assumed", "request.output_tokens": "assumed",
        "volume.requests_per_day": "assumed", "volume.days_per_year": "assumed",
        "volume.hours_per_day": "assumed", "volume.peak_factor": "assumed",
        "contract_years": "assumed",
    }


def test_profile_new_non_interactive(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "cantines.yaml"
    result = runner.invoke(cli, [
        "profile", "new", "--no-input", "-o", str(out), "--title", "Prévision des cantines",
        "--task", "tabular-prediction", "--rows", "6090", "--requests-per-day", "1",
        "--volume-source", "un calcul par jour de classe", "--days-per-year", "180",
        "--hours-per-day", "1", "--peak-factor", "1",
    ], catch_exceptions=False)
    assert result.output == f"Profil écrit : {out}\n"
    profile = ia_empreinte.load_profile(out)
    assert profile.id == "prevision-des-cantines"
    assert profile.task == "tabular-prediction"
    assert profile.request is not None and profile.request.rows == 6090
    assert profile.contract_years == 3  # the default
    assert profile.basis["volume.requests_per_day"].status == "sourced"


def test_profile_new_refuses_a_bad_option_without_writing(
    runner: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "p.yaml"
    result = runner.invoke(cli, ["profile", "new", "--no-input", "-o", str(out),
                                 "--title", "X", "--requests-per-day", "-5"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: volume.requests_per_day: expected a number > 0 and <= 1e+10 requests/day, "
        "got -5\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_profile_new_no_input_needs_a_title(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["profile", "new", "--no-input", "-o", str(tmp_path / "p.yaml")])
    assert result.exit_code == 2
    assert result.output.endswith("Error: --title is required with --no-input\n")


def test_profile_new_keeps_an_existing_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "p.yaml"
    out.write_text("keep me", encoding="utf-8")
    args = ["profile", "new", "--no-input", "-o", str(out), "--title", "X"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.output == f"Error: {out}: file exists; use --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "keep me"
    assert runner.invoke(cli, [*args, "--force"], catch_exceptions=False).exit_code == 0
    assert ia_empreinte.load_profile(out).id == "x"


# --- the offer declaration template -------------------------------------------------

FRENCH = re.compile(r"\b(le|la|les|de|des|du|un|une|par|en|pour|est|sur|si)\b|[éèàêç]")
KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- )?(?P<key>[a-z_0-9]+):(?P<rest>.*)$")


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every field of ``model`` as dotted keys, nested models included (not distributions)."""
    keys = []
    for name, field in model.model_fields.items():
        keys.append(prefix + name)
        inner = _inner_model(field.annotation)
        if inner is not None and "dist" not in inner.model_fields:
            keys.extend(_model_keys(inner, f"{prefix}{name}."))
    return keys


def _template_keys(text: str) -> dict[str, str]:
    """Dotted key -> its explanation (the comment lines above it and its inline comment).

    Keys of optional blocks are commented out (``# key: value``) and count too.
    """
    found: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    comments: list[str] = []
    for line in text.splitlines():
        m = KEY_LINE.match(re.sub(r"^( *)# ", r"\1", line))
        if m is None:
            is_comment = line.lstrip().startswith("#")
            comments = [*comments, line.lstrip(" #")] if is_comment else []
            continue
        indent = len(m["indent"]) + (2 if m["dash"] else 0)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        key = ".".join([*(k for _, k in stack), m["key"]])
        inline = m["rest"].split("  # ", 1)[1] if "  # " in m["rest"] else ""
        found[key] = " ".join([*comments, inline])
        stack.append((indent, m["key"]))
        comments = []
    return found


def test_template_explains_every_field_of_the_offer_in_french() -> None:
    keys = _template_keys(offer_template())
    expected = _model_keys(Offer)
    # components repeat the model and deployment fields ("mêmes champs que ci-dessus")
    for key in expected:
        if key.startswith(("components.model.", "components.deployment.")):
            continue
        assert key in keys, f"the template does not show '{key}'"
        assert FRENCH.search(keys[key]), f"'{key}' has no French comment: {keys[key]!r}"
    assert "benchmarks.sha256" in keys and "training.amortisation_requests" in keys


def test_blank_template_does_not_validate(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "offre.yaml"
    result = runner.invoke(cli, ["offer", "template", "-o", str(path)], catch_exceptions=False)
    assert result.output == f"Modèle écrit : {path}\n"
    check = runner.invoke(cli, ["validate", str(path)])
    assert check.exit_code == 2
    assert check.output == (
        f"Error: {path}: id: string should match pattern '^[A-Za-z0-9][A-Za-z0-9._-]{{0,79}}$' "
        "(and 2 more problems)\n"
    )


FILLED = {
    '"<identifiant de l\'offre>"': "candidat-a-lot-1",
    '"<raison sociale du candidat>"': "Candidat A",
    '"<nom et version du service>"': "Transcription 2.1",
    '"<identifiant du modèle au catalogue>"': "whisper-large-v3",
    '"<nom et version du modèle>"': "Whisper large-v3 (révision 06f233f)",
    '"<identifiant de l\'accélérateur>"': "nvidia-l4",
    '"<code de la zone d\'hébergement, par exemple FR>"': "FR",
    '"<empreinte SHA-256 du relevé>"': "ab" * 32,
    '"<méthode et date de la mesure ou de l\'estimation>"': "mesure wattmètre, mars 2026",
    '"<publication ou rapport du fournisseur du modèle>"': "rapport du fournisseur, 2024",
}


def _fill(text: str, *, optional: bool) -> str:
    for placeholder, value in FILLED.items():
        text = text.replace(placeholder, f'"{value}"')
    if optional:  # uncomment the optional blocks, as the comments tell the vendor to
        text = re.sub(r"^( *)# (\s*(?:-\s+)?[a-z_0-9]+:.*)$", r"\1\2", text, flags=re.M)
    return text


@pytest.mark.parametrize("optional", [False, True], ids=["required", "with-optional-blocks"])
def test_filled_template_validates(runner: CliRunner, tmp_path: Path, optional: bool) -> None:
    text = runner.invoke(cli, ["offer", "template", "--task", "speech-to-text"],
                         catch_exceptions=False).output
    path = tmp_path / "offre.yaml"
    filled = _fill(text, optional=optional)
    if optional:  # explicit sizes describe a model not in the catalog: no 'id' then
        filled = filled.replace('  id: "whisper-large-v3"\n', "", 1)
    path.write_text(filled, encoding="utf-8")
    check = runner.invoke(cli, ["validate", str(path)], catch_exceptions=False)
    assert check.output == f"{path}: valid offer\n"
    offer = ia_empreinte.load_offer(path)
    assert offer.task == "speech-to-text" and offer.deployment.zone == "FR"
    assert offer.model.id == (None if optional else "whisper-large-v3")
    if optional:
        assert offer.model.total_params_b == 24 and offer.deployment.pue == 1.3
        assert offer.components[0].task == "text-generation"
        assert offer.benchmarks[0].task == "speech-to-text"
        assert offer.declared[0].task == "speech-to-text"
        assert offer.training is not None and offer.training.amortisation_requests == 1e10
    else:
        assert offer.components == [] and offer.training is None


def test_template_task_note() -> None:
    assert "# Tâche évaluée : tabular-prediction : une requête = un lot de lignes prédites" in (
        offer_template("tabular-prediction")
    )
    assert "#     task: text-generation" in offer_template()


def test_template_unknown_task(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["offer", "template", "--task", "chat"])
    assert result.exit_code == 2
    assert "Invalid value for '--task': 'chat' is not one of" in result.output
    with pytest.raises(ProfileError):
        offer_template("chat")


def test_profiles_and_template_ship_in_the_wheel(tmp_path: Path) -> None:
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("ia_empreinte-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for ident in IDS:
        assert f"ia_empreinte/data/profiles/{ident}.yaml" in names
    assert "ia_empreinte/data/templates/offer.fr.yaml" in names


def test_build_profile_of_several_steps_counted_per_event() -> None:
    """Council meetings: transcribe 3 hours, then summarise, 10 meetings a year."""
    typed = {
        "title_fr": "Comptes rendus des séances", "id": "seances",
        "functional_unit": "une séance", "step_count": "2",
        "steps.0.task": "transcription", "steps.1.task": "résumé",
        "steps.0.name": "transcrire", "steps.0.request.audio_seconds": "3h",
        "steps.0.count": "1", "steps.1.name": "résumer",
        "steps.1.request.input_tokens": "40 pages", "steps.1.request.output_tokens": "3 pages",
        "steps.1.count": "1", "volume.period": "événement", "volume.events_per_year": "10",
        "volume.requests_per_day": "1", "volume_source": "calendrier des séances 2025",
        "volume.days_per_year": "250", "volume.hours_per_day": "3h",
        "volume.peak_factor": "1", "contract_years": "4",
    }
    answers: dict[str, Any] = {}
    for q_key in [q.key for q in profile_questions(answers={
            "step_count": 2, "steps.0.task": "speech-to-text",
            "steps.1.task": "text-generation", "volume.period": "evenement"})]:
        answers[q_key] = parse_profile_answer(q_key, typed[q_key])
    notes = {k: explain_answer(k, v) for k, v in typed.items() if explain_answer(k, v)}
    profile = build_profile(answers, notes)
    assert profile.steps is not None and [s.task for s in profile.steps] == [
        "speech-to-text", "text-generation"]
    assert profile.steps[0].request.audio_seconds == 10800
    assert profile.steps[1].request.input_tokens == 20000
    # 10 meetings a year over 250 service days: the year's total is 10 requests
    assert profile.volume.requests_per_day * profile.volume.days_per_year == pytest.approx(10)
    volume = profile.basis["volume.requests_per_day"]
    assert volume.status == "sourced" and "10 événements par an" in volume.source
    assert "500 jetons par page" in profile.basis["steps.1.request.input_tokens"].source
    assert basis_coverage(profile).missing == []


def test_profile_new_several_steps_with_options(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "seances.yaml"
    result = runner.invoke(cli, [
        "profile", "new", "--no-input", "-o", str(out), "--title", "Séances",
        "--task", "transcription", "--task", "résumé", "--audio-seconds", "3h",
        "--input-tokens", "40 pages", "--output-tokens", "2 pages", "--period", "an",
        "--requests-per-day", "10", "--volume-source", "calendrier 2025",
    ], catch_exceptions=False)
    assert result.output == f"Profil écrit : {out}\n", result.output
    profile = ia_empreinte.load_profile(out)
    assert profile.steps is not None and len(profile.steps) == 2
    assert profile.steps[0].request.audio_seconds == 10800
    assert profile.steps[1].request.output_tokens == 1000
    assert profile.volume.requests_per_day * profile.volume.days_per_year == pytest.approx(10)
