"""A French draft of the award-criterion clause for the tender rules (RC).

The criterion answers Code de la commande publique art. L. 2152-7 (at least one
environmental award criterion) and R. 2152-12 (weighted criteria); Légifrance,
https://www.legifrance.gouv.fr/codes/id/LEGITEXT000037701019/. The clause fixes in
advance what makes up the criterion: the indicator, the usage profile (id and
SHA-256), the tool and its version, the reference data and the scoring formula; the
scoring method need not be published but must be fixed in advance (CE, 2 Aug 2011,
PNR des Grands Causses, n° 348254). The complete kit (evidence per declared field,
default rule, floor, CCTP/CCAP clauses, protocol) is :mod:`ia_empreinte.kit.dce`. It
is a draft for the buyer's lawyer to adapt, never legal advice.
"""

from __future__ import annotations

import hashlib
import math

from ia_empreinte._version import __version__
from ia_empreinte.comparison import CompareOptions, unit_of
from ia_empreinte.errors import ValidationFailure
from ia_empreinte.profiles import UsageProfile
from ia_empreinte.scoring import formula_text
from ia_empreinte.sheet import canonical_json, tables

__all__ = ["rc_clause"]

_INDICATOR_FR = {
    "gwp": "Empreinte carbone (facteur d'émission moyen de l'électricité du lieu "
           "d'hébergement)",
    "energy": "Consommation d'énergie finale",
    "water": "Consommation d'eau (sur site et hors site)",
    "adpe": "Épuisement des ressources abiotiques (ADPe)",
    "pe": "Énergie primaire",
}
_SCOPE_FR = {
    "per_request": "par requête",
    "per_year": "annuelle",
    "contract": "sur la durée du contrat",
}
_METHOD_FR = {
    "proportional": "méthode proportionnelle",
    "linear": "méthode linéaire",
    "mean": "méthode relative à la moyenne des offres",
}


def rc_clause(
    profile: UsageProfile,
    options: CompareOptions | None = None,
    *,
    criterion_number: int = 1,
    weight_pct: float | None = None,
    data_sha256: dict[str, str] | None = None,
) -> str:
    """The draft clause, in French, as markdown text.

    Args:
        profile: the usage profile annexed to the tender.
        options: indicator, scope, scoring method, points and floor.
        criterion_number: the criterion's number in the RC.
        weight_pct: the criterion's weight in percent (``X`` when not given).
        data_sha256: reference-data file -> SHA-256 (the packaged data when not given).

    Raises:
        ValidationFailure: a weight that is not a number from 0 to 100.
    """

    if weight_pct is not None and not (math.isfinite(weight_pct) and 0 <= weight_pct <= 100):
        raise ValidationFailure(f"expected a number from 0 to 100, got {weight_pct:g}",
                                location=("weight",))

    opts = options or CompareOptions()
    sha = hashlib.sha256(canonical_json(profile.model_dump(mode="json")).encode()).hexdigest()
    data = data_sha256 or {d.id: d.sha256 for d in tables.datasets()}
    weight = f"{weight_pct:g} %" if weight_pct is not None else "X %"
    unit = unit_of(opts.indicator, opts.scope)
    f = opts.floor
    if f is not None:
        floor = (
            f"Toute valeur inférieure à {f:g} {unit} est ramenée à {f:g} {unit} pour le "
            "calcul de la note."
        )
    elif opts.floor_fraction is not None:
        floor = (
            f"Toute valeur inférieure à {100 * opts.floor_fraction:g} % de la valeur "
            "médiane des offres est ramenée à ce seuil pour le calcul de la note, et fait "
            "l'objet d'une demande de précisions."
        )
    else:
        floor = "Aucun plancher n'est appliqué."
    datasets = "\n".join(f"  - `{name}` : SHA-256 `{h}`" for name, h in sorted(data.items()))
    return f"""\
**Critère n° {criterion_number} – Performance environnementale ({weight})**

{_INDICATOR_FR[opts.indicator]} {_SCOPE_FR[opts.scope]} ({unit}) du service proposé, \
pour le profil d'usage de référence « {profile.id} » version {profile.version} \
(annexe n° A ; empreinte SHA-256 du profil sous forme JSON canonique : `{sha}`), \
calculée par l'acheteur avec l'outil libre ia-empreinte version {__version__} et son \
jeu de données de référence (annexe n° B), à partir de la déclaration du candidat et \
de ses relevés de mesure établis selon le protocole de l'annexe n° C (pièces produites \
par `ia-empreinte dce`).

La valeur notée est la médiane de {opts.draws} tirages Monte-Carlo (graine {opts.seed}), \
les mêmes tirages des données partagées étant utilisés pour toutes les offres. \
Notation ({_METHOD_FR[opts.method]}) : {formula_text(opts.method, opts.points)}, où \
V est la valeur notée de chaque offre. {floor}

L'acheteur établit la fiche ia-empreinte de la comparaison (formats JSON et PDF) ; \
quiconque la recalcule avec la commande `ia-empreinte verify`. Les autres \
indicateurs de la fiche (énergie, eau, ressources abiotiques, énergie primaire) ainsi \
que l'entraînement du modèle sont fournis à titre d'information et ne sont pas notés.

Jeu de données de référence (annexe n° B) :
{datasets}

*Projet de clause à adapter par le service juridique de l'acheteur ; ne constitue pas \
un avis juridique.*
"""
