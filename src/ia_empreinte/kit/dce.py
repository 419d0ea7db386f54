"""The consultation kit (pièces du DCE): the award-criterion article of the RC, the
CCTP/CCAP clauses, the measurement protocol and the annexes, with an index of hashes.

Everything is built in memory as :class:`KitFile` values (name and bytes); the CLI
writes them all or none. The texts are French drafts for the buyer's lawyer to adapt,
never legal advice. Legal grounds (public sources):

- Code de la commande publique, art. L. 2152-7 and R. 2152-7 (award criteria linked to
  the object of the contract, an environmental criterion), L. 2112-2 (execution
  conditions); Légifrance, https://www.legifrance.gouv.fr/codes/id/LEGITEXT000037701019/.
- A criterion whose information the buyer cannot verify is unlawful: CJCE, 4 Dec 2003,
  EVN AG and Wienstrom GmbH, C-448/01 (EUR-Lex, CELEX 62001CJ0448): hence the evidence
  required for every declared field.
- The scoring method need not be published but must not neutralise the criteria or
  their weights: CE, 2 Aug 2011, PNR des Grands Causses, n° 348254; CE, 20 Nov 2020,
  n° 427761 (ArianeWeb, https://www.conseil-etat.fr/fr/arianeweb/CE/analyse/2020-11-20/427761).
- PUE and WUE reported by data-centre operators: Commission Delegated Regulation (EU)
  2024/1364 (first phase of the common rating scheme for data centres),
  https://eur-lex.europa.eu/eli/reg_del/2024/1364/oj.
- Parameter count of a general-purpose AI model: information to downstream providers,
  Regulation (EU) 2024/1689 (AI Act), Annex XII, https://eur-lex.europa.eu/eli/reg/2024/1689/oj.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
import tomllib
import zipfile
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ia_empreinte import catalog
from ia_empreinte._version import __version__
from ia_empreinte.comparison import CompareOptions, unit_of
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.kit.floor import absolute_floor
from ia_empreinte.kit.protocol import protocol_markdown
from ia_empreinte.kit.territorial import offer_template, profile_to_yaml
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.scoring import (
    DEFAULT_FLOOR_FRACTION,
    ScoreMethod,
    formula_text,
    method_warning,
    relative_floor_caveat,
)
from ia_empreinte.sheet import canonical_json
from ia_empreinte.units import decimal_comma

__all__ = [
    "DceOptions",
    "KitFile",
    "build_dce_kit",
    "default_rules",
    "evidence_list",
    "kit_index",
]

_OPTS = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class DceOptions(BaseModel):
    """What the buyer fixes in the kit; every field has a one-line error when invalid."""

    model_config = _OPTS
    weight_pct: float = Field(ge=0, le=100)
    """Weight of the criterion, in percent of the total."""
    method: ScoreMethod = "linear"
    points: float = Field(default=10, gt=0, le=1000)
    floor: float | None = Field(default=None, ge=0)
    """Absolute floor in the unit of the scored figure; derived from the profile if None."""
    floor_kind: Literal["absolute", "relative", "none"] = "absolute"
    floor_fraction: float = Field(default=DEFAULT_FLOOR_FRACTION, gt=0, le=1)
    """For a relative floor: the fraction of the median offer."""
    criterion_number: int = Field(default=1, ge=1, le=99)
    lot: str = Field(default="", max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")
    consultation: str = Field(default="", max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")
    """Free text of the buyer (no line break); escaped in every piece."""
    lang: Literal["fr", "en"] = "fr"
    compare: CompareOptions = CompareOptions()
    """Indicator, scope, draws and seed of the scored figure."""


@dataclass(frozen=True)
class KitFile:
    """One file of the kit: its name inside the kit folder and its bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


_INDICATOR_FR = {
    "gwp": ("Émissions de gaz à effet de serre", "calculées avec le facteur d'émission "
            "moyen de l'électricité du pays (ou de la région) d'hébergement, sans tenir "
            "compte des contrats d'achat d'électricité ni des certificats d'origine"),
    "energy": ("Consommation d'énergie finale", ""),
    "water": ("Consommation d'eau (sur site et pour produire l'électricité)", ""),
    "adpe": ("Épuisement des ressources abiotiques (ADPe, en kg d'antimoine équivalent)", ""),
    "pe": ("Énergie primaire", ""),
}
_SCOPE_FR = {"per_request": "par requête", "per_year": "par an",
             "contract": "sur la durée du marché"}
_METHOD_FR = {"proportional": "méthode proportionnelle", "linear": "méthode linéaire",
              "mean": "méthode relative à la moyenne des offres"}


def _md(text: str) -> str:
    """``text`` as literal markdown: every character markdown reads is escaped."""
    return re.sub(r"([\\`*_\[\]#|<>~])", r"\\\1", text)


def evidence_list(lang: str = "fr") -> list[tuple[str, str]]:
    """Each declared field of an offer and the evidence that proves it (French)."""
    if lang != "fr":
        return [
            ("deployment.pue, deployment.wue_l_per_kwh",
             "the data-centre operator's report under Commission Delegated Regulation (EU) "
             "2024/1364, or a dated attestation of the operator (less than 12 months old)"),
            ("deployment.zone, deployment.datacenter",
             "the hosting contract (or an extract) naming the country or region of the "
             "data centre"),
            ("model.total_params_b, model.active_params_b, model.precision",
             "the information of Annex XII of Regulation (EU) 2024/1689 (AI Act) given by "
             "the model provider, or the model card it publishes"),
            ("deployment.accelerator, accelerator_count, batch_size, capacity, replicas",
             "the technical description of the deployment (hardware sheet, cloud order)"),
            ("model.reasoning_tokens, model.architecture, deployment.serving_stack",
             "the model provider's documentation (whether the model generates hidden "
             "reasoning tokens, and how many per request on average; its architecture) "
             "and the name and version of the inference software; a model that reasons "
             "must declare its hidden tokens"),
            ("benchmarks", "ia-empreinte benchmark records, signed; the public key filed "
             "with the offer before the deadline for receipt of tenders"),
            ("declared", "a benchmark record or the documented measurement behind the "
             "figure"),
        ]
    return [
        ("deployment.pue, deployment.wue_l_per_kwh (PUE : énergie totale du centre de "
         "données / énergie des serveurs ; WUE : litres d'eau par kWh)",
         "le rapport de l'exploitant du centre de données établi au titre du règlement "
         "délégué (UE) 2024/1364 de la Commission, ou une attestation datée de "
         "l'exploitant de moins de douze mois"),
        ("deployment.zone, deployment.datacenter (pays ou région d'hébergement)",
         "le contrat d'hébergement, ou son extrait, qui nomme le pays ou la région du "
         "centre de données"),
        ("model.total_params_b, model.active_params_b, model.precision (taille du modèle)",
         "les informations de l'annexe XII du règlement (UE) 2024/1689 (règlement sur "
         "l'IA) transmises par le fournisseur du modèle, ou la fiche du modèle qu'il publie"),
        ("deployment.accelerator, accelerator_count, batch_size, capacity, replicas "
         "(matériel et partage)",
         "la description technique du déploiement (fiche du matériel, bon de commande "
         "du service cloud)"),
        ("model.reasoning_tokens, model.architecture, deployment.serving_stack "
         "(raisonnement caché, architecture, logiciel de service)",
         "la documentation du fournisseur du modèle (le modèle produit-il des jetons de "
         "raisonnement cachés, combien par requête en moyenne ; son architecture) et le nom "
         "et la version du logiciel d'inférence ; un modèle qui raisonne doit déclarer ses "
         "jetons cachés"),
        ("benchmarks (relevés de mesure)",
         "les relevés ia-empreinte signés, produits selon le protocole de l'annexe C ; la "
         "clé publique de signature est déposée avec l'offre avant la date limite de "
         "remise des offres"),
        ("declared (énergie par requête déclarée sans relevé)",
         "un relevé de mesure ou la description documentée de la mesure"),
    ]


def default_rules(lang: str = "fr") -> list[tuple[str, str]]:
    """The published conservative default of each field an offer leaves undeclared.

    Reads the rules the library publishes (``data/undeclared.toml``: per rule, the field,
    its text in French and English and its source) when the packaged data has them;
    otherwise lists the defaults the engine applies, from the packaged data.
    """
    if resources.files("ia_empreinte").joinpath("data", "undeclared.toml").is_file():
        text = resources.files("ia_empreinte").joinpath("data", "undeclared.toml").read_text(
            encoding="utf-8")
        rules = tomllib.loads(text).get("rule", {})
        return [(str(r["field"]), f"{r['fr' if lang == 'fr' else 'en']} (source : "
                 f"{r['source']}, {r['year']})" if lang == "fr" else
                 f"{r['en']} (source: {r['source']}, {r['year']})")
                for _, r in sorted(rules.items(), key=lambda kv: str(kv[1]["field"]))]
    unknown = catalog.datacenter("unknown")
    pue = unknown.pue
    wue = unknown.wue_l_per_kwh
    pue_t = decimal_comma(float(getattr(pue, "high", 0) or 0)) if pue is not None else "-"
    wue_t = decimal_comma(float(getattr(wue, "high", 0) or 0)) if wue is not None else "-"
    pue_m = decimal_comma(float(getattr(pue, "mode", 0) or 0)) if pue is not None else "-"
    wue_m = decimal_comma(float(getattr(wue, "mode", 0) or 0)) if wue is not None else "-"
    if lang != "fr":
        return [
            ("deployment.zone", "world-average electricity (zone WORLD of the reference "
             "data)"),
            ("deployment.pue / wue_l_per_kwh",
             f"the 'unknown' data-centre class: PUE {pue_m} (up to {pue_t}), WUE {wue_m} "
             f"L/kWh (up to {wue_t})"),
            ("model sizes", "the reference-data model card, or the offer is refused"),
            ("energy per request", "the parametric model of the tool (never zero)"),
        ]
    return [
        ("deployment.zone (pays d'hébergement)",
         "électricité moyenne mondiale (zone WORLD des données de référence)"),
        ("deployment.pue / wue_l_per_kwh",
         f"classe de centre de données « inconnu » : PUE {pue_m} (jusqu'à {pue_t}), "
         f"WUE {wue_m} L/kWh (jusqu'à {wue_t})"),
        ("taille du modèle", "fiche du modèle dans les données de référence ; à défaut, "
         "l'offre est incomplète"),
        ("énergie par requête", "modèle paramétrique de l'outil (jamais zéro)"),
    ]


def _rc_article(profile: UsageProfile, opts: DceOptions, floor: float | None,
                profile_sha: str, data: dict[str, str]) -> str:
    c = opts.compare
    unit = unit_of(c.indicator, c.scope)
    name, note = _INDICATOR_FR[c.indicator]
    note = f" ({note})" if note else ""
    n = opts.criterion_number
    lot = f" – lot {_md(opts.lot)}" if opts.lot else ""
    cons = f"Consultation {_md(opts.consultation)}{lot}\n\n" if opts.consultation else (
        f"Lot {_md(opts.lot)}\n\n" if opts.lot else "")
    if opts.floor_kind == "absolute" and floor is not None:
        how = (
            "Ce plancher est fixé par l'acheteur avant la publication."
            if opts.floor is not None else
            "Ce plancher est fixé avant la publication à partir du seul profil d'usage : "
            "c'est la moitié du 5e centile de la valeur d'une offre de référence très "
            "sobre (modèle d'un milliard de paramètres, capacité mutualisée, électricité "
            "la moins carbonée des données de référence)."
        )
        floor_txt = (
            f"**Plancher.** Toute valeur inférieure à {decimal_comma(floor)} {unit} est ramenée à "
            f"{decimal_comma(floor)} {unit} pour le calcul de la note. {how}"
        )
    elif opts.floor_kind == "relative":
        floor_txt = (
            "**Plancher.** Toute valeur inférieure à "
            f"{decimal_comma(100 * opts.floor_fraction)} % de la valeur médiane des offres est "
            "ramenée à ce seuil pour le calcul de la note. "
            f"{relative_floor_caveat('fr')}"
        )
    else:
        floor_txt = "**Plancher.** Aucun plancher n'est appliqué."
    clarif = (
        "**Demande de précisions.** Une valeur inférieure au plancher, ou une donnée dont la "
        "pièce justificative manque ou ne correspond pas, fait l'objet d'une demande de "
        "précisions adressée au candidat, sans modification de son offre. Si la réponse "
        "ne justifie pas la donnée par les pièces demandées, la donnée est traitée comme "
        "non déclarée : la valeur par défaut publiée ci-dessous s'applique."
    )
    evidence = "\n".join(f"- `{f}` : {e}." for f, e in evidence_list("fr"))
    defaults = "\n".join(f"- {f} : {r}." for f, r in default_rules("fr"))
    datasets = "\n".join(f"- `{k}` : SHA-256 `{v}`" for k, v in sorted(data.items()))
    warn = method_warning(opts.method, "fr")
    warn_txt = f"\n\n{warn}" if warn else ""
    weight = decimal_comma(opts.weight_pct)
    return f"""\
# Article du règlement de consultation – critère n° {n}

{cons}## Critère n° {n} – Performance environnementale du service ({weight} %)

**Ce qui est noté.** {name}{note} {_SCOPE_FR[c.scope]} ({unit}) du service proposé, pour \
le profil d'usage de référence « {profile.id} » version {profile.version} (annexe A ; \
empreinte SHA-256 du profil sous forme JSON canonique : `{profile_sha}`).

**Qui calcule.** L'acheteur calcule la valeur de chaque offre avec l'outil libre \
ia-empreinte version {__version__} et ses données de référence (annexe B), à partir de \
la déclaration du candidat (modèle de déclaration, annexe D) et de ses relevés de mesure \
(protocole, annexe C). Le candidat ne joint pas de calcul : il déclare et justifie.

**Valeur notée.** La médiane de {c.draws} tirages Monte-Carlo (graine {c.seed}) ; les \
mêmes tirages des données communes (profil, facteurs d'émission) servent à toutes les \
offres. Toute valeur est une estimation, présentée avec son intervalle (5e et 95e \
centiles).

**Notation ({_METHOD_FR[opts.method]}, sur {decimal_comma(opts.points)} points).** \
{formula_text(opts.method, opts.points)}, où V est la valeur notée de chaque offre \
(la plus basse est la meilleure).{warn_txt}

{floor_txt}

{clarif}

**Pièces justificatives de chaque donnée déclarée.**

{evidence}

Un relevé de mesure n'est recevable que si sa clé publique de signature a été déposée \
avec l'offre avant la date limite de remise des offres ; un relevé d'essai (« smoke ») \
n'est pas recevable.

**Donnée non déclarée.** Une donnée que l'offre ne déclare pas, ou dont la justification \
n'est pas apportée, prend la valeur par défaut prudente publiée dans les données de \
référence, la même pour tous les candidats ; elle ne peut jamais être plus favorable \
qu'une valeur déclarée et justifiée :

{defaults}

**Indicateurs d'information.** Les autres indicateurs de la fiche (énergie, eau, \
ressources abiotiques, énergie primaire) et l'entraînement du modèle sont fournis à \
titre d'information et ne sont pas notés.

**Données de référence (annexe B).**

{datasets}

*Projet de clause à adapter par le service juridique de l'acheteur ; ne constitue pas \
un avis juridique.*
"""


def _clauses(profile: UsageProfile, opts: DceOptions) -> str:
    return f"""\
# Clauses d'exécution – CCTP et CCAP

Profil d'usage de référence : « {profile.id} » version {profile.version} (annexe A).

## CCTP – condition d'exécution environnementale

1. **Rapport mensuel.** Le titulaire transmet chaque mois, au plus tard le 10 du mois \
suivant, l'énergie électrique mesurée (kWh) consommée par le service, ou à défaut les \
heures de calcul sur accélérateur (heures GPU) avec le modèle d'accélérateur, ainsi que \
le nombre de requêtes servies. Il y joint le journal d'usage (une ligne par requête : \
date et heure, taille de la requête) au format décrit par la documentation \
d'ia-empreinte.
2. **Ré-estimation.** L'acheteur ré-estime l'empreinte de la période avec le même outil \
et les mêmes données de référence à partir des volumes journalisés. Cette ré-estimation \
reste un calcul (modèle appliqué aux volumes réels) : seule l'énergie mesurée transmise \
au point 1 est une mesure.

## CCAP – valeurs contractuelles et révision

1. **Valeurs déclarées contractuelles.** Les données déclarées dans l'offre (modèle, \
taille, précision, matériel, partage de la capacité, pays d'hébergement, PUE, WUE, \
relevés de mesure) ont valeur contractuelle.
2. **Réémission de la fiche.** Tout changement de modèle, de version du modèle, de \
matériel ou d'hébergement est notifié à l'acheteur au moins un mois avant sa mise en \
œuvre, avec une nouvelle déclaration et ses pièces justificatives ; l'acheteur réémet \
la fiche ia-empreinte. Un changement qui dégrade la valeur notée au-delà de la \
tolérance ci-dessous requiert l'accord préalable de l'acheteur.
3. **Tolérance (option).** L'écart entre l'énergie mesurée par requête (point 1 du \
CCTP) et la valeur de la fiche est toléré jusqu'à [X] %. Au-delà, le titulaire \
s'explique sous quinze jours et propose une mesure corrective.
4. **Pénalités (option).** Le défaut de transmission du rapport mensuel entraîne une \
pénalité de [montant] € par rapport manquant ; un dépassement non justifié de la \
tolérance deux mois consécutifs entraîne une pénalité de [montant] €. Les pénalités se \
fondent sur l'énergie mesurée, jamais sur la seule ré-estimation.

*Projet de clauses à adapter par le service juridique de l'acheteur ; ne constitue pas \
un avis juridique.*
"""


def kit_index(files: list[KitFile], *, profile: UsageProfile, opts: DceOptions) -> str:
    """The index of the kit: every file with its SHA-256 (markdown)."""
    rows = "\n".join(f"| `{f.name}` | `{f.sha256}` |" for f in files)
    lot = f", lot {_md(opts.lot)}" if opts.lot else ""
    cons = f"Consultation {_md(opts.consultation)}{lot}. " if opts.consultation else ""
    return f"""\
# Index des pièces – kit de consultation ia-empreinte

{cons}Profil « {profile.id} » ; ia-empreinte version {__version__}. \
Empreinte SHA-256 de chaque fichier (vérification : `sha256sum -c SHA256SUMS`).

| fichier | SHA-256 |
|---|---|
{rows}
"""


_ITEM = re.compile(r"^(-|\d+\.) ")
"""A markdown list item: ``- text`` (bullet) or ``1. text`` (numbered)."""


def _docx(markdown: str) -> bytes:
    """A DOCX of the markdown text (headings, bullets, bold runs, paragraphs)."""
    import io

    from docx import Document  # lazy: python-docx is only needed by the kit

    doc = Document()
    for block in markdown.split("\n\n"):
        text = block.strip()
        if not text:
            continue
        if text.startswith("#"):
            level = len(text) - len(text.lstrip("#"))
            doc.add_heading(text.lstrip("#").strip(), level=min(level, 4))
            continue
        lines = text.splitlines()
        if _ITEM.match(lines[0]):
            items: list[tuple[str, str]] = []
            for line in lines:
                m = _ITEM.match(line)
                if m:  # numbers stay in the text: Word would continue one list across
                    items.append(("List Bullet", line[m.end():]) if m.group(1) == "-"
                                 else ("Normal", line))
                else:  # a wrapped line continues the item
                    style, body = items[-1]
                    items[-1] = (style, f"{body} {line.strip()}")
            for style, body in items:
                _runs(doc.add_paragraph(style=style), body)
            continue
        if text.startswith("|"):
            _table(doc, lines)
            continue
        _runs(doc.add_paragraph(), " ".join(lines))
    # same text, same bytes: no creation date in the document's properties, and a
    # fixed date on every member of its ZIP package (python-docx stamps the time)
    props = doc.core_properties
    props.created = props.modified = _FIXED_DATE
    props.last_printed = _FIXED_DATE
    props.revision = 1
    saved = io.BytesIO()
    doc.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w") as dst:
        for member in src.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=_FIXED_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(member.filename))
    return out.getvalue()


_FIXED_DATE = datetime.datetime(2020, 1, 1)
"""Date written inside every DOCX of the kit, so that the kit is reproducible."""


def _runs(paragraph: Any, text: str) -> None:
    """Add ``text`` to ``paragraph``: **bold** and *italic* spans as such, `code` plain,
    backslash escapes (user text, see :func:`_md`) as the literal character."""
    text = re.sub(r"(?<!\\)`", "", text)
    for i, part in enumerate(re.split(r"(?<!\\)\*\*", text)):
        if not part:
            continue
        italic = i % 2 == 0 and len(part) > 2 and part[0] == "*" and part[-1] == "*" and (
            part[-2] != "\\")
        literal = re.sub(r"\\(.)", r"\1", part[1:-1] if italic else part)
        run = paragraph.add_run(literal)
        if i % 2 == 1:
            run.bold = True
        elif italic:
            run.italic = True


def _table(doc: Any, lines: list[str]) -> None:
    rows = [[c.strip().replace("`", "") for c in line.strip("|").split("|")]
            for line in lines if not set(line.replace("|", "").strip()) <= {"-"}]
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell


def _reference_data() -> list[KitFile]:
    root = resources.files("ia_empreinte").joinpath("data")
    return [
        KitFile(f"annexe-B-donnees-reference/{e.name}", e.read_bytes())
        for e in sorted(root.iterdir(), key=lambda e: e.name)
        if e.is_file() and e.name.endswith((".toml", ".csv", ".md"))
    ]


def build_dce_kit(
    profile: UsageProfile,
    options: DceOptions,
    *,
    profile_bytes: bytes | None = None,
) -> list[KitFile]:
    """Every file of the consultation kit, the index and ``SHA256SUMS`` last.

    Args:
        profile: the usage profile annexed to the tender (annexe A).
        options: weight, method, floor, criterion number, lot, consultation.
        profile_bytes: the profile file as the buyer wrote it (kept byte for byte as
            annexe A); the YAML of ``profile`` when not given.

    Raises:
        ValidationFailure: a floor that is not a finite number.
    """
    if options.floor is not None and not math.isfinite(options.floor):
        raise ValidationFailure("expected a finite number", location=("floor",))
    floor: float | None = None
    if options.floor_kind == "absolute":
        floor = options.floor if options.floor is not None else absolute_floor(
            profile, options.compare)
    profile_sha = hashlib.sha256(
        canonical_json(profile.model_dump(mode="json")).encode()).hexdigest()
    data = {f.name.split("/")[-1]: f.sha256 for f in _reference_data()}
    rc = _rc_article(profile, options, floor, profile_sha, data)
    clauses = _clauses(profile, options)
    protocol = protocol_markdown()
    tasks = sorted({s.task for s in profile.effective_steps()})
    template = offer_template(tasks[0] if len(tasks) == 1 else None)
    files = [
        KitFile("01-rc-article-critere.md", rc.encode()),
        KitFile("01-rc-article-critere.docx", _docx(rc)),
        KitFile("02-clauses-cctp-ccap.md", clauses.encode()),
        KitFile("02-clauses-cctp-ccap.docx", _docx(clauses)),
        KitFile("annexe-A-profil-usage.yaml",
                profile_bytes if profile_bytes is not None
                else profile_to_yaml(profile).encode()),
        *_reference_data(),
        KitFile("annexe-C-protocole-mesure.md", protocol.encode()),
        KitFile("annexe-C-protocole-mesure.docx", _docx(protocol)),
        KitFile("annexe-D-modele-declaration-offre.yaml", template.encode()),
    ]
    files.append(KitFile("00-index.md", kit_index(files, profile=profile,
                                                  opts=options).encode()))
    sums = "".join(f"{f.sha256}  {f.name}\n" for f in files)
    files.append(KitFile("SHA256SUMS", sums.encode()))
    return files

