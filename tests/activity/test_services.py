"""The daily activity log's writes (core.activity.services) on a real Pemda schema: who may
log, change and decide, and what the day's rules refuse, with nothing stored."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.models import User
from core.activity import services
from core.activity.models import Activity, Attendance, Holiday
from core.org.models import ActivityNorm, Employee
from tests.personas import ANALIS, KABID, KASUB, PPPK

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)  # a Wednesday
YESTERDAY = date(2026, 5, 19)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: TODAY)


def user(nip: str) -> User:
    return User.objects.get(nip=nip)


def norm(nip: str = ANALIS, minutes: int = 30) -> ActivityNorm:
    position = Employee.objects.get(nip=nip).position
    return ActivityNorm.objects.get_or_create(
        position=position,
        name=f"Menyusun laporan {minutes}",
        defaults={"output_unit": "Dokumen", "minutes_per_unit": minutes},
    )[0]


def present(nip: str, day: date, hours="8") -> None:
    Attendance.objects.update_or_create(
        employee=Employee.objects.get(nip=nip),
        day=day,
        defaults={"status": "present", "hours_present": Decimal(hours)},
    )


def log(nip=ANALIS, day=YESTERDAY, quantity="2", **kwargs) -> Activity:
    return services.activity_log(
        by=user(nip),
        day=day,
        norm=kwargs.pop("norm", None) or norm(nip),
        quantity=quantity,
        **kwargs,
    )


def test_an_employee_logs_an_activity_for_their_atasan_to_approve(org):
    with org:
        entry = log(output="Laporan bulanan")
        assert (entry.minutes, entry.state) == (60, "pending")
        assert entry.approver.nip == KASUB
        assert entry.name == "Menyusun laporan 30" and entry.minutes_per_unit == 30
        assert services.activities_decide(by=user(KASUB), ids=[entry.pk], approve=True) == 1
        entry.refresh_from_db()
        assert entry.state == "approved" and entry.decided_by == user(KASUB)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 5, 21), "has not come yet"),
        (date(2026, 5, 17), "not a working day"),  # Sunday
        (date(2026, 5, 14), "not a working day"),  # a holiday (below)
        (date(2026, 4, 1), "has passed"),
    ],
)
def test_the_days_rules_refuse_with_nothing_stored(org, english, day, expected):
    with org:
        Holiday.objects.create(day=date(2026, 5, 14), name="Kenaikan Yesus Kristus")
        with pytest.raises(services.ActivityError, match=expected):
            log(day=day)
        assert not Activity.objects.exists()


def test_an_absent_day_and_minutes_over_the_hours_present_are_refused(org, english):
    with org:
        Attendance.objects.create(
            employee=Employee.objects.get(nip=ANALIS), day=YESTERDAY, status="absent"
        )
        with pytest.raises(services.ActivityError, match="absent"):
            log()
        present(ANALIS, YESTERDAY, hours="1.5")  # 90 minutes
        log(quantity="2")  # 60
        with pytest.raises(services.ActivityError, match="30 minutes are left"):
            log(quantity="2")
        assert Activity.objects.count() == 1


@pytest.mark.parametrize("quantity", ["-1", "0", "abc", "NaN", "Infinity", "1e20"])
def test_a_bad_quantity_is_refused(org, english, quantity):
    with org:
        with pytest.raises(services.ActivityError, match="quantity"):
            log(quantity=quantity)
        assert not Activity.objects.exists()


def test_evidence_must_be_a_real_image_and_small(org, english):
    with org:
        fake = SimpleUploadedFile("foto.jpg", b"MZ this is not a photo")
        with pytest.raises(services.ActivityError, match="not one"):
            log(evidence=fake)
        big = SimpleUploadedFile("foto.png", PNG + b"\x00" * (5 * 1024 * 1024))
        with pytest.raises(services.ActivityError, match="larger"):
            log(evidence=big)
        assert not Activity.objects.exists()
        entry = log(evidence=SimpleUploadedFile("foto.png", PNG))
        assert entry.evidence.name.endswith(".png") and entry.evidence_name == "foto.png"


def test_only_the_owners_atasan_decides_and_never_twice(org, english):
    with org:
        entry = log()
        for nip in (ANALIS, PPPK, KABID):  # the owner, a peer, the atasan's own atasan
            with pytest.raises(PermissionDenied):
                services.activities_decide(by=user(nip), ids=[entry.pk], approve=True)
        with pytest.raises(services.ActivityError, match="why"):
            services.activities_decide(by=user(KASUB), ids=[entry.pk], approve=False)
        assert services.activities_decide(by=user(KASUB), ids=[entry.pk], approve=True) == 1
        assert (
            services.activities_decide(by=user(KASUB), ids=[entry.pk], approve=False, reason="x")
            == 0
        )
        entry.refresh_from_db()
        assert entry.state == "approved"


def test_nobody_changes_a_decided_entry(org, english):
    with org:
        entry = log()
        services.activities_decide(by=user(KASUB), ids=[entry.pk], approve=True)
        with pytest.raises(services.ActivityError, match="no longer change"):
            services.activity_update(by=user(ANALIS), entry=entry, quantity="3")
        with pytest.raises(PermissionDenied):
            services.activity_update(by=user(KASUB), entry=entry, quantity="3")
        entry.refresh_from_db()
        assert entry.quantity == Decimal("2.00")


def test_bulk_approval_decides_all_or_refuses_all(org):
    with org:
        mine = [log(), log(quantity="1")]
        other = log(nip=KASUB)  # the Kasubbid's own, for the Kabid
        with pytest.raises(PermissionDenied):
            services.activities_decide(
                by=user(KASUB), ids=[e.pk for e in mine] + [other.pk], approve=True
            )
        assert not Activity.objects.filter(state="approved").exists()
        assert (
            services.activities_decide(by=user(KASUB), ids=[e.pk for e in mine], approve=True) == 2
        )


def test_another_pemdas_entries_resolve_nowhere(org, jambi):
    with org:
        entry = log()
    with jambi:
        assert not Activity.objects.filter(pk=entry.pk).exists()


# --- The month's indices ----------------------------------------------------------------------


def test_the_month_counts_approved_minutes_capped_by_the_hours_present(org):
    from core.activity.indices import month_recompute
    from core.activity.models import Kpi, KpiPeriod, MonthlyIndex
    from core.org.models import Unit

    with org:
        present(ANALIS, YESTERDAY, hours="8")
        approved = [log(quantity="4"), log(quantity="2", norm=norm(minutes=60))]  # 120 + 120
        pending = log(quantity="1")  # 30, waiting
        services.activities_decide(by=user(KASUB), ids=[e.pk for e in approved], approve=True)
        present(ANALIS, YESTERDAY, hours="3")  # corrected afterwards: 180 minutes count
        opd = Unit.objects.get(code="BKPSDMD")
        kpi = Kpi.objects.create(
            year=2026, unit=opd, name="Layanan tepat waktu", measure="%", annual_target=90
        )
        KpiPeriod.objects.create(kpi=kpi, period="2026-05", target=90, realisation=81)
        assert month_recompute(TODAY) == Employee.objects.filter(is_active=True).count()
        row = MonthlyIndex.objects.get(employee__nip=ANALIS, month=date(2026, 5, 1))
        assert (row.approved_minutes, row.counted_minutes, row.pending_minutes) == (240, 180, 30)
        assert row.target_minutes == 6250
        assert row.iki == Decimal("2.88")  # 180 / 6,250
        assert row.iko == Decimal("90.00") and row.score is None and not row.pay_withheld
        assert pending.state == "pending"
        month_recompute(TODAY)  # again: updated in place
        assert MonthlyIndex.objects.filter(employee__nip=ANALIS).count() == 1
