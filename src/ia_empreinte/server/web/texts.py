"""The web application's own words, in French (default) and English.

Labels of figures, indicators and sheet sections come from
:mod:`ia_empreinte.render.i18n`, like the sheet's; this table holds the pages' texts.
A test checks that both languages have every key.
"""

from __future__ import annotations

from ia_empreinte.render.i18n import Lang

__all__ = ["TEXTS", "text"]

TEXTS: dict[str, tuple[str, str]] = {
    "app": ("ia-empreinte : l'empreinte environnementale des services d'IA",
            "ia-empreinte: the environmental footprint of AI services"),
    "tagline": ("l'empreinte environnementale des services d'IA",
                "the environmental footprint of AI services"),
    "footer": ("Logiciel libre. Aucune donnée n'est conservée sur le serveur : les fichiers "
               "voyagent avec les formulaires.",
               "Free software. Nothing is kept on the server: the files travel with the "
               "forms."),
    "skip": ("Aller au contenu", "Skip to content"),
    "switch": ("English", "Français"),
    "switch_lang": ("en", "fr"),
    "switch_label": ("Read this page in English", "Lire cette page en français"),
    "journey": ("Étapes", "Steps"),
    "step1": ("1. Décrire l'usage", "1. Describe the use"),
    "step2": ("2. Charger les offres", "2. Load the offers"),
    "step3": ("3. Comparer et noter", "3. Compare and score"),
    "step4": ("4. Télécharger la fiche et le kit", "4. Download the sheet and the kit"),
    "step5": ("Vérifier une fiche", "Verify a sheet"),
    "current": ("étape en cours", "current step"),
    # home
    "h_home": ("Décrire l'usage du service d'IA", "Describe the use of the AI service"),
    "home_intro": (
        "Choisissez un profil d'usage type de collectivité, ou répondez au questionnaire. "
        "Toutes les offres seront estimées sur ce même profil.",
        "Pick a typical local-authority usage profile, or answer the questionnaire. "
        "Every offer will be estimated on this same profile."),
    "h_shipped": ("Partir d'un profil type", "Start from a typical profile"),
    "shipped_legend": ("Profils fournis avec l'outil", "Profiles shipped with the tool"),
    "requests_year": ("requêtes par an", "requests a year"),
    "years": ("ans", "years"),
    "choose": ("Utiliser ce profil", "Use this profile"),
    "h_questionnaire": ("Ou décrire votre propre usage", "Or describe your own use"),
    "questionnaire_intro": (
        "Le questionnaire pose les mêmes questions que la commande ia-empreinte profile new.",
        "The questionnaire asks the same questions as the ia-empreinte profile new command."),
    "to_questionnaire": ("Répondre au questionnaire", "Answer the questionnaire"),
    "h_own": ("Ou charger un profil déjà écrit", "Or load a profile already written"),
    "own_file": ("Fichier de profil (YAML ou JSON)", "Profile file (YAML or JSON)"),
    "load": ("Charger", "Load"),
    "h_verify_link": ("Vérifier une fiche reçue", "Verify a sheet you received"),
    "verify_intro": ("Recalculez une fiche (PDF, HTML, XLSX ou JSON) pour vérifier ses chiffres.",
                     "Recompute a sheet (PDF, HTML, XLSX or JSON) to check its figures."),
    # profile
    "h_profile": ("Le profil d'usage", "The usage profile"),
    "title": ("Intitulé", "Title"),
    "functional_unit": ("Unité fonctionnelle", "Functional unit"),
    "steps": ("Étapes", "Steps"),
    "task": ("Tâche", "Task"),
    "h_numbers": ("Les chiffres et leur source", "The figures and their source"),
    "numbers_caption": (
        "Chaque chiffre du profil, avec sa source ou la mention « hypothèse »",
        "Every figure of the profile, with its source or the word \"assumption\""),
    "field": ("Donnée", "Figure"),
    "value": ("Valeur", "Value"),
    "source": ("Source", "Source"),
    "assumed": ("hypothèse", "assumption"),
    "sourced": ("sourcé", "sourced"),
    "h_volume": ("Modifier le volume", "Change the volume"),
    "volume_label": ("Requêtes par jour de service", "Requests per service day"),
    "volume_help": (
        "Un nombre (400), une fourchette (200-400) ou minimum/probable/maximum (200/300/500).",
        "A number (400), a range (200-400) or low/mode/high (200/300/500)."),
    "volume_source_label": ("Source de ce volume (vide si c'est une hypothèse)",
                            "Source of this volume (empty if it is an assumption)"),
    "update": ("Mettre à jour le profil", "Update the profile"),
    "download_profile": ("Télécharger le profil (YAML)", "Download the profile (YAML)"),
    "next_offers": ("Continuer : charger les offres", "Next: load the offers"),
    "warnings": ("À savoir", "Good to know"),
    # questionnaire
    "h_q": ("Questionnaire : décrire votre usage", "Questionnaire: describe your use"),
    "q_intro": (
        "Répondez aux questions ; les questions suivantes dépendent du nombre d'étapes et "
        "des tâches choisies. Chaque réponse est vérifiée.",
        "Answer the questions; the next ones depend on the number of steps and the tasks "
        "chosen. Every answer is checked."),
    "q_continue": ("Continuer", "Continue"),
    "q_errors": ("Des réponses sont à corriger :", "Some answers need correcting:"),
    # offers
    "h_offers": ("Charger les offres des candidats", "Load the bidders' offers"),
    "offers_intro": (
        "Chargez le fichier de déclaration de chaque offre, et les relevés de mesure qu'elles "
        "citent. Chaque fichier est vérifié comme le fait ia-empreinte validate.",
        "Upload each offer's declaration file, and the benchmark records they name. Each "
        "file is checked as ia-empreinte validate does."),
    "offer_files": ("Fichiers d'offres (YAML ou JSON, plusieurs possibles)",
                    "Offer files (YAML or JSON, several allowed)"),
    "record_files": ("Relevés de mesure (JSON, facultatif)", "Benchmark records (JSON, optional)"),
    "add": ("Ajouter ces fichiers", "Add these files"),
    "loaded_caption": ("Offres chargées", "Offers loaded"),
    "none_loaded": ("Aucune offre chargée pour l'instant.", "No offer loaded yet."),
    "file": ("Fichier", "File"),
    "offer": ("Offre", "Offer"),
    "vendor": ("Fournisseur", "Vendor"),
    "service": ("Service", "Service"),
    "evidence": ("Preuve", "Evidence"),
    "measured": ("mesuré (relevé)", "measured (record)"),
    "modelled": ("modélisé", "modelled"),
    "error_prefix": ("Erreur", "Error"),
    "rejected": ("Fichiers refusés :", "Files refused:"),
    "template": ("Télécharger le modèle de déclaration d'offre (pour les candidats)",
                 "Download the offer declaration template (for bidders)"),
    "next_compare": ("Continuer : comparer les offres", "Next: compare the offers"),
    "need_two": ("Chargez au moins une offre pour comparer.",
                 "Load at least one offer to compare."),
    "back_profile": ("Revenir au profil", "Back to the profile"),
    # compare
    "h_compare": ("Comparer et noter les offres", "Compare and score the offers"),
    "h_jury": ("Synthèse pour le jury", "Summary for the jury"),
    "winner": ("L'offre la plus sobre est", "The lowest-footprint offer is"),
    "certainty": ("Elle est plus sobre que la suivante dans {p} des tirages.",
                  "It is lower than the next one in {p} of the draws."),
    "gap": ("Écart avec l'offre suivante (médianes) : {gap} {unit}, soit environ {eq}.",
            "Gap to the next offer (medians): {gap} {unit}, about {eq}."),
    "gap_plain": ("Écart avec l'offre suivante (médianes) : {gap} {unit}.",
                  "Gap to the next offer (medians): {gap} {unit}."),
    "ratio": ("L'offre la moins sobre émet {r} fois plus.",
              "The highest-footprint offer is {r} times higher."),
    "reasons": ("Ce qui fait la différence :", "What makes the difference:"),
    "banner_modelled": (
        "Chiffres estimés par modèle (aucune mesure) pour : {offers}. Ce sont des estimations, "
        "pas des mesures.",
        "Figures estimated by a model (no measurement) for: {offers}. They are estimates, "
        "not measurements."),
    "banner_measured": ("Chiffres appuyés sur un relevé de mesure pour : {offers}.",
                        "Figures backed by a benchmark record for: {offers}."),
    "h_chart": ("Graphique", "Chart"),
    "chart_caption": (
        "{indicator} {scope}, par offre : médiane (barre) et intervalle p05–p95 (trait)",
        "{indicator} {scope}, per offer: median (bar) and p05–p95 band (line)"),
    "chart_data": ("Données du graphique", "Chart data"),
    "h_scoring": ("Notation", "Scoring"),
    "scoring_caption": ("Notes des offres ({method}, sur {points})",
                        "Marks of the offers ({method}, out of {points})"),
    "mark": ("Note", "Mark"),
    "weighted": ("Points pondérés (poids {w} %)", "Weighted points (weight {w} %)"),
    "rank": ("Rang", "Rank"),
    "median": ("Médiane", "Median"),
    "band": ("Intervalle p05–p95", "p05–p95 band"),
    "p_best": ("Probabilité d'être la plus sobre", "Probability of being lowest"),
    "floor_none": ("Aucun plancher.", "No floor."),
    "floor_abs": ("Plancher absolu : {v} {unit}.", "Absolute floor: {v} {unit}."),
    "floor_rel": ("Plancher : {f} de la médiane des offres, soit {v} {unit}.",
                  "Floor: {f} of the median offer, that is {v} {unit}."),
    "floored": ("Offres relevées au plancher : {o}.", "Offers raised to the floor: {o}."),
    "formula": ("Formule", "Formula"),
    "h_options": ("Changer la méthode, le poids ou le plancher",
                  "Change the method, weight or floor"),
    "method": ("Méthode de notation", "Scoring method"),
    "m_proportional": ("proportionnelle (note = N × meilleure / offre)",
                       "proportional (mark = N × best / offer)"),
    "m_linear": ("linéaire (écart à la meilleure et à la moins bonne)",
                 "linear (distance to the best and the worst)"),
    "m_mean": ("par rapport à la moyenne (comprime les écarts)",
               "relative to the mean (compresses gaps)"),
    "points": ("Points du critère", "Points of the criterion"),
    "weight": ("Poids du critère (%)", "Weight of the criterion (%)"),
    "weight_help": ("Le poids publié dans le règlement de consultation.",
                    "The weight published in the tender rules."),
    "floor": ("Plancher absolu (vide : relatif à la médiane)",
              "Absolute floor (empty: relative to the median)"),
    "floor_help": ("Dans l'unité du chiffre noté ; fixé avant la publication.",
                   "In the unit of the scored figure; fixed before publication."),
    "indicator": ("Indicateur noté", "Scored indicator"),
    "scope": ("Périmètre", "Scope"),
    "recompute": ("Recalculer", "Recompute"),
    "h_simulation": ("Simulation des méthodes de notation", "Simulation of the scoring methods"),
    "simulation_caption": (
        "Notes que chaque méthode donnerait aux médianes des offres",
        "Marks each method would give to the offers' medians"),
    "h_uncertainty": ("Comprendre l'incertitude", "Understanding the uncertainty"),
    "uncertainty_text": (
        "Chaque chiffre est une estimation : l'outil refait le calcul {draws} fois en faisant "
        "varier les données mal connues (taille du modèle, lot, électricité…). La médiane est "
        "la valeur du milieu ; l'intervalle p05–p95 contient 90 % des résultats. Toutes les "
        "offres sont calculées sur les mêmes tirages, si bien que la probabilité d'être la "
        "plus sobre est directement comparable. Deux offres dont les intervalles se "
        "chevauchent largement ne sont pas vraiment départagées.",
        "Every figure is an estimate: the tool redoes the computation {draws} times, varying "
        "the inputs that are poorly known (model size, batch, electricity...). The median is "
        "the middle value; the p05–p95 band holds 90 % of the results. Every offer is "
        "computed on the same draws, so the probability of being lowest compares directly. "
        "Two offers whose bands overlap widely are not really told apart."),
    "caveats": ("Points d'attention", "Caveats"),
    "h_download": ("Télécharger la fiche et le kit", "Download the sheet and the kit"),
    "download_intro": (
        "La fiche contient les données d'entrée et leur empreinte : n'importe qui peut la "
        "recalculer. Le kit réunit la clause du règlement de consultation, le profil et le "
        "modèle de déclaration d'offre.",
        "The sheet holds its inputs and their hash: anyone can recompute it. The kit holds "
        "the tender clause, the profile and the offer declaration template."),
    "sheet_pdf": ("Fiche PDF", "PDF sheet"),
    "sheet_html": ("Fiche HTML (version accessible)", "HTML sheet (accessible version)"),
    "sheet_xlsx": ("Fiche tableur XLSX", "XLSX spreadsheet sheet"),
    "sheet_json": ("Fiche JSON (données)", "JSON sheet (data)"),
    "kit": ("Kit de consultation (ZIP)", "Consultation kit (ZIP)"),
    "kit_needs_weight": ("pondération : indiquez le poids du critère (en %) pour écrire le kit "
                         "de consultation", "weight: give the criterion's weight (in %) to "
                         "write the consultation kit"),
    # verify
    "h_verify": ("Vérifier une fiche", "Verify a sheet"),
    "verify_file": ("Fiche à vérifier (PDF, HTML, XLSX, Markdown ou JSON)",
                    "Sheet to verify (PDF, HTML, XLSX, Markdown or JSON)"),
    "verify": ("Vérifier", "Verify"),
    "verified_ok": (
        "Fiche vérifiée : chaque chiffre a été recalculé et correspond ({n} offres, empreinte "
        "des données {sha}).",
        "Sheet verified: every figure was recomputed and matches ({n} offers, inputs hash "
        "{sha})."),
    "verified_bad": ("La fiche ne correspond pas au recalcul ({n} écarts) :",
                     "The sheet does not match the recomputation ({n} differences):"),
    # registry
    "step6": ("Registre des projets", "Project registry"),
    "h_registry": ("Registre des projets d'IA des collectivités",
                   "Registry of local authorities' AI projects"),
    "registry_intro": (
        "Les projets publiés par d'autres collectivités : leur usage, l'offre retenue et son "
        "empreinte. Réutilisez un profil d'usage pour estimer vos propres offres.",
        "Projects published by other local authorities: their use, the offer chosen and its "
        "footprint. Reuse a usage profile to estimate your own offers."),
    "registry_none": ("Aucun registre n'est configuré sur ce serveur.",
                      "No registry is configured on this server."),
    "r_filters": ("Rechercher des projets", "Search projects"),
    "r_task": ("Tâche", "Task"),
    "r_band": ("Taille de la collectivité (habitants)", "Size of the authority (inhabitants)"),
    "r_vendor": ("Fournisseur de l'offre retenue (tout ou partie du nom)",
                 "Vendor of the chosen offer (all or part of the name)"),
    "r_zone": ("Zone d'hébergement de l'offre retenue (FR, DE, US-VA…)",
               "Hosting zone of the chosen offer (FR, DE, US-VA...)"),
    "r_any": ("toutes", "any"),
    "r_search": ("Rechercher", "Search"),
    "r_caption": ("Projets publiés ({n})", "Published projects ({n})"),
    "r_none_found": ("Aucun projet publié ne correspond à ces critères.",
                     "No published project matches these criteria."),
    "r_collectivite": ("Collectivité", "Local authority"),
    "r_population": ("Population", "Population"),
    "r_tasks": ("Tâches", "Tasks"),
    "r_profile": ("Profil d'usage", "Usage profile"),
    "r_chosen": ("Offre retenue", "Chosen offer"),
    "r_zone_short": ("Zone", "Zone"),
    "r_gwp": ("GES de l'offre retenue (kgCO2e par an, médiane de la fiche)",
              "GHG of the chosen offer (kgCO2e a year, median of the sheet)"),
    "r_reuse": ("Réutiliser ce profil", "Reuse this profile"),
    "r_reuse_of": ("projet n° {id}, YAML", "project {id}, YAML"),
    "r_not_found": ("Aucun projet publié n° {id} dans le registre.",
                    "No published project number {id} in the registry."),
    "band_lt-3500": ("moins de 3 500", "under 3,500"),
    "band_3500-20000": ("de 3 500 à 20 000", "3,500 to 20,000"),
    "band_20000-100000": ("de 20 000 à 100 000", "20,000 to 100,000"),
    "band_100000-500000": ("de 100 000 à 500 000", "100,000 to 500,000"),
    "band_gte-500000": ("500 000 et plus", "500,000 and over"),
    # errors
    "h_error": ("La demande n'a pas abouti", "The request failed"),
    "start_again": ("Recommencer depuis le début", "Start again from the beginning"),
    "missing_state": (
        "Le formulaire ne contient pas de profil d'usage : recommencez depuis la première "
        "étape.",
        "The form holds no usage profile: start again from the first step."),
    "err_task_not_served": (
        "{file} : l'offre {offer} ne couvre pas ce que demande le profil {profile} : "
        "{tasks} (elle couvre : {served}). Une offre qui ne sert pas l'usage décrit ne "
        "peut pas être comparée.",
        "{file}: offer {offer} does not serve what profile {profile} asks for: {tasks} "
        "(it serves: {served}). An offer that does not serve the use described cannot be "
        "compared."),
    "err_duplicate_id": (
        "{file} : id : une autre offre chargée porte déjà l'identifiant « {id} ».",
        "{file}: id: another offer uploaded already has the id '{id}'."),
    "err_record_missing": (
        "{offer} : l'offre cite le relevé de mesure « {path} » (SHA-256 {sha}…) ; "
        "chargez ce fichier de relevé.",
        "{offer}: the offer pins the benchmark record '{path}' (sha256 {sha}…); upload "
        "that record file."),
    "unauthorized": ("Un jeton d'accès est demandé par ce serveur.",
                     "This server asks for an access token."),
}
"""Key -> (French, English)."""


def text(key: str, lang: Lang) -> str:
    """The page text ``key`` in ``lang``."""
    fr, en = TEXTS[key]
    return fr if lang == "fr" else en
