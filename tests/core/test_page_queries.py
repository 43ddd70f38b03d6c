"""What the common pages cost: the queries each role's page runs, pinned, and the same
number whatever the number of rows (the pages of the load test, bench/load.py).

Every page starts with five: finding the Pemda (search path, domain, search path) and the
user (session, the account with its employee record). The counts are those of a test,
where every request runs inside the test's transaction; outside one, the Pemda comes from
the per-process cache (tenants.selectors.pemda_for_host: the search path only) and the
workload page reads the effective time from the per-process settings cache
(tests/core/config/test_settings_cache.py).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from core.org.models import ActivityNorm, Employee, Position
from core.org.templatetags.org_tags import row_url
from core.ui.registry import NavEntry
from tests.factories import EmployeeFactory
from tests.personas import KASUB

pytestmark = pytest.mark.django_db

HOME, EMPLOYEES, UNITS, WORKLOAD, API = (
    "/",
    "/org/employees/",
    "/org/units/",
    "/org/workload/",
    "/api/v1/employees/",
)
# The Pemda's own data on top of the five: the home page's heading reads the Pemda with its
# province and template in one query (not three); the cards read the user's employee record
# with its position, unit, OPD and atasan once for all of them (not its unit and OPD again
# for each card). Before: admin 16, mayor 14, sekda 16, head 18, the others 11 on the home
# page, and one more on the workload page (the norms of its positions). The unit list reads
# the staff of its page's subtrees in one query (it read every unit and every employee's unit
# in two).
# The performance cards (core/performance/ui_*.py) use that same employee record and add, for
# whoever has one (not the admin, not the mayor): "My SKP", one query (this year's SKP with
# its RHK and IKI counted), and "Waiting for you", one (the evaluations to submit or to rate);
# for a head of OPD "Ready to finalise", one (the OPD's evaluations of last year's and this
# year's periods counted with each OPD period's state) and the Pemda's period setting, read
# from the database inside a test's transaction (from the per-process cache otherwise): two
# more queries for the Sekda, the Kasubbid and the analyst, four for the Kaban. Their home
# pages are pinned at what they run; the admin's and the mayor's keep one to spare.
# The notifications of the performance cycle (core/performance/notifications.py) add: to
# "My SKP" the evaluation of the current period, read in its one query, but the period of the
# Pemda's kind needs the period setting (one more query, here in the test's transaction;
# none from the per-process cache): +1 for whoever has an employee record. "Organisation
# predikat to set" (a leader, or an atasan or head of OPD who may appraise an OPD's head),
# two: the OPDs the user rates, each with one yes/no per period, and the period setting
# again: +2 for the mayor, +3 for the Sekda, the Kaban and the Kasubbid, +1 for the analyst
# (a plain employee appraises no head: no query for that card).
# The daily log's cards (core/activity/ui_log.py) add one query each when they have nothing
# to show: "Activities rejected" for whoever keeps a log (+1), "Activities waiting for
# approval" for whoever appraises (+1 more), "Late approvals in your OPD" for a head of OPD
# (+1 more): employee 12, Kasubbid 15, Sekda 20, head 23.
MOST = {
    # persona: {page: queries}
    "admin": {HOME: 14, EMPLOYEES: 8, UNITS: 9, WORKLOAD: 8, API: 7},
    "mayor": {HOME: 14, EMPLOYEES: 8, UNITS: 9, WORKLOAD: 8, API: 7},
    "sekda": {HOME: 20, EMPLOYEES: 8, UNITS: 9, WORKLOAD: 8, API: 7},
    "head": {HOME: 23, EMPLOYEES: 11, UNITS: 12, WORKLOAD: 11, API: 9},
    "kasub": {HOME: 15, EMPLOYEES: 9, UNITS: 10, WORKLOAD: 9, API: 8},
    "employee": {HOME: 12, EMPLOYEES: 9, UNITS: 10, WORKLOAD: 9, API: 8},
}


def _queries(client, url) -> int:
    client.get(url)  # the first request of a client may warm something up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.parametrize("persona", MOST)
def test_each_common_page_runs_a_fixed_number_of_queries(gaps, people, persona):
    """``gaps`` gives a position its norma waktu, so the workload page has a row."""
    ran = {url: _queries(people[persona], url) for url in MOST[persona]}
    assert {url: n for url, n in ran.items() if n > MOST[persona][url]} == {}, ran


def test_the_workload_page_costs_the_same_for_one_or_many_positions(people, surabaya):
    def norms_for(positions):
        ActivityNorm.objects.bulk_create(
            ActivityNorm(position=p, name="Tugas", output_unit="Dok", minutes_per_unit=60)
            for p in positions
        )

    with surabaya:
        norms_for(Position.objects.filter(code="ANALIS"))
    few = _queries(people["admin"], WORKLOAD)
    with surabaya:
        norms_for(Position.objects.exclude(code="ANALIS"))
        assert ActivityNorm.objects.values("position").distinct().count() == 7
    assert _queries(people["admin"], WORKLOAD) == few


def test_the_home_page_costs_the_same_for_few_or_many_people_appraised(people, surabaya):
    few = _queries(people["kasub"], HOME)
    with surabaya:
        kasub = Employee.objects.get(nip=KASUB)
        analis = Position.objects.get(code="ANALIS")
        EmployeeFactory.create_batch(
            30, position=analis, unit=kasub.unit, derived_atasan=kasub, status="PNS"
        )
    response = people["kasub"].get(HOME)
    card = next(context for c, context in response.context["cards"] if c.key == "org.appraisees")
    assert card["count"] == 32
    assert _queries(people["kasub"], HOME) == few


def test_a_row_url_is_the_url_reverse_gives():
    """The list pages put each row's pk into a URL reversed once (core.org.templatetags)."""
    for pk in (1, 42, 987654321):
        assert row_url("org:employee_detail", pk) == reverse("org:employee_detail", args=[pk])
        assert row_url("org:record_edit", "unit", pk) == reverse(
            "org:record_edit", args=["unit", pk]
        )
    entry = NavEntry("Organisation", "Employees", "org:employee_list")
    set_script_prefix("/sinergi/")  # a site served below a path
    try:
        assert row_url("org:employee_detail", 7) == "/sinergi/org/employees/7/"
        assert entry.url == "/sinergi/org/employees/"
    finally:
        set_script_prefix("/")
    assert row_url("org:employee_detail", 7) == "/org/employees/7/"
    assert entry.url == "/org/employees/"
