"""The org services: the only writers of the organisation (pages, API and import call them)."""

import ast
from pathlib import Path

import pytest
from django.core import mail

from core.accounts.models import Role, User
from core.audit.models import AuditEvent
from core.org import services
from core.org.models import ActivityNorm, Employee, Position, Unit
from core.org.rules import RuleError
from tests.personas import ANALIS, KABAN, KABID, KASUB, PPPK, SEKDA

pytestmark = pytest.mark.django_db

NEW = {
    "nip": "199202022019032007",
    "name": "Nur Aini",
    "status": "PNS",
    "golongan": "III/b",
    "email": "Nur@Surabaya.go.id",
    "phone": "",
    "tmt_jabatan": None,
    "is_active": True,
}


@pytest.fixture
def admin(org):
    with org:
        return User.objects.get(username="admin")


def test_a_new_employee_gets_a_nip_login_an_atasan_and_an_audit_record(org, admin):
    with org:
        analis = Position.objects.get(code="ANALIS")
        employee = services.employee_create(
            data={**NEW, "position": analis, "unit": analis.unit}, by=admin
        )
        assert employee.atasan.nip == KASUB
        assert employee.email == "nur@surabaya.go.id"  # one spelling for the unique address
        account = User.objects.get(nip=NEW["nip"])
        assert (account.username, account.role, account.has_usable_password()) == (
            NEW["nip"],
            Role.EMPLOYEE,
            False,
        )
        event = AuditEvent.objects.get(action="org.employee.create")
        assert event.after["position"] == "ANALIS" and event.actor == admin


def test_an_update_changes_only_the_fields_given_and_records_only_those(org, admin):
    with org:
        employee = Employee.objects.get(nip=ANALIS)
        services.employee_update(employee=employee, data={"phone": "0812 3456"}, by=admin)
        employee.refresh_from_db()
        assert (employee.phone, employee.golongan) == ("0812 3456", "III/a")
        event = AuditEvent.objects.get(action="org.employee.update")
        assert (event.before, event.after) == ({"phone": ""}, {"phone": "0812 3456"})


def test_the_nip_of_an_employee_never_changes(org, admin):
    with org:
        employee = Employee.objects.get(nip=ANALIS)
        with pytest.raises(RuleError) as refused:
            services.employee_update(
                employee=employee, data={"nip": "199202022019032007"}, by=admin
            )
        assert set(refused.value.by_field()) == {"nip"}
        assert Employee.objects.filter(nip=ANALIS).exists()


def test_a_refused_change_writes_nothing_and_names_every_field(org, admin):
    with org:
        employee = Employee.objects.get(nip=ANALIS)
        with pytest.raises(RuleError) as refused:
            services.employee_update(
                employee=employee,
                data={"golongan": "", "email": "dewi@surabaya.go.id"},
                by=admin,
            )
        assert set(refused.value.by_field()) == {"golongan", "email"}
        employee.refresh_from_db()
        assert (employee.golongan, employee.email) == ("III/a", "")
        assert not AuditEvent.objects.exists()


def test_moving_a_unit_moves_its_whole_subtree_to_the_new_opd(org, admin):
    with org:
        bidang = Unit.objects.get(code="BKPSDMD.1")
        dinkes = Unit.objects.get(code="DINKES")
        services.unit_update(unit=bidang, data={"parent": dinkes}, by=admin)
        seksi = Unit.objects.get(code="BKPSDMD.1.1")
        assert (seksi.opd.code, seksi.depth, seksi.tree_path) == (
            "DINKES",
            2,
            "DINKES/BKPSDMD.1/BKPSDMD.1.1",
        )
        assert Employee.objects.get(nip=KABID).atasan.name == "Hendra Wijaya"  # Kadinkes


def test_a_unit_code_is_unique(org, admin):
    with org:
        with pytest.raises(RuleError) as refused:
            services.unit_create(
                data={"code": "DINKES", "name": "Lain", "kind": "DINAS", "parent": None},
                by=admin,
            )
        assert set(refused.value.by_field()) == {"code"}


def test_a_post_that_outranks_the_head_makes_its_holder_the_head(org, admin):
    with org:
        analis = Position.objects.get(code="ANALIS")
        services.position_update(
            position=analis, data={"jenis": "ADMINISTRATOR", "jenjang": ""}, by=admin
        )
        seksi = Unit.objects.get(code="BKPSDMD.1.1")
        assert seksi.head.nip in {ANALIS, PPPK}  # Administrator outranks the Pengawas
        assert Employee.objects.get(nip=KASUB).atasan.nip == seksi.head.nip


def test_a_sekda_moved_elsewhere_hands_the_leader_role_on(org, admin):
    with org:
        sekda = Employee.objects.get(nip=SEKDA)
        analis = Position.objects.get(code="ANALIS")
        services.employee_update(
            employee=sekda, data={"position": analis, "unit": analis.unit}, by=admin
        )
        assert User.objects.get(nip=SEKDA).role == Role.EMPLOYEE
        assert Employee.objects.get(nip=KABAN).atasan is None  # no Sekda: the leader


def test_a_task_name_is_unique_per_position_and_each_change_is_recorded(org, admin):
    with org:
        analis = Position.objects.get(code="ANALIS")
        task = {"name": "Menyusun  laporan", "output_unit": "Laporan"}
        task |= {"minutes_per_unit": 60, "yearly_volume": 12}
        norm = services.norm_create(position=analis, data=task, by=admin)
        assert norm.name == "Menyusun laporan"
        with pytest.raises(RuleError):
            services.norm_create(
                position=analis, data={**task, "name": "menyusun LAPORAN"}, by=admin
            )
        services.norm_delete(norm=norm, by=admin)
        assert not ActivityNorm.objects.exists()
        actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
        assert actions == ["org.norm.create", "org.norm.delete"]


def test_a_password_link_goes_out_only_after_commit_and_only_with_an_address(
    org, admin, django_capture_on_commit_callbacks, monkeypatch
):
    from core.accounts import tasks

    sent = []
    monkeypatch.setattr(
        tasks.account_password_setup_send_task, "delay", lambda *args: sent.append(args)
    )
    with org:
        with pytest.raises(services.OrgError):
            services.account_password_setup_request(
                employee=Employee.objects.get(nip=ANALIS), by=admin
            )
        kasub = Employee.objects.get(nip=KASUB)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.account_password_setup_request(employee=kasub, by=admin)
        assert sent == [] and len(callbacks) == 1
        callbacks[0]()
        assert sent == [(kasub.user_id,)]
        assert mail.outbox == []  # the worker sends it, not the request


def test_a_role_set_by_hand_survives_every_refresh_until_given_back(org, admin):
    from core.org.tree import org_refresh_all

    with org:
        analis = Employee.objects.get(nip=ANALIS)
        services.account_role_set(employee=analis, role=Role.TENANT_ADMIN, by=admin)
        org_refresh_all()
        assert User.objects.get(nip=ANALIS).role == Role.TENANT_ADMIN
        services.account_role_set(employee=analis, role=services.AUTOMATIC_ROLE, by=admin)
        assert User.objects.get(nip=ANALIS).role == Role.EMPLOYEE
        assert AuditEvent.objects.filter(action="org.role.set").count() == 2


# --- Pages and the API parse; the services write --------------------------------------

WRITES = {"save", "delete", "create", "update_or_create", "get_or_create", "bulk_create"}
THIN = [
    "core/org/views.py",
    "core/org/api/views.py",
    "core/importing/views.py",
    "core/audit/views.py",
    "core/ui/views.py",
]


@pytest.mark.parametrize("path", THIN)
def test_pages_and_the_api_write_only_through_services(path):
    """No view or viewset saves, creates or deletes a record itself (DESIGN.md decision 7)."""
    source = (Path(__file__).resolve().parents[3] / path).read_text()
    calls = {
        node.func.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not calls & WRITES, f"{path} writes by itself: {sorted(calls & WRITES)}"


def test_two_edits_of_one_pemdas_organisation_take_turns(surabaya, monkeypatch):
    """A second connection holds the Pemda's org lock (an import writing): an edit waits for
    it, and past EDIT_WAIT_SECONDS gives up with a message instead of refreshing from a
    state another change is making."""
    import psycopg2
    from django.db import connection

    from tests.factories import EmployeeFactory

    monkeypatch.setattr(services, "EDIT_WAIT_SECONDS", 1)
    params = connection.get_connection_params()
    other = psycopg2.connect(**{k: v for k, v in params.items() if k != "cursor_factory"})
    other.autocommit = True
    try:
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # never hang the suite
            cursor.execute(
                "SELECT pg_advisory_lock(hashtext(%s))", [f"sinergi.org:{surabaya.schema_name}"]
            )
        with surabaya:
            admin = User.objects.get(username="admin")
            employee = EmployeeFactory()  # written directly: this transaction holds no lock
            with pytest.raises(services.OrgError, match="coba lagi"):
                services.employee_update(employee=employee, data={"phone": "1"}, by=admin)
            employee.refresh_from_db()  # the transaction is still usable, nothing changed
            assert employee.phone == ""
    finally:
        other.close()


def test_an_edit_reads_the_record_afresh_once_it_has_the_lock(org, admin):
    """What a page loaded before the edit waited may be stale: the edit must not write it
    back (here: the unit another change moved the employee to)."""
    with org:
        stale = Employee.objects.get(nip=KASUB)
        Employee.objects.filter(nip=KASUB).update(unit=Unit.objects.get(code="DINKES"))
        services.employee_update(employee=stale, data={"phone": "0812"}, by=admin)
        fresh = Employee.objects.get(nip=KASUB)
        assert (fresh.unit.code, fresh.phone) == ("DINKES", "0812")
