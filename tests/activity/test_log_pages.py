"""The daily log and approval pages (core/activity/views_log.py) and their home cards: what
each persona sees and may do, bad input answered with a message and nothing stored, and
what the pages cost. Messages are matched in English (the language cookie)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.accounts.models import User
from core.activity import services
from core.activity.models import Activity, Attendance, Favourite, Holiday, MonthlyIndex
from core.config.models import PolicySetting
from core.org.models import ActivityNorm, Employee, Position
from core.performance.models import Rhk, Skp
from tests.activity.test_services import PNG, log, norm, present, user
from tests.conftest import JAMBI_PASSWORD, client_for, login
from tests.factories import EmployeeFactory
from tests.personas import ANALIS, KASUB, PPPK, STAF_DINKES

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 20)  # a Wednesday
YESTERDAY = date(2026, 5, 19)
LOG, ADD, NORMS, FAVOURITE, REPEAT, HISTORY, INBOX, DECIDE = (
    "/aktivitas/",
    "/aktivitas/catat/",
    "/aktivitas/katalog/",
    "/aktivitas/favorit/",
    "/aktivitas/ulangi/",
    "/aktivitas/riwayat/",
    "/aktivitas/persetujuan/",
    "/aktivitas/persetujuan/putuskan/",
)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: TODAY)


@pytest.fixture
def pemda(org):
    """The personas' Pemda with the log settings these tests assume (the template's own
    may change): Monday to Friday, 3 working days open, 450 minutes a day, attendance
    required, late after 3 working days; the analysts present on the days used."""
    with org:
        for key, value in {
            "activity.working_weekdays": [1, 2, 3, 4, 5],
            "activity.entry_days_open": 3,
            "activity.max_minutes_per_day": 450,
            "activity.attendance_required": True,
            "activity.late_approval_days": 3,
        }.items():
            PolicySetting.objects.update_or_create(key=key, defaults={"value": value})
        for nip in (ANALIS, PPPK, KASUB):
            for day in (date(2026, 5, 15), date(2026, 5, 18), YESTERDAY, TODAY):
                present(nip, day)
    return org


@pytest.fixture
def people_en(pemda, people):
    for client in people.values():
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return people


def entry_url(entry, action) -> str:
    return f"/aktivitas/{entry.pk}/{action}/"


def add(client, norm_pk, day=TODAY, quantity="2", **extra):
    data = {"day": day.isoformat(), "norm": norm_pk, "quantity": quantity, **extra}
    return client.post(ADD, data)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def body(response) -> str:
    return response.content.decode()


# --- The day's page -----------------------------------------------------------------------------


def test_the_log_page_shows_the_day_its_cap_and_the_days_still_open(pemda, people_en):
    with pemda:
        entry = log(day=YESTERDAY, quantity="3")  # 90 minutes
    response = people_en["employee"].get(f"{LOG}?tanggal={YESTERDAY}")
    assert response.status_code == 200
    day = response.context["log"]
    assert (day.day, day.cap, day.logged, day.left, day.open) == (YESTERDAY, 450, 90, 360, True)
    assert [d for d, _minutes in response.context["open_days"]] == [
        TODAY,
        YESTERDAY,
        date(2026, 5, 18),
        date(2026, 5, 15),  # Friday: 3 working days open, the weekend not counted
    ]
    assert dict(response.context["open_days"])[YESTERDAY] == 90
    assert entry.name in body(response) and 'id="add-activity"' in body(response)
    # Without a day: today, a working day.
    assert people_en["employee"].get(LOG).context["day"] == TODAY


def test_on_a_weekend_the_page_opens_the_last_open_working_day(pemda, people_en, monkeypatch):
    monkeypatch.setattr(services, "today_local", lambda: date(2026, 5, 23))  # Saturday
    response = people_en["employee"].get(LOG)
    assert response.context["day"] == date(2026, 5, 22)


def test_a_closed_day_is_shown_without_the_form(pemda, people_en):
    response = people_en["employee"].get(f"{LOG}?tanggal=2026-05-04")
    assert response.status_code == 200
    assert response.context["log"].open is False
    assert "form" not in response.context and "has passed" in body(response)


def test_an_employee_logs_an_activity_from_the_page(pemda, people_en):
    with pemda:
        activity = norm(minutes=45)
    response = add(people_en["employee"], activity.pk, quantity="1,5", output="Laporan")
    assert response.status_code == 302 and response.url == f"{LOG}?tanggal={TODAY}"
    with pemda:
        entry = Activity.objects.get()
    assert (entry.employee.nip, entry.minutes, entry.output, entry.state) == (
        ANALIS,
        68,  # 1.5 × 45 = 67.5, halves up
        "Laporan",
        "pending",
    )
    page = people_en["employee"].get(response.url)
    assert "Logged: Menyusun laporan 45, 68 minutes." in messages_of(page)


def test_an_activity_links_to_an_rhk_of_the_years_skp_and_carries_a_photo(pemda, people_en):
    with pemda:
        activity = norm()
        skp = Skp.objects.create(employee=Employee.objects.get(nip=ANALIS), year=2026)
        rhk = Rhk.objects.create(skp=skp, kind="utama", text="Analisis jabatan tersusun")
    photo = SimpleUploadedFile("foto.png", PNG, content_type="image/png")
    response = add(people_en["employee"], activity.pk, rhk=rhk.pk, evidence=photo)
    assert response.status_code == 302
    with pemda:
        entry = Activity.objects.get()
    assert entry.rhk_id == rhk.pk and entry.evidence_name == "foto.png"
    download = people_en["employee"].get(entry_url(entry, "bukti"))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG
    assert people_en["kasub"].get(entry_url(entry, "bukti")).status_code == 200  # the atasan
    for persona in ("head_dinkes",):  # another OPD
        assert people_en[persona].get(entry_url(entry, "bukti")).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quantity": "-1"}, "The quantity must be more than 0."),
        ({"quantity": "abc"}, "The quantity must be a number."),
        ({"quantity": "NaN"}, "The quantity must be a number."),
        ({"day": "2026-05-21"}, "Activities are logged on the day or after it."),
        ({"day": "2026-05-14"}, "not a working day"),  # a holiday
        ({"day": "2026-05-17"}, "not a working day"),  # a Sunday
        ({"day": "2026-04-01"}, "has passed"),
        ({"quantity": "20"}, "can count at most 450 minutes"),  # 600 minutes
        ({"norm": "999999"}, "Choose an activity from the catalogue."),
        ({"norm": ""}, "Choose an activity from the catalogue."),
        ({"rhk": "999999"}, "Choose an RHK of your SKP of that year."),
        ({"output": "x" * 501}, "at most 500 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(pemda, people_en, data, message):
    with pemda:
        Holiday.objects.update_or_create(
            day=date(2026, 5, 14), defaults={"name": "Kenaikan Yesus Kristus"}
        )[0]
        activity = norm()
    fields = {"day": TODAY.isoformat(), "norm": activity.pk, "quantity": "2", **data}
    response = people_en["employee"].post(ADD, fields)
    assert response.status_code == 400
    shown = body(response) + " ".join(messages_of(response))
    assert message in shown
    with pemda:
        assert not Activity.objects.exists()


def test_a_refused_form_keeps_what_was_typed_and_chosen(pemda, people_en):
    with pemda:
        searched = ActivityNorm.objects.create(
            position=Position.objects.get(code="PENGADMIN"),
            name="Mengarsipkan surat",
            output_unit="Surat",
            minutes_per_unit=10,
        )
    response = add(people_en["employee"], searched.pk, quantity="-1", output="Surat masuk")
    assert response.status_code == 400
    page = body(response)
    assert f'<option value="{searched.pk}" selected>Mengarsipkan surat</option>' in page
    assert 'value="Surat masuk"' in page and 'value="-1"' in page
    assert "The quantity must be more than 0." in page


def test_an_absent_day_refuses_activities(pemda, people_en):
    with pemda:
        activity = norm()
        Attendance.objects.filter(employee__nip=ANALIS, day=TODAY).update(
            status="absent", hours_present=None
        )
    response = add(people_en["employee"], activity.pk)
    assert response.status_code == 400
    assert "You were recorded absent" in body(response)
    with pemda:
        assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("foto.jpg", b"MZ\x90\x00 not a photo"), "is not one"),
        (SimpleUploadedFile("foto.png", PNG + b"\x00" * (6 * 1024 * 1024)), "larger than 5 MB"),
    ],
)
def test_a_bad_evidence_file_is_refused_and_nothing_stored(pemda, people_en, upload, message):
    with pemda:
        activity = norm()
    response = add(people_en["employee"], activity.pk, evidence=upload)
    assert response.status_code == 400 and message in body(response)
    with pemda:
        assert not Activity.objects.exists()


def test_a_50_mb_upload_is_refused_before_it_is_read(pemda, people_en):
    with pemda:
        activity = norm()
    response = people_en["employee"].post(
        ADD,
        {"day": TODAY.isoformat(), "norm": activity.pk, "quantity": "1"},
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    with pemda:
        assert not Activity.objects.exists()


def test_nobody_logs_for_someone_else(pemda, people_en):
    with pemda:
        activity = norm(KASUB)
        analis = Employee.objects.get(nip=ANALIS)
    # The atasan names their appraisee: refused, nothing logged for either of them.
    response = add(people_en["kasub"], activity.pk, pegawai=analis.pk)
    assert response.status_code == 403
    # An account without an employee record logs for nobody.
    assert add(people_en["admin"], activity.pk).status_code == 403
    assert add(people_en["mayor"], activity.pk).status_code == 403
    with pemda:
        assert not Activity.objects.exists()
    # Someone else's log is read-only, even for their atasan.
    page = people_en["kasub"].get(f"{LOG}?pegawai={analis.pk}")
    assert page.status_code == 200 and page.context["own"] is False
    assert "form" not in page.context


def test_someone_elses_log_is_seen_only_within_the_scopes(pemda, people_en):
    with pemda:
        log(day=YESTERDAY)
        analis = Employee.objects.get(nip=ANALIS)
    for persona in ("kasub", "head", "mayor", "sekda", "admin"):
        response = people_en[persona].get(f"{LOG}?pegawai={analis.pk}&tanggal={YESTERDAY}")
        assert response.status_code == 200, persona
        assert len(response.context["log"].entries) == 1, persona
    # The atasan's own atasan sees only whom they appraise; another OPD's head nothing.
    for persona in ("kabid", "head_dinkes"):
        assert people_en[persona].get(f"{LOG}?pegawai={analis.pk}").status_code == 404
    with pemda:
        peer = Employee.objects.get(nip=PPPK)
    assert people_en["employee"].get(f"{LOG}?pegawai={peer.pk}").status_code == 404
    assert people_en["employee"].get(f"{HISTORY}?pegawai={peer.pk}").status_code == 404
    assert people_en["employee"].get(f"{LOG}?pegawai=abc").status_code == 404


def test_an_account_without_an_employee_record_is_told_why_it_has_no_log(people_en):
    response = people_en["admin"].get(LOG)
    assert response.status_code == 200
    assert "not linked to an employee" in body(response)
    assert people_en["anonymous"].get(LOG).status_code == 302  # to the login page


# --- The catalogue, favourites and "repeat yesterday" ----------------------------------------


def test_the_catalogue_search_offers_the_own_positions_activities_first(pemda, people_en):
    with pemda:
        mine = norm(minutes=30)
        ActivityNorm.objects.create(
            position=Position.objects.get(code="PENGADMIN"),
            name="Menyusun laporan arsip",
            output_unit="Laporan",
            minutes_per_unit=20,
        )
        ActivityNorm.objects.create(
            position=Position.objects.get(code="KASUB"),
            name="Rapat koordinasi",
            output_unit="Kegiatan",
            minutes_per_unit=60,
        )
    found = people_en["employee"].get(NORMS, {"q": "laporan"}).json()["results"]
    assert [(r["text"], r["own"]) for r in found] == [
        ("Menyusun laporan 30", True),
        ("Menyusun laporan arsip", False),
    ]
    assert found[0] == {
        "value": mine.pk,
        "text": "Menyusun laporan 30",
        "unit": "Dokumen",
        "minutes": 30,
        "own": True,
        "position": "Analis SDM Aparatur",
    }
    both = people_en["employee"].get(NORMS, {"q": "LAPORAN arsip"}).json()["results"]
    assert [r["text"] for r in both] == ["Menyusun laporan arsip"]
    assert len(people_en["employee"].get(NORMS).json()["results"]) == 3
    assert people_en["admin"].get(NORMS, {"q": "x"}).status_code == 403  # no log to fill


def test_a_favourite_is_starred_shown_first_and_unstarred(pemda, people_en):
    with pemda:
        activity = norm()
    response = people_en["employee"].post(FAVOURITE, {"norm": activity.pk, "day": TODAY})
    assert response.status_code == 302 and response.url == f"{LOG}?tanggal={TODAY}"
    page = people_en["employee"].get(response.url)
    assert [n.pk for n in page.context["favourites"]] == [activity.pk]
    assert f'data-favourite="{activity.pk}"' in body(page)
    people_en["employee"].post(FAVOURITE, {"norm": activity.pk, "day": TODAY})
    with pemda:
        assert not Favourite.objects.exists()
    # Bad input: nothing starred, a message.
    response = people_en["employee"].post(FAVOURITE, {"norm": "999999", "day": TODAY})
    assert "Choose an activity from the catalogue." in messages_of(
        people_en["employee"].get(response.url)
    )
    assert people_en["admin"].post(FAVOURITE, {"norm": activity.pk}).status_code == 403
    with pemda:
        assert not Favourite.objects.exists()


def test_repeat_yesterday_copies_the_ticked_entries_onto_the_day(pemda, people_en):
    with pemda:
        first = log(day=YESTERDAY, quantity="2", output="Notulen")
        second = log(day=YESTERDAY, quantity="1", norm=norm(minutes=60))
        rejected = log(day=YESTERDAY, quantity="1", norm=norm(minutes=15))
        services.activities_decide(by=user(KASUB), ids=[rejected.pk], approve=False, reason="x")
    page = people_en["employee"].get(LOG)
    assert page.context["repeat_day"] == YESTERDAY
    assert [e.pk for e in page.context["repeat_entries"]] == [first.pk, second.pk]
    response = people_en["employee"].post(
        REPEAT, {"day": TODAY.isoformat(), "ids": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    with pemda:
        copies = list(Activity.objects.filter(day=TODAY).order_by("created_at", "pk"))
    assert [(c.name, c.minutes, c.output, c.state) for c in copies] == [
        ("Menyusun laporan 30", 60, "Notulen", "pending"),
        ("Menyusun laporan 60", 60, "", "pending"),
    ]
    page = people_en["employee"].get(response.url)
    assert "2 activities repeated on" in " ".join(messages_of(page))
    assert page.context["repeat_entries"] == [] and 'id="repeat"' not in body(page)


def test_repeat_is_all_or_nothing_with_each_refusal_said(pemda, people_en):
    with pemda:
        first = log(day=YESTERDAY, quantity="4")  # 120
        second = log(day=YESTERDAY, quantity="3")  # 90
        present(ANALIS, TODAY, hours="3")  # 180 minutes today
    response = people_en["employee"].post(
        REPEAT, {"day": TODAY.isoformat(), "ids": [first.pk, second.pk]}
    )
    shown = messages_of(people_en["employee"].get(response.url))
    assert shown[0] == "Nothing was repeated:"
    assert "Menyusun laporan 30: This activity takes 90 minutes" in shown[1]
    with pemda:
        assert not Activity.objects.filter(day=TODAY).exists()


def test_repeat_refuses_someone_elses_entries(pemda, people_en):
    with pemda:
        theirs = log(nip=PPPK, day=YESTERDAY)
    response = people_en["employee"].post(REPEAT, {"day": TODAY.isoformat(), "ids": [theirs.pk]})
    assert "Only your own activities" in " ".join(
        messages_of(people_en["employee"].get(response.url))
    )
    response = people_en["employee"].post(
        REPEAT, {"day": TODAY.isoformat(), "ids": [theirs.pk], "pegawai": theirs.employee_id}
    )
    assert response.status_code == 403
    with pemda:
        assert not Activity.objects.filter(day=TODAY).exists()


# --- Changing and removing an entry ---------------------------------------------------------


def test_the_owner_changes_and_removes_a_waiting_entry(pemda, people_en):
    with pemda:
        entry = log(day=YESTERDAY, quantity="2")
    page = people_en["employee"].get(entry_url(entry, "ubah"))
    assert page.status_code == 200 and page.context["form"]["quantity"].value() == "2"
    response = people_en["employee"].post(
        entry_url(entry, "ubah"), {"quantity": "3", "output": "Revisi"}
    )
    assert response.status_code == 302
    with pemda:
        entry.refresh_from_db()
    assert (entry.minutes, entry.output, entry.version) == (90, "Revisi", 1)
    bad = people_en["employee"].post(entry_url(entry, "ubah"), {"quantity": "-2"})
    assert bad.status_code == 400 and "more than 0" in body(bad)
    assert people_en["employee"].post(entry_url(entry, "hapus")).status_code == 302
    with pemda:
        assert not Activity.objects.filter(pk=entry.pk).exists()


def test_nobody_changes_an_approved_entry(pemda, people_en):
    with pemda:
        entry = log(day=YESTERDAY)
        services.activities_decide(by=user(KASUB), ids=[entry.pk], approve=True)
    page = people_en["employee"].get(entry_url(entry, "ubah"))
    assert page.status_code == 302
    assert "can no longer change" in " ".join(messages_of(people_en["employee"].get(page.url)))
    people_en["employee"].post(entry_url(entry, "ubah"), {"quantity": "9"})
    people_en["employee"].post(entry_url(entry, "hapus"))
    # The atasan sees it and may not change it; another OPD does not see it.
    assert people_en["kasub"].post(entry_url(entry, "ubah"), {"quantity": "9"}).status_code == 403
    assert people_en["kasub"].post(entry_url(entry, "hapus")).status_code == 403
    assert people_en["head_dinkes"].post(entry_url(entry, "hapus")).status_code == 404
    with pemda:
        entry.refresh_from_db()
    assert (entry.quantity, entry.state) == (Decimal("2.00"), "approved")


def test_a_closed_days_entry_no_longer_changes(pemda, people_en, monkeypatch):
    with pemda:
        entry = log(day=date(2026, 5, 15))
    monkeypatch.setattr(services, "today_local", lambda: date(2026, 5, 21))  # closed on the 20th
    response = people_en["employee"].get(entry_url(entry, "ubah"))
    assert response.status_code == 302
    people_en["employee"].post(entry_url(entry, "hapus"))
    with pemda:
        assert Activity.objects.filter(pk=entry.pk).exists()


def test_another_pemdas_ids_are_not_found(pemda, people_en, jambi):
    with pemda:
        entry = log(day=YESTERDAY)
    client = client_for(jambi)
    assert login(client, "pegawai", JAMBI_PASSWORD).status_code == 302
    for url in (entry_url(entry, "ubah"), entry_url(entry, "bukti")):
        assert client.get(url).status_code == 404
    assert client.post(entry_url(entry, "hapus")).status_code == 404
    with pemda:
        assert Activity.objects.filter(pk=entry.pk).exists()


# --- History --------------------------------------------------------------------------------------


def test_the_history_lists_the_months_with_their_minutes_and_iki(pemda, people_en):
    with pemda:
        approved = log(day=YESTERDAY, quantity="4")  # 120
        log(day=YESTERDAY, quantity="1")  # 30, waiting
        rejected = log(day=TODAY, quantity="2")  # 60
        services.activities_decide(by=user(KASUB), ids=[approved.pk], approve=True)
        services.activities_decide(by=user(KASUB), ids=[rejected.pk], approve=False, reason="x")
        Attendance.objects.create(
            employee=Employee.objects.get(nip=ANALIS), day=date(2026, 4, 30), status="present"
        )
        april = Activity.objects.create(
            employee=Employee.objects.get(nip=ANALIS),
            day=date(2026, 4, 30),
            name="Rapat akhir April",
            output_unit="Dokumen",
            minutes_per_unit=10,
            quantity=1,
            minutes=10,
        )
        MonthlyIndex.objects.create(
            employee=Employee.objects.get(nip=ANALIS), month=date(2026, 4, 1), iki=Decimal("0.16")
        )
    response = people_en["employee"].get(f"{HISTORY}?tahun=2026&bulan=5")
    assert response.status_code == 200
    rows = [
        (m.month, m.entries, m.logged, m.approved, m.pending, m.rejected)
        for m in response.context["months"]
    ]
    assert rows == [(date(2026, 5, 1), 3, 150, 120, 30, 60), (date(2026, 4, 1), 1, 10, 0, 10, 0)]
    assert response.context["months"][1].index.iki == Decimal("0.16")
    assert [(d["day"], d["minutes"]) for d in response.context["days"]] == [
        (YESTERDAY, 150),
        (TODAY, 0),
    ]
    assert april.name not in body(response)  # another month's entries are not listed
    assert people_en["kasub"].get(f"{HISTORY}?pegawai={approved.employee_id}").status_code == 200


# --- Approvals ------------------------------------------------------------------------------------


def test_the_atasan_sees_what_waits_grouped_by_person_and_day(pemda, people_en):
    with pemda:
        log(day=YESTERDAY)
        log(day=TODAY)
        log(nip=PPPK, day=TODAY)
        log(nip=KASUB, day=TODAY, norm=norm(KASUB))  # waits for the Kabid, not the Kasubbid
    response = people_en["kasub"].get(INBOX)
    assert response.status_code == 200
    people = response.context["people"]
    assert [(p.employee.nip, [d for d, _e in p.days]) for p in people] == [
        (PPPK, [TODAY]),  # Ayu Kusuma
        (ANALIS, [YESTERDAY, TODAY]),  # Rudi Hartono
    ]
    assert response.context["count"] == 3
    assert [p.employee.nip for p in people_en["kabid"].get(INBOX).context["people"]] == [KASUB]
    nothing = people_en["employee"].get(INBOX)
    assert nothing.status_code == 200 and nothing.context["people"] == []


def test_the_atasan_approves_in_bulk_and_one_by_one(pemda, people_en):
    with pemda:
        entries = [log(day=YESTERDAY), log(day=TODAY), log(nip=PPPK, day=TODAY)]
    response = people_en["kasub"].post(
        DECIDE, {"ids": [entries[0].pk, entries[2].pk], "action": "approve"}
    )
    assert response.status_code == 302
    assert "2 activities approved." in messages_of(people_en["kasub"].get(INBOX))
    response = people_en["kasub"].post(DECIDE, {"approve_one": entries[1].pk, "reason": ""})
    assert response.status_code == 302
    with pemda:
        assert set(Activity.objects.values_list("state", flat=True)) == {"approved"}
        assert Activity.objects.filter(decided_by=user(KASUB)).count() == 3


def test_rejecting_needs_a_reason_which_the_employee_then_sees(pemda, people_en):
    with pemda:
        entry = log(day=YESTERDAY)
    response = people_en["kasub"].post(DECIDE, {"ids": [entry.pk], "action": "reject"})
    assert response.status_code == 400
    assert "Say why the activity is rejected." in body(response)
    assert str(entry.pk) in response.context["checked"]  # the ticks are kept
    with pemda:
        entry.refresh_from_db()
        assert entry.state == "pending"
    response = people_en["kasub"].post(
        DECIDE, {"ids": [entry.pk], "action": "reject", "reason": "Bukti tidak sesuai"}
    )
    assert response.status_code == 302
    with pemda:
        entry.refresh_from_db()
    assert (entry.state, entry.reject_reason) == ("rejected", "Bukti tidak sesuai")
    page = people_en["employee"].get(f"{LOG}?tanggal={YESTERDAY}")
    assert "Bukti tidak sesuai" in body(page)
    home = people_en["employee"].get("/")
    card = dict((c.key, ctx) for c, ctx in home.context["cards"])["activity.rejected"]
    assert [e.pk for e in card["entries"]] == [entry.pk]
    assert "Bukti tidak sesuai" in body(home)


def test_no_action_or_no_entries_chosen_is_refused(pemda, people_en):
    with pemda:
        entry = log(day=YESTERDAY)
    response = people_en["kasub"].post(DECIDE, {"ids": [entry.pk]})
    assert response.status_code == 400 and "approve or reject" in body(response)
    response = people_en["kasub"].post(DECIDE, {"action": "approve"})
    assert response.status_code == 400 and "Choose the activities to decide." in body(response)
    response = people_en["kasub"].post(DECIDE, {"ids": ["abc"], "action": "approve"})
    assert response.status_code == 400
    with pemda:
        entry.refresh_from_db()
        assert entry.state == "pending"


@pytest.mark.parametrize("persona", ["employee", "kabid", "head", "mayor", "sekda", "admin"])
def test_only_the_owners_atasan_decides(pemda, people_en, persona):
    """The owner, a peer, the atasan's own atasan, the head of the OPD, the leaders and the
    admin all read the entry (or not) but none decides it: the whole request is refused."""
    with pemda:
        entry = log(day=YESTERDAY)
    response = people_en[persona].post(DECIDE, {"ids": [entry.pk], "action": "approve"})
    assert response.status_code == 403
    with pemda:
        entry.refresh_from_db()
        assert entry.state == "pending"


def test_a_bulk_decision_with_one_entry_not_theirs_decides_nothing(pemda, people_en):
    with pemda:
        mine = log(day=YESTERDAY)
        present(STAF_DINKES, YESTERDAY)
        theirs = log(nip=STAF_DINKES, day=YESTERDAY, norm=norm(STAF_DINKES))
    response = people_en["kasub"].post(DECIDE, {"ids": [mine.pk, theirs.pk], "action": "approve"})
    assert response.status_code == 403
    with pemda:
        assert not Activity.objects.filter(state="approved").exists()


def test_the_leader_reads_but_does_not_approve(pemda, people_en):
    with pemda:
        entry = log(day=YESTERDAY)
    inbox = people_en["mayor"].get(INBOX)
    assert inbox.status_code == 200 and inbox.context["people"] == []
    page = people_en["mayor"].get(f"{LOG}?pegawai={entry.employee_id}&tanggal={YESTERDAY}")
    assert page.status_code == 200 and [e.pk for e in page.context["log"].entries] == [entry.pk]
    assert people_en["mayor"].post(DECIDE, {"approve_one": entry.pk}).status_code == 403


# --- Late approvals and the home cards ------------------------------------------------------


def logged_at(entry, day: date) -> None:
    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 9))
    Activity.objects.filter(pk=entry.pk).update(created_at=moment)


def test_entries_waiting_more_than_three_working_days_are_late(pemda, people_en):
    """On Wednesday the 20th: logged on Thursday the 14th, the days since are Fri, Mon, Tue,
    Wed — four, late; logged on Friday the 15th, three, not yet."""
    with pemda:
        old = log(day=date(2026, 5, 15))
        recent = log(day=date(2026, 5, 15), quantity="1")
        logged_at(old, date(2026, 5, 14))
        logged_at(recent, date(2026, 5, 15))
    response = people_en["kasub"].get(INBOX)
    entries = [e for p in response.context["people"] for _d, es in p.days for e in es]
    assert {e.pk: e.late for e in entries} == {old.pk: True, recent.pk: False}
    assert response.context["late"] == 1
    home = people_en["kasub"].get("/")
    card = dict((c.key, ctx) for c, ctx in home.context["cards"])["activity.waiting"]
    assert [(r["employee__name"], r["count"], r["late"]) for r in card["people"]] == [
        ("Rudi Hartono", 2, 1)
    ]
    # The head of the OPD sees the late ones per atasan, on the home page and the inbox.
    head_home = people_en["head"].get("/")
    late = dict((c.key, ctx) for c, ctx in head_home.context["cards"])["activity.late"]
    assert [(atasan.nip, n) for atasan, n in late["rows"]] == [(KASUB, 1)]
    inbox = people_en["head"].get(INBOX)
    assert [(a.nip, n) for a, n in inbox.context["late_by_atasan"]] == [(KASUB, 1)]
    assert "Dewi Lestari" in body(inbox)
    # Nobody else sees that card; another OPD's head counts nothing of this OPD.
    for persona in ("kasub", "employee", "mayor", "head_dinkes"):
        keys = {c.key for c, _ctx in people_en[persona].get("/").context["cards"]}
        assert "activity.late" not in keys, persona


def test_the_waiting_card_is_only_for_whoever_has_something_to_approve(pemda, people_en):
    for persona in people_en:
        if persona == "anonymous":
            continue
        keys = {c.key for c, _ctx in people_en[persona].get("/").context["cards"]}
        assert "activity.waiting" not in keys and "activity.rejected" not in keys, persona
    with pemda:
        log(day=YESTERDAY)
    keys = {c.key for c, _ctx in people_en["kasub"].get("/").context["cards"]}
    assert "activity.waiting" in keys


# --- What the pages cost ------------------------------------------------------------------------


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


# Five to find the Pemda and the user with their employee record (tests/core/
# test_page_queries.py); the calendar: the holidays, and inside a test's transaction the
# five activity.* settings, read from the database (from the per-process cache otherwise:
# core.config.selectors). Then the log page reads the day's entries, its attendance, the
# minutes of the open days, the favourites, the own position's catalogue, the RHK of the
# year and the entries to repeat; the history the years, the months, their indices and the
# month's entries (no calendar); the inbox the entries waiting, and for a head of OPD their
# unit, the late entries per atasan and those atasan.
MOST = {
    ("employee", f"{LOG}?tanggal={YESTERDAY}"): 5 + 6 + 7,
    ("employee", f"{HISTORY}?tahun=2026&bulan=5"): 5 + 4,
    ("kasub", INBOX): 5 + 6 + 1,
    ("head", INBOX): 5 + 6 + 4,
}


@pytest.mark.parametrize(("persona", "url"), MOST)
def test_the_pages_run_a_fixed_number_of_queries(pemda, people_en, persona, url):
    with pemda:
        for entry in (
            log(day=YESTERDAY),
            log(nip=PPPK, day=YESTERDAY),
            log(nip=KASUB, day=YESTERDAY, norm=norm(KASUB)),
        ):
            logged_at(entry, date(2026, 5, 1))  # late: every query of the pages runs
        services.favourite_toggle(by=user(ANALIS), norm=norm())
    assert queries(people_en[persona], url) == MOST[(persona, url)]


def test_the_pages_cost_the_same_for_few_or_many_rows(pemda, people_en):
    pages = [
        ("employee", f"{LOG}?tanggal={YESTERDAY}"),
        ("employee", f"{HISTORY}?tahun=2026&bulan=5"),
        ("kasub", INBOX),
        ("head", INBOX),
    ]
    with pemda:
        logged_at(log(day=YESTERDAY), date(2026, 5, 1))  # late: every query of the pages runs
    few = {page: queries(people_en[page[0]], page[1]) for page in pages}
    with pemda:
        kasub = Employee.objects.get(nip=KASUB)
        analis = Position.objects.get(code="ANALIS")
        for index, person in enumerate(
            EmployeeFactory.create_batch(
                5, position=analis, unit=kasub.unit, derived_atasan=kasub, status="PNS"
            )
        ):
            present(person.nip, YESTERDAY)
            account = User.objects.create_user(f"staf{index}", nip=person.nip, role="employee")
            person.user = account
            person.save(update_fields=["user"])
            services.activity_log(by=account, day=YESTERDAY, norm=norm(), quantity="1")
        for quantity in ("1", "2", "3"):
            log(day=YESTERDAY, quantity=quantity, norm=norm(minutes=10))
            log(day=date(2026, 5, 18), quantity=quantity, norm=norm(minutes=10))
        for minutes in (11, 12, 13):
            services.favourite_toggle(by=user(ANALIS), norm=norm(minutes=minutes))
        Activity.objects.update(created_at=timezone.now() - timedelta(days=400))  # all late
    many = {page: queries(people_en[page[0]], page[1]) for page in pages}
    assert many == few
