"""The buyer's kit: shipped territorial profiles, a profile questionnaire, the offer template.

Three things a buyer needs before any estimate:

- a library of usage profiles of territorial AI use cases, shipped inside the package
  (``ia_empreinte/data/profiles/``; the ``profiles/`` folder of the repository holds the
  same files, checked by a test);
- a questionnaire that turns plain answers into a valid profile, for a buyer who does
  not write YAML: one or several steps per use (transcribe, then summarise), task names
  in French, volumes per day, week, month, year or event, tokens given as pages or
  words and durations as ``3h`` or ``1h30``, and a source that must look like one
  (``ia-empreinte profile new`` and the web application ask the same questions; this
  module defines and checks them);
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
    Step,
    UsageProfile,
    Volume,
    parse_profile,
)
from ia_empreinte.uncertainty import Quantity, bounded, central

__all__ = [
    "PERIODS_FR",
    "QUESTIONNAIRE_SOURCE",
    "TASK_NAMES_FR",
    "TOKENS_PER_PAGE",
    "TOKENS_PER_WORD",
    "BasisCoverage",
    "ProfileQuestion",
    "basis_coverage",
    "build_profile",
    "explain_answer",
    "number_label_fr",
    "offer_template",
    "parse_duration",
    "parse_profile_answer",
    "parse_task",
    "profile_questions",
    "profile_to_yaml",
    "shipped_profile",
    "shipped_profile_ids",
    "shipped_profile_text",
    "shipped_profiles_table",
    "slugify",
    "task_short_name_fr",
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
    """One question of ``ia-empreinte profile new`` (and of the web questionnaire)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    """The answer's key: a profile field path such as ``volume.requests_per_day``."""
    prompt_fr: str
    default: str | None = None
    kind: Literal[
        "text", "id", "task", "quantity", "tokens", "duration", "hours", "period",
        "source", "steps",
    ] = "quantity"
    help_fr: str = ""
    """What the answer may look like (shown under the field on the web, in the CLI help)."""
    choices: tuple[str, ...] = ()
    """For ``task`` and ``period``: the accepted ids, in order."""


TASK_NAMES_FR: dict[str, str] = {
    "text-generation": "génération de texte (dialogue, synthèse, rédaction, traduction)",
    "speech-to-text": "transcription de la parole",
    "text-to-speech": "synthèse vocale",
    "embeddings": "vectorisation de textes (recherche, RAG)",
    "text-classification": "classification de textes",
    "image-classification": "classification d'images",
    "object-detection": "détection d'objets dans des images",
    "image-generation": "génération d'images",
    "tabular-prediction": "prédiction sur données tabulaires",
}
"""The French name of each task, as the questionnaire shows it."""


def task_short_name_fr(task: str) -> str:
    """A task's French name without its examples in brackets (``génération de texte``);
    the id itself for a task without a French name."""
    return TASK_NAMES_FR.get(task, task).split(" (")[0]

_TASK_WORDS: dict[str, str] = {
    "generation de texte": "text-generation",
    "dialogue": "text-generation",
    "chat": "text-generation",
    "resume": "text-generation",
    "synthese": "text-generation",
    "redaction": "text-generation",
    "traduction": "text-generation",
    "transcription": "speech-to-text",
    "synthese vocale": "text-to-speech",
    "lecture": "text-to-speech",
    "vectorisation": "embeddings",
    "classification de textes": "text-classification",
    "classification de texte": "text-classification",
    "classification d'images": "image-classification",
    "classification d images": "image-classification",
    "detection d'objets": "object-detection",
    "detection": "object-detection",
    "generation d'images": "image-generation",
    "prediction": "tabular-prediction",
}
"""Short French words a buyer may type for a task (accents and case ignored)."""

PERIODS_FR: dict[str, str] = {
    "jour": "par jour de service",
    "semaine": "par semaine",
    "mois": "par mois",
    "an": "par an",
    "evenement": "par événement (séance, campagne…)",
}
"""The periods a volume may be given per, and their French wording."""

_PER_YEAR = {"semaine": 52.0, "mois": 12.0, "an": 1.0}
"""Periods in a year (52 weeks, 12 months): a weekly volume is spread over the year's
service days."""

TOKENS_PER_WORD = 4 / 3
"""Tokens per word: about 100 tokens for 75 words (OpenAI, "What are tokens and how to
count them?", help centre, 2023, https://help.openai.com/en/articles/4936856). French
text needs somewhat more: the figure stays a stated assumption."""

WORDS_PER_PAGE = 375
"""Words of a typed page: about 250 for a French "feuillet" of 1,500 characters and 500
for a dense single-spaced A4 page; the middle is taken and marked as an assumption."""

TOKENS_PER_PAGE = 500
"""Tokens of a typed page: :data:`WORDS_PER_PAGE` x :data:`TOKENS_PER_WORD`."""

_REQUEST_PROMPTS_FR: dict[str, tuple[str, str, str]] = {
    "input_tokens": ("Jetons (tokens) en entrée par requête (texte envoyé au modèle)", "1000",
                     "tokens"),
    "output_tokens": ("Jetons (tokens) en sortie par requête (texte produit)", "300",
                      "tokens"),
    "audio_seconds": ("Durée d'audio par requête", "60", "duration"),
    "images": ("Images par requête", "1", "quantity"),
    "rows": ("Lignes (prédictions) par requête", "1000", "quantity"),
}
_TASK_DEFAULTS: dict[str, dict[str, str]] = {
    "embeddings": {"input_tokens": "300"},
    "text-classification": {"input_tokens": "500"},
    "text-to-speech": {"audio_seconds": "30"},
}
_HELP_FR: dict[str, str] = {
    "quantity": "Un nombre (400 ou 1,5), une fourchette 200-400 ou une valeur incertaine "
    "minimum/probable/maximum comme 200/300/500.",
    "tokens": f"Un nombre de jetons, ou des pages ou des mots : « 3 pages » (1 page ≈ "
    f"{TOKENS_PER_PAGE} jetons), « 600 mots » (100 mots ≈ {round(100 * TOKENS_PER_WORD)} "
    "jetons). Fourchettes admises : « 2-4 pages ».",
    "duration": "Une durée : « 45 s », « 3h », « 1h30 », « 90 min » ou « 1:30:00 » ; un "
    "nombre seul compte des secondes. Fourchettes admises : « 1h-2h ».",
    "hours": "Des heures : « 10 », « 8h30 » ; fourchettes admises : « 8-12 ».",
    "source": "D'où vient ce chiffre : un document, un comptage, une adresse web (par "
    "exemple « registre des délibérations 2024 »). Laissez vide si c'est une hypothèse.",
    "task": "Le nom de la tâche en français (transcription, synthèse, traduction…) ou son "
    "identifiant (speech-to-text…).",
    "steps": "Par exemple 2 pour « transcrire puis résumer » : une étape par traitement.",
}

MAX_STEPS = 6
"""Most steps the questionnaire asks for (a shipped profile may have more)."""


_NUMBER_LABELS_FR = {
    "volume.requests_per_day": "Requêtes par jour de service",
    "volume.days_per_year": "Jours de service par an",
    "volume.hours_per_day": "Heures par jour où arrivent les requêtes",
    "volume.peak_factor": "Facteur de pointe",
    "contract_years": "Durée du marché (années)",
    "count": "passages par requête",
    "image_width": "Largeur d'image (pixels)",
    "image_height": "Hauteur d'image (pixels)",
    "denoising_steps": "Étapes de débruitage par image",
}


def number_label_fr(path: str) -> str:
    """The French name of a profile number given by its dotted path, as the
    questionnaire asks it (``steps.1.request.input_tokens`` -> ``Étape 2 : Jetons...``);
    the path itself when it has none."""
    prefix = ""
    rest = path
    if path.startswith("steps.") and path.count(".") >= 2:
        _, index, rest = path.split(".", 2)
        prefix = f"Étape {int(index) + 1} : " if index.isdigit() else ""
    name = rest.removeprefix("request.")
    if name in _REQUEST_PROMPTS_FR:
        return prefix + _REQUEST_PROMPTS_FR[name][0]
    return prefix + _NUMBER_LABELS_FR.get(rest, _NUMBER_LABELS_FR.get(name, path))


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: how typed task names are compared."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("’", "'").split())


def parse_task(text: str, key: str = "task") -> str:
    """The task id of an answer: an id (``speech-to-text``), a French name from
    :data:`TASK_NAMES_FR` or a short French word (``transcription``, ``résumé``).

    Raises:
        ProfileError: the answer names no task; the message lists them in French.
    """
    folded = _fold(text)
    if folded in TASKS:
        return folded
    for task, name in TASK_NAMES_FR.items():
        if folded in (_fold(name), _fold(name.split(" (")[0])):
            return task
    if folded in _TASK_WORDS:
        return _TASK_WORDS[folded]
    listed = "; ".join(f"{task_short_name_fr(task)} ({task})" for task in TASK_NAMES_FR)
    raise ProfileError(f"expected a task: {listed}; got '{text.strip()}'",
                       location=key.split("."))


def _step_count(answers: Mapping[str, Any]) -> int:
    value = answers.get("step_count", 1)
    return int(value) if isinstance(value, int | float) else 1


def _request_questions(task: str, prefix: str) -> list[ProfileQuestion]:
    out = []
    for name in REQUIRED_REQUEST_FIELDS[task]:
        prompt, default, kind = _REQUEST_PROMPTS_FR[name]
        default = _TASK_DEFAULTS.get(task, {}).get(name, default)
        out.append(ProfileQuestion(key=f"{prefix}request.{name}", prompt_fr=prompt,
                                   default=default, kind=kind,
                                   help_fr=_HELP_FR[kind]))
    return out


def profile_questions(
    task: str | None = None,
    *,
    title: str | None = None,
    answers: Mapping[str, Any] | None = None,
) -> list[ProfileQuestion]:
    """The questionnaire, in order; later questions depend on earlier answers.

    Args:
        task: the single task, when known (the questions of a one-step use).
        title: the use case's title, to suggest an id.
        answers: the answers so far (parsed, keys as the questions'); they choose the
            number of steps, each step's task, the volume's period. ``task`` and
            ``title`` are read from them when given.

    Without a task, only the questions asked before the task is known are returned.
    Quantity answers accept a number (``400``, ``1,5``), a range ``200-400`` (uniform)
    or ``low/mode/high`` (triangular); token answers also take pages or words, duration
    answers ``3h`` or ``1h30``.
    """
    answers = dict(answers or {})
    title = answers.get("title_fr", title)
    q = ProfileQuestion
    tasks_listed = tuple(TASK_NAMES_FR)
    out = [
        q(key="title_fr", prompt_fr="Intitulé du cas d'usage", kind="text"),
        q(key="id", prompt_fr="Identifiant du profil (minuscules, chiffres, tirets)",
          default=slugify(title) if title else None, kind="id"),
        q(key="functional_unit", prompt_fr="Unité fonctionnelle (une requête = ?)",
          default="une requête", kind="text"),
        q(key="step_count", prompt_fr="Nombre d'étapes de traitement par requête",
          default="1", kind="steps", help_fr=_HELP_FR["steps"]),
    ]
    steps = _step_count(answers)
    known: list[str | None]
    if steps == 1:
        out.append(q(key="task", prompt_fr="Tâche", default="text-generation", kind="task",
                     help_fr=_HELP_FR["task"], choices=tasks_listed))
        known = [answers.get("task", task)]
    else:
        known = []
        for i in range(steps):
            out.append(q(key=f"steps.{i}.task", prompt_fr=f"Étape {i + 1} : tâche",
                         default="speech-to-text" if i == 0 else "text-generation",
                         kind="task", help_fr=_HELP_FR["task"], choices=tasks_listed))
            known.append(answers.get(f"steps.{i}.task"))
    if any(t is None for t in known):
        return out
    for i, step_task in enumerate(known):
        assert step_task is not None
        if step_task not in REQUIRED_REQUEST_FIELDS:
            raise ProfileError(
                f"unknown task '{step_task}'; expected one of: {', '.join(TASKS)}"
            )
        if steps == 1:
            out += _request_questions(step_task, "")
            continue
        prefix = f"steps.{i}."
        out.append(q(key=f"{prefix}name", prompt_fr=f"Étape {i + 1} : nom",
                     default=task_short_name_fr(step_task), kind="text"))
        out += _request_questions(step_task, prefix)
        out.append(q(key=f"{prefix}count", prompt_fr=f"Étape {i + 1} : passages par requête",
                     default="1", help_fr=_HELP_FR["quantity"]))
    period = answers.get("volume.period", "jour")
    out.append(q(key="volume.period", prompt_fr="Le volume est compté", default="jour",
                 kind="period", choices=tuple(PERIODS_FR)))
    if period == "evenement":
        out.append(q(key="volume.events_per_year",
                     prompt_fr="Nombre d'événements par an (séances, campagnes…)",
                     default="10", help_fr=_HELP_FR["quantity"]))
    out += [
        q(key="volume.requests_per_day",
          prompt_fr=f"Requêtes {PERIODS_FR.get(str(period), PERIODS_FR['jour'])}",
          default="100", help_fr=_HELP_FR["quantity"]),
        q(key="volume_source", prompt_fr="Source de ce volume (vide si c'est une hypothèse)",
          default="", kind="source", help_fr=_HELP_FR["source"]),
        q(key="volume.days_per_year", prompt_fr="Jours de service par an", default="250",
          help_fr=_HELP_FR["quantity"]),
        q(key="volume.hours_per_day", prompt_fr="Heures par jour où arrivent les requêtes",
          default="10", kind="hours", help_fr=_HELP_FR["hours"]),
        q(key="volume.peak_factor",
          prompt_fr="Facteur de pointe (charge de pointe / charge moyenne)", default="2",
          help_fr=_HELP_FR["quantity"]),
        q(key="contract_years", prompt_fr="Durée du marché en années", default="3",
          help_fr=_HELP_FR["quantity"]),
    ]
    return out


_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_RANGE = re.compile(r"^(?P<low>[^/]+?)\s*(?:-|à|to)\s*(?P<high>[^/]+)$")
_TOKEN_UNIT = re.compile(r"\s*(?P<unit>pages?|p\.|mots?|words?|jetons?|tokens?)\s*$", re.I)
_DURATION = re.compile(
    r"^(?:(?P<h>\d+(?:[.,]\d+)?)\s*h(?:eures?)?)?\s*"
    r"(?:(?P<m>\d+(?:[.,]\d+)?)\s*(?:min(?:utes?)?|mn|m)?)?\s*"
    r"(?:(?P<s>\d+(?:[.,]\d+)?)\s*s(?:ec(?:ondes?)?)?)?$",
    re.I,
)
_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:[.,]\d+)?)$")
_SOURCE_LETTERS = 4


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


def parse_duration(text: str, *, plain: str = "s", key: str = "audio_seconds") -> float:
    """A duration in seconds: ``45 s``, ``3h``, ``1h30``, ``90 min``, ``1:30:00``.

    Args:
        text: the duration as typed.
        plain: the unit of a number written alone (``s`` or ``h``).
        key: the answer's key, for the error's location.

    Raises:
        ProfileError: not a duration.
    """
    raw = text.strip()
    compact = re.sub(r"[\s\u00a0\u202f]", "", raw).replace(",", ".")
    try:
        return float(compact) * (3600.0 if plain == "h" else 1.0)
    except ValueError:
        pass
    if (c := _CLOCK.match(compact)) is not None:
        return (float(c["h"] or 0) * 3600 + float(c["m"]) * 60
                + float(c["s"].replace(",", ".")))
    m = _DURATION.match(raw.replace("\u00a0", " "))
    if m is not None and any(m.group(g) for g in ("h", "m", "s")):
        hours, minutes, seconds = (float((m.group(g) or "0").replace(",", "."))
                                   for g in ("h", "m", "s"))
        # "1h30": minutes without their unit after hours
        return hours * 3600 + minutes * 60 + seconds
    raise ProfileError(
        f"expected a duration such as 45 s, 3h, 1h30, 90 min or 1:30:00, got '{raw}'",
        location=key.split("."),
    )


def _split(text: str, key: str) -> list[str]:
    """The parts of a quantity answer: one value, two (uniform) or three (triangular)."""
    if "/" in text:
        parts = [p.strip() for p in text.split("/")]
        if len(parts) != 3:
            raise ProfileError("a triangular range is written low/mode/high, e.g. 200/300/500",
                               location=key.split("."))
        return parts
    if (m := _RANGE.match(text)) is not None and not text.lstrip().startswith("-"):
        return [m["low"], m["high"]]
    return [text]


def _as_quantity(values: list[float]) -> Any:
    if len(values) == 1:
        return values[0]
    if len(values) == 2:
        return {"dist": "uniform", "low": values[0], "high": values[1]}
    return {"dist": "triangular", "low": values[0], "mode": values[1], "high": values[2]}


def _token_factor(text: str) -> tuple[str, float, str]:
    """The answer without its unit, the tokens per unit and the unit's French name."""
    m = _TOKEN_UNIT.search(text)
    if m is None:
        return text, 1.0, ""
    unit = m["unit"].lower()
    rest = text[: m.start()]
    if unit.startswith(("page", "p.")):
        return rest, float(TOKENS_PER_PAGE), "page"
    if unit.startswith(("mot", "word")):
        return rest, TOKENS_PER_WORD, "mot"
    return rest, 1.0, ""


def _check_source(text: str) -> str:
    letters = sum(ch.isalpha() for ch in text)
    if text and letters < _SOURCE_LETTERS:
        raise ProfileError(
            "expected where the figure comes from (a document, a count, a web address), "
            f"e.g. 'registre des délibérations 2024', got '{text}'; leave it empty if the "
            "figure is an assumption",
            location=("volume_source",),
        )
    return text


def _kind_of(key: str) -> str:
    name = key.rsplit(".", 1)[-1]
    if name in ("input_tokens", "output_tokens"):
        return "tokens"
    if name == "audio_seconds":
        return "duration"
    if name == "hours_per_day":
        return "hours"
    return "quantity"


def _field_type(key: str) -> Any:
    parts = key.split(".")
    if parts[0] == "steps":  # steps.N.request.F, steps.N.count
        parts = parts[2:]
        if parts == ["count"]:
            field = Step.model_fields["count"]
            return Annotated[field.annotation, field]
    if parts == ["volume", "events_per_year"]:
        return Annotated[Quantity, bounded(0, 1_000_000, low_inclusive=False, unit="events")]
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
            distribution; token answers accept pages and words (``3 pages``), duration
            answers ``3h``, ``1h30`` or ``90 min``.

    Returns:
        A string for text answers, a number or distribution table otherwise.

    Raises:
        ProfileError: the answer is not acceptable, with what is expected.
    """
    text = text.strip()
    name = key.rsplit(".", 1)[-1]
    if key in {"title_fr", "functional_unit"} or name == "name":
        if not text:
            raise ProfileError("an answer is required", location=key.split("."))
        if name == "name" and len(text) > 80:
            raise ProfileError("expected 80 characters at most", location=key.split("."))
        return text
    if key == "volume_source":
        return _check_source(text)
    if name == "task":
        return parse_task(text, key)
    if key == "step_count":
        if not text.isdigit() or not 1 <= int(text) <= MAX_STEPS:
            raise ProfileError(f"expected a whole number from 1 to {MAX_STEPS}, got '{text}'",
                               location=("step_count",))
        return int(text)
    if key == "volume.period":
        folded = _fold(text).removeprefix("par ").replace("evenements", "evenement")
        folded = {"jours": "jour", "semaines": "semaine", "annee": "an", "ans": "an",
                  "day": "jour", "week": "semaine", "month": "mois", "year": "an",
                  "event": "evenement"}.get(folded, folded)
        if folded not in PERIODS_FR:
            raise ProfileError(f"expected one of: {', '.join(PERIODS_FR)}, got '{text}'",
                               location=("volume", "period"))
        return folded
    value: Any
    if key == "id":
        if not _ID.match(text):
            raise ProfileError(
                "expected lower-case letters, digits and hyphens, starting with a letter or "
                f"a digit, 80 characters at most, got '{text}'",
                location=("id",),
            )
        value = text
    else:
        kind = _kind_of(key)
        factor = 1.0
        body = text
        if kind == "tokens":
            body, factor, _ = _token_factor(text)
        parts = _split(body, key)
        if kind == "duration":
            numbers = [parse_duration(p, key=key) for p in parts]
        elif kind == "hours":
            numbers = [parse_duration(p, plain="h", key=key) / 3600 for p in parts]
        else:
            numbers = [_number(p, key) * factor for p in parts]
        if factor != 1.0:
            numbers = [round(n) for n in numbers]
        value = _as_quantity(numbers)
    try:
        TypeAdapter(_field_type(key)).validate_python(value)
    except ValidationError as exc:
        msg = str(exc.errors(include_url=False)[0]["msg"]).removeprefix("Value error, ")
        raise ProfileError(msg, location=key.split(".")) from None
    return value


def explain_answer(key: str, text: str) -> str:
    """How an answer was converted, in French, for the basis of the number; empty when
    it was taken as written (``3 pages`` gives ``3 pages × 500 jetons par page``)."""
    kind = _kind_of(key)
    text = text.strip()
    if kind == "tokens":
        _, _, unit = _token_factor(text)
        if unit == "page":
            return f"{text} converties à {TOKENS_PER_PAGE} jetons par page"
        if unit == "mot":
            return f"{text} convertis à {round(100 * TOKENS_PER_WORD)} jetons pour 100 mots"
    if kind in ("duration", "hours") and re.search(r"[a-zA-Z:]", text):
        return f"durée saisie « {text} »"
    return ""


def slugify(text: str) -> str:
    """A profile id from a title: lower case ASCII, words joined by hyphens, 80 chars max."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:80].rstrip("-") or "mon-profil"


def _scaled(value: Any, factor: float) -> Any:
    """A quantity (a number or a uniform/triangular table) times ``factor``."""
    if isinstance(value, dict):
        return {k: (v * factor if k != "dist" else v) for k, v in value.items()}
    return float(value) * factor


def _per_day_factor(answers: Mapping[str, Any]) -> tuple[float, str]:
    """Factor from the volume as answered to requests per service day, and its note."""
    period = str(answers.get("volume.period", "jour"))
    if period == "jour":
        return 1.0, ""
    days = central(answers.get("volume.days_per_year", 365))
    if period == "evenement":
        events = answers.get("volume.events_per_year", 1.0)
        per_year = central(events)
        note = f"{per_year:g} événements par an"
    else:
        per_year = _PER_YEAR[period]
        note = f"{per_year:g} {period}s par an" if period != "mois" else "12 mois par an"
        if period == "an":
            note = "volume annuel"
    return per_year / days, f"compté {PERIODS_FR[period]} ({note}), réparti sur {days:g} jours"


def build_profile(
    answers: Mapping[str, Any], notes: Mapping[str, str] | None = None
) -> UsageProfile:
    """Build a profile from questionnaire answers (keys of :func:`profile_questions`).

    One step gives a single-task profile (``task``, ``request``); several give
    ``steps``. A volume counted per week, month, year or event is turned into requests
    per service day. Every number is marked ``assumed`` in ``basis``, except the volume
    when a source was given (``volume_source``), which is then ``sourced``.

    Args:
        answers: the parsed answers (:func:`parse_profile_answer`).
        notes: per key, how the answer was converted (:func:`explain_answer`), kept in
            the number's basis.

    Raises:
        ProfileError: an answer is missing or invalid.
    """
    notes = notes or {}
    data: dict[str, Any] = {"id": answers.get("id"), "version": 1}
    for key in ("title_fr", "functional_unit", "task"):
        if answers.get(key):
            data[key] = answers[key]
    data["reference_flow"] = "1 an de service au volume ci-dessous"
    basis: dict[str, dict[str, str]] = {}
    steps: dict[int, dict[str, Any]] = {}
    factor, volume_note = _per_day_factor(answers)
    for key, value in answers.items():
        if key in ("volume.period", "volume.events_per_year"):
            continue
        if key.startswith("steps."):
            _, index, rest = key.split(".", 2)
            step = steps.setdefault(int(index), {})
            if rest.startswith("request."):
                step.setdefault("request", {})[rest.removeprefix("request.")] = value
            else:
                step[rest] = value
            if rest in ("task", "name"):
                continue
        elif "." not in key and key != "contract_years":
            continue
        else:
            section, _, name = key.rpartition(".")
            target = data.setdefault(section, {}) if section else data
            if key == "volume.requests_per_day":
                value = _scaled(value, factor)
            target[name] = value
        note = "; ".join(n for n in (notes.get(key, ""),
                                     volume_note if key == "volume.requests_per_day" else "")
                         if n)
        source = QUESTIONNAIRE_SOURCE + (f" ; {note}" if note else "")
        basis[key] = {"status": "assumed", "source": source}
    if steps:
        data["steps"] = [steps[i] for i in sorted(steps)]
    source = str(answers.get("volume_source") or "").strip()
    if source and "volume.requests_per_day" in basis:
        full = source + (f" ; {volume_note}" if volume_note else "")
        basis["volume.requests_per_day"] = {"status": "sourced", "source": full}
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
