"""The home page's notifications of the performance cycle (core/performance/notifications.py
and the cards of core/performance/ui_calibration.py and ui_skp.py): the OPD periods whose
organisation predikat is still to set, for whoever sets it, and the employee's evaluation of
the current period not started, or not submitted in the period's last week.

The personas' Pemda evaluates monthly (Model Surabaya). Last year's periods have always
ended; the current one is running."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core.config.periods import Period, PeriodKind, period_of
from core.org.models import Employee, Unit
from core.org.tree import org_refresh_all
from core.performance.models import Evaluation, Skp, UnitPeriod
from core.performance.notifications import (
    OPDS_NAMED,
    my_skp_status,
    org_predikat_to_set,
)
from core.performance.services import skp_get_or_create
from core.performance.ui_calibration import CARD_PERIODS_SHOWN
from tests.conftest import personas_import
from tests.factories import EmployeeFactory
from tests.performance.test_calibration import B, evaluation, opd, org_set, user
from tests.personas import ANALIS, KABAN, KABID, KADINKES, LOGINS, SEKDA, STAF_DINKES

pytestmark = pytest.mark.django_db

HOME = "/"
ORG_PREDIKAT = "performance.org_predikat"
MY_SKP = "performance.my_skp"
YEAR = datetime.date.today().year
LAST_JUNE, LAST_JULY = f"{YEAR - 1}-06", f"{YEAR - 1}-07"  # ended
BKPSDMD = "Badan Kepegawaian dan Pengembangan SDM Daerah"


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def cards(response) -> dict[str, dict]:
    assert response.status_code == 200
    return {card.key: context for card, context in response.context["cards"]}


def to_rate(client) -> list[tuple[str, int, list[str]]] | None:
    """The organisation predikat card as (period, OPDs, the OPDs named), or None."""
    card = cards(client.get(HOME)).get(ORG_PREDIKAT)
    if card is None:
        return None
    return [
        (row.period.code, row.count, [name for _pk, name in row.opds]) for row in card["periods"]
    ]


def calibration_url(code: str, period: str) -> str:
    return f"/kinerja/kalibrasi/{opd(code).pk}/{period}/"


def current_period() -> Period:
    return period_of(PeriodKind.MONTHLY, timezone.localdate())


# --- The organisation predikat to set ------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mayor", "sekda"])
def test_a_leader_sees_an_ended_opd_period_until_its_predikat_is_set(people, org, persona):
    with org:
        evaluation(ANALIS, state="draft", period=LAST_JUNE)
        link = calibration_url("BKPSDMD", LAST_JUNE)

    response = in_english(people[persona]).get(HOME)

    assert to_rate(people[persona]) == [(LAST_JUNE, 1, [BKPSDMD])]
    page = response.content.decode()
    assert "Organisation predikat to set" in page
    assert f'href="{link}"' in page  # set on the OPD's calibration page
    with org:
        org_set(period=LAST_JUNE, by="pimpinan" if persona == "mayor" else SEKDA)
    assert to_rate(people[persona]) is None
    assert "Organisation predikat to set" not in people[persona].get(HOME).content.decode()


def test_the_link_opens_the_calibration_page_where_the_leader_sets_it(people, org):
    with org:
        evaluation(ANALIS, state="draft", period=LAST_JUNE)
        link = calibration_url("BKPSDMD", LAST_JUNE)

    page = people["mayor"].get(link)

    assert page.status_code == 200 and page.context["org_form"] is not None


def test_an_opd_period_without_a_row_or_with_an_empty_predikat_counts_as_not_set(people, org):
    """A row made by the head's visit before anyone rated it: still to set."""
    with org:
        evaluation(ANALIS, state="draft", period=LAST_JUNE)
        evaluation(STAF_DINKES, state="draft", period=LAST_JUNE)
        UnitPeriod.objects.create(opd=opd("DINKES"), period=LAST_JUNE)

    assert to_rate(people["mayor"]) == [(LAST_JUNE, 2, [BKPSDMD, "Dinas Kesehatan"])]


def test_the_heads_appraiser_sees_the_opds_of_the_heads_they_appraise_only(people, org):
    """The Kabid is made the atasan of the head of Dinas Kesehatan (by hand): he sets that
    OPD's predikat, not his own OPD's; the Sekda, who appraises the heads, sees both."""
    with org:
        Employee.objects.filter(nip=KADINKES).update(
            atasan_override=Employee.objects.get(nip=KABID)
        )
        evaluation(ANALIS, state="draft", period=LAST_JUNE)
        evaluation(STAF_DINKES, state="draft", period=LAST_JUNE)
        link = calibration_url("DINKES", LAST_JUNE)

    assert to_rate(people["kabid"]) == [(LAST_JUNE, 1, ["Dinas Kesehatan"])]
    assert to_rate(people["sekda"]) == [(LAST_JUNE, 2, [BKPSDMD, "Dinas Kesehatan"])]
    assert f'href="{link}"' in people["kabid"].get(HOME).content.decode()
    assert people["kabid"].get(link).status_code == 200  # the link leads somewhere he may go

    with org:
        org_set("DINKES", period=LAST_JUNE, by=KABID)
    assert to_rate(people["kabid"]) is None
    assert to_rate(people["sekda"]) == [(LAST_JUNE, 1, [BKPSDMD])]


@pytest.mark.parametrize("persona", ["employee", "kasub", "head", "head_dinkes", "admin"])
def test_whoever_does_not_set_an_opds_predikat_does_not_get_the_card(people, org, persona):
    """A plain employee, an atasan of no head, the heads of OPD (each appraises no other
    head), the admin (who reads but does not rate)."""
    with org:
        for nip in (ANALIS, KABAN, STAF_DINKES, KADINKES):
            evaluation(nip, B, period=LAST_JUNE)
    assert to_rate(people["mayor"]) == [(LAST_JUNE, 2, [BKPSDMD, "Dinas Kesehatan"])]

    response = people[persona].get(HOME)

    assert ORG_PREDIKAT not in cards(response)
    with org:
        assert org_predikat_to_set(user=user(LOGINS[persona])) == []


def test_another_pemdas_opds_never_appear(people, org, jambi):
    """Kota Jambi with the same organisation (and the same ids), its Dinas Kesehatan renamed
    and evaluated: Surabaya's leader sees Surabaya's OPDs only, and the reverse."""
    with jambi:
        personas_import()
        Unit.objects.filter(code="DINKES").update(name="Dinas Kesehatan Kota Jambi")
        for nip in (STAF_DINKES, ANALIS):
            evaluation(nip, state="draft", period=LAST_JUNE)
        evaluation(STAF_DINKES, state="draft", period=LAST_JULY)
        jambi_rows = org_predikat_to_set(user=user(SEKDA))
    with org:
        evaluation(ANALIS, state="draft", period=LAST_JUNE)

    assert to_rate(people["mayor"]) == [(LAST_JUNE, 1, [BKPSDMD])]
    assert "Kota Jambi" not in people["mayor"].get(HOME).content.decode()
    assert [(row.period.code, row.count) for row in jambi_rows] == [(LAST_JULY, 1), (LAST_JUNE, 2)]


def test_a_running_period_is_listed_once_its_evaluations_are_underway(people, org):
    """The rule (core.performance.notifications): a period that has ended, or a running one
    with an evaluation already submitted or rated. A running period's drafts alone are no
    reason yet."""
    current = current_period().code
    with org:
        evaluation(ANALIS, state="draft", period=current)
    assert to_rate(people["mayor"]) is None

    with org:
        Evaluation.objects.filter(period=current).update(state="submitted")
    card = cards(people["mayor"].get(HOME))[ORG_PREDIKAT]
    assert [(row.period.code, row.ended, row.count) for row in card["periods"]] == [
        (current, False, 1)
    ]


def test_only_periods_of_last_year_and_this_year_count_and_running_ones_once_underway(org):
    """Seen on a fixed day, 15 March: February has ended; March runs with a draft only (no
    reason yet); May has not started but an evaluation of it is submitted already (early,
    and nothing forbids it); the year runs with an evaluation rated; the year before last is
    too old."""
    today = datetime.date(YEAR, 3, 15)
    with org:
        for period in (f"{YEAR}-02", f"{YEAR}-05", f"{YEAR - 2}-11"):
            evaluation(ANALIS, state="submitted", period=period)
        evaluation(ANALIS, B, period=f"{YEAR}")  # the annual evaluation, rated
        evaluation(STAF_DINKES, state="draft", period=f"{YEAR}-03")  # running, a draft

        rows = org_predikat_to_set(user=user("pimpinan"), today=today)

    assert [(row.period.code, row.ended, row.count) for row in rows] == [
        (f"{YEAR}", False, 1),
        (f"{YEAR}-05", False, 1),
        (f"{YEAR}-02", True, 1),
    ]


def test_counts_are_per_period_with_the_first_opds_named_and_cost_the_same_for_many(people, org):
    with org:
        evaluation(ANALIS, state="draft", period=LAST_JUNE)
        leader = user("pimpinan")
        with CaptureQueriesContext(connection) as few:
            org_predikat_to_set(user=leader)

        # Twelve more OPDs, one person each, evaluated in June; five of them in July too.
        people_of_new_opds = EmployeeFactory.create_batch(12)
        org_refresh_all()
        for employee in people_of_new_opds:
            evaluation(employee.nip, state="draft", period=LAST_JUNE)
        for employee in people_of_new_opds[:5]:
            evaluation(employee.nip, B, period=LAST_JULY)
        org_set(period=LAST_JUNE)  # BKPSDMD's June is rated: not counted
        with CaptureQueriesContext(connection) as many:
            rows = org_predikat_to_set(user=leader)
        names = dict(Unit.objects.filter(parent=None).values_list("pk", "name"))
        june = sorted(names[e.unit_id] for e in people_of_new_opds)  # each unit an OPD
        july = sorted(names[e.unit_id] for e in people_of_new_opds[:5])

    assert len(few) == len(many) <= 2
    assert [(row.period.code, row.count, row.more) for row in rows] == [
        (LAST_JULY, 5, 5 - OPDS_NAMED),
        (LAST_JUNE, 12, 12 - OPDS_NAMED),
    ]
    assert [name for _pk, name in rows[0].opds] == july[:OPDS_NAMED]
    assert [name for _pk, name in rows[1].opds] == june[:OPDS_NAMED]
    page = in_english(people["mayor"]).get(HOME).content.decode()
    assert "12 OPDs" in page and f"{12 - OPDS_NAMED} more OPDs" in page
    assert f'href="/kinerja/kalibrasi/?tahun={YEAR - 1}"' in page


def test_the_card_shows_the_latest_periods_and_counts_the_rest(people, org):
    months = [f"{YEAR - 1}-{month:02d}" for month in range(1, CARD_PERIODS_SHOWN + 3)]
    with org:
        for period in months:
            evaluation(ANALIS, state="draft", period=period)

    card = cards(in_english(people["sekda"]).get(HOME))[ORG_PREDIKAT]

    assert [row.period.code for row in card["periods"]] == months[::-1][:CARD_PERIODS_SHOWN]
    assert (card["more"], card["more_year"]) == (2, YEAR - 1)
    body = people["sekda"].get(HOME).content.decode()
    assert "2 more periods" in body


def test_the_leaders_home_page_costs_the_same_for_one_or_many_opds_to_rate(people, org):
    with org:
        evaluation(ANALIS, state="draft", period=LAST_JUNE)
    client = people["mayor"]
    client.get(HOME)
    with CaptureQueriesContext(connection) as one:
        client.get(HOME)
    with org:
        newcomers = EmployeeFactory.create_batch(8)  # each in an OPD of their own
        org_refresh_all()
        for employee in newcomers:
            evaluation(employee.nip, state="draft", period=LAST_JULY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(HOME)

    assert [(row.period.code, row.count) for row in cards(response)[ORG_PREDIKAT]["periods"]] == [
        (LAST_JULY, 8),
        (LAST_JUNE, 1),
    ]
    assert len(many) == len(one)
    card_sql = [q["sql"] for q in many.captured_queries if "performance_evaluation" in q["sql"]]
    assert len(card_sql) == 1  # the card's one query (and the period setting)


# --- The employee's own evaluation ---------------------------------------------------------------


def test_an_employee_without_an_skp_is_offered_to_start_it(people, org):
    client = in_english(people["employee"])
    response = client.get(HOME)
    card = cards(response)[MY_SKP]
    page = response.content.decode()

    assert card["skp"] is None and not card["status"].evaluation_not_started
    assert f'action="/kinerja/skp/?tahun={YEAR}"' in page and "Start my SKP" in page

    client.post(f"/kinerja/skp/?tahun={YEAR}")
    with org:
        assert Skp.objects.filter(employee__nip=ANALIS, year=YEAR).exists()
    assert "Start my SKP" not in client.get(HOME).content.decode()


def test_the_evaluation_line_appears_when_the_period_is_not_started_and_goes_once_it_is(
    people, org
):
    current = current_period()
    with org:
        skp = skp_get_or_create(employee=Employee.objects.get(nip=ANALIS), year=YEAR)
    start = f"/kinerja/skp/{skp.pk}/evaluasi/{current.code}/"
    client = in_english(people["employee"])

    response = client.get(HOME)
    status = cards(response)[MY_SKP]["status"]
    page = response.content.decode()

    assert status.period == current and status.evaluation_not_started
    assert f'action="{start}"' in page
    with translation.override("en"):
        assert "not started" in page and current.label in page

    started = client.post(start)  # the card's button
    with org:
        evaluation = Evaluation.objects.get(skp=skp, period=current.code)
    assert (
        started.status_code == 302 and started["Location"] == f"/kinerja/evaluasi/{evaluation.pk}/"
    )
    response = client.get(HOME)
    status = cards(response)[MY_SKP]["status"]
    assert not status.evaluation_not_started and status.evaluation["pk"] == evaluation.pk
    assert f'action="{start}"' not in response.content.decode()


def test_the_line_is_only_for_the_owner_of_the_skp(people, org):
    """The Kasubbid sees her own SKP's state, never her analyst's."""
    with org:
        skp_get_or_create(employee=Employee.objects.get(nip=ANALIS), year=YEAR)

    status = cards(people["kasub"].get(HOME))[MY_SKP]["status"]

    assert status.skp is None and not status.evaluation_not_started
    assert MY_SKP not in cards(people["mayor"].get(HOME))  # no employee record, no SKP


def test_in_the_last_week_an_unsubmitted_evaluation_is_said_to_end_soon(org):
    current = current_period()
    with org:
        me = Employee.objects.get(nip=ANALIS)
        skp = skp_get_or_create(employee=me, year=YEAR)
        early = my_skp_status(employee=me, today=current.start)
        late = my_skp_status(employee=me, today=current.end - datetime.timedelta(days=2))
        evaluation(ANALIS, state="draft", period=current.code)
        draft = my_skp_status(employee=me, today=current.end)
        Evaluation.objects.filter(skp=skp).update(state="submitted")
        sent = my_skp_status(employee=me, today=current.end)

    assert (early.evaluation_not_started, early.ending_soon) == (True, False)
    assert (late.evaluation_not_started, late.ending_soon, late.days_left) == (True, True, 2)
    assert (draft.evaluation_not_started, draft.ending_soon, draft.days_left) == (False, True, 0)
    assert draft.evaluation["state"] == "draft"
    assert not sent.ending_soon


def test_the_home_page_warns_of_a_draft_in_the_periods_last_days(people, org, monkeypatch):
    current = current_period()
    last_days = current.end - datetime.timedelta(days=3)
    real = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda *args, **kwargs: real(*args, **kwargs) if args or kwargs else last_days,
    )
    with org:
        draft = evaluation(ANALIS, state="draft", period=current.code)

    response = in_english(people["employee"]).get(HOME)
    page = response.content.decode()

    assert cards(response)[MY_SKP]["status"].ending_soon
    with translation.override("en"):
        label = current.label
    assert f"{label} ends in 3 days and your evaluation of it is not submitted yet" in page
    assert f'href="/kinerja/evaluasi/{draft.pk}/"' in page


def test_may_rate_opd_and_opds_rated_by_are_the_same_rule_for_everyone(org):
    """The rule in its two forms (core.performance.access): one answer per person and OPD,
    also for an inactive head (nobody appraises them) and a head made someone's appraisee."""
    from core.accounts.models import User
    from core.performance.access import may_rate_opd, opds_rated_by

    with org:
        Employee.objects.filter(nip=KADINKES).update(
            atasan_override=Employee.objects.get(nip=KABID)
        )
        Employee.objects.filter(nip=KABAN).update(is_active=False)
        opds = list(Unit.objects.filter(parent__isnull=True).select_related("head"))
        for account in User.objects.all():
            listed = set(opds_rated_by(account).values_list("pk", flat=True))
            for unit in opds:
                assert may_rate_opd(account, unit) == (unit.pk in listed), (account, unit)
