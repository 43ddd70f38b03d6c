"""Issue 7, "Logins, e-mails and links": failed logins are throttled per account and per
address in each Pemda's own schema (and on the platform), the person is told why and for
how long, the admin can unlock; password e-mails are rate-limited per account and per
address without the page ever saying whether an account exists."""

import datetime
import json

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory, override_settings

from core.accounts.models import PasswordEmail, Role, User
from core.accounts.throttle import client_address, lockout_response, rate_wait
from core.audit.models import AuditEvent
from core.org.models import Employee
from tests.conftest import ATASAN_NIP, PASSWORD, client_for, login
from tests.personas import KASUB

pytestmark = pytest.mark.django_db

ATASAN_EMAIL = "atasan@surabaya.go.id"


def fail(client, identifier, times=1):
    """``times`` wrong passwords for ``identifier``; the last response."""
    for _ in range(times):
        response = login(client, identifier, "salah-sekali")
    return response


def from_address(pemda, address):
    return Client(HTTP_HOST=pemda.domain_name, REMOTE_ADDR=address)


def in_english(client):
    """The client, having chosen English in the language menu (pages default to Indonesian)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Failed logins ----------------------------------------------------------------------


def test_after_five_wrong_passwords_the_right_one_is_refused_with_the_reason(surabaya_client):
    in_english(surabaya_client)
    for _ in range(4):
        assert fail(surabaya_client, "atasan").status_code == 200
    fifth = fail(surabaya_client, "atasan")
    assert fifth.status_code == 429  # the fifth failure already pauses

    response = login(surabaya_client, "atasan", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in surabaya_client.session
    page = response.content.decode()
    assert "Too many failed logins" in page and "15 minutes" in page
    assert 'name="password"' in page  # the login page itself, not a bare error page
    assert response["Retry-After"] == "900"


def test_the_nip_the_email_and_the_username_count_against_the_same_account(
    surabaya, surabaya_client
):
    fail(surabaya_client, ATASAN_NIP, 2)
    fail(surabaya_client, ATASAN_EMAIL.upper(), 2)
    assert fail(surabaya_client, "19800105 200503 1 003").status_code == 429
    assert login(surabaya_client, "ATASAN", PASSWORD).status_code == 429
    with surabaya:
        assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"atasan"}


def test_an_identifier_longer_than_any_account_is_a_failed_login(surabaya_client):
    """Its failure used to be stored at full length and answer 500 (varchar(255))."""
    for identifier in ("x" * 5000, "9" * 300, "a" * 300 + "@surabaya.go.id"):
        response = fail(surabaya_client, identifier)
        assert response.status_code == 200
        assert response.context["form"].errors


def test_the_account_still_logs_in_from_another_address_and_others_from_this_one(surabaya):
    here, elsewhere = from_address(surabaya, "10.1.1.1"), from_address(surabaya, "10.2.2.2")
    fail(here, "atasan", 5)
    assert login(here, "atasan").status_code == 429
    assert login(elsewhere, "atasan").status_code == 302
    assert login(here, "pimpinan").status_code == 302


def test_twenty_failures_from_one_address_pause_every_account_there(surabaya):
    here, elsewhere = from_address(surabaya, "10.1.1.1"), from_address(surabaya, "10.2.2.2")
    for name in ("budi", "sari", "joko", "wati", "agus"):
        fail(here, name, 4)  # accounts that do not exist count too
    assert login(here, "pimpinan").status_code == 429
    assert login(elsewhere, "pimpinan").status_code == 302


def test_a_login_clears_only_its_own_failures_from_its_address(surabaya):
    here = from_address(surabaya, "10.1.1.1")
    fail(here, "atasan", 4)
    fail(here, "pimpinan", 3)
    assert login(here, "atasan").status_code == 302
    fail(Client(HTTP_HOST=surabaya.domain_name, REMOTE_ADDR="10.1.1.1"), "atasan", 4)
    assert login(from_address(surabaya, "10.1.1.1"), "atasan").status_code == 302
    assert fail(here, "pimpinan", 2).status_code == 429  # 3 + 2: not cleared by atasan


def fail_from_many_addresses(pemda, identifiers, times):
    """``times`` wrong passwords, each from a new address, cycling through ``identifiers``
    (which all name one account); the last response."""
    for n in range(times):
        response = fail(from_address(pemda, f"10.3.{n // 250}.{n % 250 + 1}"), identifiers[n % 3])
    return response


def test_thirty_failures_from_thirty_addresses_lock_the_account_everywhere(surabaya):
    identifiers = [ATASAN_NIP, ATASAN_EMAIL, "atasan"]
    assert fail_from_many_addresses(surabaya, identifiers, 29).status_code == 200
    assert fail(from_address(surabaya, "10.4.0.1"), "atasan").status_code == 429  # the 30th

    fresh = in_english(from_address(surabaya, "10.9.9.9"))
    response = login(fresh, ATASAN_EMAIL, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in fresh.session
    page = response.content.decode()
    assert "this account is temporarily locked" in page and "15 minutes" in page
    assert "BKPSDMD admin of your Pemda" in page
    assert response["Retry-After"] == "900"


def test_a_browser_that_logged_in_before_is_spared_the_lock_on_its_account(surabaya):
    """Anyone can lock an account with 30 wrong passwords (every Pemda's first admin is
    "admin"): its owner's own browser still logs in; a guesser's does not."""
    owner = from_address(surabaya, "10.8.0.1")
    assert login(owner, "atasan", PASSWORD).status_code == 302
    assert owner.cookies["sinergi_login_device"]["httponly"]
    owner.post("/accounts/logout/")
    identifiers = [ATASAN_NIP, ATASAN_EMAIL, "atasan"]
    assert fail_from_many_addresses(surabaya, identifiers, 30).status_code == 429

    assert login(from_address(surabaya, "10.9.9.9"), "atasan", PASSWORD).status_code == 429
    owner.defaults["REMOTE_ADDR"] = "10.8.0.2"  # the owner's browser, from another address
    assert login(owner, "atasan", PASSWORD).status_code == 302
    # The cookie is the account's and the Pemda's: worthless for another account or forged.
    thief = from_address(surabaya, "10.9.9.8")
    thief.cookies["sinergi_login_device"] = owner.cookies["sinergi_login_device"].value + "x"
    assert login(thief, "atasan", PASSWORD).status_code == 429


def test_the_admin_unlock_lifts_the_lock_on_the_account_everywhere(people, surabaya):
    in_english(people["admin"])
    with surabaya:
        pk = Employee.objects.get(nip=KASUB).pk
    fail_from_many_addresses(surabaya, [KASUB, "dewi@surabaya.go.id", KASUB], 30)
    assert login(from_address(surabaya, "10.9.9.9"), KASUB).status_code == 429

    assert "login locked" in people["admin"].get(f"/org/employees/{pk}/").content.decode()
    response = people["admin"].post(f"/org/employees/{pk}/login-unlock/", follow=True)
    assert "can log in again" in response.content.decode()

    assert login(from_address(surabaya, "10.9.9.9"), KASUB).status_code == 302
    with surabaya:
        assert AuditEvent.objects.filter(action="accounts.login_unlock").count() == 1


def test_the_lock_on_one_account_leaves_other_accounts_alone(surabaya):
    fail_from_many_addresses(surabaya, ["atasan"] * 3, 30)
    assert login(from_address(surabaya, "10.9.9.9"), "atasan").status_code == 429
    assert login(from_address(surabaya, "10.9.9.9"), "pimpinan").status_code == 302
    assert login(from_address(surabaya, "10.3.0.30"), "pimpinan").status_code == 302


@override_settings(LOGIN_FAILURES_PER_ACCOUNT_ALL_ADDRESSES=3)
def test_the_ceiling_comes_from_the_settings_and_holds_on_the_platform_too():
    User.objects.create_user("tamu", password="tamu-rahasia-1", role=Role.PLATFORM_STAFF)
    for n in range(3):
        fail(Client(HTTP_HOST="localhost", REMOTE_ADDR=f"10.5.0.{n + 1}"), "tamu")
    fresh = in_english(Client(HTTP_HOST="localhost", REMOTE_ADDR="10.9.9.9"))
    response = login(fresh, "tamu", "tamu-rahasia-1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "this account is temporarily locked" in page and "platform support" in page


def test_the_pause_ends_after_the_cool_off(surabaya, surabaya_client):
    fail(surabaya_client, "atasan", 5)
    with surabaya:
        AccessAttempt.objects.update(
            attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
        )
    assert login(surabaya_client, "atasan").status_code == 302


def test_failures_are_counted_in_each_pemdas_own_schema(surabaya, jambi):
    fail(from_address(surabaya, "10.1.1.1"), "admin", 5)
    assert login(from_address(surabaya, "10.1.1.1"), "admin").status_code == 429
    # Jambi's admin (same username, same address) is another account in another schema.
    assert login(from_address(jambi, "10.1.1.1"), "admin", "sandi-jambi-456").status_code == 302
    with surabaya:
        assert AccessAttempt.objects.filter(username="admin").count() == 1
    with jambi:
        assert AccessAttempt.objects.count() == 0
    assert AccessAttempt.objects.count() == 0  # public


def test_the_platform_login_and_its_admin_login_are_throttled_too():
    User.objects.create_superuser(
        "staf", "staf@sinergi.id", "staf-rahasia-1", role=Role.PLATFORM_STAFF
    )
    client = in_english(Client(HTTP_HOST="localhost"))
    for _ in range(5):
        client.post("/admin/login/", {"username": "staf@sinergi.id", "password": "salah"})
    response = client.post("/admin/login/", {"username": "staf", "password": "staf-rahasia-1"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "platform support" in response.content.decode()
    assert login(client, "staf", "staf-rahasia-1").status_code == 429
    assert AccessAttempt.objects.filter(username="staf").exists()  # in public


def test_platform_staff_see_and_lift_platform_lockouts_in_the_admin():
    User.objects.create_user("tamu", password="tamu-rahasia-1", role=Role.PLATFORM_STAFF)
    fail(Client(HTTP_HOST="localhost"), "tamu", 5)
    staff = User.objects.create_superuser("staf", "staf@sinergi.id", "staf-rahasia-1")
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff)
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "tamu" in page.content.decode()
    attempt = AccessAttempt.objects.get(username="tamu")
    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert login(Client(HTTP_HOST="localhost"), "tamu", "tamu-rahasia-1").status_code == 302


def test_a_locked_out_api_request_is_answered_in_json(english):
    request = RequestFactory().post("/api/v1/employees/")
    response = lockout_response(request)
    assert response.status_code == 429
    assert "Too many failed logins" in json.loads(response.content)["detail"]


def test_the_address_is_the_one_the_trusted_proxies_saw(settings):
    request = RequestFactory().post(
        "/accounts/login/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",  # the client wrote the first one
    )
    settings.TRUSTED_PROXIES = 0
    assert client_address(request) == "10.0.0.2"
    settings.TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.9"
    settings.TRUSTED_PROXIES = 3  # fewer entries than proxies: the direct peer
    assert client_address(request) == "10.0.0.2"


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=2, AXES_FAILURE_LIMIT=2, LOGIN_COOLOFF_MINUTES=1)
def test_the_limits_come_from_the_settings(surabaya_client):
    assert fail(surabaya_client, "atasan", 2).status_code == 429
    assert login(surabaya_client, "atasan")["Retry-After"] == "60"


# --- Unlocking --------------------------------------------------------------------------


def test_the_admin_unlocks_an_employee_from_their_page(people, surabaya):
    in_english(people["admin"])
    with surabaya:
        pk = Employee.objects.get(nip=KASUB).pk
    fail(client_for(surabaya), KASUB, 5)
    assert login(client_for(surabaya), KASUB).status_code == 429

    page = people["admin"].get(f"/org/employees/{pk}/").content.decode()
    assert "Unlock login" in page and "login locked" in page
    response = people["admin"].post(f"/org/employees/{pk}/login-unlock/", follow=True)
    assert "can log in again" in response.content.decode()
    assert "Unlock login" not in response.content.decode()

    assert login(client_for(surabaya), KASUB).status_code == 302
    with surabaya:
        event = AuditEvent.objects.get(action="accounts.login_unlock")
        assert (event.object_type, event.object_id) == ("org.employee", str(pk))
        assert event.before == {"login_locked": True}
        assert event.actor.username == "admin"


def test_only_the_admin_may_unlock(people, surabaya):
    with surabaya:
        pk = Employee.objects.get(nip=KASUB).pk
    fail(client_for(surabaya), KASUB, 5)
    assert people["kabid"].post(f"/org/employees/{pk}/login-unlock/").status_code == 403
    assert people["anonymous"].post(f"/org/employees/{pk}/login-unlock/").status_code == 302
    assert "Unlock login" not in people["head"].get(f"/org/employees/{pk}/").content.decode()
    assert login(client_for(surabaya), KASUB).status_code == 429


def test_unlocking_an_account_that_is_not_locked_records_nothing(people, surabaya):
    in_english(people["admin"])
    with surabaya:
        pk = Employee.objects.get(nip=KASUB).pk
    response = people["admin"].post(f"/org/employees/{pk}/login-unlock/", follow=True)
    assert "was not locked out" in response.content.decode()
    with surabaya:
        assert not AuditEvent.objects.filter(action="accounts.login_unlock").exists()


# --- Password e-mails -------------------------------------------------------------------


def test_thirty_reset_requests_send_one_email_and_every_page_says_the_same(surabaya_client):
    responses = [
        surabaya_client.post("/accounts/password_reset/", {"email": ATASAN_EMAIL})
        for _ in range(30)
    ]
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, "/accounts/password_reset/done/")
    }
    assert len(mail.outbox) == 1


def test_an_account_gets_one_email_per_two_minutes_and_five_a_day(surabaya, surabaya_client):
    def request_and_age(minutes):
        surabaya_client.post("/accounts/password_reset/", {"email": ATASAN_EMAIL})
        with surabaya:
            PasswordEmail.objects.update(
                sent_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=minutes)
            )

    request_and_age(1)
    surabaya_client.post("/accounts/password_reset/", {"email": ATASAN_EMAIL})
    assert len(mail.outbox) == 1  # a minute later: not yet
    for _ in range(5):
        request_and_age(3)
    assert len(mail.outbox) == 5  # then one each time, up to five a day


def test_one_address_cannot_mail_many_accounts(surabaya):
    with surabaya:
        for n in range(11):
            User.objects.create_user(f"orang{n}", email=f"orang{n}@surabaya.go.id")
    here, elsewhere = from_address(surabaya, "10.1.1.1"), from_address(surabaya, "10.2.2.2")
    for n in range(11):
        here.post("/accounts/password_reset/", {"email": f"orang{n}@surabaya.go.id"})
    assert len(mail.outbox) == 10
    elsewhere.post("/accounts/password_reset/", {"email": "orang10@surabaya.go.id"})
    assert len(mail.outbox) == 11


def test_the_admin_is_told_when_a_password_link_is_held_back(
    people, surabaya, django_capture_on_commit_callbacks
):
    in_english(people["admin"])
    with surabaya:
        pk = Employee.objects.get(nip=KASUB).pk
    url = f"/org/employees/{pk}/password-setup/"
    with django_capture_on_commit_callbacks() as sent:
        first = people["admin"].post(url, follow=True).content.decode()
        second = people["admin"].post(url, follow=True).content.decode()
    assert "will be sent to dewi@surabaya.go.id" in first
    assert "The next one can be sent in 2\xa0minutes" in second
    assert len(sent) == 1
    with surabaya:
        assert AuditEvent.objects.filter(action="org.password_link").count() == 1


def test_a_reset_asked_for_by_the_owner_counts_against_the_admins_link_too(people, surabaya):
    in_english(people["admin"])
    people["anonymous"].post("/accounts/password_reset/", {"email": "dewi@surabaya.go.id"})
    assert len(mail.outbox) == 1
    with surabaya:
        pk = Employee.objects.get(nip=KASUB).pk
    page = people["admin"].post(f"/org/employees/{pk}/password-setup/", follow=True)
    assert "short while ago" in page.content.decode()


def test_rate_wait_counts_only_the_window():
    now = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
    minutes = [now - datetime.timedelta(minutes=m) for m in (1, 30, 70)]
    hour = datetime.timedelta(hours=1)
    assert rate_wait(minutes, now=now, limit=3, window=hour) is None
    assert rate_wait(minutes, now=now, limit=2, window=hour) == datetime.timedelta(minutes=30)
    assert rate_wait(minutes, now=now, limit=1, window=hour) == datetime.timedelta(minutes=59)
    assert rate_wait([], now=now, limit=1, window=hour) is None


def test_the_addresses_of_one_ipv6_64_count_as_one(rf, settings):
    from core.accounts.throttle import client_address

    settings.TRUSTED_PROXIES = 0
    first = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    elsewhere = rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert client_address(first) == client_address(other) == "2001:db8:1:2::"
    assert client_address(elsewhere) != client_address(first)
    assert client_address(rf.get("/", REMOTE_ADDR="::ffff:10.0.0.7")) == "10.0.0.7"


def test_strangers_cannot_use_up_the_admins_password_link(surabaya):
    import datetime

    from django.utils import timezone

    from core.accounts.models import PasswordEmail, User
    from core.accounts.services import account_password_email_claim

    with surabaya:
        user = User.objects.get(username="admin")
        long_ago = timezone.now() - datetime.timedelta(hours=1)
        for n in range(10):  # the day's cap, used up from the login page
            PasswordEmail.objects.create(user=user, address=f"10.0.0.{n}", sent_at=long_ago)
        assert account_password_email_claim(user=user, address="10.9.9.9") is not None
        assert account_password_email_claim(user=user, address=None) is None  # the admin's
        assert account_password_email_claim(user=user, address=None) is not None  # 2 minutes
