"""A Pemda's home page: the cards each role gets, and their numbers."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.org.models import Employee, Position
from core.org.tree import org_refresh_all
from tests.factories import EmployeeFactory
from tests.personas import (
    ANALIS,
    EMPLOYEES,
    EVERYONE,
    KABAN,
    KABID,
    KADINKES,
    KASUB,
    PPPK,
    STAF_DINKES,
)

pytestmark = pytest.mark.django_db

OVERVIEW = ["org.headcount", "org.completeness"]
MY_SKP = "performance.my_skp"  # for whoever has an employee record
WAITING = "performance.evaluation.waiting"  # shown when an evaluation waits for the user
READY = "performance.ready_to_finalise"  # a head of OPD with an OPD period all rated
BKPSDMD = "Badan Kepegawaian dan Pengembangan SDM Daerah"


def card_keys(response) -> list[str]:
    return [card.key for card, _context in response.context["cards"]]


def card(response, key) -> dict:
    return next(context for c, context in response.context["cards"] if c.key == key)


def json_scripts(response) -> dict[str, object]:
    """{id: data} of the page's json_script blocks."""
    found = re.findall(
        r'<script id="([^"]+)" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return {name: json.loads(text) for name, text in found}


def completeness_badges(response) -> dict[str, int]:
    """{link of a completeness line: the number shown beside it}."""
    found = re.findall(
        r'<a href="([^"]+\?missing=\w+)">[^<]*</a>\s*<span class="badge[^"]*">([\d.,]+)</span>',
        response.content.decode(),
    )
    return {href: int(n.replace(".", "").replace(",", "")) for href, n in found}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", [*OVERVIEW, "importing.recent", "audit.recent"]),
        ("mayor", OVERVIEW),  # a leader without an employee record
        ("sekda", ["org.me", MY_SKP, "org.appraisees", *OVERVIEW]),
        ("head", ["org.me", MY_SKP, "org.appraisees", *OVERVIEW]),
        ("head_dinkes", ["org.me", MY_SKP, "org.appraisees", *OVERVIEW]),
        ("kabid", ["org.me", MY_SKP, "org.appraisees"]),
        ("kasub", ["org.me", MY_SKP, "org.appraisees"]),
        ("employee", ["org.me", MY_SKP]),
    ],
)
def test_each_role_gets_its_cards_on_the_home_page(people, persona, expected):
    response = people[persona].get("/")

    assert response.status_code == 200
    assert card_keys(response) == expected


def test_the_home_page_needs_a_login(people):
    response = people["anonymous"].get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_admins_headcount_counts_every_persona_by_status_and_opd(people):
    response = people["admin"].get("/")
    headcount = card(response, "org.headcount")["headcount"]

    assert headcount["total"] == len(EVERYONE) == 8
    assert headcount["by_status"] == [("PNS", 7), ("PPPK", 1)]
    assert headcount["by_opd"] == [(BKPSDMD, 5), ("Dinas Kesehatan", 2), ("Sekretariat Daerah", 1)]
    assert (headcount["other_opd"], headcount["opd_count"]) == (0, 3)
    assert '<div class="stat">8</div>' in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "total", "by_opd"),
    [
        ("head", 5, [(BKPSDMD, 5)]),
        ("head_dinkes", 2, [("Dinas Kesehatan", 2)]),
        ("sekda", 8, [(BKPSDMD, 5), ("Dinas Kesehatan", 2), ("Sekretariat Daerah", 1)]),
    ],
)
def test_a_heads_headcount_counts_only_their_opd(people, persona, total, by_opd):
    headcount = card(people[persona].get("/"), "org.headcount")["headcount"]

    assert headcount["total"] == total
    assert headcount["by_opd"] == by_opd


def test_the_headcount_charts_are_drawn_from_json_scripts_not_inline_code(people):
    response = people["admin"].get("/")
    page = response.content.decode()

    data = json_scripts(response)

    assert data["chart-status"] == {
        "labels": ["PNS", "PPPK"],
        "datasets": [{"label": "Pegawai", "data": [7, 1]}],
    }
    assert data["chart-opd"]["labels"] == [BKPSDMD, "Dinas Kesehatan", "Sekretariat Daerah"]
    assert data["chart-opd"]["datasets"][0]["data"] == [5, 2, 1]
    assert set(re.findall(r'<canvas data-chart="(\w+)" data-source="([\w-]+)"', page)) == {
        ("doughnut", "chart-status"),
        ("hbar", "chart-opd"),
    }
    # Every script is a file or data (the CSP-friendly rule of the shell).
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_the_heads_chart_has_only_their_opd(people):
    data = json_scripts(people["head"].get("/"))

    assert data["chart-opd"]["labels"] == [BKPSDMD]
    assert data["chart-status"]["datasets"][0]["data"] == [4, 1]


@pytest.mark.parametrize("persona", ["kabid", "kasub", "employee"])
def test_those_without_the_overview_get_no_chart(people, persona):
    response = people[persona].get("/")

    assert json_scripts(response) == {}
    assert "<canvas" not in response.content.decode()


@pytest.fixture
def gaps_and_email(gaps):
    """The shared gaps (tests/conftest.py), and Rudi gets an email."""
    with gaps:
        Employee.objects.filter(nip=ANALIS).update(email="rudi@surabaya.go.id")
    return gaps


@pytest.mark.usefixtures("gaps_and_email")
@pytest.mark.parametrize(
    ("persona", "emails", "norms", "heads"),
    [
        # Only Dewi and now Rudi have an email; only ANALIS has norms; only BKPSDMD.2 is headless.
        ("admin", 6, 6, 1),
        ("mayor", 6, 6, 1),
        ("head", 3, 3, 1),  # BKPSDMD: Sri, Agus, Ayu; KABAN, KABID, KASUB; BKPSDMD.2
        ("head_dinkes", 2, 2, 0),
    ],
)
def test_the_completeness_card_counts_the_gaps_the_user_sees(people, persona, emails, norms, heads):
    client = people[persona]
    response = client.get("/")

    assert card(response, "org.completeness")["gaps"] == {
        "employees_without_email": emails,
        "positions_without_norms": norms,
        "units_without_head": heads,
    }
    badges = completeness_badges(response)
    assert badges == {
        "/org/employees/?missing=email": emails,
        "/org/positions/?missing=norms": norms,
        "/org/units/?missing=head": heads,
    }
    # Each link opens the list of exactly what was counted.
    for href, n in badges.items():
        assert client.get(href).context["page"].paginator.count == n, href


def test_the_admin_also_sees_recent_imports_and_recent_changes(people, surabaya):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.importing.tabular import write_csv

    rows = [EMPLOYEES[0], ["123", "Salah", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""]]
    people["admin"].post(
        "/import/",
        {
            "kind": "employees",
            "file": SimpleUploadedFile("salah.csv", write_csv(rows[0], rows[1:])),
        },
    )
    with surabaya:
        pk = Employee.objects.get(nip=ANALIS).pk
    people["admin"].post(
        f"/org/employees/{pk}/atasan/", {"atasan_nip": KABID, "reason": "Kasubbid cuti"}
    )

    response = people["admin"].get("/")
    page = response.content.decode()

    assert [job.filename for job in card(response, "importing.recent")["jobs"]] == ["salah.csv"]
    assert "salah.csv" in page
    assert [event.action for event in card(response, "audit.recent")["events"]][0] == (
        "org.atasan.override"
    )
    assert "Rudi Hartono" in page


@pytest.mark.parametrize("persona", ["mayor", "sekda", "head"])
def test_a_leader_or_head_gets_no_admin_card_and_no_edit_link(people, persona):
    response = people[persona].get("/")
    main = response.content.decode().split("<main", 1)[1]

    assert "importing.recent" not in card_keys(response)
    assert "audit.recent" not in card_keys(response)
    for admin_only in ("/edit/", "/new/", "/import/", "/audit/"):
        assert admin_only not in main, admin_only
    assert card(response, "org.completeness")["can_manage"] is False


ENGLISH_ON_HOME = [
    "Headcount",
    "active employees",
    "By OPD",
    "You see the whole Pemda.",
    "Data completeness",
    "Employees without an email address",
    "Positions without norma waktu",
    "Units without a head",
    "Import a file",
    "No file imported yet.",
    "Recent changes",
    "No change recorded yet.",
    "My record",
    "person I appraise",
]


@pytest.mark.parametrize("persona", ["admin", "kabid"])
def test_the_home_page_speaks_indonesian(people, persona):
    page = people[persona].get("/").content.decode()

    assert [text for text in ENGLISH_ON_HOME if text in page] == []


def test_an_employee_sees_their_own_record(people):
    response = people["employee"].get("/")
    me = card(response, "org.me")["me"]
    page = response.content.decode()

    assert me.nip == ANALIS
    assert me.atasan.nip == KASUB
    assert ANALIS in page and "Analis SDM Aparatur" in page and "Dewi Lestari" in page
    assert f"/org/employees/{me.pk}/" in page


def test_the_admin_and_the_mayor_have_no_record_of_their_own(people):
    assert "org.me" not in card_keys(people["admin"].get("/"))
    assert "org.me" not in card_keys(people["mayor"].get("/"))


@pytest.mark.parametrize(
    ("persona", "appraised"),
    [
        ("kasub", [PPPK, ANALIS]),  # by name: Ayu, Rudi
        ("kabid", [KASUB]),
        ("head", [KABID]),
        ("head_dinkes", [STAF_DINKES]),
        ("sekda", [KADINKES, KABAN]),  # Hendra, Sri
    ],
)
def test_an_atasan_sees_the_people_they_appraise(people, persona, appraised):
    response = people[persona].get("/")
    context = card(response, "org.appraisees")

    assert [person.nip for person in context["people"]] == appraised
    assert context["count"] == len(appraised)
    for person in context["people"]:
        assert f"/org/employees/{person.pk}/" in response.content.decode()


def test_an_atasan_of_many_sees_fifty_and_a_link_to_all(people, surabaya):
    with surabaya:
        EmployeeFactory.create_batch(49, position=Position.objects.get(code="ANALIS"))
        org_refresh_all()

    response = people["kasub"].get("/")
    context = card(response, "org.appraisees")

    assert (context["count"], len(context["people"])) == (51, 50)
    main = response.content.decode().split("<main", 1)[1]
    assert re.search(r'<div class="card-header[^"]*">[^<]*\b51\b', main)
    assert 'href="/org/employees/"' in main


def _grow_to_sixty(surabaya):
    """52 more employees: 40 more analysts under the Kasubbid, 12 in OPD of their own
    (more OPD than the chart shows)."""
    with surabaya:
        analis = Position.objects.get(code="ANALIS")
        EmployeeFactory.create_batch(40, position=analis)
        EmployeeFactory.create_batch(12)
        org_refresh_all()
        assert Employee.objects.filter(is_active=True).count() == 60


@pytest.mark.parametrize("persona", ["admin", "head", "kasub", "sekda"])
def test_the_home_page_issues_the_same_queries_for_8_or_60_employees(people, surabaya, persona):
    client = people[persona]
    client.get("/")  # warm up the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200

    _grow_to_sixty(surabaya)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")

    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    if persona == "admin":
        headcount = card(response, "org.headcount")["headcount"]
        assert headcount["total"] == 60
        assert (headcount["opd_count"], len(headcount["by_opd"])) == (15, 12)
        assert sum(n for _name, n in headcount["by_opd"]) + headcount["other_opd"] == 60
    if persona == "kasub":
        context = card(response, "org.appraisees")
        assert (context["count"], len(context["people"])) == (42, 42)


# --- The performance module's cards ------------------------------------------------------------


@pytest.fixture
def evaluations(org):
    """Through the services: the analyst's SKP of this year planned by the Kasubbid (one RHK,
    one IKI); his evaluation of a period rated by the Kasubbid (BKPSDMD has nothing else in
    it: ready to finalise), of another submitted (waiting for the Kasubbid), of the current
    one a draft (waiting for him)."""
    from django.utils import timezone

    from core.accounts.models import User
    from core.config.periods import period_of
    from core.config.selectors import evaluation_period_kind
    from core.performance import evaluation as ev
    from core.performance import services
    from core.performance.rules import BerAkhlak

    with org:
        analis, kasub = User.objects.get(nip=ANALIS), User.objects.get(nip=KASUB)
        today = timezone.localdate()
        skp = services.skp_get_or_create(
            employee=Employee.objects.get(nip=ANALIS), year=today.year, by=analis
        )
        rhk = services.rhk_create(
            skp=skp,
            by=kasub,
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
        current = period_of(evaluation_period_kind(), today).code
        others = [p.code for p in services.periods_of_year(today.year) if p.code != current]
        first, second = others[:2]
        submitted = {}
        for code in (first, second):
            evaluation = services.evaluation_get_or_create(skp=skp, period=code)
            ev.realisation_set(evaluation=evaluation, by=analis, iki=rhk.iki.get(), value="4")
            submitted[code] = ev.evaluation_submit(
                evaluation=evaluation, by=analis, version=evaluation.version
            )
        ev.evaluation_rate(
            evaluation=submitted[first],
            by=kasub,
            hasil="SESUAI",
            behaviours=dict.fromkeys(BerAkhlak.values, "SESUAI"),
            version=submitted[first].version,
        )
        draft = services.evaluation_get_or_create(skp=skp, period=current)
    return {"first": first, "second": submitted[second], "draft": draft}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("employee", ["org.me", WAITING, MY_SKP]),  # his draft of the current period
        ("kasub", ["org.me", WAITING, MY_SKP, "org.appraisees"]),  # the submitted one
        ("kabid", ["org.me", MY_SKP, "org.appraisees"]),  # he does not appraise the analyst
        ("head", ["org.me", MY_SKP, "org.appraisees", READY, *OVERVIEW]),
        ("head_dinkes", ["org.me", MY_SKP, "org.appraisees", *OVERVIEW]),  # another OPD
        # Finalising is the head's; the Sekda sets the organisation predikat of the periods
        # with evaluations submitted or rated (here the last one).
        ("sekda", ["org.me", MY_SKP, "org.appraisees", "performance.org_predikat", *OVERVIEW]),
    ],
)
def test_the_performance_cards_show_what_waits_for_each_role(
    people, evaluations, persona, expected
):
    assert card_keys(people[persona].get("/")) == expected


def test_the_performance_cards_link_to_what_waits(people, evaluations):
    employee, kasub, head = (people[p].get("/") for p in ("employee", "kasub", "head"))

    assert [e.pk for e in card(employee, WAITING)["rows"]] == [evaluations["draft"].pk]
    assert card(employee, MY_SKP)["skp"]["rhk_n"] == card(employee, MY_SKP)["skp"]["iki_n"] == 1
    assert [e.pk for e in card(kasub, WAITING)["rows"]] == [evaluations["second"].pk]
    assert f'href="/kinerja/evaluasi/{evaluations["second"].pk}/"' in kasub.content.decode()
    ready = card(head, READY)["periods"]
    assert [(unit.code, cell.period.code) for unit, cell in ready] == [
        ("BKPSDMD", evaluations["first"])
    ]
    assert f"/kinerja/kalibrasi/{ready[0][0].pk}/{evaluations['first']}/" in head.content.decode()
