"""No user action yields a 500: every page of both sites, fetched by everyone.

Both URLconfs are enumerated with ``get_resolver``, so a new page is crawled without
touching this file. A parameter is filled with a real object of its kind (and with an id
that does not exist); a pattern the crawl cannot fill fails the test until the site's
``_values`` function learns its parameter. Every URL is fetched anonymously and as every
persona; then the same-site links of the pages that answered 200 are followed, up to a
budget. The test reports every 5xx at once, with the head of its traceback.

Nothing needs skipping: every view that changes something refuses GET (405), logout
included (Django 5 logs out on POST only), and the test checks that every persona is
still logged in at the end.
"""

from __future__ import annotations

import re
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.accounts.models import Role, User
from tests.conftest import client_for, login

pytestmark = pytest.mark.django_db

ROOT = str(settings.BASE_DIR) + "/"
MISSING_ID = "999999"
# Links followed per site beyond the enumerated URLs, shared out among the personas.
LINK_BUDGET = 500
# Static files are WhiteNoise's, not views of ours.
NOT_CRAWLED = ("/static/",)
# What a user may type into a filter or a URL: markup and quotes, a negative number, a
# number too large for any integer column.
HOSTILE_VALUES = ("zz'\"<>", "-1", "9" * 25)
# A year or a period a user may ask for: the first and the last year a period may have
# (core.config.periods), just outside them, nothing, a quarter and a semester (the Pemda
# evaluates monthly) and a month that is none.
ODD_YEARS = ("1900", "2999", "1899", "3000", "0")
ODD_PERIODS = ("1900-01", "2999-12", "2999", "1899-12", "3000", "2026-Q1", "2026-S1", "2026-13")
# The query parameters of the performance pages and of its API's lists, each sent alone with
# each hostile and odd value: following links with a budget reaches only some of the pages'
# filter forms.
PERFORMANCE_QUERIES = {
    "/kinerja/skp/": ("tahun",),
    "/kinerja/tim/": ("tahun", "unit", "page"),
    "/kinerja/tim/tugaskan/": ("tahun", "unit"),
    "/kinerja/katalog/": ("jabatan", "page"),
    "/kinerja/penilaian/": ("tahun", "periode"),
    "/kinerja/ikhtisar/": ("periode",),
    "/kinerja/kalibrasi/": ("tahun",),
    "/api/v1/skp/": ("year", "nip", "opd"),
    "/api/v1/rhk/": ("skp", "year", "nip"),
    "/api/v1/iki/": ("year", "nip"),
    "/api/v1/evaluations/": ("year", "period", "nip", "state", "opd"),
}

PARAMETER = re.compile(r"<(?:\w+:)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>")


# --- The URL patterns ----------------------------------------------------------------------


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    """Each pattern's full text, joined as ``ResolverMatch.route`` joins it."""
    for entry in resolver.url_patterns:
        text = str(entry.pattern)
        text = prefix + (text[1:] if text.startswith("^") else text)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, text)
        else:
            yield text


def _group_end(text: str, start: int) -> int:
    """The index after the parenthesis that closes the regex group opened at ``start``."""
    depth, index = 0, start
    while index < len(text):
        if text[index] == "\\":
            index += 1  # an escaped character is never a parenthesis
        elif text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise ValueError(f"unbalanced group in {text!r}")


def _literal(text: str) -> str:
    return text.replace("^", "").replace("$", "").replace("\\", "")


def _paths(route: str, values: Callable[[str, str], list[str]]) -> list[str]:
    """Every path that ``route`` takes with the values offered for its parameters, filled
    left to right (a value may depend on what precedes it: the kind of an id)."""
    match = PARAMETER.search(route)
    if match is None:
        return ["/" + _literal(route)]
    head = _literal(route[: match.start()])
    if match["name"]:
        name, tail = match["name"], route[match.end() :]
    else:
        end = _group_end(route, match.start())
        name, tail = match["group"], route[end:]
        body = route[match.end() : end - 1]
        if re.fullmatch(r"[\w-]+(\|[\w-]+)*", body):  # the group lists its values
            return [p for choice in body.split("|") for p in _paths(head + choice + tail, values)]
    return [p for value in values(name, head) for p in _paths(head + value + tail, values)]


def _urls(urlconf: str, values: Callable[[str, str], list[str]]) -> tuple[list[str], list[str]]:
    """The URLs that reach each pattern, and the patterns none of them reach."""
    urls, unfilled = [], []
    for route in _routes(get_resolver(urlconf)):
        reached = []
        for path in _paths(route, values):
            try:
                if resolve(path, urlconf).route == route:
                    reached.append(path)
            except Resolver404:
                pass
        urls.extend(reached) if reached else unfilled.append(route)
    return list(dict.fromkeys(urls)), unfilled


def _kind(head: str, kinds: dict[str, list[str]]) -> list[str]:
    """The ids of the kind named last in the path so far ("org/employees/" → employees)."""
    found = [(head.rfind(kind), kind) for kind in kinds if kind in head]
    return kinds[max(found)[1]] + [MISSING_ID] if found else []


# --- Fetching and reporting ----------------------------------------------------------------


@dataclass
class Crawl:
    """What every persona got for every URL."""

    statuses: dict[tuple[str, str], int] = field(default_factory=dict)  # (persona, URL) → status
    # (status, URL, head of the traceback) → the personas who got it
    offenders: dict[tuple[int, str, str], list[str]] = field(default_factory=dict)
    # persona → the URL and HTML of each page that answered it 200
    pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def fetch(self, persona: str, client: Client, url: str, htmx: bool = False) -> str | None:
        """GET ``url``; the page's HTML when it answered 200 with HTML, else None."""
        # A failing query aborts the test's transaction: each request gets a savepoint.
        savepoint = transaction.savepoint()
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(url, headers=headers)
        error = getattr(response, "exc_info", None)
        body = b""
        try:  # the test client closes the response once its content is read
            body = b"".join(response.streaming_content) if response.streaming else response.content
        except Exception as exc:  # a streamed export that fails half-way
            error = (type(exc), exc, exc.__traceback__)
        status = 599 if error and response.status_code < 500 else response.status_code
        request = f"{url} (htmx)" if htmx else url
        self.statuses[persona, request] = status
        if status >= 500:
            transaction.savepoint_rollback(savepoint)
            self.offenders.setdefault((status, request, _head(error)), []).append(persona)
            return None
        transaction.savepoint_commit(savepoint)
        if status == 200 and "text/html" in response.get("Content-Type", ""):
            return body.decode()
        return None

    def crawl(self, clients: dict[str, Client], urls: list[str], host: str) -> int:
        """Every URL as every persona, then the links of their pages; the links followed."""
        for persona, client in clients.items():
            client.raise_request_exception = False
            self.pages[persona] = [
                (url, page)
                for url in urls
                if (page := self.fetch(persona, client, url)) is not None
            ]
        share = LINK_BUDGET // len(clients)
        return sum(
            self._follow(persona, client, urls, host, share) for persona, client in clients.items()
        )

    def _follow(self, persona: str, client: Client, urls: list[str], host: str, budget: int) -> int:
        """Follow the links of the persona's pages, breadth first; a page not yet known
        (a path, with or without htmx) before another query of a page known (the sort
        orders and filters of a list are endless). The number of links followed."""
        seen = {(url, False) for url in urls}
        known = {(urlsplit(url).path, False) for url in urls}
        new, variants = deque(), deque()

        def enqueue(links):
            for link in links:
                page = (urlsplit(link[0]).path, link[1])
                (variants if page in known else new).append(link)
                known.add(page)

        for url, page in self.pages[persona]:
            enqueue(_links(url, page, host))
        followed = 0
        while (new or variants) and followed < budget:
            url, htmx = link = (new or variants).popleft()
            if link in seen:
                continue
            seen.add(link)
            followed += 1
            page = self.fetch(persona, client, url, htmx=htmx)
            if page is not None:
                enqueue(_links(url, page, host))
        return followed

    def report(self) -> str:
        lines = [f"{len(self.offenders)} URLs answer 5xx:"]
        for (status, url, head), personas in self.offenders.items():
            lines.append(f"{status} GET {url} as {', '.join(personas)}{head}")
        return "\n".join(lines)

    def count(self, persona: str, status: int) -> int:
        return sum(1 for (who, _), got in self.statuses.items() if who == persona and got == status)


def _head(error) -> str:
    """The exception, the innermost frame of ours and the innermost frame of all."""
    if not error:
        return ""
    kind, exc, tb = error
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if f.filename.startswith(ROOT) and "-packages" not in f.filename]
    message = str(exc).splitlines()[0] if str(exc) else ""
    where = [
        f"{f.filename.removeprefix(ROOT)}:{f.lineno} {f.name}" for f in ours[-1:] + frames[-1:]
    ]
    return f"\n    {kind.__name__}: {message}\n    at " + "\n    in ".join(dict.fromkeys(where))


class _LinkParser(HTMLParser):
    """Where a user goes from a page: its links, its htmx requests, the search URLs of its
    select boxes (which the browser calls with ?q=), and its GET forms (the filters), sent
    with each real choice of each field and with every field given each hostile value."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self.links: list[tuple[str, bool]] = []
        self._form: tuple[str, dict[str, list[str]]] | None = None  # a GET form: action, fields
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("href"):
            self.links.append((attrs["href"], False))
        if attrs.get("hx-get"):
            self.links.append((attrs["hx-get"], True))
        if attrs.get("data-search-url"):
            self.links.append((attrs["data-search-url"] + "?q=a", False))
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = (attrs.get("action") or urlsplit(self.url).path, {})
        elif self._form is None or attrs.get("type") in ("submit", "button"):
            return
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form[1][self._select] = []
        elif tag == "option" and self._select and attrs.get("value"):
            self._form[1][self._select].append(attrs["value"])
        elif tag in ("input", "textarea") and attrs.get("name"):
            self._form[1][attrs["name"]] = [attrs.get("value") or "a"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            action, fields = self._form
            for name, choices in fields.items():
                self.links += [(f"{action}?{urlencode({name: c})}", False) for c in choices]
            for value in HOSTILE_VALUES:
                self.links.append((f"{action}?{urlencode(dict.fromkeys(fields, value))}", False))
            self._form = None


def _links(url: str, page: str, host: str) -> list[tuple[str, bool]]:
    """The same-site URLs the page at ``url`` leads to, and whether htmx requests them."""
    parser = _LinkParser(url)
    parser.feed(page)
    links = []
    for href, htmx in parser.links:
        target = urlsplit(urljoin(f"http://{host}{url}", href.strip()))
        if target.scheme not in ("http", "https") or target.hostname != host.split(":")[0]:
            continue
        if target.path.startswith(NOT_CRAWLED):
            continue
        links.append((target.path + (f"?{target.query}" if target.query else ""), htmx))
    return links


def _odd_queries(queries: dict[str, tuple[str, ...]]) -> list[str]:
    """Each page with each of its query parameters alone, given each hostile value and, for
    a year or a period, each odd one."""
    odd = {"tahun": ODD_YEARS, "year": ODD_YEARS, "periode": ODD_PERIODS, "period": ODD_PERIODS}
    return [
        f"{page}?{urlencode({name: value})}"
        for page, names in queries.items()
        for name in names
        for value in (*HOSTILE_VALUES, *odd.get(name, ()))
    ]


def _still_logged_in(clients: dict[str, Client]) -> list[str]:
    return [
        persona
        for persona, client in clients.items()
        if persona != "anonymous" and "_auth_user_id" not in client.session
    ]


# --- A Pemda's site ------------------------------------------------------------------------


def _pemda_values(pemda) -> Callable[[str, str], list[str]]:
    from core.activity.models import Activity, Attendance, Holiday, Kpi, MonthlyIndex, Team
    from core.importing.engine import importers_all
    from core.importing.models import ImportJob
    from core.org.models import ActivityNorm, Employee, Position, Unit
    from core.performance.models import Evaluation, Evidence, Iki, Rhk, RhkTemplate, Skp
    from tests import personas

    def ids(queryset) -> list[str]:
        return [str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True)]

    with pemda:
        kinds = {
            "employee": [
                str(Employee.objects.get(nip=nip).pk)
                for nip in (personas.ANALIS, personas.STAF_DINKES)
            ],
            "unit": [str(Unit.objects.get(code=code).pk) for code in ("BKPSDMD.1.1", "DINKES")],
            "position": [str(Position.objects.get(code=code).pk) for code in ("ANALIS", "KASUB")],
            "norm": [str(pk) for pk in ActivityNorm.objects.values_list("pk", flat=True)],
            "import": [str(pk) for pk in ImportJob.objects.values_list("pk", flat=True)],
            # the Pemda's invoices (public schema, read through the Pemda)
            "tagihan": [str(pk) for pk in pemda.invoices.values_list("pk", flat=True)],
            # the performance module (the records of the performance_records fixture)
            "skp": ids(Skp.objects),
            "rhk": ids(Rhk.objects),
            "iki": ids(Iki.objects),
            "evaluasi": ids(Evaluation.objects),
            "evaluations": ids(Evaluation.objects),
            "katalog": ids(RhkTemplate.objects),
            # the daily log and KPI (core.activity)
            "aktivitas": ids(Activity.objects),
            "activities": ids(Activity.objects),
            "kalender": ids(Holiday.objects),
            "kpi": ids(Kpi.objects),
            "kpis": ids(Kpi.objects),
            "tim": ids(Team.objects),
            "pegawai": [
                str(Employee.objects.get(nip=nip).pk)
                for nip in (personas.ANALIS, personas.STAF_DINKES)
            ],
            "attendance": ids(Attendance.objects),
            "monthly-indices": ids(MonthlyIndex.objects),
        }
        # The analyst's SKP, RHK and IKI, and those of another SKP (the Kasubbid's).
        two = [personas.ANALIS, personas.KASUB]
        named = {
            "skp_pk": ids(Skp.objects.filter(employee__nip__in=two)) + [MISSING_ID],
            "rhk_pk": ids(Rhk.objects.filter(skp__employee__nip__in=two)) + [MISSING_ID],
            "iki_pk": ids(Iki.objects.filter(rhk__skp__employee__nip__in=two, order=0))
            + [MISSING_ID],
            "evidence_pk": ids(Evidence.objects) + [MISSING_ID],
            "evidence_id": ids(Evidence.objects) + [MISSING_ID],  # the API's
            "employee_pk": [
                str(Employee.objects.get(nip=nip).pk)
                for nip in (personas.ANALIS, personas.STAF_DINKES)
            ]
            + [MISSING_ID],
            "employee": [str(Employee.objects.get(nip=personas.ANALIS).pk), MISSING_ID],
            "day": [str(timezone.localdate()), "2026-13-01", "kemarin"],
            # an OPD, another, a unit that is no OPD
            "opd_pk": [
                str(Unit.objects.get(code=code).pk) for code in ("BKPSDMD", "DINKES", "BKPSDMD.1.1")
            ]
            + [MISSING_ID],
            # the periods with evaluations, the year, a quarter (the Pemda evaluates monthly),
            # a month that is none, the last period there may be, one before the first, junk
            "period": sorted(set(Evaluation.objects.values_list("period", flat=True)))
            + [str(timezone.localdate().year), f"{timezone.localdate().year}-Q1"]
            + ["2026-13", "2999-12", "1899-12", *HOSTILE_VALUES],
        }
        user = User.objects.get(nip=personas.ANALIS)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        importer_kinds = [importer.kind for importer in importers_all()]

    def values(name: str, head: str) -> list[str]:
        if name == "pk":
            return _kind(head, kinds)
        if name == "uidb64":
            return [uid, "MTIzNDU2"]
        if name == "token":  # a real link, one used or forged, and the step after a real one
            return [token, "set-password", "bogus-token"]
        if name == "kind":  # the import templates
            return importer_kinds + ["nothing"]
        return named.get(name, [])

    return values


@pytest.fixture
def import_jobs(org):
    """A rejected import (its page, its errors, "good rows only") and one still queued for a
    worker (its page polls with htmx)."""
    from core.importing.services import SYNCHRONOUS_MAX_ROWS, import_job_create
    from core.importing.tabular import write_csv

    header = ["Kode Unit", "Nama Unit", "Kode Induk", "Jenis"]
    rejected = [["X1", "Unit X", "NOPE", "Bidang"], ["X2", "", "", "Bidang"]]
    large = [[f"Y{n}", f"Unit Y{n}", "", "Bidang"] for n in range(SYNCHRONOUS_MAX_ROWS + 1)]
    with org:
        admin = User.objects.get(username="admin")
        jobs = [
            import_job_create(kind="units", filename=name, data=write_csv(header, rows), by=admin)
            for name, rows in (("rejected.csv", rejected), ("large.csv", large))
        ]
    assert [job.status for job in jobs] == ["rejected", "queued"]
    return jobs


@pytest.fixture
def performance_records(gaps):
    """Performance records made through the services, so that the crawl opens real pages of
    every state. This year's SKP of the Kasubbid, and of the analyst, the PPPK and the
    Dinkes staff member planned by their atasan (the analyst's RHK supports the Kasubbid's),
    each RHK with a quantitative and a qualitative IKI. The analyst's evaluation of the first
    period is submitted with a file and a link as evidence, that of the second is rated by
    the Kasubbid, that of the third is a draft; BKPSDMD's second period (its organisation
    predikat set by the Sekda) is ready for the Kaban to finalise. The PPPK's evaluation is
    returned; Dinkes's first period is final. Feedback, and an RHK in the catalogue."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.org.models import Employee, Position, Unit
    from core.performance import calibration, services
    from core.performance import evaluation as ev
    from core.performance.models import Iki, UnitPeriod
    from core.performance.rules import BerAkhlak, EvaluationState
    from tests.personas import ANALIS, KADINKES, KASUB, PPPK, SEKDA, STAF_DINKES

    def account(nip):
        return User.objects.get(nip=nip)

    def planned(nip, by, parent=None):
        """The employee's SKP of this year with one RHK (two IKI), planned by ``by``."""
        skp = services.skp_get_or_create(
            employee=Employee.objects.get(nip=nip), year=year, by=account(nip)
        )
        rhk = services.rhk_create(
            skp=skp,
            by=account(by),
            kind="utama",
            text="Layanan kepegawaian tepat waktu",
            parent=parent,
            iki=[
                {
                    "text": "Jumlah laporan",
                    "aspect": "kuantitas",
                    "approach": "kuantitatif",
                    "target_value": 12,
                    "target_unit": "Laporan",
                },
                {
                    "text": "Mutu laporan",
                    "aspect": "kualitas",
                    "approach": "kualitatif",
                    "target_text": "Diterima tanpa revisi",
                },
            ],
        )
        return skp, rhk

    def submitted(skp, period, **evidence):
        owner = account(skp.employee.nip)
        evaluation = services.evaluation_get_or_create(skp=skp, period=period)
        for indicator in Iki.objects.filter(rhk__skp=skp):
            if indicator.approach == "kuantitatif":
                ev.realisation_set(evaluation=evaluation, by=owner, iki=indicator, value="10")
            else:
                ev.realisation_set(evaluation=evaluation, by=owner, iki=indicator, text="Baik")
        if evidence:
            ev.evidence_add(evaluation=evaluation, by=owner, **evidence)
            ev.evidence_add(evaluation=evaluation, by=owner, link="https://example.com/bukti")
        return ev.evaluation_submit(evaluation=evaluation, by=owner, version=evaluation.version)

    def rated(evaluation, by):
        return ev.evaluation_rate(
            evaluation=evaluation,
            by=account(by),
            hasil="SESUAI",
            behaviours=dict.fromkeys(BerAkhlak.values, "SESUAI"),
            version=evaluation.version,
        )

    with gaps:
        year = timezone.localdate().year
        first, second, third = (p.code for p in services.periods_of_year(year)[:3])
        _kasub_skp, top = planned(KASUB, KASUB)
        skp, rhk = planned(ANALIS, KASUB, parent=top)
        pdf = SimpleUploadedFile("laporan.pdf", b"%PDF-1.4\n%bukti\n", "application/pdf")
        submitted(skp, first, file=pdf, rhk=rhk, note="Laporan")
        assert rated(submitted(skp, second), KASUB).state == EvaluationState.EVALUATED
        bkpsdmd, dinkes = Unit.objects.get(code="BKPSDMD"), Unit.objects.get(code="DINKES")
        calibration.org_predikat_set(
            opd=bkpsdmd, period=second, by=account(SEKDA), org_predikat="BAIK"
        )
        ev.feedback_add(skp=skp, by=account(KASUB), text="Lengkapi lampirannya.", rhk=rhk)
        services.evaluation_get_or_create(skp=skp, period=third)  # a draft, being filled in

        pppk = submitted(planned(PPPK, KASUB)[0], first)
        ev.evaluation_return(
            evaluation=pppk, by=account(KASUB), note="Lengkapi buktinya.", version=pppk.version
        )

        rated(submitted(planned(STAF_DINKES, KADINKES)[0], first), KADINKES)
        calibration.org_predikat_set(
            opd=dinkes, period=first, by=account(SEKDA), org_predikat="ISTIMEWA"
        )
        calibration.opd_finalise(
            opd=dinkes,
            period=first,
            by=account(KADINKES),
            version=UnitPeriod.objects.get(opd=dinkes, period=first).version,
            without_evaluation_confirmed=True,  # its other staff have no evaluation
        )
        assert UnitPeriod.objects.get(opd=dinkes, period=first).state == "final"

        services.rhk_template_create(
            by=User.objects.get(username="admin"),
            position=Position.objects.get(code="ANALIS"),
            kind="utama",
            text="Analisis jabatan tersusun",
            iki=[
                {
                    "text": "Jumlah dokumen",
                    "aspect": "kuantitas",
                    "approach": "kuantitatif",
                    "target_value": 4,
                    "target_unit": "Dokumen",
                }
            ],
        )

        # The daily log and KPI (rows written directly: the crawl needs ids of every kind,
        # whatever today's calendar allows): a holiday, a day of attendance, a waiting and
        # an approved entry of the analyst, a KPI of BKPSDMD with a month, a cross-OPD team,
        # and the month's indices.
        from core.activity.indices import month_recompute
        from core.activity.models import Activity, Attendance, Holiday, Kpi, KpiPeriod, Team
        from core.org.models import ActivityNorm

        today = timezone.localdate()
        analyst = Employee.objects.get(nip=ANALIS)
        Holiday.objects.get_or_create(
            day=today.replace(month=8, day=17), defaults={"name": "HUT RI"}
        )
        Attendance.objects.create(employee=analyst, day=today, status="present", hours_present=8)
        norm = ActivityNorm.objects.create(
            position=analyst.position,
            name="Menyusun laporan",
            output_unit="Laporan",
            minutes_per_unit=30,
        )
        for state in ("pending", "approved"):
            Activity.objects.create(
                employee=analyst,
                day=today,
                norm=norm,
                name=norm.name,
                output_unit="Laporan",
                minutes_per_unit=30,
                quantity=2,
                minutes=60,
                state=state,
                approver=analyst.atasan,
                rhk=rhk,
            )
        kpi = Kpi.objects.create(
            year=year, unit=bkpsdmd, name="Layanan tepat waktu", measure="%", annual_target=90
        )
        KpiPeriod.objects.create(kpi=kpi, period=f"{today:%Y-%m}", target=90, realisation=85)
        team = Team.objects.create(name="Tim Reformasi Birokrasi", year=year)
        team.members.add(analyst, Employee.objects.get(nip=STAF_DINKES))
        Kpi.objects.create(
            year=year, team=team, name="Indeks RB", measure="nilai", annual_target=80
        )
        kpi.rhk.add(rhk)
        month_recompute(today)
    return gaps


def _performance_pages(pemda) -> list[tuple[str, str]]:
    """(persona, URL) of performance pages that must open on real records: the analyst's
    SKP, evaluations and evidence file for him, his appraiser and the head of his OPD; the
    calibration of an OPD period ready to finalise and of a final one for the OPD's head."""
    from core.performance.models import Evaluation, Evidence, Skp, UnitPeriod
    from tests.personas import ANALIS

    with pemda:
        skp = Skp.objects.get(employee__nip=ANALIS)
        evaluations = list(Evaluation.objects.filter(skp=skp).values_list("pk", flat=True))
        evidence = Evidence.objects.exclude(file="").get()
        periods = {
            persona: UnitPeriod.objects.get(opd__code=code)
            for persona, code in (("head", "BKPSDMD"), ("head_dinkes", "DINKES"))
        }
    pages = [f"/kinerja/skp/{skp.pk}/", f"/kinerja/skp/{skp.pk}/cetak/"]
    pages += [f"/kinerja/evaluasi/{pk}/" for pk in evaluations]
    pages += [f"/kinerja/evaluasi/{evidence.evaluation_id}/bukti/{evidence.pk}/"]
    assert len(evaluations) == 3
    return [(persona, url) for persona in ("employee", "kasub", "head") for url in pages] + [
        (persona, f"/kinerja/kalibrasi/{period.opd_id}/{period.period}/")
        for persona, period in periods.items()
    ]


def test_no_page_of_a_pemda_site_answers_5xx_to_anyone(performance_records, people, import_jobs):
    gaps = performance_records
    with gaps:
        orphan = client_for(gaps)  # an account whose NIP has no employee record
        assert login(orphan, "pegawai").status_code == 302
    clients = {**people, "no_employee_record": orphan}
    urls, unfilled = _urls("saas_platform.urls_tenant", _pemda_values(gaps))
    assert unfilled == [], "teach _pemda_values these parameters"
    assert set(PERFORMANCE_QUERIES) <= set(urls)  # a page renamed: update the list
    urls += _odd_queries(PERFORMANCE_QUERIES)
    pages = _performance_pages(gaps)  # before the crawl opens evaluations of more periods

    crawl = Crawl()
    followed = crawl.crawl(clients, urls, gaps.domain_name)

    assert not crawl.offenders, crawl.report()
    assert _still_logged_in(clients) == []
    assert followed > 100
    assert crawl.count("admin", 200) > 40  # the admin sees almost every page
    assert [request for request in pages if crawl.statuses.get(request) != 200] == []
    for persona in clients:
        assert crawl.count(persona, 200) > 0, persona


# --- The platform site ---------------------------------------------------------------------


def _platform_values() -> Callable[[str, str], list[str]]:
    from tenants.models import Pemda

    pemda = Pemda.objects.get(slug="surabaya")
    staff = User.objects.get(username="staf")
    uid = urlsafe_base64_encode(force_bytes(staff.pk))
    token = default_token_generator.make_token(staff)

    def values(name: str, head: str) -> list[str]:
        if name == "object_id" and head.startswith("admin/r/"):
            return [str(pemda.pk), MISSING_ID]
        if name == "object_id":  # admin/<app>/<model>/: the first record of that model
            app_label, model_name = head.split("/")[1:3]
            model = apps.get_model(app_label, model_name)
            try:  # a table missing from the public schema: left to the crawl to report
                with transaction.atomic():
                    first = model._default_manager.order_by("pk").values("pk").first()
            except DatabaseError:
                first = None
            return ([str(first["pk"])] if first else []) + [MISSING_ID]
        if name == "content_type_id":
            return [str(ContentType.objects.get_for_model(Pemda).pk)]
        if name == "uidb64":
            return [uid, "MTIzNDU2"]
        if name == "token":
            return [token, "set-password", "bogus-token"]
        if name == "url":  # the admin's catch-all
            return ["no-such-page/"]
        if head.startswith("daftar/"):  # a sign-up nobody started: refused, never a 500
            made_up = {
                "token": ["bogus-token"],
                "public_id": ["00000000-0000-4000-8000-000000000000"],
                "number": ["1", "6", "99"],
                "kind": ["employees", "nothing"],
            }
            if name in made_up:
                return made_up[name]
        if name == "name" and head.startswith("templat/"):
            return ["surabaya", "jabar", "nasional", "tidak-ada"]
        if name == "pk" and head.startswith("staf/"):
            return [str(pemda.pk), MISSING_ID]
        if name == "action" and head.startswith("staf/"):
            return ["suspend", "reactivate", "nothing"]
        return []

    return values


def test_no_page_of_the_platform_site_answers_5xx_to_anyone(surabaya):
    User.objects.create_superuser(
        "staf", "staf@sinergi.id", "staf-rahasia-1", role=Role.PLATFORM_STAFF
    )
    User.objects.create_user("pemohon", password="sandi-pemohon-1", role=Role.PROVINCIAL_ADMIN)
    clients = {"anonymous": Client(HTTP_HOST="localhost")}
    for persona, username, password in (
        ("platform_staff", "staf", "staf-rahasia-1"),
        ("provincial_admin", "pemohon", "sandi-pemohon-1"),
    ):
        clients[persona] = Client(HTTP_HOST="localhost")
        response = login(clients[persona], username, password)
        assert response.status_code == 302, persona
    # A refused login, so that the login throttle's records have a row to show.
    login(Client(HTTP_HOST="localhost"), "staf", "salah-sekali")
    urls, unfilled = _urls("saas_platform.urls_public", _platform_values())
    assert unfilled == [], "teach _platform_values these parameters"

    crawl = Crawl()
    followed = crawl.crawl(clients, urls, "localhost")

    assert not crawl.offenders, crawl.report()
    assert _still_logged_in(clients) == []
    assert followed > 50
    assert crawl.count("platform_staff", 200) > 30
    for persona in clients:
        assert crawl.count(persona, 200) > 0, persona


def test_the_crawl_fills_each_parameter_with_each_of_its_values():
    def values(name, head):
        return {"pk": ["7", MISSING_ID]}.get(name, [])

    assert _paths(r"org/(?P<what>unit|position)/(?P<pk>\d+)/edit/$", values) == [
        "/org/unit/7/edit/",
        f"/org/unit/{MISSING_ID}/edit/",
        "/org/position/7/edit/",
        f"/org/position/{MISSING_ID}/edit/",
    ]
    assert _paths("api/v1/units/<int:pk>/", values) == [
        "/api/v1/units/7/",
        f"/api/v1/units/{MISSING_ID}/",
    ]
    assert _paths(r"export\.(?P<fmt>xlsx|csv)$", values) == ["/export.xlsx", "/export.csv"]
    assert _kind("org/positions/", {"employee": ["1"], "position": ["2"]}) == ["2", MISSING_ID]
    assert _kind("org/units/", {"employee": ["1"]}) == []


def test_the_crawl_follows_same_site_links_and_htmx_and_search_urls_only():
    page = """
      <a href="/org/employees/?page=2#top">next</a>
      <a href="http://surabaya.localhost/org/units/">units</a>
      <a href="https://example.com/">elsewhere</a>
      <a href="mailto:x@y.id">mail</a>
      <a href="/static/css/sinergi.css">css</a>
      <a href="5/">relative</a>
      <div hx-get="/import/4/"></div>
      <select data-search-url="/org/lookup/units/"></select>
      <form method="post" action="/accounts/logout/"><input name="next" value="/"></form>
    """
    assert _links("/org/positions/", page, "surabaya.localhost") == [
        ("/org/employees/?page=2", False),
        ("/org/units/", False),
        ("/org/positions/5/", False),
        ("/import/4/", True),
        ("/org/lookup/units/?q=a", False),
    ]


def test_the_crawl_sends_each_filter_with_each_choice_and_with_hostile_values():
    page = """
      <form method="get">
        <input name="q" value="">
        <select name="opd"><option value="">All</option><option value="3">BKD</option></select>
        <button type="submit">Filter</button>
      </form>
    """
    assert [url for url, _htmx in _links("/org/employees/?page=2", page, "x.localhost")] == [
        "/org/employees/?q=a",
        "/org/employees/?opd=3",
        "/org/employees/?q=zz%27%22%3C%3E&opd=zz%27%22%3C%3E",
        "/org/employees/?q=-1&opd=-1",
        f"/org/employees/?q={'9' * 25}&opd={'9' * 25}",
    ]
