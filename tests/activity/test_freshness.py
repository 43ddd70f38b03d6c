"""How the monthly indices stay fresh (core.activity.indices): a person's IKO weighs every
KPI that credits them (their OPD's, their units', their teams'), the writes that move an
index queue its recompute (a KPI's months, a rated perilaku), the hourly job catches the
rest, and the admin asks for a month again by hand; the "KPI saya" page shows the same IKO.

Personas: tests/personas.py (KABAN heads BKPSDMD, KASUB appraises ANALIS; DINKES is the
other OPD). Worked figures are written out next to each expected value."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied

from core.activity import kpi as kpis
from core.activity import rules, services
from core.activity.indices import month_recompute, person_indices
from core.activity.models import MonthlyIndex
from core.activity.tasks import activity_month_recompute_task
from core.audit.models import AuditEvent
from core.config.models import PolicySetting
from core.org.models import Employee
from core.performance import evaluation as ev
from tenants.dispatch import dispatch_item_run, pemda_dispatch, pemda_job_get, pemda_job_names
from tenants.models import DispatchItem, DispatchItemStatus
from tests.activity.test_kpi import YEAR, employee, kpi_data, team, unit, user
from tests.activity.test_services import TODAY, YESTERDAY, log, present
from tests.performance.test_evaluation_services import ALL, _iki, draft, period, rated, submitted
from tests.personas import (
    ANALIS,
    EVERYONE,
    KABAN,
    KABID,
    KADINKES,
    KASUB,
    PPPK,
    SEKDA,
    STAF_DINKES,
)

pytestmark = pytest.mark.django_db

MARCH = "2026-03"
RECOMPUTE = "/aktivitas/pimpinan/hitung-ulang/"
DASHBOARD = "/aktivitas/pimpinan/"
MINE = "/aktivitas/kpi/saya/"
RECOMPUTE_ACTION = "activity.indices.recompute"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: TODAY)  # 2026-05-20


@pytest.fixture
def queued(monkeypatch):
    """The recomputes queued (schema, month, employee ids), as the worker would get them."""
    sent = []
    monkeypatch.setattr(
        activity_month_recompute_task,
        "delay",
        lambda schema, day, employee_ids=None: sent.append((schema, day, employee_ids)),
    )
    return sent


def report(kpi, month, target, realisation=None) -> int:
    """The admin (who may change every KPI) sets a month's target and realisation."""
    return kpis.kpi_periods_set(
        kpi=kpi,
        by=user("admin"),
        targets={month: target},
        realisations=None if realisation is None else {month: realisation},
    )


def unit_kpi(code: str, name: str = "", **changes):
    """A KPI of the unit ``code``, added by the admin (who may add any unit's)."""
    return kpis.kpi_create(
        by=user("admin"),
        year=YEAR,
        unit=unit(code),
        **kpi_data(name=name or f"IKU {code}", **changes),
    )


def team_kpi(made, **changes):
    return kpis.kpi_create(by=user("admin"), year=made.year, team=made, **kpi_data(**changes))


def pk(nip: str) -> int:
    return Employee.objects.get(nip=nip).pk


def ikos(month: date) -> dict[str, Decimal | None]:
    return dict(MonthlyIndex.objects.filter(month=month).values_list("employee__nip", "iko"))


def rate(evaluation):
    """The appraiser (KASUB) rates a submitted evaluation of ANALIS or PPPK."""
    return ev.evaluation_rate(
        evaluation=evaluation,
        by=user(KASUB),
        hasil="SESUAI",
        behaviours=ALL,
        version=evaluation.version,
    )


def via_credits(nip: str, month: str) -> Decimal | None:
    """The IKO as the "KPI saya" page lists its KPIs: every KPI crediting the person."""
    return rules.organisation_index(
        (credit.kpi.weight, credit.achievement)
        for credit in kpis.kpis_crediting(employee(nip), month)
    )


# --- A person's IKO ---------------------------------------------------------------------------


def test_a_cross_opd_team_member_gets_the_teams_kpi_and_a_colleague_outside_the_team_does_not(
    org,
):
    with org:
        made = team(by="head", name="Tim Percepatan Stunting")  # led by KABAN, of BKPSDMD
        kpis.team_member_add(team=made, by=user("head"), nip=STAF_DINKES)
        report(team_kpi(made, name="Balita terpantau", weight="3"), MARCH, "100", "70")  # 70
        report(unit_kpi("DINKES"), MARCH, "50", "45")  # 90

        assert month_recompute(date(2026, 3, 1)) == len(EVERYONE)

        found = ikos(date(2026, 3, 1))
        assert found[STAF_DINKES] == Decimal("75.00")  # (3 × 70 + 1 × 90) ÷ 4: team and OPD
        assert found[KADINKES] == Decimal("90.00")  # same unit, not in the team: DINKES only
        assert found[KABAN] == Decimal("70.00")  # the lead: BKPSDMD has no KPI, the team has
        assert found[ANALIS] is None  # BKPSDMD, not in the team: nothing credits them


def test_a_person_in_a_sub_unit_is_credited_by_the_opds_and_every_unit_between(org):
    with org:
        report(unit_kpi("BKPSDMD", weight="2"), MARCH, "80", "60")  # 75
        report(unit_kpi("BKPSDMD.1", direction="lower"), MARCH, "10", "12")  # (2 − 1.2) × 100: 80
        report(unit_kpi("BKPSDMD.1.1", weight="5"), MARCH, "9")  # no realisation: left out
        report(unit_kpi("DINKES"), MARCH, "10", "1")  # another OPD's: 10
        pemda = kpis.kpi_create(by=user("admin"), year=YEAR, **kpi_data(name="IKU Pemda"))
        report(pemda, MARCH, "100", "0")  # the Pemda's own credits nobody

        month_recompute(date(2026, 3, 1))

        found = ikos(date(2026, 3, 1))
        assert found[ANALIS] == found[KASUB] == Decimal("76.67")  # (2 × 75 + 1 × 80) ÷ 3
        assert found[KABID] == Decimal("76.67")  # in the bidang itself
        assert found[KABAN] == Decimal("75.00")  # the OPD's only: the bidang is below them
        assert found[STAF_DINKES] == Decimal("10.00")
        assert found[SEKDA] is None


@pytest.fixture
def kpi_set(org):
    """One set of KPIs at every level, and teams whose members come from both OPDs:

    BKPSDMD w2 75 · bidang w1 80 (lower is better) · subbidang w1.5 100 (capped) and w5
    unreported · DINKES w1 90 · the Pemda's 0 · team A (KABAN, ANALIS, STAF_DINKES) w3 70 ·
    team B (KADINKES) w2 25 · a team of 2027 (ANALIS) 100 in 2027-03 only."""
    with org:
        report(kpis.kpi_create(by=user("admin"), year=YEAR, **kpi_data()), MARCH, "100", "0")
        report(unit_kpi("BKPSDMD", weight="2"), MARCH, "80", "60")
        report(unit_kpi("BKPSDMD.1", direction="lower"), MARCH, "10", "12")
        report(unit_kpi("BKPSDMD.1.1", weight="1.5"), MARCH, "4", "5")
        report(unit_kpi("BKPSDMD.1.1", name="Belum dilaporkan", weight="5"), MARCH, "9")
        report(unit_kpi("DINKES"), MARCH, "50", "45")
        a = team(by="head", name="Tim A")
        kpis.team_members_add(team=a, by=user("head"), nips=[ANALIS, STAF_DINKES])
        report(team_kpi(a, name="Tim A", weight="3"), MARCH, "100", "70")
        b = team(by="admin", name="Tim B", lead=KADINKES)
        report(team_kpi(b, name="Tim B", weight="2"), MARCH, "20", "5")
        later = kpis.team_create(by=user("admin"), name="Tim 2027", year=YEAR + 1, lead=ANALIS)
        report(team_kpi(later, name="Tim 2027"), "2027-03", "10", "10")
    return org


def test_every_persons_iko_is_the_weighted_index_of_the_kpis_crediting_them(kpi_set):
    expected = {
        SEKDA: None,  # SETDA has no KPI, nor a team
        KABAN: Decimal("72.00"),  # (2 × 75 + 3 × 70) ÷ 5
        KABID: Decimal("76.67"),  # (2 × 75 + 1 × 80) ÷ 3
        KASUB: Decimal("84.44"),  # (2 × 75 + 1 × 80 + 1.5 × 100) ÷ 4.5
        PPPK: Decimal("84.44"),
        ANALIS: Decimal("78.67"),  # KASUB's, and team A: (380 + 3 × 70) ÷ 7.5
        KADINKES: Decimal("46.67"),  # (1 × 90 + 2 × 25) ÷ 3
        STAF_DINKES: Decimal("75.00"),  # (1 × 90 + 3 × 70) ÷ 4
    }
    with kpi_set:
        month_recompute(date(2026, 3, 1))
        stored = ikos(date(2026, 3, 1))
        listed = {nip: via_credits(nip, MARCH) for nip in EVERYONE}
        computed = person_indices(MARCH)
        by_id = {nip: computed[pk(nip)] for nip in EVERYONE}

    assert stored == expected
    assert listed == expected  # the same KPIs as the "KPI saya" page lists
    assert by_id == expected


def test_the_iko_of_a_few_people_is_computed_alone_as_for_everyone(kpi_set):
    with kpi_set:
        month_recompute(date(2026, 3, 1), employee_ids=[pk(ANALIS), pk(STAF_DINKES)])
        assert ikos(date(2026, 3, 1)) == {ANALIS: Decimal("78.67"), STAF_DINKES: Decimal("75.00")}
        assert person_indices(MARCH, [pk(KADINKES)]) == {pk(KADINKES): Decimal("46.67")}


def test_a_month_without_a_reported_kpi_gives_nobody_an_iko(kpi_set):
    with kpi_set:
        month_recompute(date(2026, 4, 1))
        assert set(ikos(date(2026, 4, 1)).values()) == {None}


# --- A KPI's months queue the recompute of whom it credits ---------------------------------------


def test_a_units_kpi_queues_the_begun_months_of_everyone_in_it_and_below(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        bidang = unit_kpi("BKPSDMD.1")
        credited = sorted(pk(nip) for nip in (KABID, KASUB, ANALIS, PPPK))
        with django_capture_on_commit_callbacks(execute=True):
            changed = kpis.kpi_periods_set(
                kpi=bidang,
                by=user("admin"),
                targets={"2026-04": "10", "2026-05": "10", "2026-06": "10", "2026-12": "10"},
                realisations={"2026-04": "8"},
            )

        assert changed == 4
        assert queued == [
            (org.schema_name, "2026-04-01", credited),
            (org.schema_name, "2026-05-01", credited),  # this month has begun
        ]


def test_a_teams_kpi_queues_its_members_only_whatever_their_opd(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        made = team(by="head", name="Tim lintas OPD")
        kpis.team_member_add(team=made, by=user("head"), nip=STAF_DINKES)
        measured = team_kpi(made, name="Tim lintas OPD")
        with django_capture_on_commit_callbacks(execute=True):
            report(measured, "2026-02", "10", "9")

        assert queued == [(org.schema_name, "2026-02-01", sorted([pk(KABAN), pk(STAF_DINKES)]))]


def test_a_pemda_kpi_and_months_to_come_queue_nothing(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        pemda = kpis.kpi_create(by=user("admin"), year=YEAR, **kpi_data())
        later = unit_kpi("BKPSDMD")
        with django_capture_on_commit_callbacks(execute=True):
            assert report(pemda, "2026-03", "10", "9") == 1  # credits nobody
            assert report(later, "2026-06", "10") == 1  # June has not begun
            assert report(later, "2026-06", "10") == 0  # and nothing changed

        assert queued == []


def test_emptying_a_reported_month_queues_it_too(org, queued, django_capture_on_commit_callbacks):
    with org:
        dinkes = unit_kpi("DINKES")
        report(dinkes, "2026-03", "10", "9")
        with django_capture_on_commit_callbacks(execute=True):
            kpis.kpi_periods_set(
                kpi=dinkes,
                by=user("admin"),
                targets={"2026-03": ""},
                realisations={"2026-03": ""},
            )

        assert queued == [(org.schema_name, "2026-03-01", sorted([pk(KADINKES), pk(STAF_DINKES)]))]


def worker(queued) -> None:
    """Run what was queued, as the worker would (in the current Pemda)."""
    for _schema, month, employee_ids in queued:
        month_recompute(date.fromisoformat(month), employee_ids)


@pytest.mark.parametrize(
    ("change", "before", "after"),
    [
        ("weight", "77.50", "76.25"),  # (3 × 75 + 80) ÷ 4
        ("direction", "77.50", "90.00"),  # lower is better: 60 of 80 is 100 %: (100 + 80) ÷ 2
        ("delete", "77.50", "75.00"),  # the bidang's KPI gone: the OPD's alone
        ("member", "77.50", "75.00"),  # in the team: (75 + 80 + 70) ÷ 3
        ("lead", "77.50", "75.00"),  # made the lead, so a member
        ("remove", "75.00", "77.50"),  # out of the team again
    ],
)
def test_a_change_of_what_credits_someone_refreshes_their_begun_months(
    org, queued, django_capture_on_commit_callbacks, change, before, after
):
    with org:
        opd = unit_kpi("BKPSDMD")
        report(opd, MARCH, "80", "60")  # 75
        bidang = unit_kpi("BKPSDMD.1")
        report(bidang, MARCH, "10", "8")  # 80
        made = team(by="head", name="Tim Diklat")  # KABAN's; the analyst is not in it
        report(team_kpi(made, name="Tim Diklat"), MARCH, "100", "70")  # 70
        if change == "remove":
            kpis.team_member_add(team=made, by=user("head"), nip=ANALIS)
        month_recompute(date(2026, 3, 1))
        assert ikos(date(2026, 3, 1))[ANALIS] == Decimal(before)
        queued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            if change in ("weight", "direction"):
                changed = {"weight": "3"} if change == "weight" else {"direction": "lower"}
                kpis.kpi_update(
                    kpi=opd, by=user("admin"), **kpi_data(name="IKU BKPSDMD", **changed)
                )
            elif change == "delete":
                kpis.kpi_delete(kpi=bidang, by=user("admin"))
            elif change == "member":
                kpis.team_member_add(team=made, by=user("head"), nip=ANALIS)
            elif change == "lead":
                kpis.team_update(team=made, by=user("head"), name="Tim Diklat", lead=ANALIS)
            else:
                kpis.team_member_remove(team=made, by=user("head"), employee=pk(ANALIS))
        assert queued and all(month == "2026-03-01" for _schema, month, _ids in queued)
        worker(queued)

        assert ikos(date(2026, 3, 1))[ANALIS] == Decimal(after)
        assert person_indices(MARCH, [pk(ANALIS)])[pk(ANALIS)] == Decimal(after)


def test_renaming_a_kpi_queues_nothing(org, queued, django_capture_on_commit_callbacks):
    with org:
        opd = unit_kpi("BKPSDMD")
        report(opd, MARCH, "80", "60")
        queued.clear()
        with django_capture_on_commit_callbacks(execute=True):
            kpis.kpi_update(kpi=opd, by=user("admin"), **kpi_data(name="IKU baru"))

        assert queued == []


# --- A rated perilaku queues its owner's month --------------------------------------------------


def test_a_rated_month_queues_its_owners_month_when_they_have_one(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        analyst = pk(ANALIS)
        month_recompute(date(2026, 1, 1), employee_ids=[analyst])
        waiting = submitted(ANALIS)  # the Surabaya template evaluates monthly: 2026-01
        with django_capture_on_commit_callbacks(execute=True):
            rate(waiting)

        assert waiting.period == period() == "2026-01"
        assert queued == [(org.schema_name, "2026-01-01", [analyst])]


def test_a_rated_month_of_someone_without_a_month_row_queues_nothing(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        month_recompute(date(2026, 2, 1), employee_ids=[pk(ANALIS)])  # another month's row
        month_recompute(date(2026, 1, 1), employee_ids=[pk(PPPK)])  # someone else's
        waiting = submitted(ANALIS)
        with django_capture_on_commit_callbacks(execute=True):
            rate(waiting)

        assert queued == []


def test_returning_a_month_queues_it_rated_or_only_submitted(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        month_recompute(date(2026, 1, 1), employee_ids=[pk(ANALIS), pk(PPPK)])
        done = rated(ANALIS)
        waiting = submitted(PPPK)
        with django_capture_on_commit_callbacks(execute=True):
            ev.evaluation_return(evaluation=waiting, by=user("kasub"), note="Lengkapi", version=1)
        assert queued == [(org.schema_name, "2026-01-01", [pk(PPPK)])]  # reported no more
        queued.clear()

        with django_capture_on_commit_callbacks(execute=True):
            ev.evaluation_return(evaluation=done, by=user("kasub"), note="Ulangi", version=2)
        assert queued == [(org.schema_name, "2026-01-01", [pk(ANALIS)])]


def test_a_rated_year_queues_nothing(org, queued, django_capture_on_commit_callbacks):
    with org:
        month_recompute(date(2026, 12, 1), employee_ids=[pk(ANALIS)])
        month_recompute(date(2026, 1, 1), employee_ids=[pk(ANALIS)])
        year = submitted(code=str(YEAR))
        with django_capture_on_commit_callbacks(execute=True):
            rate(year)

        assert year.period == "2026"
        assert queued == []


def test_a_rated_quarter_queues_its_three_months(org, queued, django_capture_on_commit_callbacks):
    with org:
        PolicySetting.objects.filter(key="performance.evaluation_period").update(value="quarterly")
        for month in (1, 2, 3):
            month_recompute(date(2026, month, 1), employee_ids=[pk(ANALIS)])
        quarter = submitted(code="2026-Q1")
        with django_capture_on_commit_callbacks(execute=True):
            done = rate(quarter)

        assert done.state == "evaluated" and done.period == "2026-Q1"
        assert queued == [
            (org.schema_name, f"2026-0{month}-01", [pk(ANALIS)]) for month in (1, 2, 3)
        ]


def test_a_rated_month_queues_nothing_where_the_daily_log_is_switched_off(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        analyst = pk(ANALIS)
        month_recompute(date(2026, 1, 1), employee_ids=[analyst])
        PolicySetting.objects.update_or_create(
            key="performance.daily_activity_log", defaults={"value": False}
        )
        waiting = submitted(ANALIS)
        with django_capture_on_commit_callbacks(execute=True):
            rate(waiting)

        assert queued == []


def test_submitting_queues_the_owners_month_and_a_draft_realisation_does_not(
    org, queued, django_capture_on_commit_callbacks
):
    """A draft's realisations are not reported yet (indices.rhk_progress): typing them
    queues nothing; submitting reports them; returning withdraws them."""
    with org:
        analyst = pk(ANALIS)
        month_recompute(date(2026, 1, 1), employee_ids=[analyst])
        evaluation = draft(ANALIS)
        with django_capture_on_commit_callbacks(execute=True):
            ev.realisation_set(
                evaluation=evaluation, by=user(ANALIS), iki=_iki(evaluation), value="4"
            )
            ev.realisation_set(
                evaluation=evaluation,
                by=user(ANALIS),
                iki=_iki(evaluation, "kualitatif"),
                text="Selesai",
            )
        assert queued == []
        with django_capture_on_commit_callbacks(execute=True):
            sent = ev.evaluation_submit(
                evaluation=evaluation, by=user(ANALIS), version=evaluation.version
            )
        assert queued == [(org.schema_name, "2026-01-01", [analyst])]
        with django_capture_on_commit_callbacks(execute=True):
            ev.evaluation_return(
                evaluation=sent, by=user(KASUB), note="Lengkapi bukti", version=sent.version
            )
        assert queued == [(org.schema_name, "2026-01-01", [analyst])] * 2


# --- The hourly job -----------------------------------------------------------------------------


def test_the_refresh_is_a_registered_hourly_job_for_every_pemda():
    assert "activity.indices_refresh" in pemda_job_names()
    assert settings.CELERY_BEAT_SCHEDULE["activity-indices-refresh"] == {
        "task": "tenants.tasks.pemda_dispatch_task",
        "schedule": 3600.0,
        "args": ["activity.indices_refresh"],
    }


def test_the_refresh_does_nothing_for_a_pemda_without_the_log(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        month_recompute(date(2026, 3, 1), employee_ids=[pk(ANALIS)])  # before last month
        with django_capture_on_commit_callbacks(execute=True):
            assert pemda_job_get("activity.indices_refresh")(org) == {"months": 0}

    assert queued == []


def test_the_refresh_queues_last_month_and_this_month_when_a_month_row_is_recent(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        month_recompute(date(2026, 4, 1), employee_ids=[pk(ANALIS)])  # last month
        with django_capture_on_commit_callbacks(execute=True):
            assert pemda_job_get("activity.indices_refresh")(org) == {"months": 2}

    assert queued == [
        (org.schema_name, "2026-04-01", None),  # the whole Pemda
        (org.schema_name, "2026-05-01", None),
    ]


def test_the_refresh_does_nothing_where_the_daily_log_is_switched_off(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        month_recompute(date(2026, 5, 1), employee_ids=[pk(ANALIS)])  # this month's row
        PolicySetting.objects.update_or_create(
            key="performance.daily_activity_log", defaults={"value": False}
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert pemda_job_get("activity.indices_refresh")(org) == {"months": 0}

    assert queued == []


def test_an_activity_of_this_month_alone_puts_the_log_in_use(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        present(ANALIS, YESTERDAY)
        log(nip=ANALIS, day=YESTERDAY)
        MonthlyIndex.objects.all().delete()  # the entry's own rollup row: not the reason
        with django_capture_on_commit_callbacks(execute=True):
            assert pemda_job_get("activity.indices_refresh")(org) == {"months": 2}

    assert [month for _schema, month, _ids in queued] == ["2026-04-01", "2026-05-01"]


def test_the_dispatcher_runs_the_refresh_in_the_pemda_and_records_its_result(
    org, queued, django_capture_on_commit_callbacks
):
    with org:
        month_recompute(date(2026, 5, 1), employee_ids=[pk(ANALIS)])
    with django_capture_on_commit_callbacks():  # the item's message: no worker here
        run = pemda_dispatch(job="activity.indices_refresh", pemda_ids=[org.pk], concurrency=1)
    item = DispatchItem.objects.get(run=run)
    assert item.status == DispatchItemStatus.QUEUED

    with django_capture_on_commit_callbacks(execute=True):
        dispatch_item_run(item_id=item.pk)

    item.refresh_from_db()
    assert (item.status, item.result, item.error) == (DispatchItemStatus.OK, {"months": 2}, "")
    assert queued == [
        (org.schema_name, "2026-04-01", None),
        (org.schema_name, "2026-05-01", None),
    ]


# --- The admin asks for a month again -----------------------------------------------------------


def recompute_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=RECOMPUTE_ACTION))


def test_the_admin_asks_for_a_month_again_and_it_is_queued_once_and_audited(
    org, people, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = people["admin"].post(RECOMPUTE, {"bulan": "2026-04"})

    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?bulan=2026-04"
    assert queued == [(org.schema_name, "2026-04-01", None)]
    told = list(get_messages(response.wsgi_request))
    assert [message.level_tag for message in told] == ["success"]
    with org:
        events = recompute_events()
        assert len(events) == 1
        assert events[0].actor == user("admin")
        assert (events[0].object_id, events[0].after) == ("2026-04", {"month": "2026-04"})


@pytest.mark.parametrize("persona", ["mayor", "sekda", "head", "employee"])
def test_nobody_but_the_admin_asks_for_a_recompute(
    org, people, persona, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = people[persona].post(RECOMPUTE, {"bulan": "2026-04"})

    assert response.status_code == 403
    assert queued == []
    with org:
        assert recompute_events() == []


def test_the_recompute_is_a_post(org, people, queued):
    assert people["admin"].get(RECOMPUTE, {"bulan": "2026-04"}).status_code == 405
    assert queued == []


def test_a_month_to_come_is_refused_with_a_message_and_nothing_queued(
    org, people, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = people["admin"].post(RECOMPUTE, {"bulan": "2026-06"})

    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?bulan=2026-06"
    told = list(get_messages(response.wsgi_request))
    assert [message.level_tag for message in told] == ["error"]
    assert "06/2026" in told[0].message
    assert queued == []
    with org:
        assert recompute_events() == []


@pytest.mark.parametrize("month", ["2026-13", "bulan", "", "2024-12"])
def test_a_bad_or_old_month_is_refused_and_the_view_keeps_its_level(
    org, people, queued, django_capture_on_commit_callbacks, month
):
    with org:
        opd = unit("BKPSDMD")
    with django_capture_on_commit_callbacks(execute=True):
        response = people["admin"].post(RECOMPUTE, {"bulan": month, "opd": opd.pk})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{DASHBOARD}?opd={opd.pk}&bulan=")
    told = list(get_messages(response.wsgi_request))
    assert [message.level_tag for message in told] == ["error"]
    assert queued == []
    with org:
        assert recompute_events() == []


def test_no_recompute_where_the_daily_log_is_switched_off(org, english, queued):
    with org:
        PolicySetting.objects.update_or_create(
            key="performance.daily_activity_log", defaults={"value": False}
        )
        with pytest.raises(services.ActivityError, match="does not keep the daily"):
            services.indices_recompute_request(by=user("admin"), month=date(2026, 4, 1))
        assert recompute_events() == []


def test_the_service_refuses_others_and_months_to_come(org, english, queued):
    with org:
        for persona in ("mayor", "head", "kasub", "employee"):
            assert not services.may_recompute_indices(user(persona))
            with pytest.raises(PermissionDenied):
                services.indices_recompute_request(by=user(persona), month=date(2026, 4, 1))
        with pytest.raises(services.ActivityError, match="06/2026 has not begun yet"):
            services.indices_recompute_request(by=user("admin"), month=date(2026, 6, 15))
        assert services.may_recompute_indices(user("admin"))
        assert services.indices_recompute_request(by=user("admin"), month=date(2026, 5, 31)) == 1
        assert [event.object_id for event in recompute_events()] == ["2026-05"]


def test_the_recompute_button_shows_for_the_admin_only(org, people):
    form = f'action="{RECOMPUTE}"'
    admin = people["admin"].get(DASHBOARD, {"bulan": "2026-04"})
    assert admin.status_code == 200
    assert admin.context["may_recompute"] is True
    assert form in admin.content.decode()
    assert 'name="bulan" value="2026-04"' in admin.content.decode()
    for persona in ("mayor", "head"):
        page = people[persona].get(DASHBOARD, {"bulan": "2026-04"})
        assert page.status_code == 200
        assert page.context["may_recompute"] is False
        assert form not in page.content.decode()


# --- "KPI saya" -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "nip", "shown"),
    [("employee", ANALIS, "78,67"), ("head_dinkes", KADINKES, "46,67"), ("sekda", SEKDA, None)],
)
def test_my_kpis_show_my_iko_as_the_indices_compute_it(kpi_set, people, persona, nip, shown):
    page = people[persona].get(MINE, {"periode": MARCH})

    assert page.status_code == 200
    with kpi_set:
        expected = person_indices(MARCH, [pk(nip)])[pk(nip)]
        assert expected == via_credits(nip, MARCH)
    assert page.context["my_index"] == expected
    if shown is None:
        assert expected is None
    else:
        assert expected == Decimal(shown.replace(",", "."))
        assert f'<div class="stat">{shown}</div>' in page.content.decode()
