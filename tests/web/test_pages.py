"""The web application's pages without a browser: security headers, escaping, tokens,
no state, the questionnaire's logic and the texts in both languages."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

import httpx

from ia_empreinte.server import running
from ia_empreinte.server.settings import ServerSettings
from ia_empreinte.server.web.texts import TEXTS
from tests.conftest import EXAMPLE_OFFERS

EMPTY_FILE = {"_": ("", b"")}  # a multipart body, as a browser sends the forms


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with running(compute_slots=1) as base, httpx.Client(base_url=base, timeout=120) as c:
        yield c


def _state(html: str) -> str:
    match = re.search(r'name="profil" value="([^"]+)"', html)
    assert match is not None
    return match[1]


def test_home_is_french_with_the_first_step_and_strict_headers(client: httpx.Client) -> None:
    answer = client.get("/")
    assert answer.status_code == 200
    assert '<html lang="fr">' in answer.text
    assert answer.text.count("<h1>") == 1
    assert "<h1>Décrire l&#39;usage du service d&#39;IA</h1>" in answer.text
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "<script" not in answer.text and " style=" not in answer.text
    assert "set-cookie" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/style.css").status_code == 200


def test_english_home(client: httpx.Client) -> None:
    answer = client.get("/?lang=en")
    assert '<html lang="en">' in answer.text
    assert "<h1>Describe the use of the AI service</h1>" in answer.text


def test_every_text_has_both_languages() -> None:
    for key, (fr, en) in TEXTS.items():
        assert fr.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", fr)) == set(re.findall(r"{(\w+)}", en)), key


def test_uploaded_text_is_escaped(client: httpx.Client) -> None:
    """A vendor name with markup is shown as text, in the offers table."""
    hostile = (EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml").read_text(encoding="utf-8")
    hostile = re.sub(r"^vendor: .*$", 'vendor: "<script>alert(1)</script><b>x</b>"',
                     hostile, flags=re.M)
    page = client.post("/profil", data={"profil_id": "chatbot-web-metropole"},
                       files=EMPTY_FILE)
    answer = client.post("/offres", data={"profil": _state(page.text)},
                         files=[("offres", ("o.yaml", hostile.encode()))])
    assert answer.status_code == 200
    assert "<script>alert(1)" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in answer.text


def test_bad_offer_error_is_the_cli_line_next_to_the_field(client: httpx.Client) -> None:
    page = client.post("/profil", data={"profil_id": "chatbot-web-metropole"},
                       files=EMPTY_FILE)
    answer = client.post("/offres", data={"profil": _state(page.text)},
                         files=[("offres", ("b.yaml", b"id: b\nvendor: B\n"))])
    assert 'id="offres-erreur"' in answer.text
    assert 'aria-describedby="offres-erreur" aria-invalid="true"' in answer.text
    assert "b.yaml : model : champ obligatoire absent (et 1 autre problème)" in answer.text
    page = client.post("/profil", data={"profil_id": "chatbot-web-metropole", "lang": "en"},
                       files=EMPTY_FILE)
    answer = client.post("/offres", data={"profil": _state(page.text), "lang": "en"},
                         files=[("offres", ("b.yaml", b"id: b\nvendor: B\n"))])
    assert "b.yaml: model: required field is missing (and 1 more problem)" in answer.text


def test_range_errors_are_worded_in_french(client: httpx.Client) -> None:
    """A value out of range, a wrong type, a misspelt field, a value not in a list: the
    French page says what is expected in French, the field path kept as written."""
    page = client.post("/profil", data={"profil_id": "chatbot-web-metropole"},
                       files=EMPTY_FILE)
    def offer(model: str, extra: str = "") -> str:
        return (f"id: o-{len(model)}\nvendor: V\n{extra}model: {{{model}}}\n"
                "deployment: {accelerator: nvidia-h100-sxm-80gb}\n")

    cases = {
        "taille.yaml": (offer("total_params_b: -8"),
                        "taille.yaml : model.total_params_b : un nombre &gt; 0 et &lt;= 100000 "
                        "milliards de paramètres est attendu, reçu -8"),
        "precision.yaml": (offer("total_params_b: 8, precision: fp3"),
                           "precision.yaml : model.precision : valeur attendue parmi "),
        "faute.yaml": (offer("total_params_bb: 8"),
                       "faute.yaml : model.total_params_bb : champ inconnu ; vouliez-vous dire "
                       "« total_params_b » ?"),
    }
    files = [("offres", (name, text.encode())) for name, (text, _) in cases.items()]
    answer = client.post("/offres", data={"profil": _state(page.text)}, files=files)
    for name, (_, expected) in cases.items():
        assert expected in answer.text, name
    assert "expected" not in answer.text.split("offres-erreur", 1)[1].split("</div>", 1)[0]


def test_refusals_the_page_words_are_in_the_page_language(client: httpx.Client) -> None:
    """An offer that does not serve the profile's task, and an id given twice: the page
    words these refusals itself, in French by default and in English on request."""
    tabular = (EXAMPLE_OFFERS / "cpu-tabular-fr.yaml").read_bytes()
    chat = (EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml").read_bytes()
    files = [("offres", ("tabulaire.yaml", tabular)), ("offres", ("a.yaml", chat)),
             ("offres", ("b.yaml", chat))]
    page = client.post("/profil", data={"profil_id": "chatbot-web-metropole"},
                       files=EMPTY_FILE)
    fr = client.post("/offres", data={"profil": _state(page.text)}, files=files).text
    assert ("tabulaire.yaml : l&#39;offre cpu-tabular-fr ne couvre pas ce que demande le "
            "profil chatbot-web-metropole : génération de texte (text-generation) (elle "
            "couvre : prédiction sur données tabulaires (tabular-prediction))") in fr
    assert ("b.yaml : id : une autre offre chargée porte déjà l&#39;identifiant "
            "« open-mid-cloud-fr »") in fr
    assert "does not serve" not in fr and "another offer" not in fr
    page = client.post("/profil", data={"profil_id": "chatbot-web-metropole", "lang": "en"},
                       files=EMPTY_FILE)
    en = client.post("/offres", data={"profil": _state(page.text), "lang": "en"},
                     files=files).text
    assert ("tabulaire.yaml: offer cpu-tabular-fr does not serve what profile "
            "chatbot-web-metropole asks for: text-generation (it serves: "
            "tabular-prediction)") in en


def test_missing_state_is_a_page_not_a_fault(client: httpx.Client) -> None:
    answer = client.post("/comparer", data={"method": "linear"}, files=EMPTY_FILE)
    assert answer.status_code == 400
    assert "recommencez depuis la première étape" in answer.text
    answer = client.post("/comparer", data={"profil": "%%%"}, files=EMPTY_FILE)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"


def test_sheet_and_kit_downloads(client: httpx.Client) -> None:
    page = client.post("/profil", data={"profil_id": "chatbot-web-metropole"},
                       files=EMPTY_FILE)
    offer = (EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml").read_bytes()
    form = {"profil": _state(page.text), "draws": "200",
            "offre": f"{base64.b64encode(offer).decode()}:open-mid-cloud-fr.yaml"}
    sheet = client.post("/fiche", data={**form, "format": "json"}, files=EMPTY_FILE)
    assert sheet.status_code == 200
    assert sheet.headers["content-disposition"].endswith('"fiche-chatbot-web-metropole.json"')
    assert sheet.json()["inputs"]["options"]["draws"] == 200
    verified = client.post("/verifier", files={"fiche": ("fiche.json", sheet.content)})
    assert "Fiche vérifiée" in verified.text
    kit = client.post("/kit", data={**form, "weight": "15"}, files=EMPTY_FILE)
    assert kit.headers["content-type"] == "application/zip"
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(kit.content))
    names = archive.namelist()
    prefix = "kit-chatbot-web-metropole/"
    for name in ("00-index.md", "01-rc-article-critere.docx", "01-rc-article-critere.md",
                 "02-clauses-cctp-ccap.md", "annexe-C-protocole-mesure.md", "SHA256SUMS"):
        assert prefix + name in names
    import hashlib

    sums = archive.read(prefix + "SHA256SUMS").decode().splitlines()
    for line in sums:  # the index's hashes match the files of the archive
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(prefix + name)).hexdigest() == digest
    assert "15 %" in archive.read(prefix + "01-rc-article-critere.md").decode()
    again = client.post("/kit", data={**form, "weight": "15"}, files=EMPTY_FILE)
    assert again.content == kit.content  # deterministic


def test_tokens_apply_to_the_pages(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("0123456789abcdef0123\n", encoding="utf-8")
    with running(ServerSettings(tokens_file=tokens), compute_slots=1) as base:
        refused = httpx.get(base + "/")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Basic")
        assert httpx.get(base + "/", auth=("acheteur", "0123456789abcdef0123")).status_code == 200
        assert httpx.get(base + "/", headers={
            "Authorization": "Bearer 0123456789abcdef0123"}).status_code == 200
        assert httpx.get(base + "/", auth=("acheteur", "wrong-token-wrong")).status_code == 401


def test_body_limit_applies_to_the_pages() -> None:
    with running(ServerSettings(max_body_bytes=2048), compute_slots=1) as base:
        answer = httpx.post(base + "/verifier", files={"fiche": ("f.json", b"x" * 4096)})
    assert answer.status_code == 413


def test_an_offer_with_its_record_is_measured(client: httpx.Client) -> None:
    """The record an offer pins is found by its hash among the uploaded records; without
    it the offer cannot be compared and the records field says which file to upload."""
    page = client.post("/profil", data={"profil_id": "chatbot-web-metropole"},
                       files=EMPTY_FILE)
    offer = (EXAMPLE_OFFERS / "essai-releve-tinylm.yaml").read_bytes()
    record = (EXAMPLE_OFFERS.parent / "records" / "releve-candidat-b.json").read_bytes()
    alone = client.post("/offres", data={"profil": _state(page.text)},
                        files=[("offres", ("essai.yaml", offer))])
    assert 'id="releves-erreur"' in alone.text
    assert "chargez ce fichier de relevé" in alone.text
    assert "/comparer" not in alone.text
    both = client.post("/offres", data={"profil": _state(page.text)},
                       files=[("offres", ("essai.yaml", offer)),
                              ("releves", ("releve-candidat-b.json", record))])
    assert 'id="releves-erreur"' not in both.text
    assert "mesuré (relevé)" in both.text
    carried = re.findall(r'name="(offre|releve)" value="([^"]+)"', both.text)
    form: dict[str, list[str]] = {"profil": [_state(page.text)], "draws": ["200"]}
    for name, value in dict.fromkeys(carried):
        form.setdefault(name, []).append(value)
    compared = client.post("/comparer", data=form, files=EMPTY_FILE)
    assert compared.status_code == 200, compared.text[:500]
    assert "Chiffres appuyés sur un relevé de mesure pour : essai-releve-tinylm" in compared.text


def test_pages_in_computing_processes() -> None:
    """``ia-empreinte serve`` computes in worker processes by default: the forms' work
    travels there and back (module-level functions, plain values)."""
    with running(ServerSettings(compute="processes"), compute_slots=1) as base, \
            httpx.Client(base_url=base, timeout=120) as c:
        page = c.post("/profil", data={"profil_id": "chatbot-web-metropole"},
                      files=EMPTY_FILE)
        assert page.status_code == 200, page.text[:300]
        offer = (EXAMPLE_OFFERS / "open-mid-cloud-fr.yaml").read_bytes()
        form = {"profil": _state(page.text), "draws": "200",
                "offre": f"{base64.b64encode(offer).decode()}:open-mid-cloud-fr.yaml"}
        compared = c.post("/comparer", data=form, files=EMPTY_FILE)
        assert compared.status_code == 200
        assert "Synthèse pour le jury" in compared.text
        refused = c.post("/comparer", data={"profil": "%%%"}, files=EMPTY_FILE)
        assert refused.status_code == 400


def test_caveats_are_in_the_page_language(client: httpx.Client) -> None:
    """The points of attention of the comparison: French wording (code kept in brackets)
    on a French page, the engine's English message on an English one."""
    def compared(lang: str) -> str:
        page = client.post("/profil", data={"profil_id": "chatbot-web-metropole",
                                            "lang": lang}, files=EMPTY_FILE)
        files = [("offres", (name, (EXAMPLE_OFFERS / name).read_bytes()))
                 for name in ("frontier-api-us.yaml", "small-onprem-dedicated.yaml")]
        offers = client.post("/offres", data={"profil": _state(page.text), "lang": lang},
                             files=files)
        carried = re.findall(r'name="(offre)" value="([^"]+)"', offers.text)
        form: dict[str, list[str]] = {"profil": [_state(page.text)], "draws": ["200"],
                                      "lang": [lang]}
        for name, value in dict.fromkeys(carried):
            form.setdefault(name, []).append(value)
        answer = client.post("/comparer", data=form, files=EMPTY_FILE)
        assert answer.status_code == 200, answer.text[:300]
        return answer.text.split("</h3>", 1)[1] if "</h3>" in answer.text else answer.text

    fr = compared("fr")
    assert ("frontier-api-us : aucun PUE déclaré : valeur par défaut de la classe de centre "
            "de données [pue-defaulted]") in fr
    assert "[serving-stack-undeclared]" in fr and "pile de service non déclarée" in fr
    assert "no PUE declared" not in fr and 'lang="en"' not in fr.split("<footer")[0]
    en = compared("en")
    assert "[pue-defaulted] offer.frontier-api-us: no PUE declared" in en
