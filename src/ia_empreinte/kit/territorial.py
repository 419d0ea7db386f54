"""The buyer's kit: shipped territorial profiles, a profile questionnaire, the offer template.

Three things a buyer needs before any estimate:

- a library of usage profiles of territorial AI use cases, shipped inside the package
  (``ia_empreinte/data/profiles/``; the ``profiles/`` folder of the repository holds the
  same files, checked by a test);
- a questionnaire that turns plain answers into a valid single-task profile, for a
  buyer who does not write YAML (the CLI asks the questions, this module defines and
  checks them);
- the offer declaration template, with French comments and English keys, that the
  buyer annexes to the tender file and each vendor fills in.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from collections.abc import Mapping
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from ia_empreinte.errors import CatalogError, ProfileError
from ia_empreinte.inputs.documents import read_document
from ia_empreinte.parsing import parse_model
from ia_empreinte.profiles import (
    REQUIRED_REQUEST_FIELDS,
    TASKS,
    Request,
    UsageProfile,
    Volume,
    parse_profile,
)
from ia_empreinte.uncertainty import central

__all__ = [
    "QUESTIONNAIRE_SOURCE",
    "BasisCoverage",
    "ProfileQuestion",
    "basis_coverage",
    "build_profile",
    "offer_template",
    "parse_profile_answer",
    "profile_questions",
    "profile_to_yaml",
    "shipped_profile",
    "shipped_profile_ids",
    "shipped_profile_text",
    "shipped_profiles_table",
    "slugify",
]

_PROFILES_DIR = ("data", "profiles")
_TEMPLATE = ("data", "templates", "offer.fr.yaml")

QUESTIONNAIRE_SOURCE = "réponse au questionnaire `ia-empreinte profile new`"
"""The basis source written for every number answered in the questionnaire."""


# --- shipped profiles -------------------------------------------------------------


def _profiles_root() -> Any:
    return resources.files("ia_empreinte").joinpath(*_PROFILES_DIR)


def shipped_profile_ids() -> list[str]:
    """Ids of the usage profiles shipped with the package, sorted."""
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in _profiles_root().iterdir()
        if entry.name.endswith(".yaml")
    )


def shipped_profile_text(ident: str) -> str:
    """The YAML text of the shipped profile ``ident``, comments included.

    Raises:
        CatalogError: no shipped profile has this id (the closest one is suggested).
    """
    ids = shipped_profile_ids()
    if ident not in ids:
        close = difflib.get_close_matches(ident, ids, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise CatalogError(
            f"unknown profile '{ident}'{hint} (see `ia-empreinte profiles list`)"
        )
    text: str = _profiles_root().joinpath(f"{ident}.yaml").read_text(encoding="utf-8")
    return text


def shipped_profile(ident: str) -> UsageProfile:
    """The shipped profile ``ident``, validated.

    Raises:
        CatalogError: no shipped profile has this id.
    """
    text = shipped_profile_text(ident)
    data = read_document(f"{ident}.yaml", text=text.encode("utf-8"))
    return parse_profile(data, file=f"profiles/{ident}.yaml")


def shipped_profiles_table() -> tuple[list[str], list[dict[str, Any]]]:
    """One row per shipped profile: id, tasks, central volume, contract and French title.

    Returns:
        The column names and the rows (``requests_per_year`` is the central requests
        per day times the central service days).
    """
    columns = ["id", "tasks", "requests_per_year", "contract_years", "title_fr"]
    rows: list[dict[str, Any]] = []
    for ident in shipped_profile_ids():
        p = shipped_profile(ident)
        tasks = "+".join(dict.fromkeys(s.task for s in p.effective_steps()))
        per_year = central(p.volume.requests_per_day) * central(p.volume.days_per_year)
        rows.append(
            {
                "id": p.id,
                "tasks": tasks,
                "requests_per_year": round(per_year),
                "contract_years": central(p.contract_years),
                "title_fr": p.title_fr or p.title,
            }
        )
    return columns, rows


class BasisCoverage(BaseModel):
    """Which numbers of a profile lack a stated basis, and which basis keys match nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    missing: list[str]
    """Dotted paths of numbers written in the profile without a ``basis`` entry."""
    unknown: list[str]
    """``basis`` keys that name no number of the profile (a typo, or a stale entry)."""


def _number_paths(model: BaseModel, prefix: str) -> list[str]:
    paths: list[str] = []
    for name in sorted(model.model_fields_set):
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel) and not hasattr(value, "dist"):
            paths.extend(_number_paths(value, path + "."))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    paths.extend(_number_paths(item, f"{path}.{i}."))
        elif hasattr(value, "dist") or (
            isinstance(value, float | int) and not isinstance(value, bool)
        ):
            paths.append(path)
    return paths


def basis_coverage(profile: UsageProfile) -> BasisCoverage:
    """Compare the numbers written in ``profile`` with its ``basis`` entries.

    Every number the buyer wrote (volume, request sizes, step counts, contract length;
    not ``version``) should say whether it is sourced or assumed. Paths are dotted,
    with list indexes: ``steps.1.request.input_tokens``.
    """
    numbers = [p for p in _number_paths(profile, "") if p != "version"]
    missing = [p for p in numbers if p not in profile.basis]
    unknown = sorted(k for k in profile.basis if k not in numbers)
    return BasisCoverage(missing=missing, unknown=unknown)


# --- the questionnaire ------------------------------------------------------------


class ProfileQuestion(BaseModel):
    """One question of ``ia-empreinte profile new``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    """The answer's key: a profile field path such as ``volume.requests_per_day``."""
    prompt_fr: str
    default: str | None = None
    kind: Literal["text", "id", "task", "quantity"] = "quantity"


_REQUEST_PROMPTS_FR: dict[str, tuple[str, str]] = {
    "input_tokens": ("Jetons (tokens) en entrée par requête (texte envoyé au modèle)", "1000"),
    "output_tokens": ("Jetons (tokens) en sortie par requête (texte produit)", "300"),
    "audio_seconds": ("Secondes d'audio par requête", "60"),
    "images": ("Images par requête", "1"),
    "rows": ("Lignes (prédictions) par requête", "1000"),
}
_TASK_DEFAULTS: dict[str, dict[str, str]] = {
    "embeddings": {"input_tokens": "300"},
    "text-classification": {"input_tokens": "500"},
    "text-to-speech": {"audio_seconds": "30"},
}


def profile_questions(
    task: str | None = None, *, title: str | None = None
) -> list[ProfileQuestion]:
    """The questionnaire, in order; the request questions depend on ``task``.

    Without a task, only the questions asked before the task is known are returned.
    With a ``title``, the id question suggests an id made from it.
    Quantity answers accept a number (``400``, ``1,5``), a range ``200-400`` (uniform)
    or ``low/mode/high`` (triangular).
    """
    q = ProfileQuestion
    out = [
        q(key="title_fr", prompt_fr="Intitulé du cas d'usage", kind="text"),
        q(key="id", prompt_fr="Identifiant du profil (minuscules, chiffres, tirets)",
          default=slugify(title) if title else None, kind="id"),
        q(key="functional_unit", prompt_fr="Unité fonctionnelle (une requête = ?)",
          default="une requête", kind="text"),
        q(key="task", prompt_fr="Tâche", default="text-generation", kind="task"),
    ]
    if task is None:
        return out
    if task not in REQUIRED_REQUEST_FIELDS:
        raise ProfileError(f"unknown task '{task}'; expected one of: {', '.join(TASKS)}")
    for name in REQUIRED_REQUEST_FIELDS[task]:
        prompt, default = _REQUEST_PROMPTS_FR[name]
        default = _TASK_DEFAULTS.get(task, {}).get(name, default)
        out.append(q(key=f"request.{name}", prompt_fr=prompt, default=default))
    out += [
        q(key="volume.requests_per_day", prompt_fr="Requêtes par jour de service",
          default="100"),
        q(key="volume_source", prompt_fr="Source de ce volume (vide si c'est une hypothèse)",
          default="", kind="text"),
        q(key="volume.days_per_year", prompt_fr="Jours de service par an", default="250"),
        q(key="volume.hours_per_day", prompt_fr="Heures par jour où arrivent les requêtes",
          default="10"),
        q(key="volume.peak_factor",
          prompt_fr="Facteur de pointe (charge de pointe / charge moyenne)", default="2"),
        q(key="contract_years", prompt_fr="Durée du marché en années", default="3"),
    ]
    return out


_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_RANGE = re.compile(r"^(?P<low>[^/]+?)\s*(?:-|à|to)\s*(?P<high>[^/]+)$")


def _number(text: str, key: str) -> float:
    cleaned = re.sub(r"[\s\u00a0\u202f_]", "", text).replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise ProfileError(
            f"expected a number, a range such as 200-400 or low/mode/high, got '{text}'",
            location=key.split("."),
        ) from None
    return value


def _field_type(key: str) -> Any:
    parts = key.split(".")
    owners: dict[str, type[BaseModel]] = {"volume": Volume, "request": Request}
    model: type[BaseModel] = owners[parts[0]] if len(parts) == 2 else UsageProfile
    field = model.model_fields[parts[-1]]
    return Annotated[field.annotation, field]


def parse_profile_answer(key: str, text: str) -> Any:
    """Parse and check one answer of the questionnaire against the profile model.

    Args:
        key: the question's key (see :func:`profile_questions`).
        text: the answer as typed. Numbers accept a decimal comma and spaces between
            thousands; ``200-400`` gives a uniform and ``1/2/4`` a triangular
            distribution.

    Returns:
        A string for text answers, a number or distribution table otherwise.

    Raises:
        ProfileError: the answer is not acceptable, with what is expected.
    """
    text = text.strip()
    if key in {"title_fr", "functional_unit", "volume_source"}:
        if key != "volume_source" and not text:
            raise ProfileError("an answer is required", location=(key,))
        return text
    if key == "task":
        if text not in TASKS:
            raise ProfileError(f"expected one of: {', '.join(TASKS)}, got '{text}'",
                               location=("task",))
        return text
    value: Any
    if key == "id":
        if not _ID.match(text):
            raise ProfileError(
                "expected lower-case letters, digits and hyphens, starting with a letter or "
                f"a digit, 80 characters at most, got '{text}'",
                location=("id",),
            )
        value = text
    elif "/" in text:
        parts = [_number(p, key) for p in text.split("/")]
        if len(parts) != 3:
            raise ProfileError("a triangular range is written low/mode/high, e.g. 200/300/500",
                               location=key.split("."))
        value = {"dist": "triangular", "low": parts[0], "mode": parts[1], "high": parts[2]}
    elif (m := _RANGE.match(text)) is not None:
        value = {"dist": "uniform", "low": _number(m["low"], key),
                 "high": _number(m["high"], key)}
    else:
        value = _number(text, key)
    try:
        TypeAdapter(_field_type(key)).validate_python(value)
    except ValidationError as exc:
        msg = str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
        raise ProfileError(msg, location=key.split(".")) from None
    return value


def slugify(text: str) -> str:
    """A profile id from a title: lower case ASCII, words joined by hyphens, 80 chars max."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "mon-profil"


def build_profile(answers: Mapping[str, Any]) -> UsageProfile:
    """Build a single-task profile from questionnaire answers (keys of :func:`profile_questions`).

    Every number is marked ``assumed`` in ``basis``, except the daily volume when a
    source was given (``volume_source``), which is then ``sourced``.

    Raises:
        ProfileError: an answer is missing or invalid.
    """
    data: dict[str, Any] = {"id": answers.get("id"), "version": 1}
    for key in ("title_fr", "functional_unit", "task"):
        if answers.get(key):
            data[key] = answers[key]
    data["reference_flow"] = "1 an de service au volume ci-dessous"
    basis: dict[str, dict[str, str]] = {}
    for key, value in answers.items():
        if "." not in key and key != "contract_years":
            continue
        section, _, name = key.rpartition(".")
        target = data.setdefault(section, {}) if section else data
        target[name] = value
        basis[key] = {"status": "assumed", "source": QUESTIONNAIRE_SOURCE}
    source = str(answers.get("volume_source") or "").strip()
    if source and "volume.requests_per_day" in basis:
        basis["volume.requests_per_day"] = {"status": "sourced", "source": source}
    data["basis"] = basis
    return parse_model(UsageProfile, data, file="profile new", error=ProfileError)


def profile_to_yaml(profile: UsageProfile) -> str:
    """The profile as YAML, fields in model order, empty fields left out."""
    dumped = profile.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    data = {k: _whole_numbers(v) for k, v in dumped.items() if v not in ([], {}, "")}
    header = (
        f"# Profil d'usage « {profile.title_fr or profile.id} »\n"
        "# Écrit par `ia-empreinte profile new` ; vérifiez-le avec `ia-empreinte validate`.\n"
    )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)
    return header + body


def _whole_numbers(value: Any) -> Any:
    """Whole floats as ints (``400`` rather than ``400.0``), recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


# --- the offer declaration template ----------------------------------------------

_TASK_NOTES_FR: dict[str, str] = {
    "text-generation": "une requête = un appel au modèle de langage (jetons en entrée "
    "et en sortie) ; dialogue, synthèse, RAG ou traduction",
    "embeddings": "une requête = un texte vectorisé (jetons en entrée)",
    "text-classification": "une requête = un texte classé (jetons en entrée)",
    "speech-to-text": "une requête = un enregistrement transcrit (secondes d'audio)",
    "text-to-speech": "une requête = un texte lu (secondes d'audio produites)",
    "image-classification": "une requête = une ou plusieurs images classées",
    "object-detection": "une requête = une ou plusieurs images analysées (détection ou "
    "segmentation)",
    "image-generation": "une requête = une ou plusieurs images générées",
    "tabular-prediction": "une requête = un lot de lignes prédites (modèle tabulaire)",
}


_COMMENT_COLUMN = 25
"""Width of the example values in the template's components block (aligns comments)."""


def offer_template(task: str | None = None) -> str:
    """The offer declaration template: YAML with English keys and French comments.

    Args:
        task: the task of the tender's usage profile; fills the ``task`` entries and
            explains what one request is. None gives the generic template.

    Raises:
        ProfileError: ``task`` is not a known task id.
    """
    if task is not None and task not in _TASK_NOTES_FR:
        raise ProfileError(f"unknown task '{task}'; expected one of: {', '.join(TASKS)}")
    raw = resources.files("ia_empreinte").joinpath(*_TEMPLATE).read_text(encoding="utf-8")
    if task is None:
        note = "précisée par le profil d'usage annexé au dossier de consultation"
        task_value = "text-generation"
    else:
        note = f"{task} : {_TASK_NOTES_FR[task]}"
        task_value = task
    # the components example shows a task other than the main one
    component_task, component_model = (
        ("text-generation", "mistral-small-3") if task_value == "speech-to-text"
        else ("speech-to-text", "whisper-large-v3")
    )
    return string.Template(raw).substitute(
        task_note=note,
        task=task_value,
        component_task=component_task,
        component_pad=" " * (_COMMENT_COLUMN - len(component_task)),
        component_model=component_model,
        model_pad=" " * (_COMMENT_COLUMN - len(component_model)),
    )
