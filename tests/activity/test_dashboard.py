"""The leader's real-time view (core.activity.dashboard, /aktivitas/pimpinan/): who sees
which level, what the rows add up to, the live part's 204 until something changes, and a
fixed number of queries whatever the number of rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.activity import services
from core.activity.indices import month_recompute
from core.activity.models import MonthlyIndex
from core.org.models import Employee, Unit
from tests.activity.test_services import TODAY, YESTERDAY, log, present, user
from tests.factories import EmployeeFactory
from tests.personas import ANALIS, KASUB, PPPK

pytestmark = pytest.mark.django_db

PAGE = "/aktivitas/pimpinan/"
LIVE = "/aktivitas/pimpinan/langsung/"
MONTH = "2026-05"
BKPSDMD = "Badan Kepegawaian dan Pengembangan SDM Daerah"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: TODAY)


@pytest.fixture
def month(org):
    """The analyst logged two hours yesterday, approved; the PPPK one hour, waiting."""
    with org:
        present(ANALIS, YESTERDAY)
        present(PPPK, YESTERDAY)
        entry = log(quantity="4")  # 120 minutes
        log(nip=PPPK, quantity="2")  # 60, waiting
        services.activities_decide(by=user(KASUB), ids=[entry.pk], approve=True)
        month_recompute(TODAY)
    return org


def rows(response) -> dict[str, object]:
    return {row.label: row for row in response.context["view"].rows}


def test_the_mayor_sees_every_opd_and_drills_down_to_a_person(month, people):
    page = people["mayor"].get(f"{PAGE}?bulan={MONTH}")
    assert page.status_code == 200
    bkpsdmd = rows(page)[BKPSDMD]
    assert (bkpsdmd.approved, bkpsdmd.pending) == (120, 60)
    assert bkpsdmd.capacity == bkpsdmd.people * 6250
    with month:
        opd = Unit.objects.get(code="BKPSDMD")
        unit = Employee.objects.get(nip=ANALIS).unit
        analyst = Employee.objects.get(nip=ANALIS)
    level = people["mayor"].get(f"{PAGE}?opd={opd.pk}&bulan={MONTH}")
    assert level.context["view"].level == "opd"
    staff = people["mayor"].get(f"{PAGE}?unit={unit.pk}&bulan={MONTH}")
    by_name = {row.key: row for row in staff.context["view"].rows}
    assert by_name[analyst.pk].approved == 120
    person = people["mayor"].get(f"/aktivitas/pimpinan/pegawai/{analyst.pk}/?bulan={MONTH}")
    assert person.status_code == 200
    assert [row[1]["approved"] for row in person.context["rows"]] == [120]


def test_the_head_of_an_opd_sees_their_opd_only(month, people):
    page = people["head"].get(f"{PAGE}?bulan={MONTH}")
    assert page.context["view"].level == "opd"
    with month:
        dinkes = Unit.objects.get(code="DINKES")
        staff = Employee.objects.filter(unit__opd=dinkes).first()
    assert people["head"].get(f"{PAGE}?opd={dinkes.pk}").status_code == 404
    assert people["head"].get(f"{PAGE}?unit={dinkes.pk}").status_code == 404
    assert people["head"].get(f"/aktivitas/pimpinan/pegawai/{staff.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["employee", "kasub", "kabid"])
def test_staff_and_atasan_do_not_get_the_view(month, people, persona):
    for url in (PAGE, LIVE, "/aktivitas/pimpinan/pegawai/1/"):
        assert people[persona].get(url).status_code == 403, url


def test_another_pemdas_units_resolve_nowhere(month, people, jambi):
    with jambi:
        unit = Unit.objects.first()
    if unit is not None:
        assert people["mayor"].get(f"{PAGE}?unit={unit.pk + 100000}").status_code == 404
    assert people["mayor"].get(f"{PAGE}?unit=abc").status_code == 404


def test_the_live_part_answers_204_until_an_approval_changes_the_month(month, people):
    page = people["mayor"].get(f"{PAGE}?bulan={MONTH}")
    stamp = page.context["view"].stamp
    assert stamp
    quiet = people["mayor"].get(LIVE, {"bulan": MONTH, "sejak": stamp})
    assert quiet.status_code == 204
    with month:
        waiting = MonthlyIndex.objects.get(employee__nip=PPPK, month=date(2026, 5, 1))
        assert waiting.pending_minutes == 60
        from core.activity.models import Activity

        entry = Activity.objects.get(employee__nip=PPPK, state="pending")
        services.activities_decide(by=user(KASUB), ids=[entry.pk], approve=True)
        # No recompute: the decision itself moved the month's minutes (core.activity.rollup).
    changed = people["mayor"].get(LIVE, {"bulan": MONTH, "sejak": stamp})
    assert changed.status_code == 200
    bkpsdmd = rows(changed)[BKPSDMD]
    assert bkpsdmd.approved == 180 and bkpsdmd.pending == 0
    assert changed.context["view"].stamp != stamp


def test_the_view_costs_the_same_whatever_the_number_of_rows(month, people):
    """Each level's statements counted, then again with 15 more people in the unit (their
    month rows made): the same counts."""
    with month:
        unit = Employee.objects.get(nip=ANALIS).unit
        opd = Unit.objects.get(code="BKPSDMD")
    client = people["mayor"]
    urls = (
        f"{PAGE}?bulan={MONTH}",
        f"{PAGE}?opd={opd.pk}&bulan={MONTH}",
        f"{PAGE}?unit={unit.pk}&bulan={MONTH}",
    )

    def counted() -> list[int]:
        counts = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    few = counted()
    with month:
        for _ in range(15):
            EmployeeFactory(unit=unit)
        month_recompute(TODAY)
    assert counted() == few
    # Five for every page, the level (the OPD, the unit), then the rows, month rows, people
    # without one, predikat, holidays, late entries, KPI, stamp, and the Pemda's settings
    # read inside the test's transaction (cached per process otherwise).
    assert max(few) <= 21, few


def test_people_without_a_month_row_count_where_they_are_with_nothing_done(month, people):
    """Early in a month, before any recompute, most people have no month row: the OPD's and
    the Pemda's rows still count them, as the unit's page does."""
    with month:
        unit = Employee.objects.get(nip=ANALIS).unit
        opd = Unit.objects.get(code="BKPSDMD")
        MonthlyIndex.objects.exclude(employee__nip=ANALIS).delete()
        in_unit = Employee.objects.filter(is_active=True, unit=unit).count()
        in_opd = Employee.objects.filter(is_active=True, unit__opd=opd).count()
    page = people["mayor"].get(f"{PAGE}?opd={opd.pk}&bulan={MONTH}")
    units = {row.key: row for row in page.context["view"].rows}
    assert page.context["total"].people == in_opd > 1
    assert units[unit.pk].people == in_unit
    assert units[unit.pk].capacity == in_unit * 6250
    assert units[unit.pk].approved == 120
    staff = people["mayor"].get(f"{PAGE}?unit={unit.pk}&bulan={MONTH}")
    assert staff.context["total"].people == in_unit
    assert rows(people["mayor"].get(f"{PAGE}?bulan={MONTH}"))[BKPSDMD].people == in_opd


def test_an_opds_rows_add_up_to_its_units_after_a_move_and_a_departure(month, people):
    """Each figure of a row counts the same people: the month rows of active employees,
    where their row puts them. Someone who left is out of every row; someone moved (their
    month recomputed) counts in their new unit, minutes and head alike."""
    with month:
        opd = Unit.objects.get(code="BKPSDMD")
        analyst = Employee.objects.get(nip=ANALIS)
        old_unit = analyst.unit
        new_unit = Unit.objects.filter(opd=opd).exclude(pk=old_unit.pk).first()
        Employee.objects.filter(nip=PPPK).update(is_active=False)
        Employee.objects.filter(pk=analyst.pk).update(unit=new_unit)
        month_recompute(TODAY)
        active = Employee.objects.filter(is_active=True, unit__opd=opd).count()
    page = people["mayor"].get(f"{PAGE}?opd={opd.pk}&bulan={MONTH}")
    units = {row.key: row for row in page.context["view"].rows}
    total = page.context["total"]
    assert total.people == active
    assert total.pending == 0  # the PPPK's waiting hour left with them
    assert (units[new_unit.pk].approved, units[old_unit.pk].approved) == (120, 0)
    assert total.approved == 120
    staff = people["mayor"].get(f"{PAGE}?unit={new_unit.pk}&bulan={MONTH}")
    assert staff.context["total"].people == units[new_unit.pk].people  # the unit's page agrees
    assert staff.context["total"].approved == 120
    pemda = people["mayor"].get(f"{PAGE}?bulan={MONTH}")
    bkpsdmd = rows(pemda)[BKPSDMD]
    assert (bkpsdmd.people, bkpsdmd.approved, bkpsdmd.pending) == (active, 120, 0)


def test_a_bad_month_falls_back_to_this_month(month, people):
    page = people["mayor"].get(f"{PAGE}?bulan=2026-13")
    assert page.context["view"].month == date(2026, 5, 1)
    same = people["mayor"].get(f"{PAGE}?bulan={MONTH}")
    assert page.context["total"].approved == same.context["total"].approved == 120


def test_minutes_move_between_logged_waiting_and_approved_as_entries_are_decided(org):
    from core.activity import rollup

    with org:
        analyst = Employee.objects.get(nip=ANALIS)
        first = date(2026, 5, 1)
        rollup.minutes_moved([(analyst.pk, YESTERDAY, 120, 0, 120), (analyst.pk, TODAY, 30, 0, 30)])
        row = MonthlyIndex.objects.get(employee=analyst, month=first)
        assert (row.logged_minutes, row.approved_minutes, row.pending_minutes) == (150, 0, 150)
        assert row.opd_id == analyst.unit.opd_id
        stamp = row.computed_at
        rollup.minutes_moved(
            [
                rollup.decided(analyst.pk, YESTERDAY, 120, "approved"),
                rollup.decided(analyst.pk, TODAY, 30, "rejected"),
            ]
        )
        row.refresh_from_db()
        assert (row.logged_minutes, row.approved_minutes, row.pending_minutes) == (120, 120, 0)
        assert row.computed_at > stamp
        rollup.minutes_moved([(analyst.pk, TODAY, -500, 0, -500)])  # never below zero
        row.refresh_from_db()
        assert (row.logged_minutes, row.pending_minutes) == (0, 0)


@pytest.mark.parametrize("raw", ["1-01", "9999-12", "0-0", "2026-99"])
def test_a_month_out_of_range_falls_back_to_this_month(org, people, raw):
    for url in (PAGE, LIVE):
        assert people["mayor"].get(url, {"bulan": raw}).status_code in (200, 204)


def test_a_head_whose_unit_has_no_opd_sees_nothing_rather_than_everything(org, people):
    with org:
        head = Employee.objects.get(nip="197205151995032002")  # KABAN
        Unit.objects.filter(pk=head.unit_id).update(opd=None)
    assert people["head"].get(PAGE).status_code == 403


def test_the_view_shows_the_rhk_realisation_against_target(month, people):
    """The analyst's IKI counts 12 reports over the year; by the end of May 5 are due. They
    report 3 (60 %), counted once submitted, on their row, their unit's and their OPD's
    (nobody else reported)."""
    from core.performance import evaluation as ev
    from tests.performance.test_evaluation_services import _iki, draft

    with month:
        evaluation = draft(ANALIS, code=MONTH)
        owner = user(ANALIS)
        ev.realisation_set(evaluation=evaluation, by=owner, iki=_iki(evaluation), value=3)
        ev.realisation_set(
            evaluation=evaluation, by=owner, iki=_iki(evaluation, "kualitatif"), text="Selesai"
        )
        month_recompute(TODAY)
        analyst = Employee.objects.get(nip=ANALIS)
        row = MonthlyIndex.objects.get(employee=analyst, month=date(2026, 5, 1))
        assert row.rhk is None  # a draft is not reported yet
        ev.evaluation_submit(evaluation=evaluation, by=owner, version=evaluation.version)
        month_recompute(TODAY)
        row.refresh_from_db()
        assert row.rhk == 60
    page = people["mayor"].get(f"{PAGE}?bulan={MONTH}")
    assert rows(page)[BKPSDMD].rhk == 60
    assert page.context["total"].rhk == 60
    staff = people["mayor"].get(f"{PAGE}?unit={analyst.unit_id}&bulan={MONTH}")
    by_key = {row.key: row for row in staff.context["view"].rows}
    assert by_key[analyst.pk].rhk == 60
    assert {row.rhk for key, row in by_key.items() if key != analyst.pk} == {None}
    assert "60,00 %" in staff.content.decode()
