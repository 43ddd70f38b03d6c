"""The sign-up wizard at /daftar/: each step's validation, the resume link, who may see a
sign-up, the launch (once, whatever the clicks) and a failed launch retried."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from core.accounts.models import User
from core.importing.tabular import write_csv
from onboarding.models import CheckState, SignUp, SignUpState
from onboarding.wizard import access, services
from onboarding.wizard.launch import signup_provision
from tenants.lifecycle import PemdaStatus
from tenants.models import Pemda
from tests import personas

pytestmark = pytest.mark.django_db

REGION = "35.07"  # Kabupaten Malang: no other test signs it up
PASSWORD = "Sandi-Admin-2026!"


def csv_of(rows) -> bytes:
    return write_csv(rows[0], rows[1:])


def _code(email_body: str) -> str:
    return re.search(r"\b(\d{6})\b", email_body).group(1)


@pytest.fixture
def team(db) -> Client:
    return Client(HTTP_HOST="localhost")


def start(client: Client, region: str = REGION) -> SignUp:
    response = client.post("/daftar/", {"region": region})
    assert response.status_code == 302, response.content.decode()[:2000]
    return SignUp.objects.get(region_id=region, state=SignUpState.DRAFT)


def step_url(signup: SignUp, number: int) -> str:
    return f"/daftar/{signup.public_id}/{number}/"


CONTACT = {
    "contact_name": "Budi Santoso",
    "contact_phone": "0812 3456 7890",
    "contact_email": "bkpsdmd@malangkab.go.id",
    "admin_name": "Rina Admin",
    "admin_email": "admin@malangkab.go.id",
    "password": PASSWORD,
    "password_again": PASSWORD,
}


def through_step2(client: Client) -> SignUp:
    signup = start(client)
    mail.outbox.clear()
    response = client.post(step_url(signup, 2), CONTACT)
    assert response.status_code == 302
    code = _code(mail.outbox[-1].body)
    response = client.post(f"/daftar/{signup.public_id}/2/kode/", {"code": code})
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.email_verified_at is not None
    return signup


def through_step4(client: Client, template: str = "surabaya") -> SignUp:
    signup = through_step2(client)
    assert client.post(step_url(signup, 3), {"plan": "standar"}).status_code == 302
    assert client.post(step_url(signup, 4), {"template": template}).status_code == 302
    signup.refresh_from_db()
    assert signup.step_done == 4
    return signup


def upload(client: Client, signup: SignUp, kind: str, data: bytes, name: str | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/daftar/{signup.public_id}/5/berkas/",
        {"kind": kind, "file": SimpleUploadedFile(name or f"{kind}.csv", data)},
    )


def ready(client: Client, *, with_org: bool = True) -> SignUp:
    signup = through_step4(client)
    if with_org:
        for kind, rows in (
            ("units", personas.UNITS),
            ("positions", personas.POSITIONS),
            ("employees", personas.EMPLOYEES),
        ):
            assert upload(client, signup, kind, csv_of(rows)).status_code == 302
    assert client.post(step_url(signup, 5)).status_code == 302
    signup.refresh_from_db()
    assert signup.step_done == 5, signup.check_state
    return signup


# --- Step 1 -------------------------------------------------------------------------------


def test_the_region_search_finds_by_name_and_by_code(team):
    by_name = team.get("/daftar/wilayah/", {"q": "malang"}).content.decode()
    assert "Kabupaten Malang" in by_name and "Kota Malang" in by_name
    by_code = team.get("/daftar/wilayah/", {"q": "3507"}).content.decode()
    assert "Kabupaten Malang" in by_code


def test_a_registered_pemda_cannot_start(team, surabaya):
    page = team.get("/daftar/wilayah/", {"q": "surabaya"}).content.decode()
    assert "Kota Surabaya" in page and 'value="35.78"' not in page  # no button to choose it
    response = team.post("/daftar/", {"region": "35.78"})
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert not SignUp.objects.filter(region_id="35.78").exists()


def test_a_region_in_another_teams_verified_sign_up_cannot_start(team):
    through_step2(team)
    other = Client(HTTP_HOST="localhost")
    response = other.post("/daftar/", {"region": REGION})
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.content.decode()
    assert SignUp.objects.filter(region_id=REGION).count() == 1


def test_an_unknown_code_is_refused(team):
    response = team.post("/daftar/", {"region": "99.99"})
    assert response.status_code == 200
    assert not SignUp.objects.exists()


def test_an_abandoned_sign_up_lets_go_of_its_region(team, settings):
    signup = through_step2(team)
    SignUp.objects.filter(pk=signup.pk).update(
        updated_at=signup.updated_at.replace(year=signup.updated_at.year - 1)
    )
    other = Client(HTTP_HOST="localhost")
    start(other)
    signup.refresh_from_db()
    assert signup.state == SignUpState.EXPIRED


# --- Step 2 -------------------------------------------------------------------------------


def test_step2_refuses_a_bad_email_and_a_weak_password_and_changes_nothing(team):
    signup = start(team)
    bad = {**CONTACT, "admin_email": "bukan-email", "password": "123", "password_again": "123"}
    response = team.post(step_url(signup, 2), bad)
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"admin_email", "password"}
    signup.refresh_from_db()
    assert signup.admin_email == "" and signup.admin_password_hash == ""
    assert mail.outbox == []


def test_step2_passwords_must_match(team):
    signup = start(team)
    response = team.post(step_url(signup, 2), {**CONTACT, "password_again": "Lain-2026!x"})
    assert response.status_code == 200
    signup.refresh_from_db()
    assert signup.admin_password_hash == ""


def test_a_wrong_code_does_not_verify_and_counts(team):
    signup = start(team)
    team.post(step_url(signup, 2), CONTACT)
    code = _code(mail.outbox[-1].body)
    wrong = "000000" if code != "000000" else "111111"
    team.post(f"/daftar/{signup.public_id}/2/kode/", {"code": wrong})
    signup.refresh_from_db()
    assert signup.email_verified_at is None and signup.email_code_attempts == 1


def test_the_code_is_tried_five_times_at_most(team):
    signup = start(team)
    team.post(step_url(signup, 2), CONTACT)
    code = _code(mail.outbox[-1].body)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        team.post(f"/daftar/{signup.public_id}/2/kode/", {"code": wrong})
    team.post(f"/daftar/{signup.public_id}/2/kode/", {"code": code})
    signup.refresh_from_db()
    assert signup.email_verified_at is None


def test_the_link_in_the_email_verifies_the_address(team):
    signup = start(team)
    team.post(step_url(signup, 2), CONTACT)
    link = re.search(r"https?://[^/]+(/daftar/verifikasi/\S+/)", mail.outbox[-1].body).group(1)
    response = team.get(link)
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.email_verified_at is not None and signup.step_done == 2


def test_a_new_admin_address_must_be_verified_again(team):
    signup = through_step2(team)
    team.post(step_url(signup, 2), {**CONTACT, "admin_email": "lain@malangkab.go.id"})
    signup.refresh_from_db()
    assert signup.email_verified_at is None and signup.step_done == 1


def test_demo_mode_shows_where_the_email_went_and_the_code(team, settings):
    settings.DEMO_MODE = True
    signup = start(team)
    team.post(step_url(signup, 2), CONTACT)
    code = _code(mail.outbox[-1].body)
    page = team.get(step_url(signup, 2)).content.decode()
    assert 'id="demo-email-note"' in page and code in page
    settings.DEMO_MODE = False
    assert code not in team.get(step_url(signup, 2)).content.decode()


def test_a_later_step_does_not_open_before_the_earlier_ones(team):
    signup = start(team)
    response = team.get(step_url(signup, 5))
    assert response.status_code == 302 and response["Location"].endswith("/2/")


# --- Steps 3 and 4 ------------------------------------------------------------------------


def test_step3_refuses_a_plan_not_offered(team):
    signup = through_step2(team)
    response = team.post(step_url(signup, 3), {"plan": "gratis-selamanya"})
    assert response.status_code == 200
    signup.refresh_from_db()
    assert signup.plan_code == "" and signup.step_done == 2


def test_step4_previews_what_the_template_sets_and_refuses_an_unknown_one(team):
    signup = through_step2(team)
    team.post(step_url(signup, 3), {"plan": "dasar"})
    page = team.get(step_url(signup, 4) + "?lihat=surabaya").content.decode()
    assert "Model Surabaya" in page and "80" in page
    response = team.post(step_url(signup, 4), {"template": "tidak-ada"})
    assert response.status_code == 200
    signup.refresh_from_db()
    assert signup.template_name == ""


# --- Step 5 -------------------------------------------------------------------------------


def test_good_files_are_checked_and_nothing_is_created(team, surabaya):
    signup = through_step4(team)
    for kind, rows in (("units", personas.UNITS), ("positions", personas.POSITIONS)):
        upload(team, signup, kind, csv_of(rows))
    signup.refresh_from_db()
    assert signup.check_state == CheckState.OK
    assert {f.kind: f.ok for f in signup.files.all()} == {"units": True, "positions": True}
    template = Pemda.objects.get(schema_name="tpl_surabaya")
    with template:
        from core.org.models import Unit

        assert not Unit.objects.exists() and not User.objects.exists()


def test_a_file_checked_during_the_request_has_the_requests_time_limit(team, monkeypatch):
    """As for any import (core.importing.services.SYNCHRONOUS_LIMITS): a file read inside
    the request must be read within its time, or it is refused as too slow to read."""
    from dataclasses import replace

    from core.importing import services as importing_services

    slow = replace(importing_services.SYNCHRONOUS_LIMITS, seconds=0.0)
    monkeypatch.setattr("onboarding.wizard.checking.SYNCHRONOUS_LIMITS", slow)
    signup = through_step4(team)
    # Enough cells for the reader to look at its clock (it does so every 4,096 cells).
    rows = [personas.UNITS[0]] + [[f"U{n:04}", f"Unit {n}", "", "Badan"] for n in range(1100)]
    upload(team, signup, "units", csv_of(rows))
    signup.refresh_from_db()
    assert signup.check_state == CheckState.BAD
    report = signup.files.get(kind="units").report
    assert report["unusable"] and not report["written"]
    assert "lebih dari 0 detik" in report["errors"][0]["message"]


def test_every_bad_row_is_shown_and_the_step_cannot_be_left(team):
    signup = through_step4(team)
    upload(team, signup, "units", csv_of(personas.UNITS))
    rows = [list(row) for row in personas.EMPLOYEES]
    rows[1][0] = "123"  # a NIP that is not one
    rows[2][4] = "TIDAK-ADA"  # a position that does not exist
    upload(team, signup, "employees", csv_of(rows))
    signup.refresh_from_db()
    assert signup.check_state == CheckState.BAD
    page = team.get(step_url(signup, 5)).content.decode()
    assert "TIDAK-ADA" in page and "NIP" in page
    employees = signup.files.get(kind="employees")
    assert {error["row"] for error in employees.report["errors"]} >= {2, 3}
    response = team.post(step_url(signup, 5))
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.step_done == 4


def test_a_file_that_is_not_a_table_is_refused(team):
    signup = through_step4(team)
    response = upload(team, signup, "units", b"%PDF-1.4 not a table", name="units.pdf")
    assert response.status_code == 302
    assert not signup.files.exists()


def test_an_employee_with_the_admins_address_is_refused_before_launch(team):
    signup = through_step4(team)
    upload(team, signup, "units", csv_of(personas.UNITS))
    upload(team, signup, "positions", csv_of(personas.POSITIONS))
    rows = [list(row) for row in personas.EMPLOYEES]
    email_column = rows[0].index("Email")
    rows[1][email_column] = CONTACT["admin_email"]
    upload(team, signup, "employees", csv_of(rows))
    signup.refresh_from_db()
    assert signup.check_state == CheckState.BAD


def test_removing_the_bad_file_makes_the_step_pass(team):
    signup = through_step4(team)
    upload(team, signup, "positions", csv_of(personas.POSITIONS))  # no units: every row bad
    signup.refresh_from_db()
    assert signup.check_state == CheckState.BAD
    team.post(f"/daftar/{signup.public_id}/5/hapus/positions/")
    signup.refresh_from_db()
    assert signup.check_state == CheckState.NONE
    assert team.post(step_url(signup, 5)).status_code == 302
    signup.refresh_from_db()
    assert signup.step_done == 5


# --- Who may see a sign-up ----------------------------------------------------------------


def test_another_browser_cannot_see_or_change_a_sign_up(team):
    signup = through_step2(team)
    stranger = Client(HTTP_HOST="localhost")
    for url in (
        step_url(signup, 1),
        step_url(signup, 2),
        step_url(signup, 3),
        f"/daftar/{signup.public_id}/5/status/",
        f"/daftar/{signup.public_id}/peluncuran/",
        f"/daftar/{signup.public_id}/peluncuran/status/",
    ):
        assert stranger.get(url).status_code == 404, url
    for url, data in (
        (step_url(signup, 3), {"plan": "lengkap"}),
        (f"/daftar/{signup.public_id}/2/kode/", {"code": "123456"}),
        (f"/daftar/{signup.public_id}/5/hapus/units/", {}),
        (step_url(signup, 6), {}),
        (f"/daftar/{signup.public_id}/peluncuran/ulang/", {}),
    ):
        assert stranger.post(url, data).status_code == 404, url
    signup.refresh_from_db()
    assert signup.plan_code == "" and signup.state == SignUpState.DRAFT


def test_the_resume_link_opens_the_sign_up_in_another_browser(team):
    signup = through_step2(team)
    link = re.search(r"https?://[^/]+(/daftar/lanjut/\S+/)", mail.outbox[0].body).group(1)
    other = Client(HTTP_HOST="localhost")
    response = other.get(link)
    assert response.status_code == 302 and response["Location"] == step_url(signup, 3)
    assert other.get(step_url(signup, 3)).status_code == 200


def test_a_forged_or_foreign_resume_link_opens_nothing(team):
    signup = start(team)
    other = Client(HTTP_HOST="localhost")
    assert other.get(f"/daftar/lanjut/{signup.public_id}/").status_code == 404
    forged = access.resume_token(signup.public_id, "x@example.go.id")[:-2] + "xx"
    assert other.get(f"/daftar/lanjut/{forged}/").status_code == 404
    assert other.get(step_url(signup, 1)).status_code == 404


def test_a_verify_link_for_another_address_verifies_nothing(team):
    signup = start(team)
    team.post(step_url(signup, 2), CONTACT)
    token = access.verify_token(signup.public_id, "penyerang@contoh.id")
    assert team.get(f"/daftar/verifikasi/{token}/").status_code == 404
    signup.refresh_from_db()
    assert signup.email_verified_at is None


# --- Launch -------------------------------------------------------------------------------


def test_launch_is_refused_while_something_is_missing(team):
    signup = through_step2(team)
    with pytest.raises(services.SignUpError):
        services.signup_launch(signup=signup)
    assert not Pemda.objects.filter(region_id=REGION).exists()


def test_a_launch_creates_the_pemda_with_its_organisation_and_admin(team):
    from core.org.models import Employee, Unit

    signup = ready(team)
    response = team.post(step_url(signup, 6))
    assert response.status_code == 302
    assert response["Location"] == f"/daftar/{signup.public_id}/peluncuran/"
    signup.refresh_from_db()
    assert signup.state == SignUpState.LAUNCHING and signup.pemda.status == PemdaStatus.REQUESTED
    signup = signup_provision(signup_id=signup.pk)  # what the worker runs
    assert signup.state == SignUpState.DONE, signup.error
    pemda = Pemda.objects.get(pk=signup.pemda_id)
    assert pemda.status == PemdaStatus.ACTIVE and pemda.subscription.plan.code == "standar"
    with pemda:
        admin = User.objects.get(email=CONTACT["admin_email"])
        assert admin.check_password(PASSWORD) and admin.name == "Rina Admin"
        assert Unit.objects.count() == len(personas.UNITS) - 1
        assert Employee.objects.count() == len(personas.EMPLOYEES) - 1
    connection.set_schema_to_public()
    assert not any(bytes(f.data) for f in signup.files.all())  # the personal data left
    page = team.get(f"/daftar/{signup.public_id}/peluncuran/status/").content.decode()
    assert f"{pemda.slug}.localhost" in page and "100" in page
    client = Client(HTTP_HOST=pemda.domain_name)
    response = client.post(
        "/accounts/login/", {"username": CONTACT["admin_email"], "password": PASSWORD}
    )
    assert response.status_code == 302


def test_a_double_click_or_a_second_tab_launches_once(team):
    signup = ready(team, with_org=False)
    first = team.post(step_url(signup, 6))
    second = team.post(step_url(signup, 6))
    tab = services.signup_launch(signup=signup)
    assert first.status_code == second.status_code == 302
    assert second["Location"].endswith("/peluncuran/")
    assert tab.state == SignUpState.LAUNCHING
    assert Pemda.objects.filter(region_id=REGION).count() == 1


def test_after_the_launch_the_steps_can_no_longer_change(team):
    signup = ready(team, with_org=False)
    team.post(step_url(signup, 6))
    response = team.post(step_url(signup, 3), {"plan": "lengkap"})
    assert response.status_code == 302 and response["Location"].endswith("/peluncuran/")
    with pytest.raises(services.SignUpError):
        services.signup_plan_set(signup=signup, plan_code="lengkap")


def test_a_failed_launch_says_why_and_is_retried_without_creating_anything_twice(team, monkeypatch):
    from onboarding.wizard import launch

    signup = ready(team, with_org=False)
    team.post(step_url(signup, 6))

    def broken(pemda, plan_code):
        raise RuntimeError("billing down")

    monkeypatch.setattr(launch, "_subscription_start", broken)
    signup = signup_provision(signup_id=signup.pk)
    assert signup.state == SignUpState.FAILED
    pemda = Pemda.objects.get(region_id=REGION)
    # The team reads a plain statement; the technical detail is for platform staff.
    assert "billing down" not in signup.error and "billing down" in pemda.error
    assert pemda.status == PemdaStatus.FAILED
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [pemda.schema_name])
        assert cursor.fetchone() is None  # rolled back: no half-made schema
    page = team.get(f"/daftar/{signup.public_id}/peluncuran/").content.decode()
    assert f"/daftar/{signup.public_id}/peluncuran/ulang/" in page  # the retry button

    monkeypatch.undo()
    assert team.post(f"/daftar/{signup.public_id}/peluncuran/ulang/").status_code == 302
    team.post(f"/daftar/{signup.public_id}/peluncuran/ulang/")  # a second click: no-op
    signup = signup_provision(signup_id=signup.pk, restart=True)
    assert signup.state == SignUpState.DONE, signup.error
    assert Pemda.objects.filter(region_id=REGION).count() == 1
    assert Pemda.objects.get(region_id=REGION).status == PemdaStatus.ACTIVE


# --- Found in review ----------------------------------------------------------------------


def test_going_back_to_another_template_or_admin_address_checks_the_files_again(team):
    signup = ready(team)
    assert team.post(step_url(signup, 4), {"template": "jabar"}).status_code == 302
    signup.refresh_from_db()
    assert signup.check_state == CheckState.OK and signup.step_done == 4  # not stuck queued
    assert team.post(step_url(signup, 5)).status_code == 302
    signup = services.signup_contact_save(
        signup=signup,
        **{k: v for k, v in CONTACT.items() if k != "password_again"}
        | {"admin_email": "baru@malangkab.go.id"},
    )
    assert signup.check_state == CheckState.OK


def test_a_resume_link_sent_to_a_corrected_address_opens_nothing(team):
    signup = start(team)
    mail.outbox.clear()
    team.post(step_url(signup, 2), CONTACT | {"admin_email": "salah@malangkab.go.id"})
    old_link = re.search(r"https?://[^/]+(/daftar/lanjut/\S+/)", mail.outbox[-1].body).group(1)
    team.post(step_url(signup, 2), CONTACT)  # the address corrected: a new e-mail
    new_link = re.search(r"https?://[^/]+(/daftar/lanjut/\S+/)", mail.outbox[-1].body).group(1)
    stranger = Client(HTTP_HOST="localhost")
    assert stranger.get(old_link).status_code == 404
    assert stranger.get(step_url(signup, 2)).status_code == 404
    owner = Client(HTTP_HOST="localhost")
    assert owner.get(new_link).status_code == 302


def test_an_unverified_sign_up_does_not_hold_its_pemda(team):
    squatter = start(team)  # never verified
    other = Client(HTTP_HOST="localhost")
    assert other.post("/daftar/", {"region": REGION}).status_code == 302
    squatter.refresh_from_db()
    assert squatter.state == SignUpState.EXPIRED
    assert team.post(step_url(squatter, 2), CONTACT).status_code == 404  # gone, as a link
    squatter.refresh_from_db()
    assert squatter.state == SignUpState.EXPIRED and squatter.admin_email == ""


def test_a_file_uploaded_in_another_tab_while_launching_stops_the_launch(team, monkeypatch):
    signup = ready(team)
    original = services.rules.launch_missing

    def other_tab_uploads(facts):  # between the launch's read and its compare-and-set
        SignUp.objects.filter(pk=signup.pk).update(
            check_version=signup.check_version + 1, check_state=CheckState.QUEUED
        )
        return original(facts)

    monkeypatch.setattr(services.rules, "launch_missing", other_tab_uploads)
    with pytest.raises(services.SignUpError):
        services.signup_launch(signup=signup)
    assert SignUp.objects.get(pk=signup.pk).state == SignUpState.DRAFT
    assert not Pemda.objects.filter(region_id=REGION).exists()


def test_checks_of_two_sign_ups_of_one_template_do_not_wait_for_each_other(team):
    """Another team's check holds its transaction open (its copy of the template, with its
    first admin in it): this one still runs at once."""
    import threading

    from django.db import connections, transaction

    from tenants.cloning import schema_clone

    copied, done = threading.Event(), threading.Event()

    def other_check():
        try:
            with transaction.atomic():
                schema_clone(source="tpl_surabaya", target="chk_other")
                connection.set_schema("chk_other")
                User(username="admin", email="a@other.go.id").save()
                copied.set()
                done.wait(30)
                transaction.set_rollback(True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_check)
    thread.start()
    try:
        assert copied.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        signup = ready(team)  # checks the files inline
        assert signup.check_state == CheckState.OK
    finally:
        done.set()
        thread.join(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_a_failed_launch_can_go_back_to_the_files_and_launch_again(team, monkeypatch):
    from onboarding.wizard import launch

    signup = ready(team)
    team.post(step_url(signup, 6))
    monkeypatch.setattr(
        launch,
        "_subscription_start",
        lambda pemda, plan_code: (_ for _ in ()).throw(
            launch.SignUpImportError("Contoh kegagalan.")
        ),
    )
    signup = signup_provision(signup_id=signup.pk)
    assert signup.state == SignUpState.FAILED and "Contoh kegagalan." in signup.error
    monkeypatch.undo()

    response = team.post(f"/daftar/{signup.public_id}/peluncuran/ubah/")
    assert response.status_code == 302 and response["Location"].endswith("/5/")
    signup.refresh_from_db()
    assert signup.state == SignUpState.DRAFT and signup.step_done == 4
    assert team.post(step_url(signup, 4), {"template": "jabar"}).status_code == 302
    assert team.post(step_url(signup, 5)).status_code == 302
    assert team.post(step_url(signup, 1), {"region": "35.73"}).status_code in (200, 302)
    signup.refresh_from_db()
    assert signup.region_id == REGION  # the prepared Pemda's region cannot change
    assert team.post(step_url(signup, 6)).status_code == 302
    signup = signup_provision(signup_id=signup.pk, restart=True)
    assert signup.state == SignUpState.DONE, signup.error
    pemda = Pemda.objects.get(region_id=REGION)
    assert pemda.status == PemdaStatus.ACTIVE and pemda.template.schema_name == "tpl_jabar"
    assert signup.admin_password_hash == ""  # the credential lives in the Pemda only


def test_an_abandoned_sign_up_keeps_no_personal_data(team):
    signup = ready(team)
    assert services.signups_abandoned_purge() == 0  # still held
    SignUp.objects.filter(pk=signup.pk).update(
        updated_at=signup.updated_at.replace(year=signup.updated_at.year - 1)
    )
    assert services.signups_abandoned_purge() == 1
    signup.refresh_from_db()
    assert signup.state == SignUpState.EXPIRED and signup.admin_password_hash == ""
    assert not any(bytes(file.data) for file in signup.files.all())
    assert services.signups_abandoned_purge() == 0  # nothing left to purge
