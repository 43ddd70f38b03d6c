"""Riwayat perubahan (core/audit/views.py): the admin's history page, its filters and
exports, who may open it, and an employee's own changes on their page."""

import codecs
import csv
import datetime
import html
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from core.accounts.models import Role, User
from core.audit.actions import action_label
from core.audit.models import AuditEvent
from core.org import services
from core.org.models import Employee
from tenants.models import Pemda
from tests.conftest import JAMBI_PASSWORD, client_for, login
from tests.factories import UserFactory
from tests.personas import ANALIS, KABID, KASUB, PPPK, STAF_DINKES

pytestmark = pytest.mark.django_db

WIB, UTC = ZoneInfo("Asia/Jakarta"), datetime.UTC
NON_ADMINS = ["mayor", "sekda", "head", "kabid", "kasub", "employee", "head_dinkes"]
URLS = ["/audit/", "/audit/export.xlsx", "/audit/export.csv"]
HEADERS = ["Waktu", "Oleh", "Perubahan", "Jenis Data", "Data", "Sebelum", "Sesudah", "Alasan"]


def at(*args, tz=WIB) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=tz)


def event_add(**fields) -> AuditEvent:
    """A change as a service would have recorded it (its time set by the test)."""
    actor = fields.pop("actor", None)
    defaults = {"action": "org.employee.update", "object_type": "org.employee"}
    return AuditEvent.objects.create(
        **{**defaults, **fields}, actor=actor, actor_name=actor.display_name if actor else ""
    )


def shown(response) -> list[str]:
    """The records of the changes on the page, top to bottom."""
    return [event.object_repr for event in response.context["page"]]


def rows_on(response) -> list[list[str]]:
    """The table's cells as text, row by row."""
    body = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S).group(1)
    return [
        [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def in_indonesian(text) -> str:
    with translation.override("id"):
        return str(text)


@pytest.fixture
def admin(org) -> User:
    with org:
        return User.objects.get(username="admin")


@pytest.fixture
def trail(org, admin) -> dict[str, AuditEvent]:
    """Four changes over four days in Surabaya (WIB): two by the admin, one by a second
    admin, one by the system."""
    with org:
        nadia = UserFactory(name="Nadia Purnama", role=Role.TENANT_ADMIN)
        return {
            "rudi": event_add(actor=admin, object_repr="Rudi Hartono", at=at(2026, 3, 9, 10)),
            "ayu": event_add(
                actor=admin,
                action="org.atasan.override",
                object_repr="Ayu Kusuma",
                before={"atasan": "Dewi Lestari"},
                after={"atasan": "Agus Salim", "set_by_hand": True},
                reason="Kasubbid cuti panjang",
                at=at(2026, 3, 10, 8),
            ),
            "import": event_add(
                actor=nadia,
                action="import.run",
                object_type="importing.importjob",
                object_repr="Pegawai: pegawai.xlsx",
                after={"rows": 3, "created": 1},
                at=at(2026, 3, 11, 15),
            ),
            "lina": event_add(object_repr="Lina Marlina", at=at(2026, 3, 12, 23, 59)),
        }


# --- The list -----------------------------------------------------------------------------


def test_the_admin_sees_every_change_newest_first(people, trail):
    response = people["admin"].get("/audit/")
    assert response.status_code == 200
    assert shown(response) == [
        "Lina Marlina",
        "Pegawai: pegawai.xlsx",
        "Ayu Kusuma",
        "Rudi Hartono",
    ]


def test_changes_made_at_the_same_moment_are_listed_latest_recorded_first(people, org):
    with org:
        for name in ("Pertama", "Kedua", "Ketiga"):
            event_add(object_repr=name, at=at(2026, 3, 10, 9))
    assert shown(people["admin"].get("/audit/")) == ["Ketiga", "Kedua", "Pertama"]


def test_each_row_shows_when_who_what_which_record_before_after_and_why(people, trail, admin):
    rows = rows_on(people["admin"].get("/audit/"))
    assert rows[2] == [
        "10-03-2026 8.00",  # Indonesian short date and time
        admin.display_name,
        in_indonesian(action_label("org.atasan.override")),
        "Ayu Kusuma",
        "Atasan: Dewi Lestari",
        "Atasan: Agus Salim diatur manual: Ya",
        "Kasubbid cuti panjang",
    ]
    assert rows[0][1] == in_indonesian(translation.gettext_lazy("System"))  # no actor


def test_times_are_shown_in_the_pemdas_own_time_zone(people, org):
    with org:
        event_add(object_repr="Rudi Hartono", at=at(2026, 3, 10, 1, 30, tz=UTC))
    Pemda.objects.filter(pk=org.pk).update(time_zone="Asia/Jayapura")  # WIT, UTC+9
    assert rows_on(people["admin"].get("/audit/"))[0][0] == "10-03-2026 10.30"  # not 8.30 WIB


# --- Filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor={admin}", ["Ayu Kusuma", "Rudi Hartono"]),
        ("actor={nadia}", ["Pegawai: pegawai.xlsx"]),
        ("action=org.employee.update", ["Lina Marlina", "Rudi Hartono"]),
        ("action=import.run", ["Pegawai: pegawai.xlsx"]),
        ("since=2026-03-10", ["Lina Marlina", "Pegawai: pegawai.xlsx", "Ayu Kusuma"]),
        ("until=2026-03-10", ["Ayu Kusuma", "Rudi Hartono"]),  # the whole last day
        (
            "until=2026-03-12",
            ["Lina Marlina", "Pegawai: pegawai.xlsx", "Ayu Kusuma", "Rudi Hartono"],
        ),
        ("since=2026-03-10&until=2026-03-11", ["Pegawai: pegawai.xlsx", "Ayu Kusuma"]),
        ("since=2026-03-13", []),
        ("q=CUTI", ["Ayu Kusuma"]),  # the reason, whatever the case
        ("q=rudi", ["Rudi Hartono"]),  # the record
        ("q=purnama", ["Pegawai: pegawai.xlsx"]),  # the actor's name
        ("q=tidak ada", []),
        ("actor={admin}&action=org.employee.update", ["Rudi Hartono"]),
        ("actor={admin}&q=ayu&since=2026-03-10&until=2026-03-10", ["Ayu Kusuma"]),
    ],
)
def test_every_filter_narrows_the_list(people, org, trail, admin, query, expected):
    actors = {"admin": admin.pk, "nadia": trail["import"].actor_id}
    response = people["admin"].get(f"/audit/?{query.format(**actors)}")
    assert response.status_code == 200
    assert shown(response) == expected


def test_the_who_filter_offers_everyone_who_changed_something_and_only_them(people, trail, admin):
    form = people["admin"].get("/audit/").context["form"]
    offered = [(value, str(label)) for value, label in form.fields["actor"].choices][1:]
    assert offered == [(admin.pk, admin.display_name), (trail["import"].actor_id, "Nadia Purnama")]


def test_someone_renamed_since_their_changes_is_offered_once(people, org, trail, admin):
    with org:
        admin.name = "Admin BKPSDMD"
        admin.save(update_fields=["name"])
        event_add(actor=admin, object_repr="Sesudah ganti nama", at=at(2026, 3, 13, 9))
    form = people["admin"].get("/audit/").context["form"]
    offered = [value for value, _label in form.fields["actor"].choices][1:]
    assert sorted(offered) == sorted([admin.pk, trail["import"].actor_id])


def test_from_and_until_are_days_in_the_pemdas_own_time_zone(people, org):
    """At Jayapura (WIT, UTC+9) 10 March runs from 9 March 15:00 to 10 March 15:00 UTC."""
    with org:
        for name, moment in [
            ("9 Mar 23:30 WIT", at(2026, 3, 9, 14, 30, tz=UTC)),
            ("10 Mar 00:30 WIT", at(2026, 3, 9, 15, 30, tz=UTC)),
            ("10 Mar 23:30 WIT", at(2026, 3, 10, 14, 30, tz=UTC)),
            ("11 Mar 00:30 WIT", at(2026, 3, 10, 15, 30, tz=UTC)),
        ]:
            event_add(object_repr=name, at=moment)
    Pemda.objects.filter(pk=org.pk).update(time_zone="Asia/Jayapura")
    client = people["admin"]
    assert shown(client.get("/audit/?since=2026-03-10&until=2026-03-10")) == [
        "10 Mar 23:30 WIT",
        "10 Mar 00:30 WIT",
    ]
    assert shown(client.get("/audit/?since=2026-03-11")) == ["11 Mar 00:30 WIT"]
    assert shown(client.get("/audit/?until=2026-03-09")) == ["9 Mar 23:30 WIT"]


def test_a_range_that_ends_before_it_starts_is_a_400_with_a_message(people, trail):
    response = people["admin"].get("/audit/?since=2026-03-11&until=2026-03-10")
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    with translation.override("en"):
        assert [str(error) for error in errors] == ["“From” must not be after “Until”."]
    assert in_indonesian(errors[0]) in response.content.decode()  # shown above the list


@pytest.mark.parametrize(
    "query",
    [
        "since=kemarin",
        "until=2026-02-30",
        "actor=abc",
        "actor=999999",
        "action=org.nothing",
        "q=" + "x" * 101,
    ],
)
def test_a_filter_value_that_makes_no_sense_is_a_400_not_a_500(people, trail, query):
    response = people["admin"].get(f"/audit/?{query}")
    assert response.status_code == 400
    assert response.context["form"].errors


# --- Pages and queries --------------------------------------------------------------------


def events_add(count: int, *, start: int = 0) -> None:
    """``count`` changes a minute apart, each by another account."""
    users = UserFactory.create_batch(count, role=Role.TENANT_ADMIN)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                at=at(2026, 3, 1, 8) + datetime.timedelta(minutes=start + n),
                actor=user,
                actor_name=user.display_name,
                action="org.employee.update",
                object_type="org.employee",
                object_repr=f"Pegawai {start + n:02d}",
                before={"golongan": "III/a"},
                after={"golongan": "III/b"},
            )
            for n, user in enumerate(users)
        ]
    )


def test_fifty_changes_make_a_page(people, org):
    with org:
        events_add(60)
    client = people["admin"]
    first, second = client.get("/audit/"), client.get("/audit/?page=2")
    assert first.context["page"].paginator.count == 60
    assert shown(first) == [f"Pegawai {n:02d}" for n in range(59, 9, -1)]
    assert shown(second) == [f"Pegawai {n:02d}" for n in range(9, -1, -1)]
    assert shown(client.get("/audit/?page=99")) == shown(second)  # past the end: the last page
    assert 'href="?page=2"' in first.content.decode()


def test_the_next_page_keeps_the_filters(people, org):
    with org:
        events_add(60)
    page = people["admin"].get("/audit/?action=org.employee.update&q=pegawai").content.decode()
    assert 'href="?action=org.employee.update&amp;q=pegawai&amp;page=2"' in page


def test_the_page_issues_the_same_queries_for_3_or_60_changes(
    people, org, django_assert_num_queries, django_assert_max_num_queries
):
    client = people["admin"]
    with org:
        events_add(3)
    client.get("/audit/")  # warm up the session
    with CaptureQueriesContext(connection) as few:
        assert len(shown(client.get("/audit/"))) == 3
    with org:
        events_add(57, start=3)
    with django_assert_num_queries(len(few)):
        assert len(shown(client.get("/audit/"))) == 50
    # Pemda, schema (2), session, user, the "who" choices, the count, the page of changes.
    with django_assert_max_num_queries(8):
        assert len(shown(client.get("/audit/?page=2&q=pegawai"))) == 10


# --- Exports ------------------------------------------------------------------------------


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def csv_rows(response) -> list[list[str]]:
    assert response.content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_both_exports_carry_the_filtered_changes(people, trail, admin):
    query = "since=2026-03-10&until=2026-03-11"
    xlsx = people["admin"].get(f"/audit/export.xlsx?{query}")
    text = people["admin"].get(f"/audit/export.csv?{query}")
    assert xlsx.status_code == text.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="riwayat-perubahan.xlsx"'
    assert text["Content-Disposition"] == 'attachment; filename="riwayat-perubahan.csv"'
    import_row = [
        "Nadia Purnama",
        in_indonesian(action_label("import.run")),
        "importing.importjob",
        "Pegawai: pegawai.xlsx",
        "",
        '{"created": 1, "rows": 3}',
        "",
    ]
    atasan_row = [
        admin.display_name,
        in_indonesian(action_label("org.atasan.override")),
        "org.employee",
        "Ayu Kusuma",
        '{"atasan": "Dewi Lestari"}',
        '{"atasan": "Agus Salim", "set_by_hand": true}',
        "Kasubbid cuti panjang",
    ]
    assert csv_rows(text) == [
        HEADERS,
        ["2026-03-11 15:00", *import_row],
        ["2026-03-10 08:00", *atasan_row],
    ]
    empty_as_blank = [[cell if cell is not None else "" for cell in row] for row in xlsx_rows(xlsx)]
    assert empty_as_blank == [
        HEADERS,
        [datetime.datetime(2026, 3, 11, 15, 0), *import_row],
        [datetime.datetime(2026, 3, 10, 8, 0), *atasan_row],
    ]


def test_the_exports_follow_every_filter_as_the_page_does(people, trail, admin):
    query = f"actor={admin.pk}&q=rudi"
    records = [row[4] for row in csv_rows(people["admin"].get(f"/audit/export.csv?{query}"))[1:]]
    assert records == shown(people["admin"].get(f"/audit/?{query}")) == ["Rudi Hartono"]
    sheet = xlsx_rows(people["admin"].get(f"/audit/export.xlsx?{query}"))
    assert [row[4] for row in sheet[1:]] == ["Rudi Hartono"]


def test_export_times_are_in_the_pemdas_own_time_zone(people, org):
    with org:
        event_add(object_repr="Rudi Hartono", at=at(2026, 3, 10, 15, 30, tz=UTC))
    Pemda.objects.filter(pk=org.pk).update(time_zone="Asia/Jayapura")
    assert csv_rows(people["admin"].get("/audit/export.csv"))[1][0] == "2026-03-11 00:30"
    assert xlsx_rows(people["admin"].get("/audit/export.xlsx"))[1][0] == datetime.datetime(
        2026, 3, 11, 0, 30
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_with_a_range_that_ends_before_it_starts_is_a_400_not_the_whole_trail(
    people, trail, fmt
):
    response = people["admin"].get(f"/audit/export.{fmt}?since=2026-03-11&until=2026-03-10")
    assert response.status_code == 400


# --- Who may see it -----------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("persona", NON_ADMINS)
def test_only_the_admin_may_see_the_history(people, trail, persona, url):
    response = people[persona].get(url)
    assert response.status_code == 403
    assert b"Kasubbid cuti panjang" not in response.content


@pytest.mark.parametrize("url", URLS)
def test_the_history_needs_a_login(people, url):
    response = people["anonymous"].get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_admin_of_another_pemda_sees_none_of_its_changes(trail, jambi, admin):
    client = client_for(jambi)
    assert login(client, "admin", JAMBI_PASSWORD).status_code == 302
    assert shown(client.get("/audit/")) == []
    assert shown(client.get("/audit/?q=cuti")) == []
    assert csv_rows(client.get("/audit/export.csv")) == [HEADERS]
    assert xlsx_rows(client.get("/audit/export.xlsx")) == [HEADERS]
    assert client.get(f"/audit/?actor={admin.pk}").status_code == 400  # nobody to pick here


# --- In Indonesian; an employee's own changes -----------------------------------------------


def test_the_history_page_speaks_indonesian(people, trail):
    page = people["admin"].get("/audit/").content.decode()
    assert '<h1 class="h3">Riwayat perubahan</h1>' in page


def test_an_employees_page_lists_that_employees_changes_for_the_admin(people, org, admin):
    with org:
        rudi, ayu = Employee.objects.get(nip=ANALIS), Employee.objects.get(nip=PPPK)
        services.atasan_override_set(
            employee=rudi,
            atasan=Employee.objects.get(nip=KABID),
            reason="Kasubbid cuti panjang",
            by=admin,
        )
        services.employee_update(employee=rudi, data={"golongan": "III/b"}, by=admin)
        services.employee_update(employee=ayu, data={"phone": "+62 812 3333"}, by=admin)
        services.employee_update(
            employee=Employee.objects.get(nip=STAF_DINKES), data={"golongan": "II/d"}, by=admin
        )
    response = people["admin"].get(f"/org/employees/{rudi.pk}/")
    assert response.status_code == 200
    assert [(c.action, c.before, c.after) for c in response.context["changes"]] == [
        ("org.employee.update", {"golongan": "III/a"}, {"golongan": "III/b"}),
        (
            "org.atasan.override",
            {"atasan": f"Dewi Lestari ({KASUB})", "set_by_hand": False},
            {"atasan": f"Agus Salim ({KABID})", "set_by_hand": True},
        ),
    ]
    page = response.content.decode()
    assert "Golongan/ruang: III/b Penata Muda Tingkat I" in page
    assert "Kasubbid cuti panjang" in page
    assert "+62 812 3333" not in page


def test_an_atasan_sees_the_employee_but_not_their_changes(people, org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        services.atasan_override_set(
            employee=rudi, atasan=Employee.objects.get(nip=KABID), reason="Rahasia", by=admin
        )
    response = people["kabid"].get(f"/org/employees/{rudi.pk}/")
    assert response.status_code == 200
    assert list(response.context["changes"]) == []
    assert "Rahasia" not in response.content.decode()


def test_a_units_kind_is_named_as_the_pages_name_it(people, org):
    from core.audit.models import AuditEvent
    from core.org import services
    from core.org.models import Unit

    with org:
        admin = User.objects.get(username="admin")
        services.unit_update(unit=Unit.objects.get(code="DINKES"), data={"kind": "BADAN"}, by=admin)
        event = AuditEvent.objects.get(action="org.unit.update")
        assert event.fields == [("Jenis", "Dinas", "Badan")]
