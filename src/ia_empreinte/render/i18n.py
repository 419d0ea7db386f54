"""Labels of the reports, in French (default) and English, and number formatting.

Every text a report shows comes from here, keyed by a stable code, so that the French
and English reports say the same thing and a test can check that both languages have
every key.
"""

from __future__ import annotations

import math
from typing import Literal

__all__ = ["LABELS", "LANGS", "Lang", "fmt", "fmt_band", "fmt_pct", "t"]

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

LABELS: dict[str, dict[Lang, str]] = {
    # document
    "title": {"fr": "Fiche d'empreinte environnementale des offres de services d'IA",
              "en": "Environmental footprint sheet of the AI service offers"},
    "comparison_title": {"fr": "Comparaison des offres", "en": "Comparison of the offers"},
    # sections
    "s_summary": {"fr": "Synthèse pour le jury", "en": "Summary for the jury"},
    "s_identification": {"fr": "1. Identification", "en": "1. Identification"},
    "s_unit": {"fr": "2. Unité fonctionnelle et flux de référence",
               "en": "2. Functional unit and reference flow"},
    "s_boundary": {"fr": "3. Périmètre", "en": "3. System boundary"},
    "s_results": {"fr": "4. Indicateurs", "en": "4. Indicators"},
    "s_ranking": {"fr": "5. Classement et notation", "en": "5. Ranking and scores"},
    "s_uncertainty": {"fr": "6. Incertitude et facteurs déterminants",
                      "en": "6. Uncertainty and drivers"},
    "s_parameters": {"fr": "7. Paramètres et hypothèses", "en": "7. Parameters and assumptions"},
    "s_evidence": {"fr": "8. Preuves de mesure", "en": "8. Measurement evidence"},
    "s_training": {"fr": "9. Entraînement (déclaré séparément)",
                   "en": "9. Training (reported separately)"},
    "s_equivalents": {"fr": "10. Équivalences", "en": "10. Equivalents"},
    "s_limitations": {"fr": "11. Limites", "en": "11. Limitations"},
    "s_comparability": {"fr": "12. Comparabilité", "en": "12. Comparability"},
    "s_integrity": {"fr": "13. Intégrité et reproductibilité",
                    "en": "13. Integrity and reproducibility"},
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
    "ind_gwp": {"fr": "Émissions de GES (location-based)",
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
              "d'hébergement (méthode location-based) ; les certificats d'origine ne sont "
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
    "a_method": {"fr": "Notation : {formula} ; plancher {floor} {unit}.",
                 "en": "Scoring: {formula}; floor {floor} {unit}."},
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
