"""The verdict a buyer reads at the end of ``bench verify``: is the record valid for the
tender, and why; what its signature proves.

A signature proves that the record was not changed since it was signed with a key,
nothing more: the public key travels with the offer, so it does not prove who measured.
Only a register of keys kept by a third party can say whose key it is; ``signer`` is
the hook for it (a function from the key fingerprint to the holder's name, or ``None``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict

from ia_empreinte.records.schema import BenchmarkRecord, Check
from ia_empreinte.records.verify import derived_validity

__all__ = ["RULE_LABELS_FR", "SignerLookup", "Verdict", "record_verdict"]

SignerLookup = Callable[[str], str | None]
"""Key fingerprint -> name of the key's registered holder, or ``None`` if unknown."""

RULE_LABELS_FR = {
    "smoke": "essai court",
    "window-length": "durée des fenêtres",
    "window-count": "nombre de fenêtres",
    "results-recomputed": "résultats recalculés",
    "power-range": "plage de puissance",
    "energy-identity": "cohérence énergie/débit",
    "idle-drift": "dérive au repos",
    "ci-width": "intervalle de confiance",
    "modelled-components": "composants modélisés",
    "nvml-cross-check": "contrôle croisé NVML",
    "exclusive-host": "machine réservée",
    "reference-curve": "courbe de référence",
}
"""French names of the plausibility rules (``records/verify.py``), for the buyer."""


class Verdict(BaseModel):
    """Whether a record may be used in the tender, why, and what its signature proves."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    valid: bool
    reasons_fr: list[str]
    reasons_en: list[str]
    signature_fr: str
    signature_en: str
    to_read: list[str]
    """Rules with a warning: the record stays valid, the buyer reads them."""

    def lines(self, lang: str = "fr") -> list[str]:
        """The verdict as the last lines of ``bench verify`` (signature, then verdict)."""
        fr = lang == "fr"
        reasons = self.reasons_fr if fr else self.reasons_en
        if self.valid:
            head = ("Verdict : valable pour le marché" if fr
                    else "Verdict: valid for the tender")
            why = (" (relevé complet, signé avec la clé publique fournie, toutes les règles "
                   "respectées" if fr else " (full protocol, signed with the public key "
                   "given, every rule met")
            if self.to_read:
                names = ", ".join(RULE_LABELS_FR.get(r, r) if fr else r for r in self.to_read)
                why += (f" ; avertissements à lire : {names})" if fr
                        else f"; warnings to read: {names})")
            else:
                why += ")"
            return [self.signature_fr if fr else self.signature_en, head + why]
        head = ("Verdict : NON valable pour le marché : " if fr
                else "Verdict: NOT valid for the tender: ")
        return [self.signature_fr if fr else self.signature_en, head + " ; ".join(reasons)
                if fr else head + "; ".join(reasons)]


def record_verdict(
    record: BenchmarkRecord,
    checks: Sequence[Check],
    *,
    key_given: bool,
    signer: SignerLookup | None = None,
) -> Verdict:
    """The verdict on a record that passed every rule (a failed rule stops earlier).

    Args:
        record: the record.
        checks: its plausibility checks (``pass`` or ``warn``).
        key_given: the signature was checked against the public key the buyer gave
            (the one filed with the offer).
        signer: the key register's lookup, when there is one (hook; see module doc).
    """
    fr: list[str] = []
    en: list[str] = []
    if record.protocol.smoke:
        fr.append("relevé d'essai (« smoke », fenêtres de mesure trop courtes), exclu par "
                  "le protocole")
        en.append("trial record (smoke: measurement windows too short), excluded by the "
                  "protocol")
    elif record.measurement.quality == "estimate":
        fr.append("aucun composant n'est mesuré par un compteur (puissances modélisées par "
                  "CodeCarbon) : c'est une estimation, pas une mesure")
        en.append("no component is measured by a counter (powers modelled by CodeCarbon): "
                  "an estimate, not a measurement")
    elif not derived_validity(record, checks):
        failed = [c.rule for c in (*checks, *record.checks) if c.status == "fail"]
        fr.append(f"règle échouée lors de la mesure : {', '.join(failed)}")
        en.append(f"rule failed during the measurement: {', '.join(failed)}")
    sig = record.integrity.signature if record.integrity else None
    if sig is None:
        fr.append("relevé non signé")
        en.append("unsigned record")
        signature_fr = ("Signature : aucune. L'empreinte SHA-256 seule ne dit pas qui a "
                        "produit le relevé.")
        signature_en = ("Signature: none. The SHA-256 alone does not say who produced the "
                        "record.")
    else:
        holder = signer(sig.key_fingerprint) if signer is not None else None
        if not key_given:
            fr.append("signature non vérifiée avec la clé publique déposée avec l'offre "
                      "(donnez --public-key)")
            en.append("signature not checked against the public key filed with the offer "
                      "(give --public-key)")
        base_fr = (f"Signature valide (clé d'empreinte {sig.key_fingerprint}) : elle prouve "
                   "que le relevé n'a pas été modifié depuis sa signature, pas qui a mesuré")
        base_en = (f"Valid signature (key fingerprint {sig.key_fingerprint}): it proves the "
                   "record was not changed since it was signed, not who measured")
        if holder is not None:
            signature_fr = f"{base_fr} ; le registre des clés l'attribue à {holder}."
            signature_en = f"{base_en}; the key register attributes it to {holder}."
        else:
            signature_fr = f"{base_fr} (aucun registre de clés ne dit à qui est la clé)."
            signature_en = f"{base_en} (no key register says whose key it is)."
    return Verdict(
        valid=not fr, reasons_fr=fr, reasons_en=en, signature_fr=signature_fr,
        signature_en=signature_en,
        to_read=[c.rule for c in checks if c.status == "warn" and c.rule != "smoke"],
    )
