"""The daily activity log's writes (core.activity.services) on a real Pemda schema: who may
log, change and decide, and what the day's rules refuse, with nothing stored."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.models import User
from core.activity import services
from core.activity.models import Activity, Attendance, Favourite, Holiday
from core.org.models import ActivityNorm, Employee
from core.performance.models import Rhk, Skp
from tests.personas import ANALIS, KABID, KASUB, PPPK

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)  # a Wednesday
YESTERDAY = date(2026, 5, 19)
PNG = (  # a real 1×1 PNG: signature, IHDR, IDAT, IEND
    b"\x89PNG\r\n\x1a\n"
    b"\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: TODAY)


@pytest.fixture(autouse=True)
def present_yesterday(org):
    """The Pemda may require an attendance record before anything is logged (the surabaya
    template does): the people who log in these tests were present yesterday."""
    with org:
        for nip in (ANALIS, PPPK, KASUB):
            present(nip, YESTERDAY)


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
        Holiday.objects.update_or_create(
            day=date(2026, 5, 14), defaults={"name": "Kenaikan Yesus Kristus"}
        )[0]
        with pytest.raises(services.ActivityError, match=expected):
            log(day=day)
        assert not Activity.objects.exists()


def test_an_absent_day_and_minutes_over_the_hours_present_are_refused(org, english):
    with org:
        Attendance.objects.filter(employee__nip=ANALIS, day=YESTERDAY).update(
            status="absent", hours_present=None
        )
        with pytest.raises(services.ActivityError, match="absent"):
            log()
        present(ANALIS, YESTERDAY, hours="1.5")  # 90 minutes
        log(quantity="2")  # 60
        with pytest.raises(services.ActivityError, match="30 minutes are left"):
            log(quantity="2")
        assert Activity.objects.count() == 1


@pytest.mark.parametrize(
    "quantity", ["-1", "0", "abc", "NaN", "Infinity", "1e20", "0.004", "9999999.995"]
)
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


def test_a_month_recomputed_in_chunks_of_people_is_the_month_recomputed_at_once(org, monkeypatch):
    """Each chunk of people is a transaction of its own (the log's writes wait for one
    chunk at most); chunks of 2 give the very rows one chunk gives."""
    from core.activity import indices
    from core.activity.models import MonthlyIndex

    fields = ("employee_id", "unit_id", "logged_minutes", "approved_minutes", "iki", "iko")
    with org:
        for nip in (ANALIS, PPPK):
            present(nip, YESTERDAY)
        entries = [log(quantity="4"), log(nip=PPPK, quantity="2")]
        services.activities_decide(by=user(KASUB), ids=[e.pk for e in entries], approve=True)
        people = indices.month_recompute(TODAY)
        whole = sorted(MonthlyIndex.objects.values_list(*fields))
        MonthlyIndex.objects.all().delete()
        monkeypatch.setattr(indices, "CHUNK", 2)
        assert indices.month_recompute(TODAY) == people > 4
        assert sorted(MonthlyIndex.objects.values_list(*fields)) == whole
        assert {row[3] for row in whole} >= {120, 60}


def test_a_worker_finds_the_month_busy_while_another_recompute_holds_it(org):
    """Two recomputes of a month never overlap. The worker's does not wait for another
    (wait=False: RecomputeBusy, and its task retries later); the log's month lock is
    another key, so logging goes on meanwhile."""
    import psycopg2
    from django.db import connection

    from core.activity import indices

    params = connection.get_connection_params()
    other = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    other.autocommit = True
    try:
        with org:
            schema, month = indices.month_lock_key(TODAY)
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", [schema ^ 0x5A5A5A5A, month])
            with pytest.raises(indices.RecomputeBusy):
                indices.month_recompute(TODAY, wait=False)
            present(ANALIS, YESTERDAY)
            assert log(quantity="1").minutes == 30  # the log's writes are not held
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [schema ^ 0x5A5A5A5A, month])
            assert indices.month_recompute(TODAY, wait=False) > 0
    finally:
        other.close()


# --- Favourites, "repeat yesterday", the calendar's days --------------------------------------


def test_a_favourite_is_toggled_and_limited(org, english):
    with org:
        activity = norm()
        assert services.favourite_toggle(by=user(ANALIS), norm=activity) is True
        assert services.favourite_toggle(by=user(ANALIS), norm=activity.pk) is False
        assert not Favourite.objects.exists()
        others = [norm(minutes=100 + m) for m in range(services.FAVOURITES_MAX)]
        for other in others:
            services.favourite_toggle(by=user(ANALIS), norm=other)
        with pytest.raises(services.ActivityError, match="at most 30 favourites"):
            services.favourite_toggle(by=user(ANALIS), norm=activity)
        assert services.favourite_toggle(by=user(ANALIS), norm=others[0]) is False  # unstar
        with pytest.raises(services.ActivityError, match="catalogue"):
            services.favourite_toggle(by=user(ANALIS), norm="999999")
        with pytest.raises(PermissionDenied):
            services.favourite_toggle(by=User.objects.get(username="admin"), norm=activity)
        assert Favourite.objects.count() == services.FAVOURITES_MAX - 1


def test_repeat_copies_the_last_day_with_entries_without_the_rejected(org, english):
    with org:
        skp = Skp.objects.create(employee=Employee.objects.get(nip=ANALIS), year=2026)
        rhk = Rhk.objects.create(skp=skp, kind="utama", text="Analisis jabatan")
        present(ANALIS, date(2026, 5, 18))
        log(day=date(2026, 5, 18), quantity="5")  # an older day: not repeated
        kept = log(quantity="2", output="Notulen", rhk=rhk.pk, evidence=_png())
        approved = log(quantity="1", norm=norm(minutes=60))
        rejected = log(quantity="1", norm=norm(minutes=15))
        services.activities_decide(by=user(KASUB), ids=[approved.pk], approve=True)
        services.activities_decide(by=user(KASUB), ids=[rejected.pk], approve=False, reason="x")
        present(ANALIS, TODAY)
        assert services.repeat_source(Employee.objects.get(nip=ANALIS), TODAY)[0] == YESTERDAY
        copies = services.activities_repeat(by=user(ANALIS), day=TODAY)
        assert [(c.name, c.minutes, c.output, c.rhk_id, c.state) for c in copies] == [
            ("Menyusun laporan 30", 60, "Notulen", rhk.pk, "pending"),
            ("Menyusun laporan 60", 60, "", None, "pending"),
        ]
        copy = Activity.objects.get(pk=copies[0].pk)
        assert not copy.evidence and copy.approver.nip == KASUB and kept.evidence
        # Once repeated, nothing is offered twice.
        assert services.repeat_source(Employee.objects.get(nip=ANALIS), TODAY) == (None, [])
        with pytest.raises(services.ActivityError, match="no earlier activities left"):
            services.activities_repeat(by=user(ANALIS), day=TODAY)
        assert Activity.objects.filter(day=TODAY).count() == 2


def test_repeat_takes_todays_norma_waktu_and_the_rhk_of_the_new_year(org, monkeypatch):
    with org:
        activity = norm(minutes=30)
        skp = Skp.objects.create(employee=Employee.objects.get(nip=ANALIS), year=2026)
        rhk = Rhk.objects.create(skp=skp, kind="utama", text="Analisis jabatan")
        source = log(quantity="2", rhk=rhk.pk)
        ActivityNorm.objects.filter(pk=activity.pk).update(minutes_per_unit=40)
        monkeypatch.setattr(services, "today_local", lambda: date(2027, 1, 4))
        present(ANALIS, date(2027, 1, 4))
        Holiday.objects.update_or_create(day=date(2027, 1, 1), defaults={"name": "Tahun Baru"})[0]
        copy = services.activities_repeat(by=user(ANALIS), day="2027-01-04", ids=[source.pk])[0]
        assert (copy.minutes_per_unit, copy.minutes, copy.rhk_id) == (40, 80, None)


def test_repeat_is_all_or_nothing_and_says_each_refusal(org, english):
    with org:
        first = log(quantity="4")  # 120 minutes
        second = log(quantity="3")  # 90
        third = log(quantity="1", norm=norm(minutes=20))
        ActivityNorm.objects.filter(pk=third.norm_id).delete()
        present(ANALIS, TODAY, hours="3")  # 180 minutes
        with pytest.raises(services.RepeatRefused) as refused:
            services.activities_repeat(by=user(ANALIS), day=TODAY)
        assert refused.value.refusals == [
            "Menyusun laporan 30: This activity takes 90 minutes, but May 20, 2026 can count at "
            "most 180 minutes and 120 are already logged: 60 minutes are left.",
            "Menyusun laporan 20: This activity is no longer in the catalogue.",
        ]
        assert not Activity.objects.filter(day=TODAY).exists()
        copies = services.activities_repeat(by=user(ANALIS), day=TODAY, ids=[first.pk])
        assert [c.minutes for c in copies] == [120]  # the one chosen; not the 90 of the second
        assert second.day == YESTERDAY


def test_a_day_that_refuses_every_entry_says_it_once(org, english):
    with org:
        entries = [log(quantity="1"), log(quantity="2")]
        Attendance.objects.update_or_create(
            employee=Employee.objects.get(nip=ANALIS), day=TODAY, defaults={"status": "leave"}
        )
        with pytest.raises(services.RepeatRefused) as refused:
            services.activities_repeat(by=user(ANALIS), day=TODAY, ids=[e.pk for e in entries])
        assert refused.value.refusals == [
            "You were on leave on May 20, 2026, so no activities can be logged for that day."
        ]
        with pytest.raises(services.ActivityError, match="not come yet"):
            services.activities_repeat(by=user(ANALIS), day=date(2026, 5, 21))
        assert not Activity.objects.filter(day__gt=YESTERDAY).exists()


def test_repeat_refuses_what_is_not_the_users_own_earlier_entry(org, english):
    with org:
        theirs = log(nip=PPPK)
        present(ANALIS, TODAY)
        mine_today = log(day=TODAY, quantity="1")  # not an earlier day's
        for ids in ([theirs.pk], [mine_today.pk], [999999]):
            with pytest.raises(services.ActivityError, match="Only your own activities"):
                services.activities_repeat(by=user(ANALIS), day=TODAY, ids=ids)
        for ids in ([], ["abc"]):
            with pytest.raises(services.ActivityError, match="Choose the activities"):
                services.activities_repeat(by=user(ANALIS), day=TODAY, ids=ids)
        with pytest.raises(services.ActivityError, match="no earlier activities left"):
            services.activities_repeat(by=user(KABID), day=TODAY)
        with pytest.raises(PermissionDenied):
            services.activities_repeat(by=User.objects.get(username="pimpinan"), day=TODAY)
        assert Activity.objects.filter(day=TODAY).count() == 1


def test_the_owner_replaces_the_evidence_of_a_waiting_entry(org, english):
    with org:
        entry = log(evidence=_png("satu.png"))
        old_name = entry.evidence.name
        changed = services.activity_update(
            by=user(ANALIS), entry=entry, quantity="2", evidence=_png("dua.png")
        )
        assert changed.evidence_name == "dua.png" and changed.evidence.name != old_name
        assert changed.evidence.name.startswith("activity/")
        with pytest.raises(services.ActivityError, match="not one"):
            services.activity_update(
                by=user(ANALIS),
                entry=changed,
                quantity="2",
                evidence=SimpleUploadedFile("x.jpg", b"not a photo"),
            )
        changed.refresh_from_db()
        assert changed.evidence_name == "dua.png"


def _calendar(holidays=(), days_open=3, late=3):
    return services.Calendar(
        weekdays=frozenset({1, 2, 3, 4, 5}),
        holidays=frozenset(holidays),
        days_open=days_open,
        max_minutes_per_day=450,
        attendance_required=True,
        late_approval_days=late,
    )


@pytest.mark.parametrize(
    ("today", "days_open", "holidays", "expected"),
    [
        (TODAY, 3, (), ["2026-05-20", "2026-05-19", "2026-05-18", "2026-05-15"]),
        (TODAY, 0, (), ["2026-05-20"]),
        (date(2026, 5, 23), 1, (), ["2026-05-22"]),  # Saturday: Friday only (its day + Mon)
        (date(2026, 5, 23), 0, (), []),
        (date(2026, 5, 15), 1, [date(2026, 5, 14)], ["2026-05-15", "2026-05-13"]),
    ],
)
def test_the_open_days_are_the_working_days_whose_window_is_open(
    today, days_open, holidays, expected
):
    found = _calendar(holidays, days_open=days_open).open_days(today)
    assert [d.isoformat() for d in found] == expected


@pytest.mark.parametrize(
    ("today", "late", "holidays", "expected"),
    [
        (TODAY, 3, (), "2026-05-15"),  # Wed: logged before Friday is late (Fri, Mon, Tue, Wed)
        (date(2026, 5, 22), 3, (), "2026-05-19"),  # Fri: before Tuesday
        (date(2026, 5, 23), 3, (), "2026-05-19"),  # Sat counts nothing
        (TODAY, 3, [date(2026, 5, 18)], "2026-05-14"),  # a holiday Monday never counts
        (TODAY, 0, (), "2026-05-20"),  # no grace: anything logged before today
    ],
)
def test_an_approval_is_late_after_the_tenants_working_days(today, late, holidays, expected):
    assert _calendar(holidays, late=late).late_before(today).isoformat() == expected


def _png(name="foto.png"):
    return SimpleUploadedFile(name, PNG)


def test_a_decision_is_one_audit_event_naming_its_entries(org):
    from core.audit.models import AuditEvent

    with org:
        present(ANALIS, YESTERDAY)
        entries = [log(), log(quantity="1")]
        services.activities_decide(
            by=user(KASUB), ids=[e.pk for e in entries], approve=False, reason="Bukti kurang"
        )
        event = AuditEvent.objects.get(action="activity.activity.reject")
        assert event.reason == "Bukti kurang"
        assert sorted(event.after["ids"]) == sorted(e.pk for e in entries)


def test_a_file_that_only_starts_like_a_photo_is_refused(org, english):
    with org:
        present(ANALIS, YESTERDAY)
        fake = SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff<html><script>alert(1)</script>")
        with pytest.raises(services.ActivityError, match="not one"):
            log(evidence=fake)
        assert not Activity.objects.exists()
