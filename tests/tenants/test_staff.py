"""The platform staff's pages at /staf/: who may see them, and each action with its audit
row in the public schema's trail. The archive's export itself: test_staff_archive.py."""

import pytest
from django.db import connection
from django.test import Client

from core.accounts.models import Role, User
from core.audit.models import AuditEvent
from tenants import staff_audit
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tenants.staff_services import (
    StaffActionError,
    pemda_archive_request,
    pemda_provision_retry,
    pemda_reactivate,
    pemda_suspend,
)
from tests.conftest import login

pytestmark = pytest.mark.django_db


def trail(pemda, action):
    connection.set_schema_to_public()
    return list(
        AuditEvent.objects.filter(
            object_type="tenants.pemda", object_id=str(pemda.pk), action=action
        )
    )


# --- Who may see and act -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(platform_client, surabaya):
    for url in ("/staf/", f"/staf/pemda/{surabaya.pk}/"):
        response = platform_client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = platform_client.post(f"/staf/pemda/{surabaya.pk}/tangguhkan/", {"reason": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Pemda.objects.get(pk=surabaya.pk).status == PemdaStatus.ACTIVE


@pytest.mark.parametrize(
    "fields",
    [
        {"role": Role.PROVINCIAL_ADMIN, "province_code": "35"},
        {"role": Role.PROVINCIAL_ADMIN, "is_staff": True},  # the flag alone is not enough
        {"role": Role.EMPLOYEE},  # an applicant's platform account
        {"role": Role.PLATFORM_STAFF},  # the role without the staff flag
    ],
)
def test_other_platform_accounts_are_refused_and_change_nothing(platform_client, surabaya, fields):
    someone = User.objects.create_user("pemohon", password="sandi-pemohon-1", **fields)
    platform_client.force_login(someone)
    assert platform_client.get("/staf/").status_code == 403
    assert platform_client.get(f"/staf/pemda/{surabaya.pk}/").status_code == 403
    response = platform_client.post(f"/staf/pemda/{surabaya.pk}/tangguhkan/", {"reason": "x"})
    assert response.status_code == 403
    assert Pemda.objects.get(pk=surabaya.pk).status == PemdaStatus.ACTIVE
    assert trail(surabaya, staff_audit.SUSPEND) == []


def test_a_pemda_admin_on_a_pemda_site_has_no_such_pages(surabaya_client, surabaya):
    assert login(surabaya_client, "admin").status_code == 302
    assert surabaya_client.get("/staf/").status_code == 404
    response = surabaya_client.post(f"/staf/pemda/{surabaya.pk}/tangguhkan/", {"reason": "x"})
    assert response.status_code == 404
    assert Pemda.objects.get(pk=surabaya.pk).status == PemdaStatus.ACTIVE


def test_a_service_refuses_someone_who_is_not_staff(surabaya):
    someone = User.objects.create_user("pemohon", password="sandi-pemohon-1")
    with pytest.raises(StaffActionError):
        pemda_suspend(pemda=surabaya, by=someone, reason="coba")
    assert Pemda.objects.get(pk=surabaya.pk).status == PemdaStatus.ACTIVE


# --- What staff see ------------------------------------------------------------------------


def test_staff_see_every_pemda_with_its_state(
    staff_client, surabaya, jambi, django_assert_max_num_queries
):
    Pemda.objects.filter(pk=jambi.pk).update(status=PemdaStatus.FAILED, error="contoh galat")
    with django_assert_max_num_queries(12):
        response = staff_client.get("/staf/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Every Pemda" in page
    assert "Kota Surabaya" in page and "Kota Jambi" in page and "contoh galat" in page
    assert "tpl_" not in page  # templates are no Pemda
    failed = staff_client.get("/staf/?status=failed").content.decode()
    assert "Kota Jambi" in failed and "Kota Surabaya" not in failed
    for q in ("3578", "35.78", "surab"):
        found = staff_client.get(f"/staf/?q={q}").content.decode()
        assert "Kota Surabaya" in found and "Kota Jambi" not in found


def test_a_wrong_filter_is_a_clear_400_not_a_500(staff_client):
    response = staff_client.get("/staf/?status=meledak")
    assert response.status_code == 400


def test_an_unknown_pemda_or_action_is_a_404(staff_client, surabaya):
    assert staff_client.get("/staf/pemda/999999/").status_code == 404
    assert staff_client.post("/staf/pemda/999999/tangguhkan/", {"reason": "x"}).status_code == 404
    assert staff_client.post(f"/staf/pemda/{surabaya.pk}/meledak/").status_code == 404
    assert staff_client.get(f"/staf/pemda/{surabaya.pk}/tangguhkan/").status_code == 405


def test_the_detail_page_shows_facts_error_history_and_the_open_actions(staff_client, jambi):
    Pemda.objects.filter(pk=jambi.pk).update(error="IntegrityError: contoh")
    page = staff_client.get(f"/staf/pemda/{jambi.pk}/").content.decode()
    assert "kota_jambi" in page and "15.71" in page and "IntegrityError: contoh" in page
    assert "admin@jambikota.go.id" in page
    assert "/tangguhkan/" in page and "/aktifkan/" not in page and "/hapus-data/" not in page


# --- Suspend and reactivate ----------------------------------------------------------------


def test_staff_suspend_and_reactivate_a_pemda_and_both_are_in_its_history(
    staff_client, staff, surabaya
):
    response = staff_client.post(
        f"/staf/pemda/{surabaya.pk}/tangguhkan/", {"reason": "Tagihan tiga bulan"}
    )
    assert response.status_code == 302
    assert Pemda.objects.get(pk=surabaya.pk).status == PemdaStatus.SUSPENDED
    (event,) = trail(surabaya, staff_audit.SUSPEND)
    assert (event.actor, event.reason) == (staff, "Tagihan tiga bulan")
    assert (event.before, event.after) == ({"status": "active"}, {"status": "suspended"})

    response = staff_client.post(f"/staf/pemda/{surabaya.pk}/aktifkan/", {"reason": ""})
    assert response.status_code == 302
    assert Pemda.objects.get(pk=surabaya.pk).status == PemdaStatus.ACTIVE
    assert len(trail(surabaya, staff_audit.REACTIVATE)) == 1

    page = staff_client.get(f"/staf/pemda/{surabaya.pk}/").content.decode()
    assert "Tagihan tiga bulan" in page and "Rina Staf" in page
    assert "Pemda suspended" in page and "Pemda reactivated" in page


def test_the_trail_is_the_public_schemas_not_the_pemdas(staff, surabaya):
    pemda_suspend(pemda=surabaya, by=staff, reason="Uji")
    with surabaya:
        assert not AuditEvent.objects.filter(action=staff_audit.SUSPEND).exists()
    assert len(trail(surabaya, staff_audit.SUSPEND)) == 1


def test_suspending_needs_a_reason_and_changes_nothing_without_one(staff_client, surabaya):
    response = staff_client.post(f"/staf/pemda/{surabaya.pk}/tangguhkan/", {"reason": "  "})
    assert response.status_code == 400
    assert "Write the reason" in response.content.decode()
    assert Pemda.objects.get(pk=surabaya.pk).status == PemdaStatus.ACTIVE
    assert trail(surabaya, staff_audit.SUSPEND) == []


def test_an_action_the_status_does_not_allow_is_refused_with_a_message(staff_client, surabaya):
    response = staff_client.post(f"/staf/pemda/{surabaya.pk}/aktifkan/", {"reason": ""})
    assert response.status_code == 400
    assert "this action is not open to it now" in response.content.decode()
    assert Pemda.objects.get(pk=surabaya.pk).status == PemdaStatus.ACTIVE
    assert trail(surabaya, staff_audit.REACTIVATE) == []


def test_suspending_twice_the_second_changes_nothing(staff, surabaya):
    pemda_suspend(pemda=surabaya, by=staff, reason="Satu")
    with pytest.raises(StaffActionError):
        pemda_suspend(pemda=surabaya, by=staff, reason="Dua")
    assert len(trail(surabaya, staff_audit.SUSPEND)) == 1


def test_an_active_pemda_is_suspended_before_it_is_archived(staff, surabaya):
    with pytest.raises(StaffActionError):
        pemda_archive_request(pemda=surabaya, by=staff, reason="Berhenti")
    assert trail(surabaya, staff_audit.ARCHIVE_REQUEST) == []


# --- Retry a failed sign-up ----------------------------------------------------------------


def test_staff_retry_a_failed_sign_up_once_however_often_they_click(
    staff_client, staff, jambi, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "tenants.tasks.pemda_provision_task.delay",
        lambda pemda_id, restart=False: sent.append((pemda_id, restart)),
    )
    Pemda.objects.filter(pk=jambi.pk).update(status=PemdaStatus.FAILED, error="OperationalError")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/staf/pemda/{jambi.pk}/ulangi/", {"reason": "Sudah diperbaiki"}
        )
    assert response.status_code == 302
    assert sent == [(jambi.pk, True)]
    (event,) = trail(jambi, staff_audit.RETRY)
    assert event.actor == staff and event.before["error"] == "OperationalError"

    with django_capture_on_commit_callbacks(execute=True):
        again = staff_client.post(f"/staf/pemda/{jambi.pk}/ulangi/", {"reason": ""})
    assert again.status_code == 400 and "A retry was asked for already" in again.content.decode()
    assert len(sent) == 1 and len(trail(jambi, staff_audit.RETRY)) == 1


def test_an_active_pemda_cannot_be_retried(staff, surabaya):
    with pytest.raises(StaffActionError):
        pemda_provision_retry(pemda=surabaya, by=staff)


def test_reactivating_is_refused_for_a_pemda_that_is_not_suspended(staff, jambi):
    with pytest.raises(StaffActionError):
        pemda_reactivate(pemda=jambi, by=staff)


def test_the_platform_admin_links_each_pemda_to_its_staff_page(staff, surabaya):
    staff.is_superuser = True
    staff.save()
    client = Client(HTTP_HOST="localhost")
    client.force_login(staff)
    page = client.get(f"/admin/tenants/pemda/{surabaya.pk}/change/").content.decode()
    assert f"/staf/pemda/{surabaya.pk}/" in page


def test_the_archive_state_is_polled_while_an_export_waits(
    staff, staff_client, jambi, django_capture_on_commit_callbacks
):
    pemda_suspend(pemda=jambi, by=staff, reason="Uji")
    with django_capture_on_commit_callbacks():
        pemda_archive_request(pemda=jambi, by=staff, reason="Uji")
    fragment = staff_client.get(f"/staf/pemda/{jambi.pk}/arsip/").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "waiting for a worker" in fragment
    page = staff_client.get(f"/staf/pemda/{jambi.pk}/").content.decode()
    assert "Archive requested" in page  # in the history
    anonymous = Client(HTTP_HOST="localhost").get(f"/staf/pemda/{jambi.pk}/arsip/")
    assert anonymous.status_code == 302


def test_the_staff_list_runs_as_many_queries_for_two_pemda_as_for_five(
    staff_client, surabaya, jambi
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.services import pemda_request

    def queries() -> int:
        staff_client.get("/staf/")
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get("/staf/").status_code == 200
        return len(captured)

    two = queries()
    for code in ("52.71", "74.71", "63.72"):  # asked for, not provisioned: rows only
        pemda_request(region_code=code, template_name="surabaya", admin_password="x-123456")
    assert queries() == two
