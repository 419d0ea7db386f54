"""The registry's values: what a collectivité declares, what a search asks, what the
registry answers (projects, keys, verdicts). Plain pydantic models and dataclasses,
without the database: importing them does not load SQLAlchemy."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ia_empreinte.parsing import parse_model
from ia_empreinte.registry.bands import BANDS
from ia_empreinte.registry.errors import RegistryError

__all__ = [
    "STATES",
    "Footprint",
    "KeyVerdict",
    "Organisation",
    "Project",
    "ProjectInfo",
    "SearchQuery",
    "VendorKey",
    "parse_project_info",
]


@dataclass(frozen=True)
class Organisation:
    """An organisation that may write to the registry."""

    id: int
    name: str


@dataclass(frozen=True)
class VendorKey:
    """A registered public key."""

    fingerprint: str
    public_key: str
    organisation: str
    registered_on: datetime.date
    revoked_on: datetime.date | None


@dataclass(frozen=True)
class KeyVerdict:
    """Who holds the key that signed a record, as the registry knows it."""

    fingerprint: str
    key: VendorKey | None
    """None: the key is not registered."""
    deadline: datetime.date | None = None
    """The tender deadline asked about, if any."""

    @property
    def registered_before_deadline(self) -> bool | None:
        """Whether the key was registered on or before the deadline (None: not asked)."""
        if self.deadline is None or self.key is None:
            return None
        return self.key.registered_on <= self.deadline

    def sentence(self, lang: str = "fr") -> str:
        """One line: "signée par une clé enregistrée au nom de X le D" or "clé inconnue"."""
        key = self.key
        short = self.fingerprint[:16]
        if key is None:
            if lang == "en":
                return f"unknown key: fingerprint {short}... is not registered"
            return f"clé inconnue : l'empreinte {short}... n'est pas enregistrée"
        when = key.registered_on.isoformat()
        if lang == "en":
            text = f"signed by a key registered to {key.organisation} on {when}"
            if key.revoked_on is not None:
                text += f", revoked on {key.revoked_on.isoformat()}"
            if self.deadline is not None:
                before = "before" if self.registered_before_deadline else "AFTER"
                text += f" ({before} the tender deadline {self.deadline.isoformat()})"
            return text
        text = f"signée par une clé enregistrée au nom de {key.organisation} le {when}"
        if key.revoked_on is not None:
            text += f", révoquée le {key.revoked_on.isoformat()}"
        if self.deadline is not None:
            before = "avant" if self.registered_before_deadline else "APRÈS"
            text += f" ({before} la date limite de remise des offres {self.deadline.isoformat()})"
        return text



STATES = ("draft", "published", "withdrawn")
State = Literal["draft", "published", "withdrawn"]
_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3}|\d{9})$")


class ProjectInfo(BaseModel):
    """What a collectivité says of its project, beside its sheet."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    collectivite: Annotated[str, Field(min_length=1, max_length=200)]
    """Name of the collectivité (commune, EPCI, département, région)."""
    insee_code: str
    """Official code: the commune's INSEE code (5 characters, ``2A``/``2B`` in Corsica)
    or the grouping's SIREN number (9 digits)."""
    population: Annotated[int, Field(ge=0, le=100_000_000)]
    """Inhabitants."""
    description: Annotated[str, Field(max_length=4000)] = ""
    """The use case, in a few sentences."""
    chosen_offer: Annotated[str, Field(min_length=1, max_length=80)]
    """Id of the offer retained, one of the sheet's offers."""
    state: State = "published"

    @field_validator("insee_code")
    @classmethod
    def insee_code_is_official(cls, value: str) -> str:
        """An INSEE commune code (``44109``, ``2A004``) or a SIREN number (9 digits)."""
        if not _INSEE.match(value):
            raise ValueError("expected an INSEE commune code (5 characters, e.g. 44109 or "
                             "2A004) or a SIREN number (9 digits)")
        return value

    @field_validator("collectivite")
    @classmethod
    def collectivite_is_one_line(cls, value: str) -> str:
        """The name is one line of text."""
        value = " ".join(value.split())
        if not value:
            raise ValueError("expected the name of the collectivité")
        return value


def parse_project_info(data: object, *, file: str | None = None) -> ProjectInfo:
    """Validate a decoded :class:`ProjectInfo` (one line per error, naming the field)."""
    return parse_model(ProjectInfo, data, file=file, error=RegistryError)


@dataclass(frozen=True)
class Footprint:
    """The footprint of one period of the contract, re-estimated from its usage log."""

    period: str
    requests: int
    energy_kwh_p50: float
    gwp_kgco2e_p50: float
    metered_energy_kwh: float | None


@dataclass(frozen=True)
class Project:
    """A project as the registry shows it."""

    id: int
    organisation: str
    state: str
    collectivite: str
    insee_code: str
    population: int
    population_band: str
    description: str
    tasks: tuple[str, ...]
    profile_id: str
    offers: tuple[tuple[str, str, str], ...]
    """(offer id, vendor, hosting zone) of every offer considered."""
    chosen_offer: str
    vendor: str
    zone: str
    energy_kwh_per_year_p50: float
    gwp_kgco2e_per_year_p50: float
    sheet_sha256: str
    inputs_sha256: str
    revision: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    footprints: tuple[Footprint, ...] = ()

    def row(self) -> dict[str, Any]:
        """The project as one flat row (search results, open-data exports)."""
        return {
            "id": self.id,
            "organisation": self.organisation,
            "state": self.state,
            "collectivite": self.collectivite,
            "insee_code": self.insee_code,
            "population": self.population,
            "population_band": self.population_band,
            "tasks": ";".join(self.tasks),
            "description": self.description,
            "profile_id": self.profile_id,
            "offers_considered": ";".join(o[0] for o in self.offers),
            "chosen_offer": self.chosen_offer,
            "vendor": self.vendor,
            "zone": self.zone,
            "energy_kwh_per_year_p50": self.energy_kwh_per_year_p50,
            "gwp_kgco2e_per_year_p50": self.gwp_kgco2e_per_year_p50,
            "sheet_sha256": self.sheet_sha256,
            "inputs_sha256": self.inputs_sha256,
            "revision": self.revision,
            "updated_at": self.updated_at.isoformat(),
        }


class SearchQuery(BaseModel):
    """Filters of a search; every given filter must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    task: str | None = None
    population_band: str | None = None
    vendor: str | None = None
    """Vendor of the chosen offer (case-insensitive substring)."""
    zone: str | None = None
    """Hosting zone of the chosen offer (``FR``, ``US-VA``...)."""
    limit: Annotated[int, Field(ge=1, le=10_000)] = 100

    @field_validator("population_band")
    @classmethod
    def band_is_known(cls, value: str | None) -> str | None:
        """A band id of :data:`~ia_empreinte.registry.bands.BANDS`."""
        if value is not None and value not in BANDS:
            raise ValueError(f"unknown population band '{value}'; expected one of: "
                             f"{', '.join(BANDS)}")
        return value
