"""The one audit trail: what ``audit_record`` keeps (core/audit/services.py), and the one
change each service that writes to it records (core/org/services.py, the import through
core/importing/services.py). The ``org`` fixture itself records nothing, so every event a
test finds is the one it caused."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.accounts.models import Role, User
from core.audit.models import AuditEvent
from core.audit.services import audit_record, changes_between
from core.importing.models import ImportJob
from core.importing.tabular import write_csv
from core.org import services
from core.org.forms import RECORD_FORMS, record_initial
from core.org.models import ActivityNorm, Employee, Position, Unit
from core.org.rules import RuleError
from tests.factories import UserFactory
from tests.personas import ANALIS, EMPLOYEES, KABID, KASUB

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
RUDI = f"Rudi Hartono ({ANALIS})"
DEWI = f"Dewi Lestari ({KASUB})"
AGUS = f"Agus Salim ({KABID})"
NEW_NIP = "199202022019032007"
NEW_EMPLOYEE_ROW = [NEW_NIP, "Nur Aini", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""]


@pytest.fixture
def admin(org) -> User:
    with org:
        return User.objects.get(username="admin")


def only_event() -> dict:
    """The one change recorded, as the history page shows it."""
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) == 1, [(e.action, e.before, e.after) for e in events]
    return summary(events[0])


def summary(event: AuditEvent) -> dict:
    return {
        "action": event.action,
        "record": (event.object_type, event.object_id, event.object_repr),
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "by": event.actor_name,
    }


# --- changes_between ----------------------------------------------------------------------


def test_only_the_fields_whose_value_changed_are_kept():
    before = {"name": "Rudi Hartono", "golongan": "III/a", "email": ""}
    after = {"name": "Rudi Hartono", "golongan": "III/b", "email": ""}
    assert changes_between(before, after) == ({"golongan": "III/a"}, {"golongan": "III/b"})


def test_nothing_changed_gives_two_empty_sides():
    same = {"name": "Rudi Hartono", "tmt_jabatan": datetime.date(2024, 1, 2)}
    assert changes_between(same, dict(same)) == ({}, {})


def test_a_field_on_one_side_only_is_kept_on_that_side_and_none_counts_as_absent():
    assert changes_between({}, {"code": "DISDIK", "parent": None}) == ({}, {"code": "DISDIK"})
    assert changes_between({"phone": "+62 812"}, {}) == ({"phone": "+62 812"}, {})


def test_values_are_compared_as_the_trail_keeps_them():
    """A date and its ISO text are the same value in the trail, so no change."""
    assert changes_between({"tmt": datetime.date(2024, 1, 2)}, {"tmt": "2024-01-02"}) == ({}, {})
    assert changes_between({"fte": Decimal("1.50")}, {"fte": Decimal("1.5")}) == (
        {"fte": "1.50"},
        {"fte": "1.5"},
    )


# --- audit_record -------------------------------------------------------------------------


def test_values_are_kept_as_json_people_can_read(org, admin):
    with org:
        unit = Unit.objects.get(code="BKPSDMD.1.1")
        event = audit_record(
            action="test.values",
            by=admin,
            before={"tmt_jabatan": datetime.date(2024, 1, 2), "unit": unit},
            after={
                "at": datetime.datetime(2026, 3, 10, 9, 30, tzinfo=WIB),
                "fte": Decimal("1.50"),
                "codes": ("A", "B"),
                "by_year": {2026: datetime.date(2026, 1, 1)},
                "active": True,
                "kelas": 8,
                "atasan": None,
            },
        )
        event.refresh_from_db()  # as read back from the JSON column
    assert event.before == {"tmt_jabatan": "2024-01-02", "unit": "Subbidang Diklat"}
    assert event.after == {
        "at": "2026-03-10T09:30:00+07:00",
        "fte": "1.50",
        "codes": ["A", "B"],
        "by_year": {"2026": "2026-01-01"},
        "active": True,
        "kelas": 8,
        "atasan": None,
    }


def test_the_record_is_named_by_its_type_id_and_name_and_the_reason_is_trimmed(org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        audit_record(action="test.named", obj=rudi, by=admin, reason="  cuti panjang \n")
        assert only_event() == {
            "action": "test.named",
            "record": ("org.employee", str(rudi.pk), RUDI),
            "before": {},
            "after": {},
            "reason": "cuti panjang",
            "by": admin.display_name,
        }


def test_a_long_record_name_is_cut_to_fit(org, admin):
    with org:
        event = audit_record(action="test.long", object_repr="x" * 300, by=admin)
    assert event.object_repr == "x" * 255


def test_the_actor_and_their_name_are_kept_and_the_name_outlives_the_account(org):
    with org:
        clerk = UserFactory(name="Petugas Arsip", role=Role.TENANT_ADMIN)
        event = audit_record(action="test.actor", by=clerk)
        assert (event.actor, event.actor_name) == (clerk, "Petugas Arsip")
        clerk.delete()
        event.refresh_from_db()
    assert (event.actor, event.actor_name) == (None, "Petugas Arsip")


@pytest.mark.parametrize("by", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_no_actor_or_an_anonymous_one_is_the_system(org, by):
    with org:
        event = audit_record(action="test.system", by=by)
        event.refresh_from_db()
    assert (event.actor, event.actor_name) == (None, "")


# --- Units and positions ------------------------------------------------------------------


def test_adding_a_unit_records_its_values(org, admin):
    with org:
        parent = Unit.objects.get(code="BKPSDMD.1")
        unit = services.unit_create(
            data={
                "code": "BKPSDMD.1.2",
                "name": "Subbidang Mutasi",
                "kind": "SEKSI",
                "parent": parent,
            },
            by=admin,
        )
        assert only_event() == {
            "action": "org.unit.create",
            "record": ("org.unit", str(unit.pk), "Subbidang Mutasi"),
            "before": {},
            "after": {
                "code": "BKPSDMD.1.2",
                "name": "Subbidang Mutasi",
                "kind": "SEKSI",
                "parent": "BKPSDMD.1",
            },
            "reason": "",
            "by": admin.display_name,
        }


def test_changing_a_unit_records_only_what_changed(org, admin):
    with org:
        unit = Unit.objects.get(code="BKPSDMD.1.1")
        services.unit_update(
            unit=unit,
            data={
                "code": "BKPSDMD.1.1",
                "name": "Subbidang Diklat dan Sertifikasi",
                "kind": unit.kind,
                "parent": Unit.objects.get(code="BKPSDMD"),
            },
            by=admin,
        )
        assert only_event() == {
            "action": "org.unit.update",
            "record": ("org.unit", str(unit.pk), "Subbidang Diklat dan Sertifikasi"),
            "before": {"name": "Subbidang Diklat", "parent": "BKPSDMD.1"},
            "after": {"name": "Subbidang Diklat dan Sertifikasi", "parent": "BKPSDMD"},
            "reason": "",
            "by": admin.display_name,
        }


def test_adding_a_position_records_its_values(org, admin):
    with org:
        unit = Unit.objects.get(code="DINKES")
        position = services.position_create(
            data={
                "code": "PERAWAT",
                "name": "Perawat Ahli Pertama",
                "jenis": "FUNGSIONAL",
                "jenjang": "AHLI_PERTAMA",
                "kelas_jabatan": 8,
                "unit": unit,
            },
            by=admin,
        )
        assert only_event() == {
            "action": "org.position.create",
            "record": ("org.position", str(position.pk), "Perawat Ahli Pertama"),
            "before": {},
            "after": {
                "code": "PERAWAT",
                "name": "Perawat Ahli Pertama",
                "jenis": "FUNGSIONAL",
                "jenjang": "AHLI_PERTAMA",
                "kelas_jabatan": 8,
                "unit": "DINKES",
            },
            "reason": "",
            "by": admin.display_name,
        }


def test_changing_a_position_records_only_what_changed(org, admin):
    with org:
        position = Position.objects.get(code="ANALIS")
        services.position_update(position=position, data={"kelas_jabatan": 9}, by=admin)
        assert only_event() == {
            "action": "org.position.update",
            "record": ("org.position", str(position.pk), "Analis SDM Aparatur"),
            "before": {"kelas_jabatan": 8},
            "after": {"kelas_jabatan": 9},
            "reason": "",
            "by": admin.display_name,
        }


def record_form_data(instance, form_class) -> dict:
    """What the edit form posts back when the admin saves it without touching a field."""
    data = {}
    for name, value in record_initial(instance, form_class).items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


@pytest.mark.parametrize(
    ("what", "model", "code"),
    [
        ("unit", Unit, "BKPSDMD.1.1"),
        ("position", Position, "ANALIS"),
        ("employee", Employee, ANALIS),
    ],
)
def test_saving_a_record_form_unchanged_records_nothing(people, org, what, model, code):
    with org:
        key = "nip" if model is Employee else "code"
        instance = model.objects.get(**{key: code})
        data = record_form_data(instance, RECORD_FORMS[model])
    response = people["admin"].post(f"/org/{what}/{instance.pk}/edit/", data)
    assert response.status_code == 302
    with org:
        assert list(AuditEvent.objects.values_list("action", "before", "after")) == []


# --- Employees ----------------------------------------------------------------------------


def test_adding_an_employee_records_their_values(org, admin):
    with org:
        position = Position.objects.get(code="ANALIS")
        employee = services.employee_create(
            data={
                "nip": NEW_NIP,
                "name": "Nur Aini",
                "status": "PNS",
                "golongan": "III/b",
                "position": position,
                "unit": position.unit,
                "tmt_jabatan": datetime.date(2024, 1, 2),
                "email": "Nur.Aini@Surabaya.go.id",
                "phone": "",
                "is_active": True,
            },
            by=admin,
        )
        assert only_event() == {
            "action": "org.employee.create",
            "record": ("org.employee", str(employee.pk), f"Nur Aini ({NEW_NIP})"),
            "before": {},
            "after": {
                "nip": NEW_NIP,
                "name": "Nur Aini",
                "status": "PNS",
                "golongan": "III/b",
                "position": "ANALIS",
                "unit": "BKPSDMD.1.1",
                "tmt_jabatan": "2024-01-02",
                "email": "nur.aini@surabaya.go.id",  # as saved: lower case
                "phone": "",
                "is_active": True,
            },
            "reason": "",
            "by": admin.display_name,
        }


def test_changing_an_employee_records_only_what_changed(org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        services.employee_update(
            employee=rudi,
            data={
                "nip": ANALIS,
                "name": "Rudi Hartono",
                "golongan": "III/b",
                "unit": Unit.objects.get(code="BKPSDMD.1"),
                "tmt_jabatan": datetime.date(2025, 4, 1),
            },
            by=admin,
        )
        assert only_event() == {
            "action": "org.employee.update",
            "record": ("org.employee", str(rudi.pk), RUDI),
            "before": {"golongan": "III/a", "unit": "BKPSDMD.1.1", "tmt_jabatan": None},
            "after": {"golongan": "III/b", "unit": "BKPSDMD.1", "tmt_jabatan": "2025-04-01"},
            "reason": "",
            "by": admin.display_name,
        }


def test_an_employee_update_that_changes_nothing_records_nothing(org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        services.employee_update(
            employee=rudi,
            data={"name": "Rudi Hartono", "golongan": "III/a", "email": "", "is_active": True},
            by=admin,
        )
        assert not AuditEvent.objects.exists()


def test_a_refused_change_records_nothing(org, admin):
    with org:
        parent = Unit.objects.get(code="BKPSDMD")
        with pytest.raises(RuleError):  # a unit under its own sub-unit
            services.unit_update(
                unit=parent, data={"parent": Unit.objects.get(code="BKPSDMD.1.1")}, by=admin
            )
        with pytest.raises(services.OrgError):  # no reason given
            services.atasan_override_set(
                employee=Employee.objects.get(nip=ANALIS),
                atasan=Employee.objects.get(nip=KABID),
                reason=" ",
                by=admin,
            )
        assert not AuditEvent.objects.exists()


# --- Atasan, roles, passwords -------------------------------------------------------------


def test_setting_an_atasan_by_hand_records_from_whom_to_whom_and_why(org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        services.atasan_override_set(
            employee=rudi,
            atasan=Employee.objects.get(nip=KABID),
            reason="Kasubbid cuti panjang",
            by=admin,
        )
        assert only_event() == {
            "action": "org.atasan.override",
            "record": ("org.employee", str(rudi.pk), RUDI),
            "before": {"atasan": DEWI, "set_by_hand": False},
            "after": {"atasan": AGUS, "set_by_hand": True},
            "reason": "Kasubbid cuti panjang",
            "by": admin.display_name,
        }


def test_clearing_the_atasan_set_by_hand_records_the_return_to_the_organisation(org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        services.atasan_override_set(
            employee=rudi, atasan=Employee.objects.get(nip=KABID), reason="Cuti", by=admin
        )
        services.atasan_override_set(
            employee=Employee.objects.get(nip=ANALIS), atasan=None, reason="Kembali", by=admin
        )
        latest = summary(AuditEvent.objects.latest("id"))
        assert AuditEvent.objects.count() == 2
    assert latest == {
        "action": "org.atasan.override",
        "record": ("org.employee", str(rudi.pk), RUDI),
        "before": {"atasan": AGUS, "set_by_hand": True},
        "after": {"atasan": DEWI, "set_by_hand": False},
        "reason": "Kembali",
        "by": admin.display_name,
    }


def test_clearing_an_atasan_that_was_never_set_by_hand_records_nothing(org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        services.atasan_override_set(employee=rudi, atasan=None, reason="Periksa", by=admin)
        assert Employee.objects.get(nip=ANALIS).atasan.nip == KASUB
        assert list(AuditEvent.objects.values_list("action", "before", "after")) == []


def test_setting_a_role_by_hand_and_giving_it_back_are_recorded(org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        services.account_role_set(employee=rudi, role=Role.TENANT_ADMIN, by=admin)
        assert only_event() == {
            "action": "org.role.set",
            "record": ("org.employee", str(rudi.pk), RUDI),
            "before": {"role": "employee", "set_by_hand": False},
            "after": {"role": "tenant_admin", "set_by_hand": True},
            "reason": "",
            "by": admin.display_name,
        }
        services.account_role_set(employee=rudi, role=services.AUTOMATIC_ROLE, by=admin)
        changes = list(AuditEvent.objects.order_by("id").values_list("action", "before", "after"))
    assert changes[1:] == [
        (
            "org.role.set",
            {"role": "tenant_admin", "set_by_hand": True},
            {"role": "employee", "set_by_hand": False},
        )
    ]


def test_giving_back_a_role_that_already_follows_the_organisation_records_nothing(org, admin):
    with org:
        rudi = Employee.objects.get(nip=ANALIS)
        services.account_role_set(employee=rudi, role=services.AUTOMATIC_ROLE, by=admin)
        assert list(AuditEvent.objects.values_list("action", "before", "after")) == []


def test_sending_a_password_link_records_the_address(org, admin):
    with org:
        dewi = Employee.objects.get(nip=KASUB)
        services.account_password_setup_request(employee=dewi, by=admin)
        assert only_event() == {
            "action": "org.password_link",
            "record": ("org.employee", str(dewi.pk), DEWI),
            "before": {},
            "after": {"email": "dewi@surabaya.go.id"},
            "reason": "",
            "by": admin.display_name,
        }


# --- Norma waktu --------------------------------------------------------------------------

TASK = {
    "name": "Menyusun laporan",
    "output_unit": "Laporan",
    "minutes_per_unit": 120,
    "yearly_volume": 24,
}


def test_adding_a_norma_waktu_task_records_the_task_with_its_position(org, admin):
    with org:
        analis = Position.objects.get(code="ANALIS")
        norm = services.norm_create(position=analis, data=TASK, by=admin)
        assert only_event() == {
            "action": "org.norm.create",
            "record": ("org.activitynorm", str(norm.pk), f"{TASK['name']} — Analis SDM Aparatur"),
            "before": {},
            "after": TASK,
            "reason": "",
            "by": admin.display_name,
        }


def test_removing_a_norma_waktu_task_records_what_it_was(org, admin):
    with org:
        analis = Position.objects.get(code="ANALIS")
        norm = ActivityNorm.objects.create(position=analis, **TASK)
        norm_pk = norm.pk
        services.norm_delete(norm=norm, by=admin)
        assert only_event() == {
            "action": "org.norm.delete",
            "record": ("org.activitynorm", str(norm_pk), f"{TASK['name']} — Analis SDM Aparatur"),
            "before": TASK,
            "after": {},
            "reason": "",
            "by": admin.display_name,
        }


# --- Imports through the web --------------------------------------------------------------


def upload(name: str, rows: list[list]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, write_csv(EMPLOYEES[0], rows))


def employees_label() -> str:
    from core.importing.engine import importer_get

    with translation.override("id"):  # the import ran in an Indonesian request
        return str(importer_get("employees").label)


def test_an_import_is_recorded_once_with_its_file_counts_and_the_admin(people, org, admin):
    dewi_new_phone = [*EMPLOYEES[4][:8], "+62 812 2222"]
    rows = [NEW_EMPLOYEE_ROW, dewi_new_phone, EMPLOYEES[5]]  # new, changed, unchanged
    response = people["admin"].post(
        "/import/", {"kind": "employees", "file": upload("pegawai.csv", rows)}
    )
    assert response.status_code == 302
    with org:
        job = ImportJob.objects.get()
        assert job.status == "done"
        assert only_event() == {
            "action": "import.run",
            "record": ("importing.importjob", str(job.pk), f"{employees_label()}: pegawai.csv"),
            "before": {},
            "after": {
                "file": "pegawai.csv",
                "kind": "employees",
                "rows": 3,
                "created": 1,
                "updated": 1,
                "unchanged": 1,
                "bad_rows": 0,
                "good_rows_only": False,
            },
            "reason": "",
            "by": admin.display_name,
        }
        assert AuditEvent.objects.get().actor_id == admin.pk


def test_a_rejected_import_is_recorded_and_so_is_importing_its_good_rows(people, org, admin):
    bad_nip = ["123", "Salah", "PNS", "III/b", "ANALIS", "BKPSDMD.1.1", "", "", ""]
    people["admin"].post(
        "/import/",
        {"kind": "employees", "file": upload("pegawai.csv", [NEW_EMPLOYEE_ROW, bad_nip])},
    )
    with org:
        rejected = ImportJob.objects.get()
        assert rejected.status == "rejected"
        assert only_event() == {
            "action": "import.reject",
            "record": (
                "importing.importjob",
                str(rejected.pk),
                f"{employees_label()}: pegawai.csv",
            ),
            "before": {},
            "after": {
                "file": "pegawai.csv",
                "kind": "employees",
                "rows": 2,
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "bad_rows": 1,
                "good_rows_only": False,
            },
            "reason": "",
            "by": admin.display_name,
        }
    assert people["admin"].post(f"/import/{rejected.pk}/good-rows/").status_code == 302
    with org:
        rerun = ImportJob.objects.exclude(pk=rejected.pk).get()
        event = AuditEvent.objects.latest("id")
        assert AuditEvent.objects.count() == 2
    assert (event.action, event.object_id, event.actor_id, event.after) == (
        "import.run",
        str(rerun.pk),
        admin.pk,
        {
            "file": "pegawai.csv",
            "kind": "employees",
            "rows": 2,
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "bad_rows": 1,
            "good_rows_only": True,
        },
    )
