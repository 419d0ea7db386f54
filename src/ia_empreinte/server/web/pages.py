"""The web application's routes: server-rendered pages (Jinja2) for the buyer's journey.

Every page works without JavaScript. The journey's state travels in the forms: the
profile and each offer or record file, base64-encoded in hidden fields (base64 keeps
the bytes exact: a benchmark record's integrity covers its exact text, and browsers
rewrite line breaks in form values). Nothing is kept on the server and no cookie is
set. Library errors are shown on the page, next to the field they concern, with the
line the CLI prints; a form shown again with its errors answers 200 (it is the page to
fill in), a request that cannot be served (no profile in the form, an invalid carried
file, a comparison the library refuses) answers a 4xx page.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hmac
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData, UploadFile

from ia_empreinte import (
    CompareOptions,
    IaEmpreinteError,
    UsageProfile,
    build_profile,
    offer_template,
    parse_profile_answer,
    profile_questions,
    profile_to_yaml,
    shipped_profile_text,
    shipped_profiles_table,
)
from ia_empreinte.kit import PERIODS_FR, TASK_NAMES_FR, explain_answer, task_short_name_fr
from ia_empreinte.parsing import parse_model
from ia_empreinte.registry import (
    BANDS,
    RegistryError,
    RegistryIntegrityError,
    RegistryNotFound,
    SearchQuery,
    open_registry,
)
from ia_empreinte.render.i18n import LABELS, Lang, caveat_line, caveat_text
from ia_empreinte.render.i18n import fmt as fmt_number
from ia_empreinte.scoring import formula_text
from ia_empreinte.server.limits import check_count
from ia_empreinte.server.problems import ProblemError
from ia_empreinte.server.settings import ServerSettings
from ia_empreinte.server.web import journey
from ia_empreinte.server.web.journey import Upload
from ia_empreinte.server.web.texts import text

if TYPE_CHECKING:
    from ia_empreinte.registry.service import Registry

__all__ = ["CSP", "SECURITY_HEADERS", "static_files_root", "web_router"]

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""Content-Security-Policy of every page: no script at all, styles and images from the
application only (the charts are inline SVG drawn with attributes, not styles)."""

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

_INDICATORS = ("gwp", "energy", "water", "adpe", "pe")
_SCOPES = ("contract", "per_year", "per_request")
_METHODS = ("linear", "proportional", "mean")

Compute = Callable[..., Awaitable[Any]]


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ia_empreinte.server.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["TASK_NAMES_FR"] = TASK_NAMES_FR
    env.globals["task_short_name_fr"] = task_short_name_fr
    env.globals["PERIODS_FR"] = PERIODS_FR
    return env


def _lang(value: str | None) -> Lang:
    return "en" if value == "en" else "fr"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ProblemError(400, "bad-form", "Bad form", f"{what}: not base64") from None


class Form:
    """A submitted form, read whole: its text fields in order and its files' bytes (the
    request's spooled files are closed once read)."""

    def __init__(self, fields: list[tuple[str, str]], files: dict[str, list[Upload]]) -> None:
        self.fields = fields
        self.files = files

    def get(self, key: str) -> str:
        return next((v for k, v in self.fields if k == key), "")

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self.fields if k == key]

    def __contains__(self, key: str) -> bool:
        return any(k == key for k, _ in self.fields)

    def items(self) -> list[tuple[str, str]]:
        return list(self.fields)

    @classmethod
    async def read(cls, data: FormData) -> Form:
        fields: list[tuple[str, str]] = []
        files: dict[str, list[Upload]] = {}
        try:
            for key, value in data.multi_items():
                if isinstance(value, str):
                    fields.append((key, value))
                elif isinstance(value, UploadFile) and value.filename:
                    files.setdefault(key, []).append(
                        Upload(name=_basename(value.filename), data=await value.read()))
        finally:
            await data.close()
        return cls(fields, files)


def _carried(form: Form, field: str) -> list[Upload]:
    """The files a form carries in hidden fields ``field`` (``base64:name``)."""
    out = []
    for value in form.getlist(field):
        if ":" in value:
            b64, _, name = value.partition(":")
            out.append(Upload(name=name, data=_unb64(b64, field)))
    return out


def _basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1][:255] or "fichier"


def _str(form: Form, key: str) -> str:
    return form.get(key)


def _check_auth(request: Request, tokens: Sequence[str]) -> None:
    """The API's tokens, for a browser: HTTP Basic with the token as password (the
    browser asks once and resends it; no cookie), or a bearer token."""
    if not tokens:
        return
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    candidate = ""
    if scheme.lower() == "bearer":
        candidate = given.strip()
    elif scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(given.strip(), validate=True).decode("utf-8")
            candidate = decoded.partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            candidate = ""
    matched = False
    for token in tokens:
        matched |= hmac.compare_digest(candidate.encode("utf-8"), token.encode("utf-8"))
    if not matched:
        raise ProblemError(
            401, "unauthorized", "Authentication required",
            "this server requires a token: give it as the password when the browser asks "
            "(any user name), or send 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": 'Basic realm="ia-empreinte", charset="UTF-8"'},
        )


@dataclass(frozen=True)
class Answer:
    """A page or a download, as plain values: it travels back from a computing process."""

    content: bytes
    status: int = 200
    media_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        """The HTTP response, with the security headers of every page."""
        return Response(self.content, status_code=self.status, media_type=self.media_type,
                        headers={**SECURITY_HEADERS, **self.headers})


class Pages:
    """The pages of one application, bound to its settings."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.env = _environment()

    # --- rendering ---------------------------------------------------------------

    def render(self, name: str, lang: Lang, status: int = 200, **context: Any) -> Answer:
        def t(key: str, **values: Any) -> str:
            value = text(key, lang)
            return value.format(**values) if values else value

        def label(key: str) -> str:
            entry = LABELS.get(key)
            return entry[lang] if entry else key

        def num(value: float) -> str:
            return fmt_number(value, lang) if math.isfinite(value) else str(value)

        def g(value: float) -> str:
            """A parameter as typed (15, 2.5), decimal comma in French."""
            text_value = f"{value:g}"
            return text_value.replace(".", ",") if lang == "fr" else text_value

        def whole(value: float) -> str:
            """A count with thousands separators (1 640 000; 1,640,000)."""
            text_value = f"{round(value):,}"
            return text_value.replace(",", "\u202f") if lang == "fr" else text_value

        def caveat(code: str, message: str) -> str:
            """A caveat in the page's language (its French wording keeps the code)."""
            return caveat_text(code, message, lang)

        def caveat_of_line(line: str) -> str:
            """A stored caveat line of a fiche in the page's language."""
            return caveat_line(line, lang)

        html = self.env.get_template(name).render(
            lang=lang, t=t, label=label, num=num, g=g, whole=whole, caveat=caveat,
            caveat_line=caveat_of_line, **context
        )
        return Answer(html.encode("utf-8"), status)

    def error(self, lang: Lang, message: str, status: int = 422) -> Answer:
        return self.render("error.html", lang, status, message=message, step=0,
                           switch=None)

    # --- step 1: the profile ----------------------------------------------------

    def home(self, lang: Lang) -> Answer:
        _, rows = shipped_profiles_table()
        for row in rows:
            row["tasks_fr"] = " + ".join(
                task_short_name_fr(task) if lang == "fr" else task
                for task in str(row["tasks"]).split("+")
            )
        return self.render("index.html", lang, profiles=rows, step=1,
                           switch={"href": f"/?lang={text('switch_lang', lang)}"})

    def profile_page(self, lang: Lang, profile: UsageProfile, *, status: int = 200,
                     volume_error: str = "", volume_text: str = "",
                     source_text: str = "") -> Answer:
        state = _b64(profile_to_yaml(profile).encode("utf-8"))
        steps = profile.effective_steps()
        return self.render(
            "profile.html", lang, status, profile=profile, steps=steps,
            rows=journey.basis_rows(profile, lang), state=state, step=1,
            volume_error=volume_error, volume_text=volume_text, source_text=source_text,
            switch={"action": "/profil", "fields": [("profil", state)]},
        )

    def questionnaire(self, lang: Lang, typed: dict[str, str],
                      errors: dict[str, str], status: int = 200) -> Answer:
        answers: dict[str, Any] = {}
        for key, value in typed.items():
            if key not in errors:
                with contextlib.suppress(IaEmpreinteError):
                    answers[key] = parse_profile_answer(key, value)
        questions = profile_questions(answers=answers)
        return self.render(
            "questionnaire.html", lang, status, questions=questions, typed=typed,
            errors=errors, step=1,
            switch={"action": "/questionnaire",
                    "fields": [(f"q:{k}", v) for k, v in typed.items()]},
        )

    def answer_questionnaire(self, lang: Lang, form: Form) -> Answer:
        typed = {k.removeprefix("q:"): v for k, v in form.items() if k.startswith("q:")}
        answers: dict[str, Any] = {}
        notes: dict[str, str] = {}
        errors: dict[str, str] = {}
        progress = True
        while progress:  # questions appear as earlier answers (steps, tasks, period) come
            progress = False
            for q in profile_questions(answers=answers):
                if q.key in answers or q.key in errors or q.key not in typed:
                    continue
                value = typed[q.key]
                if not value.strip() and q.kind != "source":
                    if q.default is None:
                        continue  # asked again, with a default once earlier answers give one
                    value = q.default
                try:
                    answers[q.key] = parse_profile_answer(q.key, value)
                except IaEmpreinteError as exc:
                    errors[q.key] = exc.one_line(lang)
                    continue
                if note := explain_answer(q.key, value):
                    notes[q.key] = note
                progress = True
        asked = [q.key for q in profile_questions(answers=answers)]
        if errors or any(key not in answers for key in asked):
            shown = {k: v for k, v in typed.items() if k in asked}
            return self.questionnaire(lang, shown, errors)
        try:
            profile = build_profile(answers, notes)
        except IaEmpreinteError as exc:
            return self.questionnaire(lang, typed, {"id": exc.one_line(lang)})
        return self.profile_page(lang, profile)

    # --- step 2: the offers -----------------------------------------------------

    def offers_page(self, lang: Lang, profile: UsageProfile, offers: list[Upload],
                    records: list[Upload], errors: dict[str, str],
                    status: int = 200) -> Answer:
        valid, offer_errors = journey.offers_from_uploads(profile, offers, lang)
        offer_errors.update(errors)
        _, record_errors = journey.records_from_uploads([o for _, o in valid], records,
                                                          lang)
        state = _b64(profile_to_yaml(profile).encode("utf-8"))
        carried = [("offre", f"{_b64(u.data)}:{u.name}") for u, _ in valid]
        kept_records = [u for u in records if u.name not in record_errors]
        carried += [("releve", f"{_b64(u.data)}:{u.name}") for u in kept_records]
        tasks = list(dict.fromkeys(s.task for s in profile.effective_steps()))
        return self.render(
            "offers.html", lang, status,
            profile=profile, offers=valid, offer_errors=offer_errors,
            record_errors=record_errors, state=state, carried=carried,
            template_task=tasks[0] if len(tasks) == 1 else "", step=2,
            can_compare=bool(valid) and not record_errors,
            switch={"action": "/offres", "fields": [("profil", state), *carried]},
        )

    # --- step 3: compare ----------------------------------------------------------

    def compare_context(self, lang: Lang, form: Form) -> dict[str, Any]:
        profile = self.profile_of(form)
        offers_up = _carried(form, "offre")
        records_up = _carried(form, "releve")
        valid, errors = journey.offers_from_uploads(profile, offers_up, lang)
        if errors:
            raise _FormError(next(iter(errors.values())))
        if not valid:
            raise _FormError(text("need_two", lang))
        offers = [o for _, o in valid]
        store, record_errors = journey.records_from_uploads(offers, records_up, lang)
        if record_errors:
            raise _FormError(next(iter(record_errors.values())))
        options = _options(form)
        check_count(len(offers), self.settings.max_offers, "offers", ("offre",),
                    "--max-offers")
        check_count(options.draws, self.settings.max_draws, "draws", ("draws",),
                    "--max-draws")
        weight = _weight(_str(form, "weight"))
        state = _b64(profile_to_yaml(profile).encode("utf-8"))
        carried = [("profil", state)]
        carried += [("offre", f"{_b64(u.data)}:{u.name}") for u in offers_up]
        carried += [("releve", f"{_b64(u.data)}:{u.name}") for u in records_up]
        return {"profile": profile, "offers": offers, "store": store, "options": options,
                "weight": weight, "carried": carried}

    def compare_page(self, lang: Lang, ctx: dict[str, Any]) -> Answer:
        options = ctx["options"]
        page = journey.compare_page(ctx["profile"], ctx["offers"], options, ctx["store"],
                                    ctx["weight"], lang)
        c = page.fiche.comparison
        top = max((o.scored.p95 for o in c.offers), default=1.0) or 1.0
        chart = [
            {"offer": o, "x50": 480 * o.scored.p50 / top, "x05": 480 * o.scored.p05 / top,
             "x95": 480 * o.scored.p95 / top, "y": 10 + 44 * i}
            for i, o in enumerate(c.ranked())
        ]
        vendors = {o.offer_id: o.vendor for o in c.offers}
        option_fields = [
            ("indicator", options.indicator), ("scope", options.scope),
            ("method", options.method), ("points", f"{options.points:g}"),
            ("floor", "" if options.floor is None else f"{options.floor:g}"),
            ("draws", str(options.draws)),
            ("weight", "" if ctx["weight"] is None else f"{ctx['weight']:g}"),
        ]
        return self.render(
            "compare.html", lang, page=page, c=c, chart=chart, chart_height=44 * len(chart) + 10,
            vendors=vendors, options=options, weight=ctx["weight"],
            carried=ctx["carried"], option_fields=option_fields,
            formula=formula_text(options.method, options.points, lang),
            indicators=_INDICATORS, scopes=_SCOPES, methods=_METHODS, step=3,
            switch={"action": "/comparer", "fields": [*ctx["carried"], *option_fields]},
        )

    def profile_of(self, form: Form) -> UsageProfile:
        state = _str(form, "profil")
        if not state:
            raise _FormError(text("missing_state", _lang(_str(form, "lang"))))
        return journey.profile_from_text(_unb64(state, "profil").decode("utf-8"))


class _FormError(Exception):
    """A form that cannot be used (missing state, a refused carried file)."""


def _options(form: Form) -> CompareOptions:
    """The comparison options the form gives (the compare page's fields)."""
    return journey.options_from({k: form.get(k) for k in (
        "indicator", "scope", "method", "points", "floor", "draws")})


def _weight(value: str) -> float | None:
    value = value.strip().replace(",", ".").removesuffix("%").strip()
    if not value:
        return None
    try:
        weight = float(value)
    except ValueError:
        weight = math.nan
    if not (math.isfinite(weight) and 0 <= weight <= 100):
        raise _FormError(f"weight: expected a number from 0 to 100, got '{value}'")
    return weight


def _attachment(content: bytes, media: str, name: str) -> Answer:
    return Answer(content, 200, media, {"Content-Disposition": f'attachment; filename="{name}"'})


# --- the work behind each form, module-level: it may run in a computing process ------


def _guarded(work: Callable[[Pages, Lang, Form], Answer], settings: ServerSettings,
             lang: Lang, form: Form) -> Answer:
    """Run one form's work; a refused form or a library error is a page saying why."""
    pages = Pages(settings)
    try:
        return work(pages, lang, form)
    except _FormError as exc:
        return pages.error(lang, str(exc), 400)
    except IaEmpreinteError as exc:
        return pages.error(lang, exc.one_line(lang))


def _answer_questionnaire(pages: Pages, lang: Lang, form: Form) -> Answer:
    if "langue" in form:  # the language switch: same answers, other language
        typed = {k.removeprefix("q:"): v for k, v in form.items() if k.startswith("q:")}
        return pages.questionnaire(lang, typed, {})
    return pages.answer_questionnaire(lang, form)


def _profile(pages: Pages, lang: Lang, form: Form) -> Answer:
    uploads = form.files.get("fichier_profil", [])
    ident = form.get("profil_id")
    if uploads:
        upload = uploads[0]
        return pages.profile_page(lang, journey.profile_from_text(
            upload.data.decode("utf-8", "replace"), upload.name))
    if ident:
        return pages.profile_page(
            lang, journey.profile_from_text(shipped_profile_text(ident), f"{ident}.yaml"))
    current = pages.profile_of(form)
    volume, source = form.get("volume"), form.get("volume_source")
    if volume.strip():
        try:
            current = journey.with_daily_volume(current, volume, source)
        except IaEmpreinteError as exc:
            return pages.profile_page(lang, current, volume_error=exc.one_line(lang),
                                      volume_text=volume, source_text=source)
    return pages.profile_page(lang, current)


def _download_profile(pages: Pages, lang: Lang, form: Form) -> Answer:
    current = pages.profile_of(form)
    return _attachment(profile_to_yaml(current).encode("utf-8"), "application/yaml",
                       f"profil-{current.id}.yaml")


def _offers(pages: Pages, lang: Lang, form: Form) -> Answer:
    current = pages.profile_of(form)
    new_offers = form.files.get("offres", [])
    new_records = form.files.get("releves", [])
    names = {u.name for u in new_offers}
    offers_up = [u for u in _carried(form, "offre") if u.name not in names] + new_offers
    record_names = {u.name for u in new_records}
    records_up = [u for u in _carried(form, "releve")
                  if u.name not in record_names] + new_records
    return pages.offers_page(lang, current, offers_up, records_up, {})


def _compare(pages: Pages, lang: Lang, form: Form) -> Answer:
    return pages.compare_page(lang, pages.compare_context(lang, form))


def _sheet(pages: Pages, lang: Lang, form: Form) -> Answer:
    fmt = form.get("format")
    if fmt not in journey.SHEET_FORMATS:
        raise _FormError(f"format: expected one of: {', '.join(journey.SHEET_FORMATS)}, "
                         f"got '{fmt}'")
    ctx = pages.compare_context(lang, form)
    fiche = journey.make_fiche(ctx["profile"], ctx["offers"], ctx["options"], ctx["store"],
                               ctx["weight"])
    media, suffix = journey.SHEET_FORMATS[fmt]
    return _attachment(journey.sheet_bytes(fiche, fmt, lang), media,
                       f"fiche-{ctx['profile'].id}.{suffix}")


def _kit(pages: Pages, lang: Lang, form: Form) -> Answer:
    current = pages.profile_of(form)
    weight = _weight(form.get("weight"))
    if weight is None:  # the RC article states the criterion's weight
        raise _FormError(text("kit_needs_weight", lang))
    content = journey.consultation_kit(current, _options(form), weight)
    return _attachment(content, "application/zip", f"kit-{current.id}.zip")


def _verify(pages: Pages, lang: Lang, form: Form) -> Answer:
    uploads = form.files.get("fiche", [])
    switch = {"href": f"/verifier?lang={text('switch_lang', lang)}"}
    if not uploads:
        return pages.render("verify.html", lang, step=5, result=None,
                            error=text("verify_file", lang), switch=switch)
    try:
        fiche, diffs = journey.verify_sheet(uploads[0])
    except IaEmpreinteError as exc:
        return pages.render("verify.html", lang, step=5, result=None,
                            error=exc.one_line(lang), switch=switch)
    return pages.render("verify.html", lang, step=5, error="", switch=switch,
                        result={"fiche": fiche, "diffs": diffs})


_POSTED: dict[str, Callable[[Pages, Lang, Form], Answer]] = {
    "/questionnaire": _answer_questionnaire,
    "/profil": _profile,
    "/profil/telecharger": _download_profile,
    "/offres": _offers,
    "/comparer": _compare,
    "/fiche": _sheet,
    "/kit": _kit,
    "/verifier": _verify,
}
"""Each form's route and its work (run in a computing slot: thread or process)."""


def web_router(settings: ServerSettings, tokens: Sequence[str], compute: Compute) -> APIRouter:
    """The web application's routes (not in the OpenAPI document: pages, not an API).

    Args:
        settings: the server's limits (body size, draws, offers).
        tokens: the API's tokens; none: the pages are open, like the API.
        compute: the server's computing slots (``ComputeSlots.run``): every form's work
            runs there, under the same time budget and parallelism as the API's.
    """
    pages = Pages(settings)
    router = APIRouter(include_in_schema=False)

    def posted(path: str, work: Callable[[Pages, Lang, Form], Answer]) -> None:
        async def route(request: Request) -> Response:
            _check_auth(request, tokens)
            form = await Form.read(await request.form(
                max_files=64, max_fields=2000, max_part_size=settings.max_body_bytes))
            lang = _lang(form.get("langue") or form.get("lang"))
            answer: Answer = await compute(_guarded, work, settings, lang, form)
            return answer.response()

        router.add_api_route(path, route, methods=["POST"], response_class=HTMLResponse)

    for path, work in _POSTED.items():
        posted(path, work)

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request, lang: str = "fr") -> Response:
        _check_auth(request, tokens)
        return pages.home(_lang(lang)).response()

    @router.get("/questionnaire", response_class=HTMLResponse)
    async def questionnaire(request: Request, lang: str = "fr") -> Response:
        _check_auth(request, tokens)
        return pages.questionnaire(_lang(lang), {}, {}).response()

    @router.get("/modele-offre")
    async def template(request: Request, tache: str = "") -> Response:
        _check_auth(request, tokens)
        try:
            body = offer_template(tache or None)
        except IaEmpreinteError as exc:
            return pages.error("fr", exc.one_line("fr")).response()
        name = f"modele-declaration-offre{'-' + tache if tache else ''}.yaml"
        return _attachment(body.encode("utf-8"), "application/yaml", name).response()

    @router.get("/verifier", response_class=HTMLResponse)
    async def verify_form(request: Request, lang: str = "fr") -> Response:
        _check_auth(request, tokens)
        chosen = _lang(lang)
        return pages.render(
            "verify.html", chosen, step=5, result=None, error="",
            switch={"href": f"/verifier?lang={text('switch_lang', chosen)}"}).response()

    _registry_routes(router, pages, settings)
    return router


# --- the registry of territorial AI projects: public reads, no write ----------------

_FILTERS = ("task", "population_band", "vendor", "zone")


def _registry_routes(router: APIRouter, pages: Pages, settings: ServerSettings) -> None:
    """``/registre``: search the published projects; ``/registre/{id}/profil``: "reuse
    this profile". Public like the API's registry reads (the server's tokens do not
    apply), read-only; sync handlers, so the database is read on FastAPI's thread pool."""
    registry = open_registry(settings.registry_url) if settings.registry_url else None

    @router.get("/registre", response_class=HTMLResponse)
    def registry_search(lang: str = "fr", task: str = "", population_band: str = "",
                        vendor: str = "", zone: str = "") -> Response:
        chosen = _lang(lang)
        typed = {"task": task.strip(), "population_band": population_band.strip(),
                 "vendor": vendor.strip(), "zone": zone.strip()}
        return registry_page(pages, registry, chosen, typed).response()

    @router.get("/registre/{project_id}/profil")
    def registry_profile(project_id: str, lang: str = "fr") -> Response:
        return registry_profile_download(pages, registry, _lang(lang), project_id).response()


def registry_page(pages: Pages, registry: Registry | None, lang: Lang,
                  typed: dict[str, str]) -> Answer:
    """The search form and the table of the published projects matching it."""
    query = urlencode({"lang": text("switch_lang", lang), **{k: v for k, v in typed.items() if v}})
    switch = {"href": f"/registre?{query}"}
    context: dict[str, Any] = {
        "step": 6, "switch": switch, "typed": typed, "configured": registry is not None,
        "tasks": list(TASK_NAMES_FR), "bands": list(BANDS), "error": "", "projects": None}
    if registry is None:
        return pages.render("registry.html", lang, **context)
    try:
        search = parse_model(SearchQuery, {k: v for k, v in typed.items() if v},
                             error=RegistryError)
    except RegistryError as exc:
        context["error"] = exc.one_line(lang)
        return pages.render("registry.html", lang, **context)
    try:
        context["projects"] = registry.search(search)
    except IaEmpreinteError as exc:  # a database that cannot be read
        return pages.error(lang, exc.one_line(lang), 503)
    return pages.render("registry.html", lang, **context)


def registry_profile_download(pages: Pages, registry: Registry | None, lang: Lang,
                              project_id: str) -> Answer:
    """A published project's usage profile as a YAML attachment (``registry reuse``)."""
    if registry is None:
        return pages.error(lang, text("registry_none", lang), 404)
    if not (project_id.isascii() and project_id.isdigit() and len(project_id) <= 18):
        return pages.error(lang, text("r_not_found", lang).format(id=project_id), 404)
    number = int(project_id)
    try:
        body = registry.reuse_profile(number)
    except RegistryNotFound:
        return pages.error(lang, text("r_not_found", lang).format(id=number), 404)
    except RegistryIntegrityError as exc:
        return pages.error(lang, exc.one_line(lang), 409)
    except IaEmpreinteError as exc:
        return pages.error(lang, exc.one_line(lang), 503)
    return _attachment(body.encode("utf-8"), "application/yaml",
                       f"projet-{number}-profil.yaml")


def static_files_root() -> str:
    """The folder of the packaged static assets (CSS, icon)."""
    return str(resources.files("ia_empreinte.server.web").joinpath("static"))

