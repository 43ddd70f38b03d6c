"""The calibration pages (core/performance/views_calibration.py): the overview, the list of
OPD × period, one OPD's calibration page with its two forms; who reaches which page and who
may act, refusals shown with their numbers and nothing changed, and query counts that do
not grow with the data."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.org.models import Employee
from core.performance.models import Evaluation, UnitPeriod
from tests.conftest import JAMBI_PASSWORD, login
from tests.performance.test_calibration import (
    GOOD,
    MAY,
    PERIOD,
    TOO_GOOD,
    B,
    evaluation,
    opd,
    org_set,
    policy,
    rate_all,
    staff,
    states,
    unit_period,
)
from tests.personas import ANALIS, KABAN, KABID, KADINKES, STAF_DINKES

pytestmark = pytest.mark.django_db

OVERVIEW = "/kinerja/ikhtisar/"
LIST = "/kinerja/kalibrasi/"


def page(org, code="BKPSDMD", period=PERIOD, action=""):
    with org:
        pk = opd(code).pk
    return f"/kinerja/kalibrasi/{pk}/{period}/{action}"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_urls_are_the_contracts():
    assert reverse("performance:overview") == OVERVIEW
    assert reverse("performance:calibration_list") == LIST
    assert (
        reverse("performance:calibration", args=[7, "2026-Q1"]) == "/kinerja/kalibrasi/7/2026-Q1/"
    )


# --- Who reaches which page -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("mayor", 200),
        ("sekda", 200),
        ("head", 200),
        ("head_dinkes", 200),
        ("kabid", 403),
        ("kasub", 403),
        ("employee", 403),
    ],
)
def test_the_overview_is_for_leaders_the_admin_and_heads_of_opd(people, persona, status):
    assert people[persona].get(OVERVIEW).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("mayor", 200),
        ("head", 200),
        ("kabid", 403),
        ("employee", 403),
    ],
)
def test_the_calibration_list_is_for_those_who_oversee_an_opd(people, persona, status):
    assert people[persona].get(LIST).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(people, org):
    for url in (OVERVIEW, LIST, page(org)):
        response = people["anonymous"].get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("mayor", 200),
        ("sekda", 200),
        ("head", 200),
        ("head_dinkes", 404),  # another OPD
        ("kabid", 404),
        ("kasub", 404),
        ("employee", 404),
    ],
)
def test_the_calibration_page_of_an_opd_is_for_whoever_oversees_it(people, org, persona, status):
    assert people[persona].get(page(org)).status_code == status


def test_an_atasan_who_appraises_an_opd_head_reaches_that_opd(people, org):
    with org:
        Employee.objects.filter(nip=KADINKES).update(
            atasan_override=Employee.objects.get(nip=KABID)
        )

    listed = people["kabid"].get(LIST)
    assert listed.status_code == 200
    assert [unit.code for unit, _cells in listed.context["grid"]] == ["DINKES"]
    assert people["kabid"].get(page(org, "DINKES")).status_code == 200
    assert people["kabid"].get(page(org, "BKPSDMD")).status_code == 404


@pytest.mark.parametrize("period", ["2026-Q2", "2026-13", "junk", "1899-01"])
def test_a_period_that_is_not_one_of_the_pemda_is_not_found(people, org, period):
    assert people["mayor"].get(page(org, period=period)).status_code == 404


def test_a_unit_below_an_opd_has_no_calibration_page(people, org):
    assert people["mayor"].get(page(org, code="BKPSDMD.1")).status_code == 404


def test_another_pemdas_opd_resolves_nowhere(people, org, jambi_client):
    assert login(jambi_client, "admin", JAMBI_PASSWORD).status_code == 302
    url = page(org)

    assert jambi_client.get(url).status_code == 404
    assert jambi_client.post(page(org, action="predikat/"), {"org_predikat": B}).status_code == 404
    with org:
        assert not UnitPeriod.objects.exists()


# --- The overview ---------------------------------------------------------------------------------


def test_the_overview_shows_each_opd_with_its_numbers_and_charts(people, org):
    with org:
        rate_all(GOOD)
        evaluation(STAF_DINKES, state="submitted")
        org_set(value=B)

    response = people["mayor"].get(OVERVIEW, {"periode": PERIOD})

    rows = {row.code: row for row in response.context["rows"]}
    assert rows.keys() == {"SETDA", "BKPSDMD", "DINKES"}
    assert (rows["BKPSDMD"].rated, rows["DINKES"].pending) == (5, 1)
    html = response.content.decode()
    assert 'id="chart-opd"' in html and 'id="chart-total"' in html
    assert 'data-perf-chart="stacked"' in html and "js/performance-charts.js" in html
    assert page(org) in html  # each OPD links to its calibration page


def test_the_head_of_an_opd_sees_their_own_opd_in_the_overview(people, org):
    with org:
        rate_all(GOOD)
        evaluation(KADINKES, B)

    response = people["head"].get(OVERVIEW, {"periode": PERIOD})

    assert [row.code for row in response.context["rows"]] == ["BKPSDMD"]
    assert "Dinas Kesehatan" not in response.content.decode()


def test_the_overview_takes_the_current_period_for_a_bad_one(people):
    response = english(people["mayor"]).get(OVERVIEW, {"periode": "2026-Q9"})

    assert response.status_code == 200
    assert "not an evaluation period here" in response.content.decode()


# --- The calibration page -------------------------------------------------------------------------


def test_the_leader_sees_the_predikat_form_and_the_head_the_finalise_form(people, org):
    with org:
        rate_all(GOOD)
        org_set(value=B)

    leader = people["mayor"].get(page(org))
    head = people["head"].get(page(org))

    assert leader.context["org_form"] is not None and leader.context["finalise_form"] is None
    assert head.context["org_form"] is None and head.context["finalise_form"] is not None
    assert 'action="' + page(org, action="final/") + '"' in head.content.decode()
    assert page(org, action="predikat/") not in head.content.decode()


def test_violations_are_shown_in_red_with_their_numbers(people, org):
    with org:
        rate_all(TOO_GOOD)
        org_set(value=B)

    html = english(people["head"]).get(page(org)).content.decode()

    assert 'class="table-danger"' in html
    assert "Baik: at most 70 % (4 of 5 people); there are 5, 1 too many." in html
    assert "at least 1; there are 0, 1 missing." in html
    assert "1 person too many" in html and "1 person missing" in html
    assert "does not finalise an OPD whose distribution breaks the rules" in html


def test_the_leniency_table_compares_each_appraiser(people, org):
    with org:
        extra = staff(3)
        rate_all({ANALIS: "SANGAT_BAIK", **dict.fromkeys(extra, "SANGAT_BAIK")})
        rate_all({KABAN: B, KABID: "BUTUH_PERBAIKAN"})

    response = english(people["mayor"]).get(page(org))

    html = response.content.decode()
    assert "Lenient" in html
    assert "+0.50" in html  # 5.00 against the OPD's (and the Pemda's) 4.50


def test_a_final_period_shows_who_finalised_it_and_the_override(people, org):
    with org:
        policy("override")
        rate_all(TOO_GOOD)
        org_set(value=B)
    english(people["head"]).post(
        page(org, action="final/"),
        {"version": 1, "override_reason": "Capaian luar biasa tahun ini"},
    )

    response = english(people["mayor"]).get(page(org))

    html = response.content.decode()
    assert response.context["org_form"] is None  # final: the predikat no longer changes
    assert "Capaian luar biasa tahun ini" in html
    assert "1 too many" in html


# --- Setting the organisation predikat ------------------------------------------------------------


def test_the_leader_sets_the_organisation_predikat(people, org):
    response = people["mayor"].post(page(org, action="predikat/"), {"org_predikat": "ISTIMEWA"})

    assert response.status_code == 302 and response["Location"] == page(org)
    with org:
        assert unit_period().org_predikat == "ISTIMEWA"


@pytest.mark.parametrize(
    ("persona", "status"), [("head", 403), ("admin", 403), ("kabid", 404), ("employee", 404)]
)
def test_others_cannot_set_the_organisation_predikat(people, org, persona, status):
    response = people[persona].post(page(org, action="predikat/"), {"org_predikat": "ISTIMEWA"})

    assert response.status_code == status
    with org:
        assert unit_period() is None


@pytest.mark.parametrize("value", ["", "EXCELLENT", "istimewa"])
def test_a_predikat_outside_the_choices_is_refused_on_the_page(people, org, value):
    response = people["mayor"].post(page(org, action="predikat/"), {"org_predikat": value})

    assert response.status_code == 400
    assert response.context["org_form"].errors
    with org:
        assert unit_period() is None


def test_the_predikat_pages_take_posts_only(people, org):
    assert people["mayor"].get(page(org, action="predikat/")).status_code == 405
    assert people["head"].get(page(org, action="final/")).status_code == 405


# --- Finalising -----------------------------------------------------------------------------------


def test_the_head_finalises_a_clean_distribution(people, org):
    with org:
        rate_all(GOOD)
        org_set(value=B)

    response = people["head"].post(page(org, action="final/"), {"version": 1})

    assert response.status_code == 302
    with org:
        assert unit_period().state == "final"
        assert states(GOOD) == {"final"}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mayor", 403),
        ("sekda", 403),
        ("admin", 403),
        ("head_dinkes", 404),
        ("kabid", 404),
        ("employee", 404),
        ("anonymous", 302),
    ],
)
def test_nobody_else_finalises_the_opd(people, org, persona, status):
    with org:
        rate_all(GOOD)
        org_set(value=B)

    assert people[persona].post(page(org, action="final/"), {"version": 1}).status_code == status
    with org:
        assert unit_period().state == "open"
        assert states(GOOD) == {"evaluated"}


def test_the_block_policy_refuses_and_lists_every_broken_rule(people, org):
    with org:
        policy("block")
        rate_all(TOO_GOOD)
        org_set(value=B)

    response = english(people["head"]).post(
        page(org, action="final/"), {"version": 1, "override_reason": "Kami tetap ingin final"}
    )

    assert response.status_code == 400
    error = response.context["finalise_error"]
    assert "there are 5, 1 too many" in error and "there are 0, 1 missing" in error
    with org:
        assert unit_period().state == "open"
        assert states(TOO_GOOD) == {"evaluated"}


def test_the_override_policy_offers_a_reason_field(people, org):
    with org:
        policy("override")
        rate_all(TOO_GOOD)
        org_set(value=B)

    response = people["head"].get(page(org))

    assert "override_reason" in response.context["finalise_form"].fields
    assert 'name="override_reason"' in response.content.decode()


def test_no_reason_field_without_a_broken_rule(people, org):
    with org:
        policy("override")
        rate_all(GOOD)
        org_set(value=B)

    response = people["head"].get(page(org))

    assert "override_reason" not in response.context["finalise_form"].fields


@pytest.mark.parametrize("reason", ["", "pendek"])
def test_an_override_without_a_reason_is_refused(people, org, reason):
    with org:
        policy("override")
        rate_all(TOO_GOOD)
        org_set(value=B)

    response = english(people["head"]).post(
        page(org, action="final/"), {"version": 1, "override_reason": reason}
    )

    assert response.status_code == 400
    assert "at least 10 characters" in response.context["finalise_error"]
    assert response.context["finalise_form"]["override_reason"].value() == reason
    with org:
        assert unit_period().state == "open"


def test_an_override_with_a_reason_finalises(people, org):
    with org:
        policy("override")
        rate_all(TOO_GOOD)
        org_set(value=B)

    response = people["head"].post(
        page(org, action="final/"),
        {"version": 1, "override_reason": "Capaian luar biasa tahun ini"},
    )

    assert response.status_code == 302
    with org:
        period = unit_period()
        assert (period.state, period.override_reason) == ("final", "Capaian luar biasa tahun ini")
        assert len(period.violations) == 2


def test_a_stale_page_does_not_finalise(people, org):
    with org:
        rate_all(GOOD)
        org_set(value="ISTIMEWA")
        org_set(value=B)

    response = english(people["head"]).post(page(org, action="final/"), {"version": 1})

    assert response.status_code == 400
    assert "changed meanwhile" in response.context["finalise_error"]
    assert response.context["finalise_form"]["version"].value() == 2  # the fresh form


@pytest.mark.parametrize("data", [{}, {"version": "x"}, {"version": -1}, {"version": "1" * 30}])
def test_a_bad_finalise_form_changes_nothing(people, org, data):
    with org:
        rate_all(GOOD)
        org_set(value=B)

    assert people["head"].post(page(org, action="final/"), data).status_code == 400
    with org:
        assert unit_period().state == "open"


def test_evaluations_still_to_rate_are_listed_and_stop_the_finalise(people, org):
    with org:
        rate_all({k: v for k, v in GOOD.items() if k != ANALIS})
        evaluation(ANALIS, state="submitted")
        org_set(value=B)

    shown = english(people["head"]).get(page(org))
    refused = people["head"].post(page(org, action="final/"), {"version": 1})

    assert "Rudi Hartono" in shown.content.decode()
    assert shown.context["finalise_form"] is not None and shown.context["c"].blockers
    assert refused.status_code == 400 and "Rudi Hartono" in refused.context["finalise_error"]
    with org:
        assert Evaluation.objects.get(skp__employee__nip=ANALIS).state == "submitted"


# --- The list, the menus and the home card --------------------------------------------------------


def test_the_list_shows_each_opd_and_period_with_its_state(people, org):
    with org:
        rate_all(GOOD)
        rate_all(GOOD, period=MAY)
        org_set(value=B)

    response = people["head"].get(LIST, {"tahun": PERIOD[:4]})

    ((unit, cells),) = response.context["grid"]
    status = {cell.period.code: cell.status for cell in cells}
    assert unit.code == "BKPSDMD"
    assert (status[PERIOD], status[MAY], status[PERIOD[:4] + "-01"]) == ("ready", "no_org", "empty")
    assert len(cells) == 13  # twelve months and the year


def test_the_menus_offer_the_pages_to_who_may_see_them(people):
    def menu(persona):
        return people[persona].get("/").content.decode()

    assert OVERVIEW in menu("mayor") and LIST in menu("mayor")
    assert OVERVIEW in menu("head") and LIST in menu("admin")
    assert OVERVIEW not in menu("employee") and LIST not in menu("kabid")


def test_the_head_of_an_opd_is_told_a_period_is_ready_to_finalise(people, org):
    with org:
        rate_all(GOOD)
        org_set(value=B)

    home = people["head"].get("/").content.decode()
    other = people["head_dinkes"].get("/").content.decode()

    assert page(org) in home
    assert page(org) not in other


# --- Queries --------------------------------------------------------------------------------------


def _queries(client, url, data=None) -> int:
    client.get(url, data)  # the first request of a client may warm something up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(captured)


def test_the_pages_run_the_same_queries_whatever_the_number_of_people(people, org):
    with org:
        rate_all(GOOD)
        org_set(value=B)
    urls = [(OVERVIEW, {"periode": PERIOD}), (LIST, {"tahun": PERIOD[:4]}), (page(org), None)]
    few = {url: _queries(people["mayor"], url, data) for url, data in urls}
    head = _queries(people["head"], page(org))
    with org:
        extra = staff(30) + staff(10, "DINKES")
        rate_all(dict.fromkeys(extra[:25], B))
        rate_all(dict.fromkeys(extra[25:], "SANGAT_BAIK"), state="submitted")
        rate_all(GOOD, period=MAY)

    assert {url: _queries(people["mayor"], url, data) for url, data in urls} == few
    assert _queries(people["head"], page(org)) == head
    assert few[page(org)] <= 20 and few[OVERVIEW] <= 15 and few[LIST] <= 12
