"""The measurement protocol in French (annexe C of the consultation kit).

It states, for a vendor and for the buyer who checks the records, what
``ia-empreinte bench run`` does and which rules ``ia-empreinte bench verify`` applies;
the thresholds are read from :mod:`ia_empreinte.records.schema`, so the text and the
checks cannot drift apart. The protocol adapts the ML.ENERGY Benchmark
(J.-W. Chung et al., 2025, https://arxiv.org/abs/2505.06371) and the MLPerf Inference
power rules (MLCommons, https://github.com/mlcommons/inference_policies).
"""

from __future__ import annotations

from ia_empreinte._version import __version__
from ia_empreinte.records.schema import (
    CI_WARNING,
    IDENTITY_TOLERANCE,
    IDLE_DRIFT_WARNING,
    MAX_POWER_MARGIN,
    MIN_WINDOW_S,
    MIN_WINDOWS,
)
from ia_empreinte.units import decimal_comma

__all__ = ["protocol_markdown"]

_WINDOWS = 5
_WINDOW_S = 60
"""Defaults of ``bench run`` (``harness.protocol.DEFAULTS``), restated for the text."""


def _pct(x: float) -> str:
    return decimal_comma(100 * x) + " %"


def protocol_markdown() -> str:
    """Annexe C: the measurement protocol, in French, as markdown."""
    return f"""\
# Annexe C – Protocole de mesure de l'énergie par requête

Protocole appliqué par l'outil libre ia-empreinte version {__version__} \
(commande `ia-empreinte bench run`), vérifié par l'acheteur avec \
`ia-empreinte bench verify`.

## 1. Où mesurer

La mesure est faite sur le serveur qui héberge le modèle, dans la configuration \
déclarée dans l'offre (modèle, précision, accélérateurs, taille de lot ou nombre de \
requêtes simultanées). L'énergie est lue par CodeCarbon : compteur d'énergie des \
cartes NVIDIA (NVML), compteur RAPL du processeur lorsqu'il est disponible ; à défaut, \
et pour la mémoire, CodeCarbon estime la puissance et le relevé l'indique \
(« modélisé »).

## 2. Déroulé

1. Vérification préalable : une première requête, disponibilité des compteurs, charge \
de la machine.
2. Consommation au repos, modèle chargé, pendant 60 secondes.
3. Mise en température sur des requêtes distinctes de celles mesurées, pendant 60 \
secondes.
4. {_WINDOWS} fenêtres de mesure de {_WINDOW_S} secondes (au moins {MIN_WINDOWS} \
fenêtres d'au moins {MIN_WINDOW_S:g} secondes pour un relevé recevable), à nombre de \
requêtes simultanées fixe, sur le jeu de requêtes publié (paquet de charge de travail \
identifié par son nom, sa version et son empreinte).
5. Consommation au repos à nouveau, pendant 60 secondes.

## 3. Résultats du relevé

Énergie par requête et par jeton produit, brute et nette de la consommation au repos, \
avec un intervalle de confiance à 95 % (loi de Student) ; modèle par jeton \
`E = e0 + e_in × jetons en entrée + e_out × jetons en sortie` lorsque la taille des \
requêtes varie. Tous les paramètres de la mesure sont conservés dans le relevé, qui \
est scellé par son empreinte SHA-256 et signé par la clé du candidat.

## 4. Règles de vérification

- relevé scellé : l'empreinte SHA-256 recalculée est celle du relevé et de l'offre ;
- signature valide avec la clé publique déposée avec l'offre ; la signature prouve \
que le relevé n'a pas été modifié, pas qui a mesuré ;
- relevé d'essai (« smoke ») : **non recevable** ;
- fenêtres : au moins {MIN_WINDOWS}, d'au moins {MIN_WINDOW_S:g} secondes chacune ;
- puissance moyenne entre la consommation au repos et {decimal_comma(MAX_POWER_MARGIN)} fois la \
puissance maximale du matériel déclaré ;
- cohérence entre énergie par jeton et puissance / débit à {_pct(IDENTITY_TOLERANCE)} près ;
- dérive de la consommation au repos entre avant et après : avertissement au-delà de \
{_pct(IDLE_DRIFT_WARNING)} ;
- intervalle de confiance : avertissement si sa demi-largeur dépasse \
{_pct(CI_WARNING)} de la moyenne ;
- composants modélisés plutôt que mesurés : signalés.

Un relevé qui échoue à une règle est écarté ; la donnée correspondante est alors \
traitée comme non déclarée (valeur par défaut publiée).
"""
