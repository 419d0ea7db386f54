"""Labels of the reports, in French (default) and English, and number formatting.

Every text a report shows comes from here, keyed by a stable code, so that the French
and English reports say the same thing and a test can check that both languages have
every key.
"""

from __future__ import annotations

import math
import re
from typing import Literal

__all__ = [
    "CAVEATS",
    "CELLS",
    "COLUMNS",
    "DRIVER_FIELDS",
    "GLOSSARY",
    "LABELS",
    "LANGS",
    "UNIT_LABELS",
    "Lang",
    "caveat_line",
    "caveat_text",
    "cell",
    "column",
    "driver_label",
    "fmt",
    "fmt_band",
    "fmt_pct",
    "fmt_q",
    "parameter_label",
    "parameter_value",
    "t",
    "unit_label",
    "unit_scale",
]

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

LABELS: dict[str, dict[Lang, str]] = {
    # document
    "title": {"fr": "Fiche d'empreinte environnementale des offres de services d'IA",
              "en": "Environmental footprint sheet of the AI service offers"},
    "comparison_title": {"fr": "Comparaison des offres", "en": "Comparison of the offers"},
    # sections
    "s_summary": {"fr": "Synthèse pour le jury", "en": "Summary for the jury"},
    "s_materiality": {"fr": "Enjeu du critère et pondération",
                      "en": "Stakes of the criterion and weight"},
    "s_identification": {"fr": "1. Identification", "en": "1. Identification"},
    "s_unit": {"fr": "2. Unité fonctionnelle et flux de référence",
               "en": "2. Functional unit and reference flow"},
    "s_boundary": {"fr": "3. Périmètre par étape du cycle de vie",
                   "en": "3. System boundary by life-cycle stage"},
    "s_results": {"fr": "4. Indicateurs", "en": "4. Indicators"},
    "s_ranking": {"fr": "5. Classement et notation", "en": "5. Ranking and scores"},
    "s_uncertainty": {"fr": "6. Incertitude et facteurs déterminants",
                      "en": "6. Uncertainty and drivers"},
    "s_parameters": {"fr": "7. Paramètres et hypothèses", "en": "7. Parameters and assumptions"},
    "s_evidence": {"fr": "8. Preuves de mesure", "en": "8. Measurement evidence"},
    "s_training": {"fr": "9. Entraînement (déclaré séparément)",
                   "en": "9. Training (reported separately)"},
    "s_equivalents": {"fr": "10. Équivalences", "en": "10. Equivalents"},
    "s_sci": {"fr": "11. Score SCI par unité fonctionnelle (ISO/IEC 21031:2024)",
              "en": "11. SCI score per functional unit (ISO/IEC 21031:2024)"},
    "s_limitations": {"fr": "12. Limites", "en": "12. Limitations"},
    "s_comparability": {"fr": "13. Comparabilité", "en": "13. Comparability"},
    "s_integrity": {"fr": "14. Intégrité et reproductibilité",
                    "en": "14. Integrity and reproducibility"},
    "s_glossary": {"fr": "15. Glossaire", "en": "15. Glossary"},
    # identification
    "consultation": {"fr": "Consultation", "en": "Consultation"},
    "lot": {"fr": "Lot", "en": "Lot"},
    "buyer": {"fr": "Acheteur", "en": "Buyer"},
    "bidders": {"fr": "Soumissionnaires", "en": "Bidders"},
    "date": {"fr": "Date du calcul", "en": "Date of computation"},
    "tool": {"fr": "Outil", "en": "Tool"},
    "datasets": {"fr": "Données de référence", "en": "Reference data"},
    "draws": {"fr": "Tirages Monte-Carlo", "en": "Monte Carlo draws"},
    "seed": {"fr": "Graine", "en": "Seed"},
    "not_given": {"fr": "non renseigné", "en": "not given"},
    # columns
    "offer": {"fr": "Offre", "en": "Offer"},
    "vendor": {"fr": "Fournisseur", "en": "Vendor"},
    "service": {"fr": "Service", "en": "Service"},
    "rank": {"fr": "Rang", "en": "Rank"},
    "median": {"fr": "Médiane", "en": "Median"},
    "band": {"fr": "Intervalle p05–p95", "en": "p05–p95 band"},
    "p_best": {"fr": "Probabilité d'être la plus sobre", "en": "Probability of being lowest"},
    "mark": {"fr": "Note", "en": "Mark"},
    "scored_value": {"fr": "Valeur notée", "en": "Scored value"},
    "parameter": {"fr": "Paramètre", "en": "Parameter"},
    "value": {"fr": "Valeur", "en": "Value"},
    "unit": {"fr": "Unité", "en": "Unit"},
    "status": {"fr": "Statut", "en": "Status"},
    "source": {"fr": "Source", "en": "Source"},
    "input": {"fr": "Donnée d'entrée", "en": "Input"},
    "spearman": {"fr": "Corrélation de rang", "en": "Rank correlation"},
    "swing_low": {"fr": "Médiane si entrée basse (5 %)", "en": "Median if input low (5 %)"},
    "swing_high": {"fr": "Médiane si entrée haute (5 %)", "en": "Median if input high (5 %)"},
    "pair": {"fr": "A contre B", "en": "A vs B"},
    "p_a_lower": {"fr": "P(A < B)", "en": "P(A < B)"},
    "gap": {"fr": "Écart A − B (médiane)", "en": "Gap A − B (median)"},
    "count": {"fr": "Nombre", "en": "Count"},
    # defaulted fields (equal treatment: published conservative defaults)
    "defaulted_title": {"fr": "Champs non déclarés et valeurs par défaut appliquées",
                        "en": "Undeclared fields and the defaults applied"},
    "defaulted_intro": {
        "fr": "Un champ que l'offre ne déclare pas reçoit une valeur par défaut publiée et "
              "prudente (jamais plus favorable qu'une valeur déclarée plausible) : "
              "déclarer la valeur réelle ne coûte jamais au soumissionnaire.",
        "en": "A field the offer does not declare takes a published conservative default "
              "(never more favourable than a plausible declared value): declaring the real "
              "value never costs the bidder."},
    "defaulted_none": {"fr": "Aucune offre n'a de champ par défaut.",
                       "en": "No offer has a defaulted field."},
    "field": {"fr": "Champ", "en": "Field"},
    "rule": {"fr": "Règle par défaut", "en": "Default rule"},
    "defaults_sheet": {"fr": "Défauts", "en": "Defaults"},
    "equivalent": {"fr": "Équivalent", "en": "Equivalent"},
    "year": {"fr": "Année", "en": "Year"},
    "path": {"fr": "Fichier", "en": "File"},
    "task": {"fr": "Tâche", "en": "Task"},
    "caveats": {"fr": "Avertissements", "en": "Caveats"},
    "methods": {"fr": "Méthode par composante", "en": "Method per component"},
    # scopes and indicators
    "per_request": {"fr": "par requête", "en": "per request"},
    "per_year": {"fr": "par an", "en": "per year"},
    "contract": {"fr": "sur le contrat", "en": "per contract"},
    "ind_energy": {"fr": "Énergie", "en": "Energy"},
    "ind_gwp": {"fr": "Émissions de GES (mix moyen du lieu d'hébergement)",
                "en": "GHG emissions (location-based)"},
    "ind_water": {"fr": "Eau (sur site + production de l'électricité)",
                  "en": "Water (on-site + electricity generation)"},
    "ind_adpe": {"fr": "Ressources abiotiques (ADPe)", "en": "Abiotic resources (ADPe)"},
    "ind_pe": {"fr": "Énergie primaire (électricité en usage + fabrication)",
               "en": "Primary energy (use-phase electricity + manufacturing)"},
    "ind_requests": {"fr": "Requêtes", "en": "Requests"},
    "phase_use": {"fr": "usage", "en": "use"},
    "phase_embodied": {"fr": "fabrication", "en": "embodied"},
    "comp_accelerators": {"fr": "accélérateurs", "en": "accelerators"},
    "comp_host": {"fr": "serveur hôte", "en": "host"},
    "comp_idle": {"fr": "capacité inactive", "en": "idle capacity"},
    "comp_facility_overhead": {"fr": "surcoût du centre (PUE)", "en": "facility overhead (PUE)"},
    "comp_embodied": {"fr": "fabrication", "en": "embodied"},
    "method_modelled": {"fr": "modélisé", "en": "modelled"},
    "method_measured": {"fr": "mesuré", "en": "measured"},
    "method_declared": {"fr": "déclaré", "en": "declared"},
    "total": {"fr": "total", "en": "total"},
    "src_offer": {"fr": "fichier de l'offre", "en": "offer file"},
    "src_profile": {"fr": "profil d'usage de l'acheteur", "en": "buyer's usage profile"},
    "status_measured": {"fr": "mesuré", "en": "measured"},
    "status_declared": {"fr": "déclaré", "en": "declared"},
    "status_default": {"fr": "par défaut", "en": "default"},
    "status_profile": {"fr": "profil acheteur", "en": "buyer profile"},
    # unit / profile
    "profile": {"fr": "Profil d'usage", "en": "Usage profile"},
    "profile_hash": {"fr": "Empreinte SHA-256 du profil (JSON canonique)",
                     "en": "SHA-256 of the profile (canonical JSON)"},
    "functional_unit": {"fr": "Unité fonctionnelle", "en": "Functional unit"},
    "reference_flow": {"fr": "Flux de référence", "en": "Reference flow"},
    # boundary
    "included": {"fr": "Inclus", "en": "Included"},
    "excluded": {"fr": "Exclu", "en": "Excluded"},
    "b_inference_compute": {
        "fr": "calcul d'inférence : accélérateurs, processeurs, mémoire, réseau interne",
        "en": "inference compute: accelerators, CPUs, memory, in-data-centre network"},
    "b_idle_capacity": {"fr": "capacité provisionnée mais inactive attribuable à l'acheteur",
                        "en": "provisioned but idle capacity attributable to the buyer"},
    "b_facility_overhead": {"fr": "surcoût du centre de données (PUE), eau sur site (WUE)",
                            "en": "data-centre overhead (PUE), on-site water (WUE)"},
    "b_embodied_hardware": {
        "fr": "fabrication des serveurs et accélérateurs, allouée au prorata du temps "
              "d'utilisation sur leur durée de vie",
        "en": "manufacturing of servers and accelerators, allocated by time share over "
              "their lifetime"},
    "b_end_user_terminals": {"fr": "terminaux des usagers", "en": "end-user terminals"},
    "b_wan_network": {"fr": "réseau étendu (internet) entre usagers et centre de données",
                      "en": "wide-area network between users and the data centre"},
    "b_vendor_offices": {"fr": "locaux et activités support du fournisseur",
                         "en": "vendor offices and support activities"},
    "b_training_in_scores": {
        "fr": "entraînement du modèle : déclaré séparément (section 9), jamais noté",
        "en": "model training: reported separately (section 9), never scored"},
    # limitations
    "l_model_estimate": {
        "fr": "Les chiffres sont des estimations par modèle, sauf les composantes marquées "
              "« mesuré » ; ils ne remplacent pas une mesure sur site.",
        "en": "Figures are model estimates except the components marked 'measured'; they "
              "do not replace on-site measurement."},
    "l_declared_values": {
        "fr": "Les valeurs déclarées par les fournisseurs sont reprises telles quelles ; "
              "elles doivent devenir des engagements contractuels vérifiés en exécution.",
        "en": "Values declared by vendors are used as given; they should become "
              "contractual targets checked during execution."},
    "l_grid_average": {
        "fr": "Les émissions utilisent le facteur moyen annuel du réseau de la zone "
              "d'hébergement (mix moyen du lieu d'hébergement) ; les certificats d'origine ne sont "
              "pas pris en compte.",
        "en": "Emissions use the annual average grid factor of the hosting zone "
              "(location-based); energy certificates are not taken into account."},
    "l_embodied_allocation": {
        "fr": "La fabrication est allouée au prorata du temps sur une durée de vie "
              "conventionnelle ; les données de fabrication des accélérateurs sont rares.",
        "en": "Manufacturing is allocated by time share over a conventional lifetime; "
              "manufacturing data for accelerators are scarce."},
    "l_ai_lca_maturing": {
        "fr": "La méthodologie d'ACV propre à l'IA est encore en construction "
              "(AFNOR SPEC 2314).",
        "en": "AI-specific life-cycle assessment methodology is still maturing "
              "(AFNOR SPEC 2314)."},
    "l_equivalents_illustrative": {
        "fr": "Les équivalences illustrent des ordres de grandeur et ne servent jamais "
              "à la notation.",
        "en": "Equivalents illustrate orders of magnitude and are never used for scoring."},
    # comparability
    "comparability": {
        "fr": "Calculé avec le profil d'usage {profile} (SHA-256 {profile_hash}), les "
              "données de référence et l'outil {tool} {version}, identiques pour tous les "
              "soumissionnaires. Non comparable avec des chiffres calculés autrement.",
        "en": "Computed with usage profile {profile} (SHA-256 {profile_hash}), the "
              "reference data and tool {tool} {version}, identical for all bidders. Not "
              "comparable with figures computed otherwise."},
    # summary
    "h_best": {"fr": "Offre la plus sobre : {offer}, {value} {unit} {scope} "
                     "(intervalle {low} à {high}).",
               "en": "Lowest offer: {offer}, {value} {unit} {scope} (band {low} to {high})."},
    "h_ratio": {"fr": "L'offre la moins sobre ({offer}) a une valeur {ratio} fois plus élevée.",
                "en": "The highest offer ({offer}) has a value {ratio} times higher."},
    "h_prob": {"fr": "Probabilité que {best} fasse mieux que {runner} : {p} "
                     "(sur tirages partagés).",
               "en": "Probability that {best} beats {runner}: {p} (on shared draws)."},
    "h_equiv": {"fr": "Soit environ {items}.", "en": "That is about {items}."},
    "h_assumptions": {"fr": "Hypothèses principales", "en": "Main assumptions"},
    "a_profile": {"fr": "Volume et taille des requêtes : profil {profile}, identique pour "
                        "toutes les offres.",
                  "en": "Volume and request size: profile {profile}, the same for every offer."},
    "a_scope": {"fr": "Indicateur noté : {indicator} {scope}, médiane de {draws} tirages.",
                "en": "Scored indicator: {indicator} {scope}, median of {draws} draws."},
    "a_method": {"fr": "Notation : {formula} ; plancher {floor}{unit}",
                 "en": "Scoring: {formula}; floor {floor}{unit}"},
    "a_training": {"fr": "L'entraînement des modèles est déclaré à part et n'est pas noté.",
                   "en": "Model training is reported separately and not scored."},
    "warning": {"fr": "Attention : ces chiffres ne sont comparables qu'entre offres calculées "
                      "avec le même profil, les mêmes données et la même version de l'outil.",
                "en": "Warning: these figures are only comparable between offers computed "
                      "with the same profile, data and tool version."},
    # ranking
    "method": {"fr": "Méthode de notation", "en": "Scoring method"},
    "m_proportional": {"fr": "proportionnelle", "en": "proportional"},
    "m_linear": {"fr": "linéaire", "en": "linear"},
    "m_mean": {"fr": "relative à la moyenne", "en": "relative to the mean"},
    "formula": {"fr": "Formule", "en": "Formula"},
    "floor": {"fr": "Plancher", "en": "Floor"},
    "floor_none": {"fr": "aucun", "en": "none"},
    "floor_median": {"fr": "{value} {unit} ({pct} de la médiane des offres)",
                     "en": "{value} {unit} ({pct} of the median offer)"},
    "floor_abs": {"fr": "{value} {unit} (valeur fixée)", "en": "{value} {unit} (fixed value)"},
    "floored": {"fr": "Offres relevées au plancher (à vérifier)",
                "en": "Offers raised to the floor (to be checked)"},
    "scores_note": {"fr": "Les notes utilisent la médiane ; les intervalles sont donnés au jury.",
                    "en": "Marks use the median; bands are shown to the jury."},
    "pairs": {"fr": "Probabilités par paire (tirages partagés)",
              "en": "Pairwise probabilities (shared draws)"},
    "drivers_of": {"fr": "Facteurs déterminants : {offer}", "en": "Drivers: {offer}"},
    "drivers_gap": {"fr": "Facteurs de l'écart {a} − {b}", "en": "Drivers of the gap {a} − {b}"},
    "no_drivers": {"fr": "Aucune donnée d'entrée incertaine conservée.",
                   "en": "No uncertain input draws kept."},
    "uncertainty_text": {
        "fr": "Monte-Carlo : {draws} tirages, graine {seed}. Les entrées partagées (profil, "
              "facteur du réseau d'une même zone) prennent la même valeur pour toutes les "
              "offres dans chaque tirage. Facteurs : corrélation de rang de Spearman entre "
              "les tirages d'une entrée et ceux du résultat.",
        "en": "Monte Carlo: {draws} draws, seed {seed}. Shared inputs (profile, grid factor "
              "of a shared zone) take the same value for every offer in each draw. Drivers: "
              "Spearman rank correlation between an input's draws and the result's draws."},
    "no_evidence": {"fr": "Aucun relevé de mesure joint : composantes estimées ou déclarées.",
                    "en": "No benchmark record attached: components modelled or declared."},
    "valid_record": {"fr": "Valable pour un marché", "en": "Valid for procurement"},
    "yes": {"fr": "oui", "en": "yes"},
    "smoke": {"fr": "non (essai rapide)", "en": "no (smoke run)"},
    "unread": {"fr": "relevé non lu", "en": "record not read"},
    "protocol": {"fr": "Protocole", "en": "Protocol"},
    "no_training": {"fr": "Aucune offre ne déclare l'empreinte d'entraînement.",
                    "en": "No offer declares a training footprint."},
    "training_energy": {"fr": "Énergie déclarée (kWh)", "en": "Declared energy (kWh)"},
    "training_gwp": {"fr": "GES déclarés (kgCO2e)", "en": "Declared GHG (kgCO2e)"},
    "training_amort": {"fr": "Requêtes d'amortissement", "en": "Amortisation requests"},
    "training_share": {"fr": "Part du contrat (kgCO2e)", "en": "Contract share (kgCO2e)"},
    "inputs_hash": {"fr": "SHA-256 des entrées canoniques",
                    "en": "SHA-256 of the canonical inputs"},
    "reproduce": {"fr": "Commande de reproduction (recalcule la fiche JSON, même empreinte "
                        "des entrées)",
                  "en": "Reproducibility command (recomputes the JSON sheet, same inputs "
                        "hash)"},
    "indicator": {"fr": "Indicateur", "en": "Indicator"},
    "sources": {"fr": "Sources des équivalences", "en": "Sources of the equivalents"},
    "verify": {"fr": "Vérification de la fiche JSON", "en": "Checking the JSON sheet"},
    "fig_phases": {"fr": "{indicator} {scope}, par phase", "en": "{indicator} {scope}, by phase"},
    "fig_phases_caption": {
        "fr": "Barres : médiane de chaque phase ; moustaches : intervalle p05–p95 du total.",
        "en": "Bars: median of each phase; whiskers: p05–p95 band of the total."},
    "fig_dist": {"fr": "Distribution de l'indicateur noté, par offre",
                 "en": "Distribution of the scored indicator, per offer"},
    "fig_dist_caption": {
        "fr": "Boîtes : p25–p75, trait : médiane, moustaches : p05–p95, sur tirages partagés.",
        "en": "Boxes: p25–p75, line: median, whiskers: p05–p95, on shared draws."},
    # page 1 for the jury
    "banner_modelled": {
        "fr": "ESTIMATIONS : figures modélisées, pas mesurées. Aucune offre ne joint de relevé "
              "de mesure valable pour le marché ; chaque valeur est calculée par le modèle de "
              "l'outil à partir des déclarations des offres.",
        "en": "ESTIMATES: modelled figures, not measured. No offer attaches a benchmark record "
              "valid for procurement; every value is computed by the tool's model from the "
              "offers' declarations."},
    "banner_partly": {
        "fr": "Figures en partie mesurées : seules les composantes marquées « mesuré » "
              "(section 1) viennent d'un relevé de mesure ; les autres sont modélisées.",
        "en": "Figures partly measured: only the components marked 'measured' (section 1) "
              "come from a benchmark record; the others are modelled."},
    "p1_winner": {"fr": "Offre la mieux notée sur ce critère : {vendor}, {mark} / {points}"
                        "{weighted}.",
                  "en": "Best-marked offer on this criterion: {vendor}, {mark} / {points}"
                        "{weighted}."},
    "p1_weighted": {"fr": ", soit {points} points pondérés sur {weight}",
                    "en": ", i.e. {points} weighted points out of {weight}"},
    "p1_value": {"fr": "{indicator} {scope} : {value} (de {low} à {high} dans 90 % des tirages).",
                 "en": "{indicator} {scope}: {value} ({low} to {high} in 90 % of the draws)."},
    "p1_gap": {"fr": "Écart entre {best} et {worst} sur le contrat : {gap} de GES, soit environ "
                     "{equivalent}.",
               "en": "Gap between {best} and {worst} over the contract: {gap} of GHG, about "
                     "{equivalent}."},
    "p1_prob": {"fr": "Probabilité que {best} fasse mieux que {runner} : {p} (tirages partagés).",
                "en": "Probability that {best} beats {runner}: {p} (shared draws)."},
    "p1_table": {"fr": "Notes des offres sur le critère environnemental",
                 "en": "Marks of the offers on the environmental criterion"},
    "p1_reasons": {"fr": "Pourquoi ce classement", "en": "Why this ranking"},
    "p1_method_advice": {"fr": "Méthode de notation conseillée : {method}. {reason}",
                         "en": "Recommended scoring method: {method}. {reason}"},
    "mark_col": {"fr": "Note sur {points}", "en": "Mark out of {points}"},
    "weighted_col": {"fr": "Points pondérés (sur {weight})",
                     "en": "Weighted points (out of {weight})"},
    "value_col": {"fr": "{indicator} {scope}, médiane", "en": "{indicator} {scope}, median"},
    "short_energy": {"fr": "Énergie", "en": "Energy"},
    "short_gwp": {"fr": "GES", "en": "GHG"},
    "short_water": {"fr": "Eau", "en": "Water"},
    "short_adpe": {"fr": "ADPe", "en": "ADPe"},
    "short_pe": {"fr": "Énergie primaire", "en": "Primary energy"},
    "fig_summary": {"fr": "{indicator} {scope}, par offre",
                    "en": "{indicator} {scope}, per offer"},
    "fig_summary_caption": {
        "fr": "Barres : médiane, usage (uni) et fabrication (hachuré) ; moustaches : p05–p95.",
        "en": "Bars: median, use (plain) and manufacture (hatched); whiskers: p05–p95."},
    "alt_bars": {"fr": "Graphique en barres horizontales « {title} ». {items}",
                 "en": "Horizontal bar chart '{title}'. {items}"},
    "alt_bar_item": {"fr": "{offer} : {value} (de {low} à {high})",
                     "en": "{offer}: {value} ({low} to {high})"},
    "alt_box": {"fr": "Boîtes à moustaches « {title} ». {items}",
                "en": "Box plots '{title}'. {items}"},
    "alt_box_item": {"fr": "{offer} : médiane {value}, p05 {low}, p95 {high}",
                     "en": "{offer}: median {value}, p05 {low}, p95 {high}"},
    "r_zone_grid": {
        "fr": "Électricité du lieu d'hébergement : {zone} ({offer}) émet {factor} g CO2e par kWh, "
              "{ratio} fois plus que {other_zone} ({other}, {other_factor} g CO2e par kWh).",
        "en": "Electricity of the hosting place: {zone} ({offer}) emits {factor} g CO2e per kWh, "
              "{ratio} times more than {other_zone} ({other}, {other_factor} g CO2e per kWh)."},
    "r_dedicated_idle": {
        "fr": "Serveur dédié allumé toute l'année : pour {offer}, la capacité inactive pèse "
              "{share} de l'énergie, quel que soit le volume de requêtes.",
        "en": "Dedicated server on all year: for {offer}, idle capacity is {share} of the "
              "energy, whatever the volume of requests."},
    "r_model_size": {
        "fr": "Taille du modèle et matériel : {offer} fait tourner un modèle de {params} "
              "milliards de paramètres sur {hardware}, contre {other_params} milliards sur "
              "{other_hardware} pour {other}.",
        "en": "Model size and hardware: {offer} runs a model of {params} billion parameters "
              "on {hardware}, against {other_params} billion on {other_hardware} for {other}."},
    "r_gap_driver": {
        "fr": "L'écart entre {offer} et {other} dépend d'abord de : {input}.",
        "en": "The gap between {offer} and {other} depends first on: {input}."},
    # materiality
    "mat_stakes": {
        "fr": "Enjeu absolu du contrat : de {best} (offre la plus sobre) à {worst} (la moins "
              "sobre) de GES sur toute la durée ; le critère peut donc faire varier "
              "l'empreinte de {gap}.",
        "en": "Absolute stakes of the contract: from {best} (lowest offer) to {worst} "
              "(highest) of GHG over its whole term; the criterion can change the footprint "
              "by {gap}."},
    "mat_below": {
        "fr": "Cet écart est inférieur au seuil de {threshold} retenu par l'outil. Avec une "
              "pondération de 10 à 20 %, quelques kilogrammes, dans l'incertitude du modèle, "
              "décideraient de l'attribution. Conseil : une pondération faible (5 % au plus), "
              "ou des sous-critères qualitatifs : bonnes pratiques de l'AFNOR SPEC 2314 (usage "
              "de l'IA justifié face à des solutions plus sobres, mesure de l'impact pendant "
              "l'exécution) et critères d'hébergement du RGESN 2024 (8.3 PUE, 8.4 WUE, "
              "8.5 origine de l'électricité).",
        "en": "This gap is under the tool's threshold of {threshold}. With a weight of 10-20 %, "
              "a few kilograms, within the model's uncertainty, would decide the award. "
              "Advice: a low weight (5 % at most), or qualitative sub-criteria: AFNOR SPEC 2314 "
              "good practices (use of AI justified against more frugal solutions, impact "
              "measured during execution) and the RGESN 2024 hosting criteria (8.3 PUE, "
              "8.4 WUE, 8.5 electricity origin)."},
    "mat_above": {
        "fr": "Cet écart dépasse le seuil de {threshold} retenu par l'outil : un critère "
              "pondéré sur ces chiffres est proportionné à l'enjeu.",
        "en": "This gap exceeds the tool's threshold of {threshold}: a weighted criterion on "
              "these figures is proportionate to the stakes."},
    "mat_weight": {"fr": "Pondération du critère retenue : {weight}.",
                   "en": "Weight of the criterion: {weight}."},
    "mat_basis": {
        "fr": "Base du seuil : une tonne de CO2e sur le contrat, environ le neuvième de "
              "l'empreinte carbone annuelle d'un habitant de la France (9,4 t CO2e par "
              "personne en 2023 : SDES, « Émissions de gaz à effet de serre et empreinte "
              "carbone de la France : une baisse significative en 2023 », 2024). Convention de "
              "l'outil, expliquée dans la méthodologie.",
        "en": "Basis of the threshold: one tonne of CO2e over the contract, about a ninth of "
              "the yearly carbon footprint of a resident of France (9.4 t CO2e per person in "
              "2023: SDES, 2024). A convention of the tool, explained in the methodology."},
    # boundary by life-cycle stage
    "stage": {"fr": "Étape du cycle de vie", "en": "Life-cycle stage"},
    "element": {"fr": "Élément", "en": "Element"},
    "covered": {"fr": "Couvert", "en": "Covered"},
    "how": {"fr": "Comment", "en": "How"},
    "boundary_caption": {
        "fr": "Périmètre par étape du cycle de vie (AFNOR SPEC 2314 ; référentiel ADEME pour "
              "les services d'hébergement en centre de données et cloud, 2023)",
        "en": "System boundary by life-cycle stage (AFNOR SPEC 2314; ADEME product category "
              "rules for data-centre hosting and cloud services, 2023)"},
    "st_manufacture": {"fr": "Fabrication", "en": "Manufacture"},
    "st_use": {"fr": "Usage", "en": "Use"},
    "st_end_of_life": {"fr": "Fin de vie", "en": "End of life"},
    "st_upstream": {"fr": "Amont du service", "en": "Upstream of the service"},
    "st_outside": {"fr": "Hors du centre de données", "en": "Outside the data centre"},
    "cov_yes": {"fr": "oui", "en": "yes"},
    "cov_no": {"fr": "non couvert", "en": "not covered"},
    "cov_apart": {"fr": "à part, non noté", "en": "apart, not scored"},
    "el_servers": {"fr": "serveurs et accélérateurs (extraction, fabrication, transport)",
                   "en": "servers and accelerators (extraction, manufacture, transport)"},
    "el_servers_how": {"fr": "facteurs de fabrication alloués au prorata du temps "
                             "d'utilisation sur la durée de vie",
                       "en": "manufacturing factors allocated by time share over the lifetime"},
    "el_dc_building": {"fr": "bâtiment et équipements techniques du centre de données",
                       "en": "data-centre building and technical equipment"},
    "el_accelerators": {"fr": "accélérateurs (calcul d'inférence)",
                        "en": "accelerators (inference compute)"},
    "el_accelerators_how": {"fr": "modèle d'énergie ou relevé de mesure",
                            "en": "energy model or benchmark record"},
    "el_host": {"fr": "serveur hôte (processeurs, mémoire, réseau interne)",
                "en": "host server (CPUs, memory, in-data-centre network)"},
    "el_host_how": {"fr": "puissance de l'hôte au prorata de la charge",
                    "en": "host power by load share"},
    "el_idle": {"fr": "capacité provisionnée mais inactive", "en": "provisioned but idle capacity"},
    "el_idle_how": {"fr": "puissance au repos, serveur dédié compté toute l'année",
                    "en": "idle power, a dedicated server counted all year"},
    "el_cooling": {"fr": "refroidissement et distribution électrique (PUE), eau sur site (WUE)",
                   "en": "cooling and power distribution (PUE), on-site water (WUE)"},
    "el_cooling_how": {"fr": "PUE et WUE déclarés ou par défaut (section 7)",
                       "en": "declared or default PUE and WUE (section 7)"},
    "el_end_of_life": {"fr": "collecte, recyclage et élimination des équipements",
                       "en": "collection, recycling and disposal of the equipment"},
    "el_training": {"fr": "entraînement du modèle", "en": "model training"},
    "el_training_how": {"fr": "déclaré par le fournisseur (section 9)",
                        "en": "declared by the vendor (section 9)"},
    "el_network": {"fr": "réseau étendu (internet) et terminaux des usagers",
                   "en": "wide-area network (internet) and end-user terminals"},
    "el_offices": {"fr": "locaux et activités support du fournisseur",
                   "en": "vendor offices and support activities"},
    "el_none": {"fr": "–", "en": "–"},
    # SCI
    "sci_text": {
        "fr": "SCI = ((E × I) + M) par R (ISO/IEC 21031:2024 ; Green Software Foundation, "
              "« SCI for AI », 2025). R, l'unité fonctionnelle, est une requête du profil. "
              "E : énergie par requête, surcoût du centre compris ; I : intensité carbone de "
              "cette énergie (mix moyen du lieu d'hébergement) ; M : fabrication allouée à la "
              "requête. Médianes des tirages.",
        "en": "SCI = ((E × I) + M) per R (ISO/IEC 21031:2024; Green Software Foundation, "
              "'SCI for AI', 2025). R, the functional unit, is one request of the profile. "
              "E: energy per request, facility overhead included; I: carbon intensity of that "
              "energy (average mix of the hosting place); M: manufacture allocated to the "
              "request. Medians of the draws."},
    "sci_caption": {"fr": "Score SCI par requête", "en": "SCI score per request"},
    "sci_e": {"fr": "E, énergie par requête", "en": "E, energy per request"},
    "sci_i": {"fr": "I, intensité (g CO2e/kWh)", "en": "I, intensity (g CO2e/kWh)"},
    "sci_m": {"fr": "M, fabrication par requête", "en": "M, manufacture per request"},
    "sci_score": {"fr": "SCI par requête", "en": "SCI per request"},
    # accessibility
    "pdf_accessible": {
        "fr": "Version accessible : la fiche HTML (même contenu, titres, tableaux "
              "structurés, graphiques décrits) ; ce PDF n'est balisé que pour ses graphiques.",
        "en": "Accessible version: the HTML sheet (same content, headings, structured tables, "
              "described charts); this PDF is tagged for its charts only."},
    # captions of tables (HTML <caption>, PDF and markdown titles)
    "cap_bidders": {"fr": "Soumissionnaires et méthode par composante",
                    "en": "Bidders and method per component"},
    "cap_datasets": {"fr": "Fichiers de données de référence", "en": "Reference-data files"},
    "cap_parameters": {"fr": "Paramètres et hypothèses, par offre",
                       "en": "Parameters and assumptions, per offer"},
    "cap_training": {"fr": "Entraînement déclaré", "en": "Declared training"},
    "cap_equivalents": {"fr": "Équivalences des chiffres du contrat",
                        "en": "Equivalents of the contract figures"},
    "cap_indicators": {"fr": "Indicateurs {scope}", "en": "Indicators {scope}"},
    "cap_ranking": {"fr": "Classement et notes", "en": "Ranking and marks"},
    # glossary
    "unknown_input": {"fr": "autre donnée d'entrée incertaine", "en": "other uncertain input"},
    "caveat_other": {"fr": "avertissement du calcul (détail en anglais avec --lang en)",
                     "en": "computation caveat"},
    "caveat_profile": {"fr": "Profil", "en": "Profile"},
    "g_term": {"fr": "Terme", "en": "Term"},
    "g_meaning": {"fr": "Définition", "en": "Meaning"},
    "g_token": {"fr": "jeton", "en": "token"},
    "g_token_def": {"fr": "unité de texte traitée par un modèle de langage (environ trois "
                          "quarts de mot en français) ; l'énergie croît avec le nombre de "
                          "jetons lus et écrits.",
                    "en": "unit of text a language model reads or writes (about three "
                          "quarters of a word); energy grows with the tokens read and written."},
    "g_band": {"fr": "p05–p95", "en": "p05–p95"},
    "g_band_def": {"fr": "intervalle dans lequel tombent 90 % des tirages : 5 % des tirages "
                         "sont en dessous de p05, 5 % au-dessus de p95 ; la médiane (p50) est "
                         "au milieu.",
                   "en": "band holding 90 % of the draws: 5 % are below p05, 5 % above p95; "
                         "the median (p50) is in the middle."},
    "g_pue": {"fr": "PUE / WUE", "en": "PUE / WUE"},
    "g_pue_def": {"fr": "PUE : énergie totale du centre de données divisée par celle des "
                        "serveurs (1,2 = 20 % de plus pour refroidir et alimenter) ; WUE : "
                        "litres d'eau consommés sur site par kWh des serveurs.",
                  "en": "PUE: total energy of the data centre over that of the servers "
                        "(1.2 = 20 % more for cooling and power); WUE: litres of water used "
                        "on site per kWh of the servers."},
    "g_adpe": {"fr": "ADPe", "en": "ADPe"},
    "g_adpe_def": {"fr": "épuisement des ressources abiotiques (métaux et minéraux), en "
                         "kilogrammes d'antimoine équivalent (kg Sb éq).",
                   "en": "abiotic resource depletion (metals and minerals), in kilograms of "
                         "antimony equivalent (kg Sb eq)."},
    "g_mix": {"fr": "mix moyen du lieu d'hébergement",
              "en": "average mix of the hosting place (location-based)"},
    "g_mix_def": {"fr": "émissions de l'électricité calculées avec le facteur moyen annuel "
                        "du réseau du pays ou de la zone où tournent les serveurs, sans tenir "
                        "compte des contrats ou certificats d'électricité verte.",
                  "en": "electricity emissions computed with the annual average factor of "
                        "the grid where the servers run, whatever green-power contracts or "
                        "certificates say."},
    "g_shared": {"fr": "tirages partagés", "en": "shared draws"},
    "g_shared_def": {"fr": "les données communes (volume du profil, facteur du réseau d'une "
                           "même zone) prennent la même valeur pour toutes les offres à chaque "
                           "tirage : les écarts entre offres ne viennent pas du hasard.",
                     "en": "common inputs (profile volume, grid factor of a shared zone) take "
                           "the same value for every offer in each draw: the gaps between "
                           "offers do not come from chance."},
    "g_sha": {"fr": "SHA-256", "en": "SHA-256"},
    "g_sha_def": {"fr": "empreinte numérique d'un fichier : la moindre modification donne une "
                        "autre valeur ; elle prouve que les données n'ont pas changé.",
                  "en": "digital fingerprint of a file: the smallest change gives another "
                        "value; it proves the data did not change."},
    "g_floor": {"fr": "plancher", "en": "floor"},
    "g_floor_def": {"fr": "valeur minimale retenue pour la notation : une offre déclarée "
                          "en dessous est notée au plancher et fait l'objet d'une demande de "
                          "précisions.",
                    "en": "lowest value used for scoring: an offer declared below it is "
                          "scored at the floor and asked for clarification."},
    "g_mc": {"fr": "tirage (Monte-Carlo)", "en": "draw (Monte Carlo)"},
    "g_mc_def": {"fr": "un calcul complet avec une valeur plausible de chaque donnée "
                       "incertaine ; des milliers de tirages donnent la médiane et l'intervalle.",
                 "en": "one full computation with a plausible value of each uncertain input; "
                       "thousands of draws give the median and the band."},
    "g_fu": {"fr": "unité fonctionnelle", "en": "functional unit"},
    "g_fu_def": {"fr": "le service rendu que l'on compare (ISO 14040) : ici, les requêtes du "
                       "profil d'usage de l'acheteur, identiques pour toutes les offres.",
                 "en": "the service compared (ISO 14040): here, the requests of the buyer's "
                       "usage profile, the same for every offer."},
    "g_sci": {"fr": "SCI", "en": "SCI"},
    "g_sci_def": {"fr": "intensité carbone du logiciel (ISO/IEC 21031:2024) : émissions par "
                        "unité fonctionnelle, ici par requête.",
                  "en": "Software Carbon Intensity (ISO/IEC 21031:2024): emissions per "
                        "functional unit, here per request."},
}


def t(key: str, lang: Lang = "fr", **values: object) -> str:
    """The label ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    text = LABELS[key][lang]
    return text.format(**values) if values else text


def fmt(value: float | None, lang: Lang = "fr", digits: int = 3) -> str:
    """A number with ``digits`` significant digits, French style by default.

    French: decimal comma, no-break space between thousands (``1 550``, ``0,044``).
    Very small or very large numbers use a power of ten (``1,2e-09``).
    """
    if value is None:
        return "–"
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞"
    mag = math.floor(math.log10(abs(value)))
    if mag >= 3 and mag < 12:
        rounded = round(value, -(mag - digits + 1))
        text = f"{rounded:,.0f}"
    elif mag >= -4 and mag < 3:
        text = f"{value:.{max(digits - 1 - mag, 0)}f}"
    else:
        text = f"{value:.{digits - 1}e}"
    if lang == "fr":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


def fmt_band(low: float, high: float, lang: Lang = "fr") -> str:
    """A p05–p95 band, e.g. ``254 – 973``."""
    return f"{fmt(low, lang)} – {fmt(high, lang)}"


def fmt_pct(p: float, lang: Lang = "fr") -> str:
    """A probability as a percentage with no decimal (``92 %`` / ``92%``)."""
    value = f"{100 * p:.0f}"
    return f"{value}\u00a0%" if lang == "fr" else f"{value}%"


GLOSSARY = ("token", "band", "pue", "adpe", "mix", "shared", "sha", "floor", "mc", "fu", "sci")
"""Glossary entries, in the order shown (labels ``g_<id>`` and ``g_<id>_def``)."""

# --- units scaled for reading: no power of ten on the jury's page ----------------------

_LADDERS: dict[str, tuple[tuple[str, str, float], ...]] = {
    # unit -> (French symbol, English symbol, size in the base unit), largest first
    "kgCO2e": (("t CO2e", "t CO2e", 1e3), ("kg CO2e", "kg CO2e", 1.0),
               ("g CO2e", "g CO2e", 1e-3), ("mg CO2e", "mg CO2e", 1e-6),
               ("µg CO2e", "µg CO2e", 1e-9)),
    "Wh": (("kWh", "kWh", 1e3), ("Wh", "Wh", 1.0), ("mWh", "mWh", 1e-3),
           ("µWh", "µWh", 1e-6)),
    "kWh": (("GWh", "GWh", 1e6), ("MWh", "MWh", 1e3), ("kWh", "kWh", 1.0),
            ("Wh", "Wh", 1e-3), ("mWh", "mWh", 1e-6)),
    "L": (("m³", "m³", 1e3), ("L", "L", 1.0), ("mL", "mL", 1e-3), ("µL", "µL", 1e-6)),
    "kgSbeq": (("kg Sb éq", "kg Sb eq", 1.0), ("g Sb éq", "g Sb eq", 1e-3),
               ("mg Sb éq", "mg Sb eq", 1e-6), ("µg Sb éq", "µg Sb eq", 1e-9),
               ("ng Sb éq", "ng Sb eq", 1e-12)),
    "MJ": (("GJ", "GJ", 1e3), ("MJ", "MJ", 1.0), ("kJ", "kJ", 1e-3), ("J", "J", 1e-6)),
}
_ALIASES = {"kg Sb eq": "kgSbeq", "kgCO2e/kWh": "", "requests": ""}


def unit_scale(unit: str, values: list[float], lang: Lang = "fr") -> tuple[float, str]:
    """The divisor and symbol that show ``values`` (in ``unit``) between 1 and 1000.

    Chosen on the smallest non-zero absolute value, so every value of a row or a
    column shows at least one digit before the decimal sign and the row keeps one unit
    (larger values get thousands separators); units with no ladder (``requests``,
    ``kgCO2e/kWh``) keep their own symbol.
    """
    ladder = _LADDERS.get(_ALIASES.get(unit, unit))
    if not ladder:
        return 1.0, unit_label(unit, lang)
    big = min((abs(v) for v in values if math.isfinite(v) and v != 0), default=0.0)
    for fr, en, size in ladder:
        if big >= size:
            return size, fr if lang == "fr" else en
    fr, en, size = ladder[-1]
    return size, fr if lang == "fr" else en


def fmt_q(value: float | None, unit: str, lang: Lang = "fr", digits: int = 3) -> str:
    """``value`` in ``unit`` with the unit scaled for reading (``19,9 mg CO2e``)."""
    if value is None:
        return "–"
    size, symbol = unit_scale(unit, [value], lang)
    return f"{fmt(value / size, lang, digits)}\u00a0{symbol}"


def unit_label(unit: str, lang: Lang = "fr") -> str:
    """A unit as shown to the reader (``requests`` -> ``requêtes``)."""
    return UNIT_LABELS.get(unit, {}).get(lang, unit)


UNIT_LABELS: dict[str, dict[Lang, str]] = {
    "requests": {"fr": "requêtes", "en": "requests"},
    "requests/day": {"fr": "requêtes/jour", "en": "requests/day"},
    "days": {"fr": "jours", "en": "days"},
    "years": {"fr": "ans", "en": "years"},
    "billion": {"fr": "milliards", "en": "billion"},
    "tokens": {"fr": "jetons", "en": "tokens"},
    "seconds": {"fr": "secondes", "en": "seconds"},
    "images": {"fr": "images", "en": "images"},
    "rows": {"fr": "lignes", "en": "rows"},
    "kgSbeq": {"fr": "kg Sb éq", "en": "kg Sb eq"},
    "kg Sb eq": {"fr": "kg Sb éq", "en": "kg Sb eq"},
}

# --- drivers: French names of the uncertain inputs ---------------------------------------

DRIVER_FIELDS: dict[str, dict[Lang, str]] = {
    # last part of an input key -> what it is
    "model_error": {"fr": "erreur du modèle d'énergie des modèles de langage",
                    "en": "error of the language-model energy model"},
    "shared_utilisation": {"fr": "taux d'utilisation d'un serveur partagé",
                           "en": "utilisation of a shared server"},
    "host_load_fraction": {"fr": "charge du serveur hôte pendant le calcul",
                           "en": "host server load during compute"},
    "task_power_fraction": {"fr": "part de la puissance maximale utilisée par la tâche",
                            "en": "share of peak power drawn by the task"},
    "params_exponent": {"fr": "effet de la taille du modèle sur l'énergie",
                        "en": "effect of the model size on energy"},
    "reference_wh_per_unit": {"fr": "énergie de référence de la tâche",
                              "en": "reference energy of the task"},
    "total_params_b": {"fr": "nombre total de paramètres du modèle",
                       "en": "total parameters of the model"},
    "active_params_b": {"fr": "paramètres actifs du modèle",
                        "en": "active parameters of the model"},
    "batch_size": {"fr": "taille de lot (requêtes traitées ensemble)",
                   "en": "batch size (requests served together)"},
    "pue": {"fr": "PUE du centre de données", "en": "PUE of the data centre"},
    "wue_l_per_kwh": {"fr": "WUE du centre de données (eau)",
                      "en": "WUE of the data centre (water)"},
    "gwp_kgco2e_per_kwh": {"fr": "intensité carbone de l'électricité du lieu d'hébergement",
                           "en": "carbon intensity of the hosting place's electricity"},
    "grid_gwp": {"fr": "intensité carbone de l'électricité du lieu d'hébergement",
                 "en": "carbon intensity of the hosting place's electricity"},
    "embodied_gwp_kgco2e": {"fr": "émissions de fabrication", "en": "manufacturing emissions"},
    "embodied_adpe_kgsbeq": {"fr": "ressources abiotiques de fabrication",
                             "en": "manufacturing abiotic resources"},
    "embodied_pe_mj": {"fr": "énergie primaire de fabrication",
                       "en": "manufacturing primary energy"},
    "host_idle_power_w": {"fr": "puissance au repos du serveur hôte",
                          "en": "idle power of the host server"},
    "host_max_power_w": {"fr": "puissance maximale du serveur hôte",
                         "en": "peak power of the host server"},
    "idle_power_w": {"fr": "puissance au repos de l'accélérateur",
                     "en": "idle power of the accelerator"},
    "max_power_w": {"fr": "puissance maximale de l'accélérateur",
                    "en": "peak power of the accelerator"},
    "lifetime_years": {"fr": "durée de vie du matériel", "en": "hardware lifetime"},
    "hardware_lifetime_years": {"fr": "durée de vie du matériel", "en": "hardware lifetime"},
    "requests_per_day": {"fr": "requêtes par jour", "en": "requests per day"},
    "days_per_year": {"fr": "jours d'usage par an", "en": "days of use per year"},
    "hours_per_day": {"fr": "heures d'usage par jour", "en": "hours of use per day"},
    "peak_factor": {"fr": "facteur de pointe", "en": "peak factor"},
    "contract_years": {"fr": "durée du contrat", "en": "contract term"},
    "count": {"fr": "nombre de passages de l'étape par requête",
              "en": "runs of the step per request"},
    "input_tokens": {"fr": "jetons en entrée par requête", "en": "input tokens per request"},
    "output_tokens": {"fr": "jetons en sortie par requête", "en": "output tokens per request"},
    "reasoning_tokens": {"fr": "jetons de raisonnement par requête",
                         "en": "reasoning tokens per request"},
    "audio_seconds": {"fr": "secondes d'audio par requête", "en": "audio seconds per request"},
    "images": {"fr": "images par requête", "en": "images per request"},
    "rows": {"fr": "lignes par requête", "en": "rows per request"},
    "energy_wh_per_request": {"fr": "énergie déclarée par requête",
                              "en": "declared energy per request"},
    "precision": {"fr": "précision numérique du modèle", "en": "numeric precision of the model"},
    "serving_stack": {"fr": "logiciel de service du modèle", "en": "model serving stack"},
    "architecture": {"fr": "architecture du modèle", "en": "model architecture"},
    "reasoning_tokens_b": {"fr": "jetons de raisonnement", "en": "reasoning tokens"},
    "accelerator": {"fr": "accélérateur", "en": "accelerator"},
    "accelerator_count": {"fr": "nombre d'accélérateurs", "en": "number of accelerators"},
    "capacity": {"fr": "capacité (partagée ou dédiée)", "en": "capacity (shared or dedicated)"},
    "zone": {"fr": "zone d'hébergement", "en": "hosting zone"},
    "energy_factor": {"fr": "incertitude du relevé de mesure",
                      "en": "uncertainty of the benchmark record"},
    "amortisation_requests": {"fr": "requêtes d'amortissement de l'entraînement",
                              "en": "training amortisation requests"},
    "energy_kwh": {"fr": "énergie d'entraînement déclarée", "en": "declared training energy"},
    "gwp_kgco2e": {"fr": "GES d'entraînement déclarés", "en": "declared training GHG"},
}
_OF: dict[str, dict[Lang, str]] = {
    "accelerator": {"fr": "accélérateur", "en": "accelerator"},
    "server": {"fr": "serveur", "en": "server"},
    "datacenter": {"fr": "centre de données", "en": "data centre"},
    "zone": {"fr": "zone", "en": "zone"},
    "model": {"fr": "modèle", "en": "model"},
    "offer": {"fr": "offre", "en": "offer"},
    "record": {"fr": "relevé", "en": "record"},
    "step": {"fr": "étape", "en": "step"},
}
_STEP = re.compile(r"steps\[(\d+)\]")


def driver_label(key: str, lang: Lang = "fr") -> str:
    """A sensitivity driver's key in words (``engine.llm.model_error`` -> ``erreur du
    modèle d'énergie des modèles de langage``), with the offer, hardware, model or zone
    it is about in brackets."""
    owner = ""
    if ": " in key:  # "offer-id: key" when an input is specific to one offer of a pair
        owner, key = key.split(": ", 1)
    step = _STEP.search(key)
    key = _STEP.sub("steps", key)
    # "[domain]" qualifiers (model error per hardware domain, task class) go in brackets
    qualifiers = [q for q in re.findall(r"\[([^\]]*)\]", key) if q]
    key = re.sub(r"\[[^\]]*\]", "", key)
    parts = key.split(".")
    field = parts[-1]
    what = DRIVER_FIELDS.get(field, {}).get(lang)
    if what is None:
        what = t("unknown_input", lang)
    about: list[str] = []
    head = parts[0]
    if head in ("accelerator", "server", "datacenter", "zone", "model", "record") \
            and len(parts) > 2:
        ident = parts[1] if head != "record" else parts[1][:12]
        about.append(f"{_OF[head][lang]} {ident}")
    elif head == "offer" and len(parts) > 2:
        about.append(f"{_OF['offer'][lang]} {parts[1]}")
    if head == "engine" and len(parts) > 3 and parts[1] == "tasks":
        about.append(parts[2])
    about.extend(qualifiers)
    if step:
        about.append(f"{_OF['step'][lang]} {int(step.group(1)) + 1}")
    if owner:
        about.append(owner)
    text = what[0].upper() + what[1:]
    return f"{text} ({', '.join(about)})" if about else text


_VALUES: dict[str, dict[Lang, str]] = {
    "shared": {"fr": "partagée", "en": "shared"},
    "dedicated": {"fr": "dédiée", "en": "dedicated"},
    "triangular": {"fr": "triangulaire", "en": "triangular"},
    "lognormal": {"fr": "lognormale", "en": "lognormal"},
    "uniform": {"fr": "uniforme", "en": "uniform"},
    "normal": {"fr": "normale", "en": "normal"},
    "low": {"fr": "min", "en": "low"},
    "high": {"fr": "max", "en": "high"},
    "mode": {"fr": "mode", "en": "mode"},
    "mean": {"fr": "moyenne", "en": "mean"},
    "sd": {"fr": "écart-type", "en": "sd"},
    "p50": {"fr": "médiane", "en": "p50"},
    "gsd": {"fr": "écart-type géométrique", "en": "gsd"},
}
_WORD = re.compile(r"[A-Za-z_]+")


def parameter_label(name: str, lang: Lang = "fr") -> str:
    """A row name of the parameters table in words (``volume.requests_per_day`` ->
    ``Requêtes par jour (volume.requests_per_day)``): the code stays in brackets, as
    the key to find the value in the profile or offer file."""
    if name == "benchmark":
        return "Relevé de mesure (tâche principale)" if lang == "fr" else "benchmark (main task)"
    if lang == "en":
        return name
    head = name.split(" (", 1)[0]
    if head == "benchmark":
        return f"Relevé de mesure{name[len('benchmark'):]}"
    what = DRIVER_FIELDS.get(head.split(".")[-1], {}).get(lang)
    if what is None:
        return name
    return f"{what[0].upper()}{what[1:]} ({name})"


def parameter_value(value: str, lang: Lang = "fr") -> str:
    """A parameter's value with its distribution and words in ``lang``
    (``triangular(low=1, mode=2, high=3)`` -> ``triangulaire(min=1, mode=2, max=3)``)."""
    if lang == "en":
        return value
    text = _WORD.sub(lambda m: _VALUES.get(m.group(0), {}).get(lang, m.group(0)), value)
    return text.replace(".", ",") if re.fullmatch(r"[\d.,=() a-zéèàû-]+", text) else text


# --- caveats: the engine's warnings by code ------------------------------------------------

CAVEATS: dict[str, dict[Lang, str]] = {
    "model-outside-calibration": {
        "fr": "modèle ou taille de lot hors du domaine de calage : estimation extrapolée",
        "en": "model or batch size outside the calibrated range: extrapolated estimate"},
    "model-exceeds-memory": {
        "fr": "les poids du modèle ne tiennent pas dans la mémoire des accélérateurs déclarés",
        "en": "the model's weights do not fit in the declared accelerators' memory"},
    "reasoning-undeclared": {
        "fr": "chiffrée sans jetons de raisonnement cachés faute de déclaration, alors "
              "qu'une autre offre en déclare : demander si le modèle raisonne (le kit de "
              "consultation exige la déclaration)",
        "en": "costed without hidden reasoning tokens because none are declared, while "
              "another offer declares some: ask whether the model reasons"},
    "serving-stack-undeclared": {
        "fr": "pile de service non déclarée : l'estimation couvre un serveur optimisé et une "
              "simple boucle de génération, centrée sur la plus coûteuse (déclarer "
              "deployment.serving_stack)",
        "en": "serving stack not declared: the estimate spans an optimised server and a plain "
              "generate loop, centred on the costlier (declare deployment.serving_stack)"},
    "accelerator-outside-calibration": {
        "fr": "accélérateur hors du calage du modèle de génération de texte : estimation "
              "extrapolée de sa bande passante, de sa puissance de calcul et de sa puissance",
        "en": "accelerator outside the text-generation calibration: extrapolated from its "
              "bandwidth, compute and power"},
    "batch-not-modelled": {"fr": "traitement par lots non modélisé pour cette tâche",
                           "en": "batching not modelled for this task"},
    "capacity-exceeded": {"fr": "à la pointe, le volume dépasse la capacité dédiée déclarée",
                          "en": "at peak, the volume exceeds the declared dedicated capacity"},
    "zero-footprint": {"fr": "toutes les valeurs sont nulles : les requêtes du profil ne "
                             "portent aucun volume",
                       "en": "every figure is 0: the profile's requests carry no volume"},
    "pue-defaulted": {"fr": "aucun PUE déclaré : valeur par défaut de la classe de centre de "
                            "données",
                      "en": "no PUE declared: default of the data-centre class"},
    "wue-defaulted": {"fr": "aucun WUE déclaré : valeur par défaut de la classe de centre de "
                            "données",
                      "en": "no WUE declared: default of the data-centre class"},
    "zone-defaulted": {"fr": "aucune zone d'hébergement déclarée : mix électrique moyen mondial",
                       "en": "no hosting zone declared: world average electricity"},
    "water-factor-missing": {"fr": "pas de facteur d'eau par kWh pour cette zone : moyenne "
                                   "mondiale utilisée",
                             "en": "no water factor per kWh for this zone: world average used"},
    "adpe-factor-missing": {"fr": "pas de facteur ADPe par kWh pour cette zone : moyenne "
                                  "mondiale utilisée",
                            "en": "no ADPe factor per kWh for this zone: world average used"},
    "pe-factor-missing": {"fr": "pas de facteur d'énergie primaire par kWh pour cette zone : "
                                "moyenne mondiale utilisée",
                          "en": "no primary-energy factor per kWh for this zone: world "
                                "average used"},
    "declared-figure-used": {"fr": "énergie déclarée par le fournisseur, non vérifiée par un "
                                   "relevé de mesure",
                             "en": "vendor's declared energy, not checked by a benchmark "
                                   "record"},
    "precision-defaulted": {"fr": "précision du modèle non déclarée : fp32 retenu (valeur "
                                  "prudente publiée)",
                            "en": "model precision not declared: fp32 assumed (published "
                                  "conservative default)"},
    "declared-below-model-p05": {"fr": "énergie déclarée sous le 5e centile du modèle : à "
                                       "vérifier (demande de précisions)",
                                 "en": "declared energy below the model's 5th percentile: to "
                                       "be checked (request for clarification)"},
    "architecture-undeclared": {"fr": "architecture du modèle non déclarée : l'intervalle "
                                      "couvre les classes de la tâche, médiane à la plus "
                                      "coûteuse (la déclarer resserre l'intervalle)",
                                "en": "model architecture not declared: the band spans the "
                                      "task's classes, median at the costliest (declare it "
                                      "to narrow the band)"},
    "measured-record-used": {"fr": "énergie tirée d'un relevé de mesure",
                             "en": "energy from a benchmark record"},
    "score-all-zero": {"fr": "toutes les offres valent 0 : elles reçoivent la note maximale",
                       "en": "every offer is 0: all get the full mark"},
    "score-floor": {"fr": "offre sous le plancher : notée au plancher, à vérifier",
                    "en": "offer below the floor: scored at the floor, to be checked"},
    "profile-warning": {"fr": "avertissement du profil d'usage", "en": "usage-profile warning"},
    "audit-period-unknown": {"fr": "période du journal inconnue", "en": "log period unknown"},
    "audit-duplicate-rows": {"fr": "lignes en double dans le journal",
                             "en": "duplicate rows in the log"},
}
_CAVEAT = re.compile(r"\[([a-z0-9-]+)\]")


def caveat_text(code: str, message: str, lang: Lang = "fr") -> str:
    """A caveat for the reader: in English its message; in French the wording of its
    code, with what it is about (the text before the first colon of the message, an
    offer id or an input key) and the code in brackets."""
    if lang == "en" or code not in CAVEATS:
        return f"[{code}] {message}" if lang == "en" else f"[{code}] {t('caveat_other', lang)}"
    subject = message.split(": ", 1)[0] if ": " in message else ""
    if not subject and message.startswith("zone "):
        subject = "zone\u00a0" + message.split()[1]
    subject = subject.removeprefix("offer ").removeprefix("offer.").strip()
    text = CAVEATS[code][lang]
    return f"{subject} : {text} [{code}]" if subject and " " not in subject else f"{text} [{code}]"


def caveat_line(line: str, lang: Lang = "fr") -> str:
    """A stored caveat line (``offer: [code] message`` or ``[code] message``) for the
    reader (:func:`caveat_text`); a line without a code (a profile warning) is kept."""
    if lang == "en":
        return line
    found = _CAVEAT.search(line)
    if not found:
        return f"{t('caveat_profile', lang)} : {line}"
    owner = line[: found.start()].rstrip(": ").strip()
    text = caveat_text(found.group(1), line[found.end():].strip(), lang)
    return f"{owner} : {text}" if owner and not text.startswith(owner) else text


# --- terminal tables of the CLI ------------------------------------------------------------

COLUMNS: dict[str, dict[Lang, str]] = {
    "section": {"fr": "portée", "en": "section"},
    "indicator": {"fr": "indicateur", "en": "indicator"},
    "detail": {"fr": "détail", "en": "detail"},
    "unit": {"fr": "unité", "en": "unit"},
    "p05": {"fr": "p05", "en": "p05"},
    "p50": {"fr": "p50", "en": "p50"},
    "p95": {"fr": "p95", "en": "p95"},
    "mean": {"fr": "moyenne", "en": "mean"},
    "rank": {"fr": "rang", "en": "rank"},
    "offer": {"fr": "offre", "en": "offer"},
    "vendor": {"fr": "fournisseur", "en": "vendor"},
    "p_best": {"fr": "p_meilleure", "en": "p_best"},
    "mark": {"fr": "note", "en": "mark"},
    "method": {"fr": "méthode", "en": "method"},
    "value": {"fr": "valeur", "en": "value"},
    "scored_value": {"fr": "valeur_notée", "en": "scored_value"},
}
"""Column headers of the CLI tables (``estimate``, ``compare``, ``score simulate``)."""

CELLS: dict[str, dict[Lang, str]] = {
    "per_request": {"fr": "par_requête", "en": "per_request"},
    "per_year": {"fr": "par_an", "en": "per_year"},
    "contract": {"fr": "contrat", "en": "contract"},
    "training": {"fr": "entraînement", "en": "training"},
    "energy": {"fr": "énergie", "en": "energy"},
    "gwp": {"fr": "GES", "en": "gwp"},
    "water": {"fr": "eau", "en": "water"},
    "adpe": {"fr": "ADPe", "en": "adpe"},
    "pe": {"fr": "énergie_primaire", "en": "pe"},
    "requests": {"fr": "requêtes", "en": "requests"},
    "total": {"fr": "total", "en": "total"},
    "accelerators": {"fr": "accélérateurs", "en": "accelerators"},
    "host": {"fr": "serveur_hôte", "en": "host"},
    "idle": {"fr": "capacité_inactive", "en": "idle"},
    "facility_overhead": {"fr": "surcoût_centre", "en": "facility_overhead"},
    "use": {"fr": "usage", "en": "use"},
    "embodied": {"fr": "fabrication", "en": "embodied"},
    "onsite": {"fr": "sur_site", "en": "onsite"},
    "offsite": {"fr": "hors_site", "en": "offsite"},
    "per request": {"fr": "par requête", "en": "per request"},
    "contract share": {"fr": "part du contrat", "en": "contract"},
    "proportional": {"fr": "proportionnelle", "en": "proportional"},
    "linear": {"fr": "linéaire", "en": "linear"},
    "kgSbeq": {"fr": "kgSbéq", "en": "kgSbeq"},
}
"""Code values shown in the cells of the CLI tables (sections, indicators, components)."""


def column(name: str, lang: Lang = "fr") -> str:
    """A CLI table's column header in ``lang``."""
    return COLUMNS.get(name, {}).get(lang, name)


def cell(code: str, lang: Lang = "fr") -> str:
    """A code shown in a CLI table cell, in ``lang`` (unknown codes unchanged)."""
    return CELLS.get(code, {}).get(lang, code)
