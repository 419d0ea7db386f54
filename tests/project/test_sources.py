"""Sources a reader can follow: public references only, never a path that does not ship.

Two rules, both enforced on what git tracks:

- no tracked file cites the unpublished design notes: a relative ``research/`` path (a
  URL such as ``https://www.wri.org/research/...`` is fine), the style guide by name, or a
  ``../shared`` path;
- in every shipped usage profile (``profiles/`` and its packaged copy), each ``basis``
  entry whose status is ``sourced`` names a public reference: a year and a web
  address; each ``sources`` entry does too, or is the one sentence that says the
  remaining numbers are this project's assumptions (in French, like every rationale
  text of the profiles: it begins with ``ASSUMPTIONS_NOTE``).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()

# Built from parts so that this file does not match its own rules.
FORBIDDEN = {
    "a relative path to the design notes": re.compile(r"(?<!\w/)(?<![\w-])" + "research" + r"/"),
    "the style guide by name": re.compile(r"\b" + "STY" + r"LE\b"),
    "a path outside the repository": re.compile(r"\.\./" + "shared"),
    "a design note by file name": re.compile(
        r"\b(?:procurement|codecarbon|ecologits|benchmark_methodology|aesthetics)" + r"\.md\b"
        r"|\bgrid_intensity" + r"\.csv\b|\bproject" + r" research\b"),
}
YEAR = re.compile(r"\b(19|20)\d\d\b")
# A web address, written without its scheme: the rendered sheets must not link out.
ADDRESS = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:fr|com|org|net|eu|int|io|ai|ch)\b")
ASSUMPTIONS_NOTE = "Valeurs marquées « assumed » dans basis : hypothèses d'ia-empreinte"

PROFILE_DIRS = (ROOT / "profiles", ROOT / "src" / "ia_empreinte" / "data" / "profiles")
PROFILES = sorted(p for d in PROFILE_DIRS for p in d.glob("*.yaml"))


def tracked_text_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    files = []
    for name in out.decode("utf-8").split("\0"):
        path = ROOT / name
        if name and name != THIS_FILE and path.is_file():
            files.append(path)
    return files


def test_no_tracked_file_cites_a_document_that_does_not_ship() -> None:
    offences = []
    for path in tracked_text_files():
        raw = path.read_bytes()
        if b"\0" in raw[:8192]:
            continue  # binary
        text = raw.decode("utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    offences.append(f"{path.relative_to(ROOT)}:{lineno}: {what}")
    assert offences == []


def test_the_rules_catch_the_old_citations() -> None:
    old = [
        "(smartcitymag.fr/article/1227; " + "research" + "/procurement.md section 4.2)",
        "without comparing pixels (" + "STY" + "LE 17)",
        "see `../" + "research/codecarbon.md`",
        "copied from ../" + "shared/calibration",
        "the research proposes a 60 s floor: benchmark_methodology" + ".md 5.4 step 6",
        "Project research `procurement" + ".md` 3.4",
    ]
    for line in old:
        assert any(p.search(line) for p in FORBIDDEN.values()), line
    fine = "https://www.wri.org/research/guidance-calculating-water-use"
    assert not any(p.search(fine) for p in FORBIDDEN.values())


def test_profiles_are_found() -> None:
    assert len(PROFILES) >= 24  # 12 profiles and their packaged copies


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sourced_numbers_name_a_public_reference(path: Path) -> None:
    doc = yaml.safe_load(path.read_text("utf-8"))
    bad = [
        f"basis {key}: {entry['source']!r}"
        for key, entry in doc.get("basis", {}).items()
        if entry["status"] == "sourced"
        and not (YEAR.search(entry["source"]) and ADDRESS.search(entry["source"]))
    ]
    bad += [
        f"sources: {src!r}"
        for src in doc.get("sources", [])
        if not src.startswith(ASSUMPTIONS_NOTE) and not (YEAR.search(src) and ADDRESS.search(src))
    ]
    assert bad == []


def test_a_sourced_number_without_a_year_or_address_is_refused() -> None:
    for source in ("Plaisir: 200 to 400 calls a day (smartcitymag.fr/article/1227)",
                   "Plaisir: 200 to 400 calls a day (Smart City Mag, 2023)"):
        assert not (YEAR.search(source) and ADDRESS.search(source))
