"""The demo's data of the Surabaya model (core.activity.demo): attendance and activities that
follow the calendar and the day's cap, approvals spread over their states with the last days
waiting, KPI with cross-OPD teams, monthly indices, the demo accounts' story; the same every
run, and written once."""

import datetime
import random
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F
from django.utils import timezone

from core.accounts.models import User
from core.activity import rules
from core.activity.demo import ActivityDemoReport, activity_demo_seed, holidays_of_year
from core.activity.models import (
    Activity,
    Attendance,
    Favourite,
    Holiday,
    Kpi,
    KpiPeriod,
    MonthlyIndex,
    Team,
)
from core.activity.services import calendar_current
from core.config.models import PolicySetting
from core.demo.services import demo_activity_seed, demo_org_import, demo_persona_nips
from core.org.models import ActivityNorm, Employee
from core.performance.demo import performance_demo_seed
from tenants.models import Pemda

pytestmark = pytest.mark.django_db

YEAR = 2026
TODAY = datetime.date(2026, 2, 4)  # a Wednesday: January is past, February has begun
YESTERDAY = datetime.date(2026, 2, 3)
LOGGING = ("present", "duty_travel")


def _seed(today=TODAY, seed="test", **kwargs) -> ActivityDemoReport:
    return activity_demo_seed(
        year=YEAR, rng=random.Random(seed), today=today, personas=demo_persona_nips(), **kwargs
    )


@pytest.fixture
def demo_surabaya(surabaya) -> Pemda:
    """Kota Surabaya with the small demo organisation and its performance data as of TODAY
    (the SKP whose RHK activities link to, January's rated evaluations); the test users
    "atasan" and "pegawai" are the demo's atasan and pegawai1."""
    demo_org_import(pemda=surabaya, scale="small")
    with surabaya:
        performance_demo_seed(
            year=YEAR, rng=random.Random("perf"), today=TODAY, personas=demo_persona_nips()
        )
    return surabaya


@pytest.fixture
def seeded(demo_surabaya) -> ActivityDemoReport:
    with demo_surabaya:
        return _seed(detail_months=None)


def _persona(username: str) -> Employee:
    return Employee.objects.get(nip=demo_persona_nips()[username])


def _fingerprint() -> list[tuple]:
    return sorted(
        Activity.objects.values_list(
            "employee__nip", "day", "name", "quantity", "minutes", "state", "rhk_id", "decided_at"
        )
    )


def test_everyone_has_attendance_on_working_days_only_mostly_present(demo_surabaya, seeded):
    with demo_surabaya:
        holidays = dict(Holiday.objects.values_list("day", "kind"))
        assert holidays[datetime.date(2026, 1, 16)] == "national"  # Isra Mikraj
        assert holidays[datetime.date(2026, 3, 20)] == "cuti_bersama"  # before Idul Fitri
        assert seeded.holidays <= len(holidays) and len(holidays) >= 20
        calendar = calendar_current()
        days = rules.working_days(
            datetime.date(YEAR, 1, 1),
            TODAY,
            weekdays=calendar.weekdays,
            holidays=calendar.holidays,
        )
        assert len(days) == 23  # 22 weekdays of January but the 1st and 16th, 3 of February
        active = Employee.objects.filter(is_active=True).count()
        per_day = Counter(Attendance.objects.values_list("day", flat=True))
        assert per_day == dict.fromkeys(days, active)  # every working day, nothing else
        assert not Activity.objects.exclude(day__in=days).exists()
        assert seeded.attendance == active * len(days)

        statuses = Counter(Attendance.objects.values_list("status", flat=True))
        total = sum(statuses.values())
        share = {status: 100 * statuses[status] / total for status in statuses}
        assert 88 <= share["present"] <= 97
        assert 0.5 <= share["leave"] <= 6 and 0.2 <= share["sick"] <= 5
        assert 0.3 <= share["duty_travel"] <= 5 and share.get("absent", 0) <= 1.5
        past = Attendance.objects.filter(status="present", day__lt=TODAY)
        hours = list(past.values_list("hours_present", flat=True))
        assert all(Decimal("5.5") <= h <= Decimal("10") for h in hours)
        assert 7.4 <= float(sum(hours) / len(hours)) <= 8.6
        # Today's hours are not known yet; a day off has none.
        assert not Attendance.objects.filter(day=TODAY).exclude(hours_present=None).exists()
        assert not Attendance.objects.exclude(status="present").exclude(hours_present=None).exists()
        # Some people are never away, some are away a lot: not everyone alike.
        away = Counter(
            Attendance.objects.exclude(status="present").values_list("employee_id", flat=True)
        )
        assert len(away) < Employee.objects.count() and max(away.values()) >= 4


def test_activities_come_from_the_catalogue_within_the_days_cap(demo_surabaya, seeded):
    with demo_surabaya:
        attendance = {
            (a.employee_id, a.day): a for a in Attendance.objects.all().only(
                "employee_id", "day", "status", "hours_present"
            )
        }  # fmt: skip
        catalogue = defaultdict(set)
        for norm_id, position_id in ActivityNorm.objects.values_list("id", "position_id"):
            catalogue[position_id].add(norm_id)
        positions = dict(Employee.objects.values_list("id", "position_id"))
        per_day, counts = Counter(), Counter()
        rows = Activity.objects.values_list(
            "employee_id", "day", "norm_id", "quantity", "minutes_per_unit", "minutes"
        )
        for employee_id, day, norm_id, quantity, per_unit, minutes in rows:
            assert norm_id in catalogue[positions[employee_id]]
            assert quantity > 0 and minutes >= 1
            expected = (quantity * per_unit).to_integral_value(rounding=ROUND_HALF_UP)
            assert minutes == int(expected)
            per_day[employee_id, day] += minutes
            counts[employee_id, day] += 1
        assert len(counts) > 5000 and seeded.activities == sum(counts.values())
        calendar = calendar_current()
        for key, minutes in per_day.items():
            record = attendance[key]
            assert record.status in LOGGING  # never on leave, sick or absent days
            cap = rules.day_cap(
                record.status,
                record.hours_present,
                max_minutes_per_day=calendar.max_minutes_per_day,
                attendance_required=True,
            )
            assert minutes <= cap
        past = [n for (_e, day), n in counts.items() if day < TODAY]
        assert max(past) <= 8 and sum(3 <= n for n in past) >= 0.97 * len(past)
        # Days are filled unevenly: most between a half and the whole day.
        filled = [m for (_e, day), m in per_day.items() if day < TODAY]
        assert 250 <= sum(filled) / len(filled) <= 400
        # Every staffed position has a catalogue, so everybody could log.
        assert set(positions.values()) <= set(catalogue)
        # Some entries serve an RHK of the owner's SKP of the year.
        linked = Activity.objects.exclude(rhk=None)
        assert 0.15 * Activity.objects.count() <= linked.count() <= 0.7 * Activity.objects.count()
        assert not linked.exclude(rhk__skp__employee_id=F("employee_id")).exists()
        assert not linked.exclude(rhk__skp__year=YEAR).exists()
        assert Favourite.objects.values("employee_id").distinct().count() > 300


def test_approvals_spread_over_states_and_the_last_days_wait(demo_surabaya, seeded):
    with demo_surabaya:
        states = Counter(Activity.objects.values_list("state", flat=True))
        total = sum(states.values())
        assert states["approved"] >= 0.8 * total
        assert 0.005 * total <= states["rejected"] <= 0.06 * total
        assert states["pending"] > 0
        assert not Activity.objects.filter(state="rejected", reject_reason="").exists()
        assert not Activity.objects.filter(state="approved").exclude(reject_reason="").exists()
        decided = Activity.objects.exclude(state="pending")
        assert not decided.filter(decided_at=None).exists()
        assert not decided.filter(decided_by=None).exists()
        zone = ZoneInfo(demo_surabaya.time_zone)
        for day, created, decided_at in decided.values_list("day", "created_at", "decided_at"):
            assert day <= timezone.localtime(created, zone).date() and created <= decided_at
        assert not Activity.objects.filter(state="pending").exclude(decided_at=None).exists()
        # Waiting entries are the last days' (a few slow atasan: late approvals).
        pending_by_day = Counter(
            Activity.objects.filter(state="pending").values_list("day", flat=True)
        )
        old = sum(n for day, n in pending_by_day.items() if day < datetime.date(2026, 1, 19))
        assert old == 0
        recent = sum(n for day, n in pending_by_day.items() if day >= datetime.date(2026, 1, 29))
        assert recent >= 0.6 * states["pending"]
        late = sum(
            n for day, n in pending_by_day.items() if datetime.date(2026, 1, 19) <= day
            and day <= datetime.date(2026, 1, 28)
        )  # fmt: skip
        assert late > 0
        # Each entry waits for its owner's atasan; decided ones were decided by them.
        owner_atasan = {
            e.pk: e.atasan_id for e in Employee.objects.only("atasan_override", "derived_atasan")
        }
        users = dict(Employee.objects.values_list("id", "user_id"))
        for employee_id, approver, decided_by in decided.values_list(
            "employee_id", "approver_id", "decided_by_id"
        ).distinct():
            assert approver == owner_atasan[employee_id]
            if approver is not None:
                assert decided_by == users[approver]


def test_indices_kpi_and_teams_tell_an_uneven_story(demo_surabaya, seeded):
    with demo_surabaya:
        active = Employee.objects.filter(is_active=True).count()
        january = MonthlyIndex.objects.filter(month=datetime.date(2026, 1, 1))
        assert january.count() == active == MonthlyIndex.objects.filter(month="2026-02-01").count()
        assert not january.filter(iki=None).exists() and not january.filter(iko=None).exists()
        assert january.exclude(score=None).count() >= 0.95 * active  # January was rated
        iki = sorted(january.values_list("iki", flat=True))
        assert iki[0] < 50 and iki[-1] == 100 and 60 <= sum(iki) / len(iki) <= 97
        withheld = january.filter(pay_withheld=True).count()
        assert 0 < withheld <= 0.25 * active
        by_opd = defaultdict(list)
        for opd, value in january.values_list("opd_id", "iki"):
            by_opd[opd].append(value)
        means = [sum(values) / len(values) for values in by_opd.values()]
        assert max(means) - min(means) >= 10  # some OPDs log clearly less
        assert len(set(january.values_list("iko", flat=True))) >= 10

        pemda = Kpi.objects.filter(year=YEAR, unit=None, team=None)
        assert pemda.count() >= 5
        opds = set(Employee.objects.values_list("unit__opd_id", flat=True))
        assert opds <= set(Kpi.objects.exclude(unit=None).values_list("unit_id", flat=True))
        assert Kpi.objects.exclude(unit=None).filter(parent__isnull=False).count() >= len(opds)
        periods = Counter(KpiPeriod.objects.values_list("kpi_id", flat=True))
        assert set(periods.values()) == {12} and len(periods) == Kpi.objects.count()
        realised = KpiPeriod.objects.exclude(realisation=None)
        assert set(realised.values_list("period", flat=True)) == {"2026-01"}  # ended months
        achievements = [
            rules.kpi_achievement(target, value, higher_is_better=direction == "higher")
            for target, value, direction in realised.values_list(
                "target", "realisation", "kpi__direction"
            )
        ]
        assert min(achievements) < 85 and max(achievements) == 100
        assert Kpi.objects.filter(year=YEAR).exclude(rhk=None).exists()  # cascade into RHK

        assert Team.objects.filter(year=YEAR).count() == seeded.teams == 2
        for team in Team.objects.all():
            members = list(team.members.values_list("unit__opd_id", flat=True))
            assert 8 <= len(members) and len(set(members)) >= 3
            assert team.lead_id in set(team.members.values_list("pk", flat=True))
            assert team.kpis.count() == 2
        rb = Team.objects.get(name__contains="Reformasi Birokrasi")
        assert {_persona("atasan").pk, _persona("pegawai1").pk} <= set(
            rb.members.values_list("pk", flat=True)
        )


def test_the_demo_accounts_story(demo_surabaya, seeded):
    with demo_surabaya:
        pegawai = _persona("pegawai1")
        atasan = _persona("atasan")
        mine = Activity.objects.filter(employee=pegawai)
        today = list(mine.filter(day=TODAY).values_list("state", "minutes"))
        assert len(today) == 2 and {state for state, _m in today} == {"pending"}
        assert sum(minutes for _s, minutes in today) < 450 // 2  # partly filled
        yesterday = mine.filter(day=YESTERDAY)
        assert yesterday.count() >= 3
        assert set(yesterday.values_list("state", flat=True)) == {"pending"}
        assert set(yesterday.values_list("approver", flat=True)) == {atasan.pk}
        assert not mine.filter(day__lt=YESTERDAY, state="pending").exists()
        assert Attendance.objects.get(employee=pegawai, day=TODAY).status == "present"
        waiting = Activity.objects.filter(approver=atasan, state="pending")
        assert 5 <= waiting.count() <= 25
        assert not waiting.filter(day__lt=YESTERDAY).exists()
        # Another atasan of the BKPSDMD approves a week late: its head sees it.
        head = _persona("kepala.bkpsdmd")
        late = Activity.objects.filter(
            state="pending",
            approver__unit__opd=head.unit.opd,
            day__lte=datetime.date(2026, 1, 28),
        ).exclude(approver=atasan)
        assert late.exists()
        assert Favourite.objects.filter(employee=pegawai).count() == 3
        assert User.objects.get(nip=pegawai.nip).employee == pegawai


def test_seeding_again_adds_nothing_and_the_same_seed_gives_the_same_rows(demo_surabaya):
    models = (Holiday, ActivityNorm, Attendance, Activity, Favourite, MonthlyIndex, Kpi,
              KpiPeriod, Team)  # fmt: skip
    with demo_surabaya:
        first = _seed()
        assert first.activities > 0 and first.norms > 0
        counts = {model: model.objects.count() for model in models}
        fingerprint = _fingerprint()
        again = _seed()
        assert (again.attendance, again.activities, again.kpis, again.teams) == (0, 0, 0, 0)
        assert (again.holidays, again.norms, again.indices) == (0, 0, 0)
        assert {model: model.objects.count() for model in models} == counts
        # Without the rows (the norma waktu added stay), the same seed writes them again.
        for model in (Activity, Attendance, Favourite, MonthlyIndex, KpiPeriod, Kpi, Team,
                      Holiday):  # fmt: skip
            model.objects.all().delete()
        _seed()
        assert _fingerprint() == fingerprint
        assert {model: model.objects.count() for model in models} == counts


def test_months_before_the_detail_window_hold_their_totals_only(demo_surabaya):
    today = datetime.date(2026, 3, 4)
    with demo_surabaya:
        report = _seed(today=today, detail_months=1)
        assert report.detail_from == datetime.date(2026, 3, 1)
        assert Attendance.objects.earliest("day").day == datetime.date(2026, 3, 2)
        assert Activity.objects.earliest("day").day >= datetime.date(2026, 3, 2)
        active = Employee.objects.filter(is_active=True).count()
        for month in ("2026-01-01", "2026-02-01"):
            rows = MonthlyIndex.objects.filter(month=month)
            assert rows.count() == active
            assert not rows.filter(iki=None).exists() and not rows.filter(iko=None).exists()
            assert rows.filter(approved_minutes__gt=0).count() >= 0.9 * active
            assert len(set(rows.values_list("iki", flat=True))) > 20
        assert MonthlyIndex.objects.filter(month="2026-03-01").count() == active
        # A detail budget too small for the months asked shrinks the window.
        MonthlyIndex.objects.all().delete()
        Activity.objects.all().delete()
        Attendance.objects.all().delete()
        assert _seed(today=today, detail_months=3, detail_budget=100).detail_from == (
            datetime.date(2026, 3, 1)
        )


def test_a_pemda_without_the_daily_log_gets_no_activity_data(surabaya):
    with surabaya:
        PolicySetting.objects.update_or_create(
            key="performance.daily_activity_log", defaults={"value": False}
        )
        assert demo_activity_seed(surabaya) is None
        assert not Attendance.objects.exists() and not Kpi.objects.exists()


def test_the_holidays_of_a_year_come_from_the_list_or_the_fixed_dates():
    holidays = {day: (name, kind) for day, name, kind in holidays_of_year(2026)}
    assert holidays[datetime.date(2026, 3, 21)][1] == "national"  # Idul Fitri
    assert holidays[datetime.date(2026, 12, 24)][1] == "cuti_bersama"
    assert all(day.year == 2026 for day in holidays)
    fixed = holidays_of_year(2041)
    assert {day for day, _name, _kind in fixed} == {
        datetime.date(2041, 1, 1),
        datetime.date(2041, 5, 1),
        datetime.date(2041, 6, 1),
        datetime.date(2041, 8, 17),
        datetime.date(2041, 12, 25),
    }
