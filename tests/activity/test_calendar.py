"""The Pemda's calendar of days off (core.activity.calendar): the national holidays and cuti
bersama shipped with the code, loaded into a Pemda without touching what it set itself, and
the admin's calendar page; plus the Model Surabaya settings the calendar reads."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.accounts.models import User
from core.activity import calendar, services
from core.activity.models import Holiday
from core.audit.models import AuditEvent
from core.org.models import ActivityNorm, Employee
from tests.personas import ANALIS

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 20)
URL = "/aktivitas/kalender/"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: TODAY)


def admin() -> User:
    return User.objects.get(username="admin")


# --- The national calendar shipped with the code ---------------------------------------------


def test_the_file_has_each_years_national_holidays_and_cuti_bersama():
    holidays = calendar.national_holidays()
    assert calendar.national_years() == [2025, 2026, 2027]
    for year in (2025, 2026, 2027):
        national = [h for h in holidays if h.day.year == year and h.kind == "national"]
        cuti = [h for h in holidays if h.day.year == year and h.kind == "cuti_bersama"]
        assert 17 <= len(national) <= 18, year  # 2027 has Isra Mikraj twice
        assert 8 <= len(cuti) <= 11, year
        assert [h.day for h in national][:1] == [datetime.date(year, 1, 1)]
        assert datetime.date(year, 8, 17) in {h.day for h in national}
        assert datetime.date(year, 12, 25) in {h.day for h in national}


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (datetime.date(2025, 3, 31), "Idul Fitri 1446 Hijriah"),
        (datetime.date(2025, 8, 18), "Cuti bersama Hari Kemerdekaan Republik Indonesia"),
        (datetime.date(2026, 3, 21), "Idul Fitri 1447 Hijriah"),
        (datetime.date(2026, 5, 14), "Kenaikan Yesus Kristus"),
        (datetime.date(2026, 12, 24), "Cuti bersama Kelahiran Yesus Kristus"),
        (datetime.date(2027, 3, 10), "Idul Fitri 1448 Hijriah"),
    ],
)
def test_known_days_are_in_the_file(day, name):
    assert {h.day: h.name for h in calendar.national_holidays()}[day] == name


def test_cuti_bersama_always_falls_on_a_working_weekday():
    """Cuti bersama takes a working day off (SKB 3 Menteri); one on a weekend is a typo."""
    weekend = [
        h.day
        for h in calendar.national_holidays()
        if h.kind == "cuti_bersama" and h.day.isoweekday() > 5
    ]
    assert weekend == []


def test_loading_adds_what_is_missing_and_keeps_the_pemdas_own_days(org):
    with org:
        Holiday.objects.create(
            day=datetime.date(2026, 3, 20), name="Idul Fitri (Perkada)", kind="local"
        )
        Holiday.objects.update_or_create(
            day=datetime.date(2026, 5, 22), defaults={"name": "Hari Jadi Kota", "kind": "local"}
        )[0]
        wanted = len(calendar.national_holidays())

        first = calendar.national_holidays_load()
        assert (first.added, first.kept) == (wanted - 1, 1)
        assert Holiday.objects.get(day=datetime.date(2026, 3, 20)).name == "Idul Fitri (Perkada)"
        assert Holiday.objects.count() == wanted + 1

        again = calendar.national_holidays_load()
        assert (again.added, again.kept) == (0, wanted)
        assert Holiday.objects.count() == wanted + 1
        assert not AuditEvent.objects.filter(action=calendar.HOLIDAYS_LOAD).exists()  # no person


def test_loading_one_year_loads_that_year_only(org):
    with org:
        loaded = calendar.national_holidays_load(years={2027})
        assert loaded.added == Holiday.objects.count() > 0
        assert set(Holiday.objects.values_list("day__year", flat=True)) == {2027}


def test_a_new_pemda_gets_the_national_calendar_through_the_provisioning_hook(org, jambi):
    with jambi:
        calendar.national_holidays_provision_hook(pemda=jambi)
        assert Holiday.objects.count() == len(calendar.national_holidays())
    with org:
        assert not Holiday.objects.exists()  # each Pemda has its own calendar


def test_a_national_holiday_closes_the_day_for_activities(org, english):
    with org:
        calendar.national_holidays_load()
        employee = Employee.objects.get(nip=ANALIS)
        norm = ActivityNorm.objects.create(
            position=employee.position,
            name="Menyusun laporan",
            output_unit="Dokumen",
            minutes_per_unit=30,
        )
        with pytest.raises(services.ActivityError, match="not a working day"):
            services.activity_log(
                by=User.objects.get(nip=ANALIS),
                day=datetime.date(2026, 5, 15),
                norm=norm,
                quantity=1,
            )


def test_the_model_surabaya_template_sets_the_activity_calendar(org):
    with org:
        days = services.calendar_current(TODAY, TODAY)
        assert days.weekdays == frozenset({1, 2, 3, 4, 5})
        assert (days.days_open, days.max_minutes_per_day, days.attendance_required) == (
            3,
            450,
            True,
        )


# --- Adding and removing a day off -----------------------------------------------------------


def test_the_admin_adds_a_pemdas_own_day_off_and_it_is_audited(org):
    with org:
        holiday = calendar.holiday_add(
            by=admin(),
            day=datetime.date(2026, 5, 31),
            name="  Hari Jadi  Kota ",
            kind="local",
            today=TODAY,
        )
        assert (holiday.name, holiday.kind) == ("Hari Jadi Kota", "local")
        event = AuditEvent.objects.get(action="activity.holiday.create")
        assert event.after == {"day": "2026-05-31", "name": "Hari Jadi Kota", "kind": "local"}

        calendar.holiday_remove(by=admin(), holiday=holiday)
        assert not Holiday.objects.exists()
        assert (
            AuditEvent.objects.get(action="activity.holiday.delete").before["name"]
            == "Hari Jadi Kota"
        )


@pytest.mark.parametrize(
    ("day", "name", "kind", "expected"),
    [
        (datetime.date(2026, 5, 14), "Lagi", "local", "already a day off: Kenaikan Yesus Kristus"),
        (datetime.date(2026, 6, 2), "   ", "local", "Name the day off"),
        (datetime.date(2026, 6, 2), "x" * 151, "local", "at most 150 characters"),
        (datetime.date(2026, 6, 2), "Libur", "weekend", "Choose the kind"),
        (datetime.date(1999, 6, 2), "Libur", "local", "Choose a date from 2000 to 2028"),
        (datetime.date(2029, 6, 2), "Libur", "local", "Choose a date from 2000 to 2028"),
    ],
)
def test_a_bad_day_off_is_refused_with_nothing_stored(org, english, day, name, kind, expected):
    with org:
        Holiday.objects.update_or_create(
            day=datetime.date(2026, 5, 14), defaults={"name": "Kenaikan Yesus Kristus"}
        )[0]
        with pytest.raises(services.ActivityError, match=expected):
            calendar.holiday_add(by=admin(), day=day, name=name, kind=kind, today=TODAY)
        assert Holiday.objects.count() == 1
        assert not AuditEvent.objects.filter(action="activity.holiday.create").exists()


def test_only_the_admin_changes_the_calendar(org):
    from django.core.exceptions import PermissionDenied

    with org:
        someone = User.objects.get(nip=ANALIS)
        holiday = Holiday.objects.update_or_create(
            day=datetime.date(2026, 5, 14), defaults={"name": "Kenaikan"}
        )[0]
        with pytest.raises(PermissionDenied):
            calendar.holiday_add(
                by=someone, day=datetime.date(2026, 6, 2), name="X", kind="local", today=TODAY
            )
        with pytest.raises(PermissionDenied):
            calendar.holiday_remove(by=someone, holiday=holiday)
        with pytest.raises(PermissionDenied):
            calendar.national_holidays_load(by=someone)
        assert list(Holiday.objects.values_list("name", flat=True)) == ["Kenaikan"]


# --- The page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin", 200),
        ("mayor", 403),
        ("sekda", 403),
        ("head", 403),
        ("kabid", 403),
        ("kasub", 403),
        ("employee", 403),
    ],
)
def test_the_calendar_page_is_the_admins_only(people, persona, status):
    assert people[persona].get(URL).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(people):
    for url, method in ((URL, "get"), (URL + "tambah/", "post"), (URL + "libur-nasional/", "post")):
        response = getattr(people["anonymous"], method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["mayor", "head", "kasub", "employee"])
def test_nobody_else_adds_removes_or_loads(people, org, persona):
    with org:
        holiday = Holiday.objects.update_or_create(
            day=datetime.date(2026, 5, 14), defaults={"name": "Kenaikan"}
        )[0]
    client = people[persona]
    assert (
        client.post(
            URL + "tambah/", {"day": "2026-06-02", "name": "X", "kind": "local"}
        ).status_code
        == 403
    )
    assert client.post(f"{URL}{holiday.pk}/hapus/").status_code == 403
    assert client.post(URL + "libur-nasional/").status_code == 403
    with org:
        assert list(Holiday.objects.values_list("name", flat=True)) == ["Kenaikan"]


def test_the_load_button_fills_the_calendar_and_the_page_counts_working_days(people, org):
    response = people["admin"].post(URL + "libur-nasional/", {"tahun": "2026"})
    assert response.status_code == 302 and response["Location"] == URL + "?tahun=2026"
    with org:
        assert Holiday.objects.count() == len(calendar.national_holidays())
        assert AuditEvent.objects.get(action=calendar.HOLIDAYS_LOAD).after["added"] > 70

    page = people["admin"].get(URL + "?tahun=2026")
    assert page.status_code == 200
    assert len(page.context["holidays"]) == 25  # 17 national and 8 cuti bersama days
    months = dict(page.context["months"])
    assert list(months.values())[4] == 16  # May 2026: 21 weekdays, 5 of them off
    assert "Kenaikan Yesus Kristus" in page.content.decode()

    again = people["admin"].post(URL + "libur-nasional/")
    assert again.status_code == 302
    with org:
        assert AuditEvent.objects.filter(action=calendar.HOLIDAYS_LOAD).count() == 1


def test_the_admin_adds_and_removes_a_day_on_the_page(people, org):
    response = people["admin"].post(
        URL + "tambah/",
        {"day": "2026-05-22", "name": "Hari Jadi Kota", "kind": "local", "tahun": "2026"},
    )
    assert response.status_code == 302
    with org:
        holiday = Holiday.objects.get(day=datetime.date(2026, 5, 22))
    assert people["admin"].post(f"{URL}{holiday.pk}/hapus/").status_code == 302
    with org:
        assert not Holiday.objects.exists()
    assert people["admin"].post(f"{URL}{holiday.pk}/hapus/").status_code == 404
    assert people["admin"].get(f"{URL}{holiday.pk}/hapus/").status_code == 405


def test_a_refused_day_off_comes_back_with_the_reason(people, org):
    with org:
        Holiday.objects.update_or_create(
            day=datetime.date(2026, 5, 14), defaults={"name": "Kenaikan Yesus Kristus"}
        )[0]
    response = people["admin"].post(
        URL + "tambah/", {"day": "2026-05-14", "name": "Lagi", "kind": "local"}
    )
    assert response.status_code == 400
    assert "Kenaikan Yesus Kristus" in str(response.context["form"].non_field_errors())
    response = people["admin"].post(
        URL + "tambah/", {"day": "kemarin", "name": "", "kind": "local"}
    )
    assert response.status_code == 400 and set(response.context["form"].errors) == {"day", "name"}
    with org:
        assert Holiday.objects.count() == 1


def test_another_pemdas_admin_sees_and_removes_nothing_of_this_calendar(people, org, jambi_client):
    from tests.conftest import JAMBI_PASSWORD, login

    with org:
        holiday = Holiday.objects.update_or_create(
            day=datetime.date(2026, 5, 14), defaults={"name": "Kenaikan"}
        )[0]
    assert login(jambi_client, "admin", JAMBI_PASSWORD).status_code == 302
    assert "Kenaikan" not in jambi_client.get(URL + "?tahun=2026").content.decode()
    assert jambi_client.post(f"{URL}{holiday.pk}/hapus/").status_code == 404
    with org:
        assert Holiday.objects.count() == 1


def test_a_year_out_of_range_shows_this_year(people):
    assert people["admin"].get(URL + "?tahun=1700").context["year"] == 2026
    assert people["admin"].get(URL + "?tahun=abc").context["year"] == 2026


def test_the_calendar_page_runs_the_same_queries_for_few_or_many_days_off(people, org):
    client = people["admin"]
    client.get(URL + "?tahun=2026")
    with CaptureQueriesContext(connection) as few:
        client.get(URL + "?tahun=2026")
    with org:
        calendar.national_holidays_load()
    with CaptureQueriesContext(connection) as many:
        client.get(URL + "?tahun=2026")
    assert len(many) == len(few)


def test_every_pemda_starts_with_the_national_holidays(settings):
    """The hook is in settings.PROVISION_HOOKS: the demo and test Pemda, provisioned through
    it, hold the national calendar (read outside the empty_calendar fixture: its own
    schema, no test transaction of this module's tenants)."""
    from django_tenants.utils import schema_context

    from tenants.models import Pemda

    assert "core.activity.calendar.national_holidays_provision_hook" in settings.PROVISION_HOOKS
    pemda = Pemda.objects.get(slug="kota-jambi")
    with schema_context(pemda.schema_name):
        assert Holiday.objects.filter(day=datetime.date(2026, 8, 17)).exists()
